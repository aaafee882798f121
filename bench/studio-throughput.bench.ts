/**
 * Studio chat throughput: 70 studios of 3 members, every member online over Socket.IO (210 sockets),
 * 200 of them sending `studio:send` as fast as their acknowledgements allow for 10 s. An ack is sent
 * only after the message is committed, so acked/s is committed messages per second. Then the p50/p99
 * ack latency at an offered 1,000 msg/s. Baseline: single-row INSERTs from the same number of
 * concurrent workers over a postgres.js pool, and the ratio. Run on PostgreSQL — in a database of its
 * own, `forum_bench_studio`, created and dropped on the server BENCH_PG_URL or DATABASE_URL names
 * (default postgres://postgres@127.0.0.1:5432/postgres) — and then on PGlite. The server runs in its own
 * process; every row the run makes is removed afterwards, and the seqs are checked for gaps and
 * duplicates before that.
 *
 *   node --import tsx bench/studio-throughput.bench.ts
 *   SECONDS=5 node --import tsx bench/studio-throughput.bench.ts
 */
import { type ChildProcess, fork } from "node:child_process";
import { io as ioClient, type Socket } from "socket.io-client";
import { ownDatabase, report, summarize } from "./lib.ts";

const SECONDS = Math.min(30, Math.max(2, Number(process.env.SECONDS ?? 10)));
const SENDERS = 200;
const OFFERED_RATE = 1000;
const here = new URL(".", import.meta.url).pathname;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Ready {
  url: string;
  dbKind: string;
  studios: { id: string; tokens: string[] }[];
}

function startServerChild(databaseUrl: string): Promise<{ child: ChildProcess; ready: Ready }> {
  const child = fork(`${here}studio-throughput.server.ts`, [], {
    execArgv: ["--import", "tsx", ...(process.env.SERVER_NODE_ARGS ? process.env.SERVER_NODE_ARGS.split(" ") : [])],
    env: { ...process.env, BENCH_DATABASE_URL: databaseUrl },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("server not ready in 120 s")), 120_000);
    child.once("message", (ready) => {
      clearTimeout(timer);
      resolve({ child, ready: ready as Ready });
    });
    child.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
  });
}

function ask<T>(child: ChildProcess, cmd: string): Promise<T> {
  return new Promise((resolve) => {
    child.once("message", (m) => resolve(m as T));
    child.send({ cmd });
  });
}

async function stopChild(child: ChildProcess) {
  child.removeAllListeners("exit");
  const exited = new Promise((r) => child.once("exit", r));
  child.send({ cmd: "stop" });
  await Promise.race([exited, sleep(20_000)]);
  if (child.exitCode === null) child.kill("SIGKILL");
}

interface Member {
  socket: Socket;
  studioId: string;
}

async function connectAll(ready: Ready): Promise<Member[]> {
  const members: Member[] = [];
  for (const studio of ready.studios) {
    for (const token of studio.tokens) {
      const socket = ioClient(ready.url, {
        path: "/socket.io",
        transports: ["websocket"],
        extraHeaders: { cookie: `session=${token}` },
        reconnection: false,
        forceNew: true,
      });
      members.push({ socket, studioId: studio.id });
    }
  }
  await Promise.all(
    members.map(
      (m) =>
        new Promise<void>((resolve, reject) => {
          m.socket.once("connect", () => resolve());
          m.socket.once("connect_error", reject);
        }),
    ),
  );
  // everyone online in their studio's room, receiving every message as a member would
  for (let i = 0; i < members.length; i += 50) {
    await Promise.all(
      members.slice(i, i + 50).map(async (m) => {
        const ack = await m.socket.timeout(30_000).emitWithAck("studio:join", { studioId: m.studioId });
        if (!ack.ok) throw new Error(`join failed: ${JSON.stringify(ack)}`);
      }),
    );
  }
  return members;
}

let clientSeq = 0;
async function sendOne(m: Member): Promise<number> {
  const started = performance.now();
  const ack = await m.socket.timeout(30_000).emitWithAck("studio:send", {
    studioId: m.studioId,
    text: `压测消息 ${clientSeq}`,
    clientId: `bench-${process.pid}-${++clientSeq}`,
  });
  if (!ack.ok) throw new Error(`send failed: ${JSON.stringify(ack.error)}`);
  return performance.now() - started;
}

