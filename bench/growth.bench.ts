/**
 * 成长档案 and 区级看板 over HTTP against a real server: one person's record
 * (GET /api/people/:id/record) and the district dashboard (GET /api/dashboard), each against a
 * baseline in the same run that loads the rows into Node and computes there.
 * Goals (issue 18): record p95 ≤ 30 ms, dashboard p95 ≤ 200 ms, on PGlite and on PostgreSQL.
 *
 * Data: 400 people over 5 years, 50,000 evidence items, 1,000 trainings with 40 check-ins each,
 * 20 studios with 5,000 messages, 300 proposals.
 *
 *   node --import tsx bench/growth.bench.ts                    # full size, PGlite (the lead runs it)
 *   node --import tsx bench/growth.bench.ts --pg               # and PostgreSQL (or set DATABASE_URL)
 *   BENCH_SMOKE=1 node --import tsx bench/growth.bench.ts      # tiny size: checks that it works
 *
 * PostgreSQL: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres, trust) names the
 * server; the bench creates and drops its own database `bench_growth_<pid>`. PGlite: a temp dir.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os, { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { CAPABILITIES } from "../shared/vocabulary.ts";
import { EVIDENCE_KINDS } from "../shared/evidence.ts";
import type { Dashboard } from "../shared/dashboard.ts";
import { hashPassword } from "../server/auth/passwords.ts";
import { users } from "../server/auth/schema.ts";
import { parseConfig } from "../server/config.ts";
import { type Db, queryRows, sql } from "../server/db/client.ts";
import { seedOrg } from "../server/db/seed.ts";
import { getDashboard } from "../server/dashboard/service.ts";
import { evidence } from "../server/evidence/schema.ts";
import { communities } from "../server/org/schema.ts";
import { proposals } from "../server/proposals/schema.ts";
import { type RunningServer, startServer } from "../server/server.ts";
import { studioMessages, studios } from "../server/studios/schema.ts";
import { checkins, trainings } from "../server/trainings/schema.ts";
import { yearRange } from "../server/trainings/time.ts";
import { report, summarize } from "./lib.ts";

const SMOKE = process.env.BENCH_SMOKE === "1" || process.env.BENCH_SMALL === "1";
const PEOPLE = SMOKE ? 40 : 400;
const EVIDENCE = SMOKE ? 500 : 50_000;
const TRAININGS = SMOKE ? 50 : 1000;
const PER_TRAINING = SMOKE ? 5 : 40;
const STUDIOS = SMOKE ? 3 : 20;
const MESSAGES = SMOKE ? 60 : 5000;
const PROPOSALS = SMOKE ? 20 : 300;
const RUNS = SMOKE ? 3 : 60;
const YEARS = [2022, 2023, 2024, 2025, 2026];
const YEAR = 2025;
const HOURS_PER_DAY = 8;
const USE_PG = process.argv.includes("--pg") || Boolean(process.env.DATABASE_URL);
const PG_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const PASSWORD = "bench-password-1";

/** A small deterministic generator, so every run loads the same district. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const instantIn = (random: () => number, year: number) =>
  new Date(Date.UTC(year, Math.floor(random() * 12), 1 + Math.floor(random() * 27), Math.floor(random() * 10)));

async function insertInBatches<T>(rows: T[], insert: (batch: T[]) => Promise<unknown>, size = 2000) {
  for (let i = 0; i < rows.length; i += size) await insert(rows.slice(i, i + size));
}

/** Loads the district; returns the organiser who reads and a person whose record is read. */
async function load(db: Db): Promise<{ organiser: string; person: string }> {
  const random = rng(23);
  await seedOrg(db);
  const places = await db.select({ id: communities.id }).from(communities);
  const hash = await hashPassword(PASSWORD);
  const [organiser] = await db
    .insert(users)
    .values({
      username: "bench_organiser",
      displayName: "看板测试组织部",
      passwordHash: hash,
      role: "organiser",
      roles: ["organiser"],
    })
    .returning({ id: users.id });
  const people = await db
    .insert(users)
    .values(
      Array.from({ length: PEOPLE }, (_, i) => ({
        username: `growth${i}`,
        displayName: `成长测试${i}`,
        passwordHash: "x",
        role: (i % 8 === 0 ? "secretary" : "worker") as "secretary" | "worker",
        roles: [i % 8 === 0 ? "secretary" : "worker"] as ("secretary" | "worker")[],
        flags: (i % 10 === 0 ? ["liangwei"] : []) as "liangwei"[],
        hireDate: `20${10 + (i % 12)}-03-01`,
        communityId: places[i % places.length]!.id,
      })),
    )
    .returning({ id: users.id });
  const ids = people.map((p) => p.id);

  const trainingRows: { id: string; startsAt: Date }[] = [];
  await insertInBatches(
    Array.from({ length: TRAININGS }, (_, i) => {
      const startsAt = instantIn(random, YEARS[i % YEARS.length]!);
      return {
        title: `培训${i}`,
        level: "district" as const,
        type: "专题培训班" as const,
        startsAt,
        endsAt: new Date(startsAt.getTime() + 3 * 3_600_000),
        hours: 1 + (i % 8),
        capabilities: [CAPABILITIES[i % 6]!],
        audience: { roles: [], flags: [], streets: [], communities: [] },
        createdBy: organiser!.id,
      };
    }),
    async (batch) =>
      trainingRows.push(
        ...(await db.insert(trainings).values(batch).returning({ id: trainings.id, startsAt: trainings.startsAt })),
      ),
    500,
  );
  const checkinRows = trainingRows.flatMap((t) => {
    const offset = Math.floor(random() * PEOPLE);
    return Array.from({ length: PER_TRAINING }, (_, k) => ({
      kind: "training" as const,
      activityId: t.id,
      userId: ids[(offset + k * 7) % PEOPLE]!,
      source: "code" as const,
      at: t.startsAt,
    }));
  });
  await insertInBatches(checkinRows, (batch) => db.insert(checkins).values(batch).onConflictDoNothing());

  await insertInBatches(
    Array.from({ length: EVIDENCE }, (_, i) => {
      const kind = EVIDENCE_KINDS[i % EVIDENCE_KINDS.length]!;
      return {
        userId: ids[Math.floor(random() * PEOPLE)]!,
        kind,
        sourceKind: "training" as const,
        sourceId: `bench-${i}`,
        at: instantIn(random, YEARS[i % YEARS.length]!),
        title: `证据${i}`,
        capabilities: [CAPABILITIES[i % 6]!, ...(i % 3 === 0 ? [CAPABILITIES[(i + 2) % 6]!] : [])],
        score: kind === "talk_given" || kind === "proposal_approved" ? 60 + (i % 40) : null,
        detail: {},
      };
    }),
    (batch) => db.insert(evidence).values(batch),
  );

  const studioRows = await db
    .insert(studios)
    .values(
      Array.from({ length: STUDIOS }, (_, i) => ({
        name: `工作室${i}`,
        mentorId: ids[i]!,
        termStartsAt: new Date(Date.UTC(2022, 0, 1)),
        termEndsAt: new Date(Date.UTC(2027, 0, 1)),
      })),
    )
    .returning({ id: studios.id });
  await insertInBatches(
    Array.from({ length: MESSAGES }, (_, i) => ({
      studioId: studioRows[i % STUDIOS]!.id,
      seq: Math.floor(i / STUDIOS) + 1,
      clientId: `bench-${i}`,
      authorId: ids[i % PEOPLE]!,
      text: "工作交流",
      createdAt: instantIn(random, YEARS[i % YEARS.length]!),
    })),
    (batch) => db.insert(studioMessages).values(batch),
  );
  await insertInBatches(
    Array.from({ length: PROPOSALS }, (_, i) => ({
      title: `项目${i}`,
      communityId: places[i % places.length]!.id,
      ownerId: ids[i % PEOPLE]!,
      status: (["draft", "submitted", "in_review", "returned", "approved"] as const)[i % 5],
      createdAt: instantIn(random, YEARS[i % YEARS.length]!),
    })),
    (batch) => db.insert(proposals).values(batch),
  );
  await db.execute(sql`analyze`);
  return { organiser: organiser!.id, person: ids[1]! };
}

