import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { createOwnDatabase, withDatabase } from "../tests/helpers/pgDatabase.ts";

/** Machine line recorded with every figure. */
export function machine(): string {
  return `${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export function summarize(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? NaN,
  };
}

/** Writes bench/results/<name>.json and prints the figures as a table. */
export function report(name: string, figures: Record<string, unknown>, rows?: Record<string, unknown>[]): void {
  const result = { name, machine: machine(), date: new Date().toISOString(), ...figures, rows };
  mkdirSync(new URL("./results", import.meta.url), { recursive: true });
  writeFileSync(new URL(`./results/${name}.json`, import.meta.url), JSON.stringify(result, null, 2));
  console.log(`\n## ${name}  (${result.machine}, ${result.date})`);
  if (rows) console.table(rows);
  else console.table(figures);
}

/**
 * A URL on the benchmarks' PostgreSQL server — BENCH_PG_URL, else DATABASE_URL, else the local
 * default; only its host, port and user count — naming `database` instead.
 */
export function pgDatabaseUrl(database: string): string {
  return withDatabase(
    process.env.BENCH_PG_URL || process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/postgres",
    database,
  );
}

/** A database of the benchmark's own (createOwnDatabase): no benchmark expects one to exist. */
export async function ownDatabase(name: string): Promise<{ url: string; drop(): Promise<void> }> {
  if (!/^forum_bench_[a-z_]+$/.test(name))
    throw new Error(`a benchmark's own database is named forum_bench_…, not ${name}`);
  return createOwnDatabase(pgDatabaseUrl("postgres"), name);
}

/** The 1-minute load average, one decimal: recorded with every figure, so a busy machine shows. */
export function loadAverage(): number {
  return Math.round(os.loadavg()[0]! * 10) / 10;
}

/**
 * Waits (bounded) until the 1-minute load average is below `below`, so figures are not the run
 * queue's; returns what it saw, and whether it gave up waiting — the caller reports both.
 */
export async function waitForQuietMachine(
  below = 1,
  maxWaitMs = 10 * 60_000,
): Promise<{ loadAverage: number; waitedS: number; quiet: boolean }> {
  const started = Date.now();
  while (os.loadavg()[0]! >= below && Date.now() - started < maxWaitMs) {
    await new Promise((r) => setTimeout(r, 5_000));
  }
  return {
    loadAverage: loadAverage(),
    waitedS: Math.round((Date.now() - started) / 1000),
    quiet: os.loadavg()[0]! < below,
  };
}
