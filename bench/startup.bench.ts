/**
 * Start-up to the first HTTP 200 with an existing (already migrated and seeded) data directory:
 * p50 of 5 runs of the server as `npm start` runs it (the bundle, scripts/buildServer.mjs), beside
 * the floor (plain Node answering the same request with nothing of ours,
 * bench/startup-baseline.server.mjs), the bundle with every package left in node_modules (as it was
 * built before) and the server run from its sources through tsx, the four started in turn. Start-up
 * is mostly CPU, so the runs wait (bounded) for the 1-minute load average to fall below 1, and
 * report whether it did.
 *
 *   node --import tsx bench/startup.bench.ts                 # figures (waits up to BENCH_QUIET_WAIT_S, default 600)
 *   BENCH_SMOKE=1 node --import tsx bench/startup.bench.ts   # one run each, no waiting: checks that it works
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildServer, SERVER_BUNDLE } from "../scripts/buildServer.mjs";
import { fromRoot } from "../server/lib/paths.ts";
import { loadAverage, report, summarize, waitForQuietMachine } from "./lib.ts";
import { freePort } from "../tests/helpers/processes.ts";

const SMOKE = process.env.BENCH_SMOKE === "1";
const RUNS = Number(process.env.BENCH_RUNS ?? (SMOKE ? 1 : 5));
const QUIET_WAIT_S = SMOKE ? 0 : Number(process.env.BENCH_QUIET_WAIT_S ?? 600);
const TIMEOUT_MS = 60_000;

/** The four ways of starting that are compared: the node arguments of each. */
const BUNDLE = [SERVER_BUNDLE];
/** the bundle as it was built before 2026-12-02: every package left in node_modules (inside the project, where they are found) */
const PACKAGES_OUTSIDE_DIR = fromRoot("build", "bench-startup-packages-outside");
const PACKAGES_OUTSIDE = [join(PACKAGES_OUTSIDE_DIR, "main.mjs")];
const SOURCES = ["--import", "tsx", "server/main.ts"];
const FLOOR = ["bench/startup-baseline.server.mjs"];

/** Spawns node with `args` and times it to the first GET /api/health 200. */
async function startOnce(args: string[], dataDir: string): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: "127.0.0.1",
      DATA_DIR: dataDir,
      LOG_LEVEL: "warn",
      DATABASE_URL: "",
      REDIS_URL: "",
    },
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
    throw new Error(`${args.join(" ")} did not answer within 60 s`);
  } finally {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
  }
}

// The data directory is this benchmark's own (an embedded database), made by the first start.
const dataDir = mkdtempSync(join(tmpdir(), "forum-bench-startup-"));
try {
  await buildServer();
  await buildServer({ outDir: PACKAGES_OUTSIDE_DIR, packagesInside: false });
  const first = await startOnce(BUNDLE, dataDir); // creates, migrates and seeds the database
  const quiet = await waitForQuietMachine(1, QUIET_WAIT_S * 1000);
  if (!quiet.quiet)
    console.warn(`load average still ${quiet.loadAverage} after waiting ${quiet.waitedS} s: measuring anyway`);
  const ours: number[] = [];
  const packagesOutside: number[] = [];
  const fromSources: number[] = [];
  const floor: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    floor.push(await startOnce(FLOOR, dataDir));
    ours.push(await startOnce(BUNDLE, dataDir));
    packagesOutside.push(await startOnce(PACKAGES_OUTSIDE, dataDir));
    fromSources.push(await startOnce(SOURCES, dataDir));
  }
  const s = summarize(ours);
  const f = summarize(floor);
  const t = summarize(fromSources);
  const o = summarize(packagesOutside);
  report("startup", {
    goal_ms: 1500,
    first_start_ms: Math.round(first),
    existing_dir_p50_ms: Math.round(s.p50),
    existing_dir_max_ms: Math.round(s.max),
    floor_plain_node_p50_ms: Math.round(f.p50),
    bundle_packages_in_node_modules_p50_ms: Math.round(o.p50),
    from_sources_through_tsx_p50_ms: Math.round(t.p50),
    ours_minus_floor_p50_ms: Math.round(s.p50 - f.p50),
    runs: s.n,
    machine_load_average_1min_before: quiet.loadAverage,
    machine_load_average_1min_after: loadAverage(),
    waited_for_quiet_s: quiet.waitedS,
    quiet_machine: quiet.quiet,
    smoke: SMOKE,
  });
} finally {
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(PACKAGES_OUTSIDE_DIR, { recursive: true, force: true });
}