// ---------------------------------------------------------------- baselines: rows into Node

/** One person's year computed in Node: every check-in with its training, every evidence item. */
async function recordInNode(db: Db, userId: string) {
  const attended = await queryRows<{ hours: string | number; starts_at: string | Date }>(
    db,
    sql`select t.hours, t.starts_at from checkins c join trainings t on t.id = c.activity_id where c.user_id = ${userId}::uuid and c.kind = 'training'`,
  );
  const items = await queryRows<{
    kind: string;
    at: string | Date;
    title: string;
    capabilities: string[];
    score: string | null;
  }>(db, sql`select kind, at, title, capabilities, score from evidence where user_id = ${userId}::uuid`);
  const { from, to } = yearRange(YEAR);
  const inYear = (at: string | Date) => {
    const ms = new Date(at).getTime();
    return ms >= from.getTime() && ms < to.getTime();
  };
  const done = attended.filter((a) => inYear(a.starts_at)).reduce((sum, a) => sum + Number(a.hours), 0);
  const timeline = items
    .filter((e) => inYear(e.at))
    .sort((a, b) => new Date(b.at).getTime() - new Date(a.at).getTime());
  const counts = new Map<string, number>();
  for (const e of timeline) for (const c of e.capabilities) counts.set(c, (counts.get(c) ?? 0) + 1);
  return { done, timeline: timeline.length, counts };
}