/** Every sender sends, waits for the ack, sends again — for `seconds`. */
async function saturate(senders: Member[], seconds: number) {
  const latencies: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    senders.map(async (m) => {
      while (performance.now() < deadline) latencies.push(await sendOne(m));
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  return { acked: latencies.length, perSecond: Math.round(latencies.length / elapsed), ...summarize(latencies) };
}

/** Sends at a fixed offered rate, round-robin over the senders, not waiting for acks. */
async function offered(senders: Member[], rate: number, seconds: number) {
  const latencies: number[] = [];
  const pending: Promise<void>[] = [];
  const total = rate * seconds;
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    pending.push(sendOne(senders[i % senders.length]!).then((ms) => void latencies.push(ms)));
  }
  await Promise.all(pending);
  const elapsed = (performance.now() - start) / 1000;
  return { acked: latencies.length, perSecond: Math.round(latencies.length / elapsed), ...summarize(latencies) };
}

/** Single-row INSERTs from SENDERS concurrent workers for `seconds`, on PostgreSQL via postgres.js. */
async function baselinePostgres(url: string, seconds: number) {
  const { default: postgres } = await import("postgres");
  const probe = postgres(url, { max: 1, onnotice: () => {} });
  const [limits] =
    await probe`select current_setting('max_connections')::int as max, (select count(*)::int from pg_stat_activity) as used`;
  await probe.end();
  // PostgreSQL here allows 100 connections in all; leave room for the server's pool and others.
  const connections = Math.max(10, Math.min(SENDERS, limits!.max - limits!.used - 30));
  const sqlc = postgres(url, { max: connections, onnotice: () => {} });
  const table = `studio_bench_baseline_${process.pid}`;
  await sqlc.unsafe(
    `create table ${table} (id bigserial primary key, studio_id uuid not null, seq int not null, client_id text not null, text text not null, created_at timestamptz not null default now())`,
  );
  try {
    const latencies: number[] = [];
    const deadline = performance.now() + seconds * 1000;
    const started = performance.now();
    let n = 0;
    await Promise.all(
      Array.from({ length: SENDERS }, async (_, w) => {
        const studioId = crypto.randomUUID();
        while (performance.now() < deadline) {
          const t0 = performance.now();
          n += 1;
          await sqlc.unsafe(`insert into ${table} (studio_id, seq, client_id, text) values ($1, $2, $3, $4)`, [
            studioId,
            n,
            `b-${w}-${n}`,
            `压测消息 ${n}`,
          ]);
          latencies.push(performance.now() - t0);
        }
      }),
    );
    const elapsed = (performance.now() - started) / 1000;
    return {
      connections,
      inserts: latencies.length,
      perSecond: Math.round(latencies.length / elapsed),
      ...summarize(latencies),
    };
  } finally {
    await sqlc.unsafe(`drop table ${table}`);
    await sqlc.end();
  }
}

/** The same on an in-memory PGlite (one connection by nature), SENDERS concurrent callers. */
async function baselinePglite(seconds: number) {
  const { PGlite } = await import("@electric-sql/pglite");
  const db = await PGlite.create();
  await db.exec(
    `create table baseline (id bigserial primary key, studio_id uuid not null, seq int not null, client_id text not null, text text not null, created_at timestamptz not null default now())`,
  );
  const latencies: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  let n = 0;
  await Promise.all(
    Array.from({ length: SENDERS }, async (_, w) => {
      const studioId = crypto.randomUUID();
      while (performance.now() < deadline) {
        const t0 = performance.now();
        n += 1;
        await db.query(`insert into baseline (studio_id, seq, client_id, text) values ($1, $2, $3, $4)`, [
          studioId,
          n,
          `b-${w}-${n}`,
          `压测消息 ${n}`,
        ]);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  await db.close();
  return {
    connections: 1,
    inserts: latencies.length,
    perSecond: Math.round(latencies.length / elapsed),
    ...summarize(latencies),
  };
}

async function run(kind: "postgres" | "pglite", databaseUrl = "") {
  const { child, ready } = await startServerChild(kind === "postgres" ? databaseUrl : "");
  let members: Member[] = [];
  try {
    members = await connectAll(ready);
    const senders = members.slice(0, SENDERS);
    // warm-up: every sender once (connection pools, JIT, caches)
    await Promise.all(senders.map((m) => sendOne(m)));
    const cpu0 = (await ask<{ cpu: NodeJS.CpuUsage }>(child, "cpu")).cpu;
    const own0 = process.cpuUsage();
    const sat = await saturate(senders, SECONDS);
    const own1 = process.cpuUsage(own0);
    const cpu1 = (await ask<{ cpu: NodeJS.CpuUsage }>(child, "cpu")).cpu;
    await sleep(500);
    const off = await offered(senders, OFFERED_RATE, SECONDS);
    const integrity = await ask<{ stored: number; studiosWithGapsOrDuplicates: number }>(child, "verify");
    const serverCpuPerMessageUs = Math.round((cpu1.user - cpu0.user + cpu1.system - cpu0.system) / sat.acked);
    const clientCpuPerMessageUs = Math.round((own1.user + own1.system) / sat.acked);
    return { dbKind: ready.dbKind, sat, off, integrity, serverCpuPerMessageUs, clientCpuPerMessageUs };
  } finally {
    for (const m of members) m.socket.close();
    await stopChild(child);
  }
}

const only = process.env.ONLY;
const skipped = {
  sat: { perSecond: NaN, p50: NaN, p99: NaN },
  off: { perSecond: NaN, p50: NaN, p99: NaN },
  integrity: { stored: 0, studiosWithGapsOrDuplicates: 0 },
  serverCpuPerMessageUs: NaN,
  dbKind: "skipped",
} as unknown as Awaited<ReturnType<typeof run>>;
const noBase = { perSecond: NaN, connections: 0, p50: NaN, p99: NaN };
const own = only === "pglite" ? null : await ownDatabase("forum_bench_studio");
let pg = skipped;
let pgBase = noBase;
try {
  if (own) {
    pg = await run("postgres", own.url);
    pgBase = await baselinePostgres(own.url, SECONDS);
  }
} finally {
  await own?.drop();
}
const lite = only === "postgres" ? skipped : await run("pglite");
const liteBase = only === "postgres" ? noBase : await baselinePglite(SECONDS);

const row = (
  name: string,
  r: Awaited<ReturnType<typeof run>>,
  base: { perSecond: number; connections: number; p50: number; p99: number },
) => ({
  database: name,
  "acked msg/s (200 senders)": r.sat.perSecond,
  "ack p50 ms": +r.sat.p50.toFixed(1),
  "ack p99 ms": +r.sat.p99.toFixed(1),
  "p50 ms @1000/s": +r.off.p50.toFixed(1),
  "p99 ms @1000/s": +r.off.p99.toFixed(1),
  "achieved @1000/s": r.off.perSecond,
  "baseline INSERT/s": base.perSecond,
  "baseline conns": base.connections,
  "ratio msg/INSERT": +(r.sat.perSecond / base.perSecond).toFixed(2),
  "server CPU µs/msg": r.serverCpuPerMessageUs,
  "load generator CPU µs/msg": r.clientCpuPerMessageUs,
  "stored / gaps+dups": `${r.integrity.stored} / ${r.integrity.studiosWithGapsOrDuplicates}`,
});

const rows = [row("PostgreSQL", pg, pgBase), row("PGlite", lite, liteBase)];
report(
  "studio-throughput",
  {
    studios: 70,
    membersOnline: 210,
    senders: SENDERS,
    seconds: SECONDS,
    postgres: {
      saturated: pg.sat,
      offered1000: pg.off,
      baseline: pgBase,
      ratio: +(pg.sat.perSecond / pgBase.perSecond).toFixed(2),
      integrity: pg.integrity,
      serverCpuPerMessageUs: pg.serverCpuPerMessageUs,
      clientCpuPerMessageUs: pg.clientCpuPerMessageUs,
    },
    pglite: {
      saturated: lite.sat,
      offered1000: lite.off,
      baseline: liteBase,
      ratio: +(lite.sat.perSecond / liteBase.perSecond).toFixed(2),
      integrity: lite.integrity,
      serverCpuPerMessageUs: lite.serverCpuPerMessageUs,
      clientCpuPerMessageUs: lite.clientCpuPerMessageUs,
    },
  },
  rows,
);
process.exit(0);
