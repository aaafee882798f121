import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ensureClientBuilt, REPO_ROOT } from "../e2e/harness.ts";
import { eventually } from "../helpers/clients.ts";
import { freePort } from "../helpers/processes.ts";

/** "The process survives its own bugs": it exits cleanly on one, and `npm start` brings it back. */

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
}

async function health(url: string): Promise<{ startedAt: string } | null> {
  try {
    const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2_000) });
    return res.status === 200 ? await res.json() : null;
  } catch {
    return null;
  }
}

async function environment() {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), "forum-lifecycle-"));
  const env = {
    ...process.env,
    PORT: String(port),
    HOST: "127.0.0.1",
    DATA_DIR: dataDir,
    DATABASE_URL: "",
    REDIS_URL: "",
    SEED_DEMO: "false",
    LOG_LEVEL: "info",
    NODE_ENV: "production",
  };
  // retried: a server still closing may write its last pages while the directory is removed
  return {
    env,
    url: `http://127.0.0.1:${port}`,
    cleanUp: () => rmSync(dataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 }),
  };
}

describe("a bug that reaches the top of the process", () => {
  for (const kind of ["rejection", "exception"]) {
    it(`an unhandled ${kind} is logged and the process closes and exits 1`, async () => {
      const { env, url, cleanUp } = await environment();
      const child = spawn(process.execPath, ["--import", "tsx", "tests/hardening/crashingServer.ts", kind], {
        cwd: REPO_ROOT,
        env,
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stdout!.on("data", (d) => (output += d));
      child.stderr!.on("data", (d) => (output += d));
      try {
        const result = await Promise.race([
          exited(child),
          new Promise<never>((_, reject) =>
            setTimeout(() => reject(new Error(`no exit in time:\n${output}`)), 150_000),
          ),
        ]);
        expect(result, output).toEqual({ code: 1, signal: null });
        const fatal = output
          .split("\n")
          .filter((line) => line.includes('"level":60'))
          .map((line) => JSON.parse(line));
        expect(fatal, output).toHaveLength(1);
        expect(fatal[0].err.message).toBe(`deliberate bug: ${kind}`);
        expect(output).toContain("listening");
        expect(await health(url)).toBeNull();
      } finally {
        child.kill("SIGKILL");
        cleanUp();
      }
    }, 180_000);
  }
});

describe("npm start (scripts/start.mjs)", () => {
  it("restarts the server after it is killed, and stops restarting on SIGTERM", async () => {
    ensureClientBuilt();
    const { env, url, cleanUp } = await environment();
    const supervisor = spawn(process.execPath, ["scripts/start.mjs"], {
      cwd: REPO_ROOT,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    supervisor.stdout!.on("data", (d) => (output += d));
    supervisor.stderr!.on("data", (d) => (output += d));
    try {
      const first = await eventually(() => health(url), 180_000, 200);
      const serverPid = Number(
        readFileSync(`/proc/${supervisor.pid}/task/${supervisor.pid}/children`, "utf8").trim().split(/\s+/)[0],
      );
      expect(serverPid).toBeGreaterThan(0);

      // A crash nothing can catch: the kernel kills the server.
      process.kill(serverPid, "SIGKILL");
      const second = await eventually(
        async () => {
          const now = await health(url);
          return now && now.startedAt !== first!.startedAt ? now : null;
        },
        180_000,
        200,
      );
      expect(Date.parse(second!.startedAt)).toBeGreaterThan(Date.parse(first!.startedAt));
      expect(output).toContain("重新启动");

      // SIGTERM ends the server gracefully and the supervisor with it; nothing comes back.
      supervisor.kill("SIGTERM");
      const result = await exited(supervisor);
      expect(result, output).toEqual({ code: 0, signal: null });
      await new Promise((r) => setTimeout(r, 1_500));
      expect(await health(url)).toBeNull();
    } finally {
      // SIGTERM lets the supervisor stop its server before the data directory goes
      supervisor.kill("SIGTERM");
      await Promise.race([exited(supervisor), new Promise((r) => setTimeout(r, 20_000))]);
      supervisor.kill("SIGKILL");
      cleanUp();
    }
  }, 400_000);
});