/** The dashboard's main figures computed in Node from every counted person, check-in and evidence item. */
async function dashboardInNode(db: Db) {
  const people = await queryRows<{ id: string; street_id: string; flags: string[] }>(
    db,
    sql`select u.id, c.street_id, u.flags from users u join communities c on c.id = u.community_id
        where not u.disabled and u.roles && array['secretary','worker']::text[]`,
  );
  const attended = await queryRows<{ user_id: string; hours: string | number; starts_at: string | Date }>(
    db,
    sql`select c.user_id, t.hours, t.starts_at from checkins c join trainings t on t.id = c.activity_id where c.kind = 'training'`,
  );
  const items = await queryRows<{ user_id: string; kind: string; at: string | Date; capabilities: string[] }>(
    db,
    sql`select user_id, kind, at, capabilities from evidence`,
  );
  const { from, to } = yearRange(YEAR);
  const inYear = (at: string | Date) => {
    const ms = new Date(at).getTime();
    return ms >= from.getTime() && ms < to.getTime();
  };
  const done = new Map<string, number>();
  for (const a of attended) if (inYear(a.starts_at)) done.set(a.user_id, (done.get(a.user_id) ?? 0) + Number(a.hours));
  const byStreet = new Map<string, { required: number; done: number }>();
  const behind: { id: string; missing: number }[] = [];
  for (const p of people) {
    const required = (p.flags.includes("liangwei") ? 7 : 5) * HOURS_PER_DAY;
    const d = done.get(p.id) ?? 0;
    const street = byStreet.get(p.street_id) ?? { required: 0, done: 0 };
    street.required += required;
    street.done += d;
    byStreet.set(p.street_id, street);
    if (required > d) behind.push({ id: p.id, missing: required - d });
  }
  behind.sort((a, b) => b.missing - a.missing);
  const capabilities = new Map<string, number>();
  const kinds = new Map<string, number>();
  for (const e of items) {
    if (!inYear(e.at)) continue;
    kinds.set(e.kind, (kinds.get(e.kind) ?? 0) + 1);
    for (const c of e.capabilities) capabilities.set(c, (capabilities.get(c) ?? 0) + 1);
  }
  return { byStreet, behind: behind.slice(0, 20), capabilities, kinds };
}

// ---------------------------------------------------------------- timing

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

async function getJson(url: string, cookie: string): Promise<unknown> {
  const res = await fetch(url, { headers: { cookie } });
  if (res.status === 404 && url.includes("/record")) {
    throw new Error(
      `GET ${new URL(url).pathname} answered 404: the 成长档案 route (GET /api/people/:id/record) is not on this branch yet. ` +
        "Merge the growth-record work first, then run this benchmark.",
    );
  }
  if (!res.ok) throw new Error(`GET ${url} answered ${res.status}: ${await res.text()}`);
  return res.json();
}

