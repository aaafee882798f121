/**
 * The training ledger (培训台账) for the whole district for one year, computed in SQL
 * (server/trainings/ledger.ts) — against a baseline in the same run that loads the rows into Node
 * and sums them there. Goal: p95 ≤ 100 ms on PostgreSQL and on PGlite.
 *
 * Data: 400 people over 5 years, 2,000 trainings, 100,000 check-ins (50 per training); a tenth of
 * the people are 两委, a tenth hired in the reported year. Both ways must give the same totals.
 *
 *   node --import tsx bench/ledger.bench.ts            # full size (the lead runs it on a quiet machine)
 *   BENCH_SMOKE=1 node --import tsx bench/ledger.bench.ts   # tiny size, checks that it works
 *
 * PostgreSQL: BENCH_PG_URL or DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres) names the server;
 * the bench creates and drops its own database `forum_bench_ledger`. LEDGER_BENCH_ENGINES=postgres,pglite.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { users } from "../server/auth/schema.ts";
import { type Database, openDatabase, queryRows, sql } from "../server/db/client.ts";
import { seedOrg } from "../server/db/seed.ts";
import { communities } from "../server/org/schema.ts";
import { computeLedger } from "../server/trainings/ledger.ts";
import { checkins, trainings } from "../server/trainings/schema.ts";
import { TRAINING_TYPES } from "../shared/trainings.ts";
import { ownDatabase, report, summarize } from "./lib.ts";

const SMOKE = process.env.BENCH_SMOKE === "1";
const PEOPLE = SMOKE ? 40 : 400;
const TRAININGS = SMOKE ? 100 : 2000;
const PER_TRAINING = SMOKE ? 10 : 50;
const RUNS = SMOKE ? 3 : 40;
const YEAR = 2026;
const YEARS = [2022, 2023, 2024, 2025, 2026];
const HOURS_PER_DAY = 8;
const ENGINES = (process.env.LEDGER_BENCH_ENGINES ?? "postgres,pglite").split(",");
const BENCH_DB = "forum_bench_ledger";

/** A small deterministic generator, so every run loads the same district. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

async function load(db: Database["db"]) {
  const random = rng(17);
  await seedOrg(db);
  const places = await db.select({ id: communities.id }).from(communities);
  const people = Array.from({ length: PEOPLE }, (_, i) => ({
    username: `bench${i}`,
    displayName: `台账测试${i}`,
    passwordHash: "x",
    role: (i % 8 === 0 ? "secretary" : "worker") as "secretary" | "worker",
    roles: [i % 8 === 0 ? "secretary" : "worker"] as ("secretary" | "worker")[],
    flags: (i % 10 === 0 ? ["liangwei"] : i % 10 === 1 ? ["new_hire"] : []) as ("liangwei" | "new_hire")[],
    hireDate: i % 10 === 1 ? `${YEAR}-${String(1 + (i % 12)).padStart(2, "0")}-15` : `20${10 + (i % 12)}-03-01`,
    communityId: places[i % places.length]!.id,
  }));
  const userRows = await db.insert(users).values(people).returning({ id: users.id });
  const creator = userRows[0]!.id;
  const trainingRows: { id: string }[] = [];
  for (let start = 0; start < TRAININGS; start += 500) {
    const batch = Array.from({ length: Math.min(500, TRAININGS - start) }, (_, k) => {
      const i = start + k;
      const year = YEARS[i % YEARS.length]!;
      const startsAt = new Date(Date.UTC(year, Math.floor(random() * 12), 1 + Math.floor(random() * 27), 1));
      return {
        title: `培训${i}`,
        level: "district" as const,
        type: TRAINING_TYPES[i % TRAINING_TYPES.length]!,
        startsAt,
        endsAt: new Date(startsAt.getTime() + 3 * 3_600_000),
        hours: 1 + (i % 8),
        audience: { roles: [], flags: [], streets: [], communities: [] },
        createdBy: creator,
      };
    });
    trainingRows.push(...(await db.insert(trainings).values(batch).returning({ id: trainings.id })));
  }
  let rows: (typeof checkins.$inferInsert)[] = [];
  for (const [t, training] of trainingRows.entries()) {
    const offset = Math.floor(random() * PEOPLE);
    for (let k = 0; k < PER_TRAINING; k += 1) {
      rows.push({
        kind: "training",
        activityId: training.id,
        userId: userRows[(offset + k * 7) % PEOPLE]!.id,
        source: "code",
      });
    }
    if (rows.length >= 5000 || t === trainingRows.length - 1) {
      await db.insert(checkins).values(rows).onConflictDoNothing();
      rows = [];
    }
  }
  await db.execute(sql`analyze`);
}

/**
 * The baseline: every counted person and every check-in with its training loaded into Node,
 * then the same rules applied in a loop (only the year's total, the part both must agree on).
 */
