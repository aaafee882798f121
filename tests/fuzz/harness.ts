import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect } from "vitest";

/**
 * Fuzz settings. In CI (`npm test`) the seed is fixed and the count small, so a failure replays
 * exactly; `npm run fuzz` (FUZZ_LONG=1) picks a random seed, tries many more inputs, and prints
 * the seed so any failure can be replayed with FUZZ_SEED=<seed>.
 */
const LONG = process.env.FUZZ_LONG === "1";
export const FUZZ = {
  seed: process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : LONG ? Math.floor(Math.random() * 2 ** 31) : 20_261_130,
  /** scales every suite's base count */
  runs: (base: number) => Math.round(base * (LONG ? Number(process.env.FUZZ_SCALE ?? 20) : 1)),
  timeoutMs: LONG ? 60 * 60_000 : 120_000,
};

/** Counts the inputs tried by one suite and prints them with the seed at the end of the file. */
export function fuzzReport(suite: string) {
  const counter = { tried: 0 };
  afterAll(() => {
    console.log(
      `[fuzz] ${suite}: seed ${FUZZ.seed}, ${counter.tried} inputs tried (replay with FUZZ_SEED=${FUZZ.seed})`,
    );
  });
  return counter;
}

/**
 * Anything that escaped to the process's top level while fuzzing (in production: the process
 * would log it and exit). The server runs in this process, so this is how "it did not crash" is seen.
 */
export function watchProcessErrors(): unknown[] {
  const errors: unknown[] = [];
  const onError = (error: unknown) => errors.push(error);
  beforeAll(() => {
    process.on("unhandledRejection", onError);
    process.on("uncaughtException", onError);
  });
  afterAll(() => {
    process.off("unhandledRejection", onError);
    process.off("uncaughtException", onError);
  });
  return errors;
}

/** The health answer, which must be the same before and after (including a start time, if reported). */
export async function health(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${url}/api/health`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

export async function expectStillServing(url: string, before: { body: Record<string, unknown> }, errors: unknown[]) {
  expect(errors).toEqual([]);
  const after = await health(url);
  expect(after.status).toBe(200);
  if ("startedAt" in before.body || "startTime" in before.body) expect(after.body).toMatchObject(before.body);
}

/**
 * Every client→server Socket.IO event, read from the contract in shared/ (the `XxxClientEvents`
 * interfaces), so a new event is fuzzed without anyone remembering to add it here.
 */
export function clientEventNames(): string[] {
  const dir = new URL("../../shared/", import.meta.url).pathname;
  const names = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".ts"))) {
    const source = readFileSync(join(dir, file), "utf8");
    // `{}` (a feature with no client events yet) or a body that ends at the first `}` on a line of its own
    for (const block of source.matchAll(
      /export interface (?!ServerToClient)\w*ClientEvents[^{]*\{(\}|\n[\s\S]*?\n\})/g,
    )) {
      for (const name of block[1]!.matchAll(/^\s*"([a-z]+:[A-Za-z]+)"\s*:/gm)) names.add(name[1]!);
    }
  }
  return [...names].sort();
}
