import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { report, summarize } from "./lib.ts";
import { freePort } from "../tests/helpers/processes.ts";

/** Start-up to the first HTTP 200 with an existing (already migrated and seeded) data directory. */
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const TIMEOUT_MS = 60_000;

async function startOnce(dataDir: string): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
    env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", DATA_DIR: dataDir, LOG_LEVEL: "warn", DATABASE_URL: "", REDIS_URL: "" },
    stdio: "inherit",
  });
  try {
    while (performance.now() - started < TIMEOUT_MS) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/api/health`);
        if (res.status === 200) return performance.now() - started;
      } catch {
        /* not listening yet */
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error("server did not answer within 60 s");
  } finally {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
  }
}

const dataDir = mkdtempSync(join(tmpdir(), "forum-bench-startup-"));
try {
  const first = await startOnce(dataDir); // creates, migrates and seeds the database
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) samples.push(await startOnce(dataDir));
  const s = summarize(samples);
  report("startup", {
    goal_ms: 2000,
    first_start_ms: Math.round(first),
    existing_dir_p50_ms: Math.round(s.p50),
    existing_dir_max_ms: Math.round(s.max),
    runs: s.n,
  });
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