async function ledgerInNode(db: Database["db"]) {
  const people = await queryRows<{ id: string; flags: string[]; hire_date: string | null }>(
    db,
    sql`select u.id, u.flags, to_char(u.hire_date, 'YYYY-MM-DD') as hire_date from users u
        where u.community_id is not null and not u.disabled and u.roles && array['secretary','worker']::text[]`,
  );
  const attended = await queryRows<{ user_id: string; hours: string | number; starts_at: string | Date }>(
    db,
    sql`select c.user_id, t.hours, t.starts_at from checkins c join trainings t on t.id = c.activity_id where c.kind = 'training'`,
  );
  const from = Date.parse(`${YEAR}-01-01T00:00:00+08:00`);
  const to = Date.parse(`${YEAR + 1}-01-01T00:00:00+08:00`);
  const done = new Map<string, number>();
  for (const a of attended) {
    const at = new Date(a.starts_at).getTime();
    if (at >= from && at < to) done.set(a.user_id, (done.get(a.user_id) ?? 0) + Number(a.hours));
  }
  return people.map((p) => {
    const days = p.flags.includes("liangwei") ? 7 : 5;
    const hired = p.hire_date ? Number(p.hire_date.slice(0, 4)) : 0;
    const months = !p.hire_date || hired < YEAR ? 12 : hired > YEAR ? 0 : 13 - Number(p.hire_date.slice(5, 7));
    const required = Math.ceil((days * HOURS_PER_DAY * months) / 12);
    return { id: p.id, required, done: done.get(p.id) ?? 0 };
  });
}

async function time(run: () => Promise<unknown>): Promise<number[]> {
  await run(); // warm-up: plans cached, pages in memory
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  return samples;
}

async function measure(engine: string, database: Database) {
  const loadStarted = performance.now();
  await load(database.db);
  console.log(`${engine}: loaded in ${Math.round(performance.now() - loadStarted)} ms`);
  const ctx = { db: database.db, config: { TRAINING_HOURS_PER_DAY: HOURS_PER_DAY } };

  // both ways must agree before either is timed
  const inSql = await computeLedger(ctx, { year: YEAR });
  const inNode = new Map((await ledgerInNode(database.db)).map((r) => [r.id, r]));
  for (const row of inSql) {
    const other = inNode.get(row.user.id);
    if (!other || other.required !== row.required || Math.abs(other.done - row.done) > 1e-9) {
      throw new Error(`SQL and Node disagree for ${row.user.id}: ${JSON.stringify({ sql: row, node: other })}`);
    }
  }
  if (inSql.length !== inNode.size) throw new Error(`row counts differ: ${inSql.length} vs ${inNode.size}`);

  const sqlRuns = summarize(await time(() => computeLedger(ctx, { year: YEAR })));
  const nodeRuns = summarize(await time(() => ledgerInNode(database.db)));
  return {
    engine,
    people: inSql.length,
    sqlP50: +sqlRuns.p50.toFixed(1),
    sqlP95: +sqlRuns.p95.toFixed(1),
    nodeP50: +nodeRuns.p50.toFixed(1),
    nodeP95: +nodeRuns.p95.toFixed(1),
    ratioP95: +(nodeRuns.p95 / sqlRuns.p95).toFixed(2),
    goalMet: sqlRuns.p95 <= 100,
  };
}

async function withPostgres<T>(run: (db: Database) => Promise<T>): Promise<T> {
  const own = await ownDatabase(BENCH_DB);
  const db = await openDatabase({ databaseUrl: own.url, dataDir: "" });
  try {
    return await run(db);
  } finally {
    await db.close();
    await own.drop();
  }
}

async function withPglite<T>(run: (db: Database) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), "ledger-bench-"));
  const db = await openDatabase({ dataDir: dir });
  try {
    return await run(db);
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  console.log(
    `${SMOKE ? "SMOKE " : ""}${PEOPLE} people, ${TRAININGS} trainings, ${TRAININGS * PER_TRAINING} check-ins, ${RUNS} runs each`,
  );
  const rows = [];
  for (const engine of ENGINES) {
    rows.push(await (engine === "postgres" ? withPostgres : withPglite)((db) => measure(engine, db)));
  }
  const load = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" / ");
  console.log(`load average (1/5/15 min): ${load}`);
  report(
    SMOKE ? "ledger-smoke" : "ledger",
    { people: PEOPLE, trainings: TRAININGS, checkins: TRAININGS * PER_TRAINING, runs: RUNS, loadAverage: load },
    rows,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