async function signIn(server: RunningServer): Promise<string> {
  const res = await fetch(`${server.url}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: server.url },
    body: JSON.stringify({ username: "bench_organiser", password: PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith("session="));
  if (!cookie) throw new Error("sign-in set no session cookie");
  return cookie.split(";")[0]!;
}

const round = (ms: number) => +ms.toFixed(1);

async function measure(engine: string, env: Record<string, string>) {
  const server = await startServer(
    parseConfig({
      PORT: "0",
      HOST: "127.0.0.1",
      LOG_LEVEL: "silent",
      SEED_DEMO: "false",
      TRAINING_HOURS_PER_DAY: String(HOURS_PER_DAY),
      LOGIN_LIMIT_PER_ACCOUNT: "1000",
      LOGIN_LIMIT_PER_ADDRESS: "100000",
      ...env,
    }),
  );
  try {
    const loadStarted = performance.now();
    const { person } = await load(server.ctx.db);
    console.log(`${engine}: loaded in ${Math.round(performance.now() - loadStarted)} ms`);
    const cookie = await signIn(server);
    const recordUrl = `${server.url}/api/people/${person}/record?year=${YEAR}`;
    const dashboardUrl = `${server.url}/api/dashboard?year=${YEAR}`;

    // the two ways must agree on what both compute before either is timed
    const fromSql = (await getJson(dashboardUrl, cookie)) as { dashboard: Dashboard };
    const fromNode = await dashboardInNode(server.ctx.db);
    for (const street of fromSql.dashboard.streets) {
      const other = fromNode.byStreet.get(street.streetId) ?? { required: 0, done: 0 };
      if (other.required !== street.required || Math.abs(other.done - street.done) > 1e-6) {
        throw new Error(
          `dashboard: SQL and Node disagree for ${street.streetId}: ${JSON.stringify({ sql: street, node: other })}`,
        );
      }
    }
    for (const c of fromSql.dashboard.capabilities) {
      if ((fromNode.capabilities.get(c.capability) ?? 0) !== c.count)
        throw new Error(`dashboard: capability ${c.capability} differs`);
    }
    await getJson(recordUrl, cookie);

    const recordHttp = summarize(await time(() => getJson(recordUrl, cookie)));
    const recordNode = summarize(await time(() => recordInNode(server.ctx.db, person)));
    const dashboardHttp = summarize(await time(() => getJson(dashboardUrl, cookie)));
    const dashboardSql = summarize(await time(() => getDashboard(server.ctx, { year: YEAR })));
    const dashboardNode = summarize(await time(() => dashboardInNode(server.ctx.db)));
    return {
      engine,
      recordHttpP50: round(recordHttp.p50),
      recordHttpP95: round(recordHttp.p95),
      recordNodeP95: round(recordNode.p95),
      recordRatioP95: +(recordNode.p95 / recordHttp.p95).toFixed(2),
      recordGoalMet: recordHttp.p95 <= 30,
      dashboardHttpP50: round(dashboardHttp.p50),
      dashboardHttpP95: round(dashboardHttp.p95),
      dashboardSqlP95: round(dashboardSql.p95),
      dashboardNodeP95: round(dashboardNode.p95),
      dashboardRatioP95: +(dashboardNode.p95 / dashboardSql.p95).toFixed(2),
      dashboardGoalMet: dashboardHttp.p95 <= 200,
    };
  } finally {
    await server.close();
  }
}

async function onPglite() {
  const dir = mkdtempSync(join(tmpdir(), "growth-bench-"));
  try {
    return await measure("pglite", { DATA_DIR: dir });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function onPostgres() {
  const name = `bench_growth_${process.pid}`;
  const admin = postgres(PG_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  const dir = mkdtempSync(join(tmpdir(), "growth-bench-"));
  try {
    return await measure("postgres", { DATABASE_URL: url.toString(), DATA_DIR: dir });
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

async function main() {
  console.log(
    `${SMOKE ? "SMOKE " : ""}${PEOPLE} people, ${EVIDENCE} evidence items, ${TRAININGS * PER_TRAINING} check-ins, ` +
      `${MESSAGES} studio messages, ${PROPOSALS} proposals over ${YEARS.length} years; year ${YEAR}; ${RUNS} runs each`,
  );
  const rows = [await onPglite()];
  if (USE_PG) rows.push(await onPostgres());
  const load = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" / ");
  console.log(`load average (1/5/15 min): ${load}`);
  report(
    SMOKE ? "growth-smoke" : "growth",
    { people: PEOPLE, evidence: EVIDENCE, checkins: TRAININGS * PER_TRAINING, runs: RUNS, loadAverage: load },
    rows,
  );
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
