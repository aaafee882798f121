/**
 * Whole-system benchmark (issue 7): a mixed workload at human rates against the real server on
 * PostgreSQL — 60% forum viewers, 20% studio chatters, 10% proposal editors, 10% Q&A searchers —
 * stepping the number of users up until a p99 budget is missed, first with one server process,
 * then with two processes sharing PostgreSQL and Redis.
 *
 *   node --import tsx bench/system-mixed.bench.ts
 *   BENCH_STEPS=100,200 BENCH_STEP_SECONDS=8 node --import tsx bench/system-mixed.bench.ts   # quick
 *
 * Environment: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/forum_bench — dropped and
 * recreated at the start), REDIS_URL (default redis://127.0.0.1:6379), BENCH_STEPS, BENCH_STEP_SECONDS,
 * BENCH_PROCESSES ("1,2"), BENCH_WORKERS (load-generator processes, default 2), BENCH_QUESTIONS.
 */
import { type ChildProcess, fork, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { io as ioClient, type Socket } from "socket.io-client";
import { sessions, users } from "../server/auth/schema.ts";
import { generateSessionToken, sessionIdFromToken } from "../server/auth/sessions.ts";
import { openDatabase, queryRows } from "../server/db/client.ts";
import { seedOrg } from "../server/db/seed.ts";
import { qaQuestions } from "../server/qa/schema.ts";
import { searchVectorLiteral } from "../server/qa/search.ts";
import { report, summarize } from "./lib.ts";
import type { Kind, ToWorker, UserSpec, WorkerSamples } from "./system-worker.ts";
import { freePort } from "../tests/helpers/processes.ts";

// ——— configuration ———

const DATABASE_URL = process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/forum_bench";
const REDIS_URL = process.env.REDIS_URL || "redis://127.0.0.1:6379";
const STEPS = (process.env.BENCH_STEPS ?? "250,500,1000,1500,2000,2500,3000")
  .split(",")
  .map((s) => Number(s.trim()))
  .filter((n) => Number.isInteger(n) && n >= 10)
  .slice(0, 12);
const STEP_SECONDS = Math.min(120, Math.max(3, Number(process.env.BENCH_STEP_SECONDS ?? 20)));
const PROCESS_MODES = (process.env.BENCH_PROCESSES ?? "1,2")
  .split(",")
  .map(Number)
  .filter((n) => n === 1 || n === 2);
const WORKERS = Math.min(4, Math.max(1, Number(process.env.BENCH_WORKERS ?? 2)));
const QUESTIONS = Math.min(20_000, Number(process.env.BENCH_QUESTIONS ?? 3000));
const SLIDE_EVERY_MS = 2000;
const PRESENTER_CHAT_EVERY_MS = 5000;
const SETTLE_MS = 3000;
const GRACE_MS = 2500;
const ADD_TIMEOUT_MS = 180_000;
const BUDGET = { slide: 100, chatAck: 100, edit: 100, search: 200 } as const;
/** below this share of delivered/answered actions a step fails whatever its latencies */
const MIN_DELIVERED = 99;
/** measurement windows per step before it counts as missed */
const ATTEMPTS = Math.max(1, Math.min(5, Number(process.env.BENCH_ATTEMPTS ?? 3)));
/** "0": keep stepping after a missed step (to see the trend); default stops at the first miss */
const STOP_ON_MISS = process.env.BENCH_STOP_ON_MISS !== "0";
/**
 * Before each measured window, wait (at most BENCH_QUIET_WAIT_SECONDS) until processes that are
 * not this benchmark's use less than BENCH_QUIET_OTHERS_PERCENT of one core: the machine is shared.
 */
const QUIET_OTHERS = Number(process.env.BENCH_QUIET_OTHERS_PERCENT ?? 40);
const QUIET_WAIT_MS = Math.min(300, Number(process.env.BENCH_QUIET_WAIT_SECONDS ?? 10)) * 1000;

const dbName = new URL(DATABASE_URL).pathname.slice(1);
if (!dbName || ["test", "root", "postgres", "template0", "template1"].includes(dbName)) {
  throw new Error(`refusing to drop the database "${dbName}": point DATABASE_URL at a database of its own`);
}
if (STEPS.length === 0) throw new Error("BENCH_STEPS holds no step");

const now = () => performance.timeOrigin + performance.now();

/** Every child this benchmark started, so an interrupted run leaves no server or worker behind. */
const children = new Set<ChildProcess>();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
    process.exit(130);
  });
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (n: number, digits = 1) => (Number.isFinite(n) ? Math.round(n * 10 ** digits) / 10 ** digits : null);

// ——— population: how many of each kind at N users ———

interface Mix {
  viewers: number;
  chatGroups: number;
  editGroups: number;
  qa: number;
}
function mixFor(n: number): Mix {
  const viewers = Math.round(n * 0.6);
  const chatGroups = Math.max(1, Math.round((n * 0.2) / 3));
  const editGroups = Math.max(1, Math.round((n * 0.1) / 3));
  const qa = Math.max(1, n - viewers - 3 * chatGroups - 3 * editGroups);
  return { viewers, chatGroups, editGroups, qa };
}
const total = (m: Mix) => m.viewers + 3 * m.chatGroups + 3 * m.editGroups + m.qa;

// ——— database ———

async function recreateDatabase() {
  const admin = new URL(DATABASE_URL);
  admin.pathname = "/postgres";
  const client = postgres(admin.toString(), { max: 1, onnotice: () => {} });
  try {
    await client.unsafe(`drop database if exists "${dbName}" with (force)`);
    await client.unsafe(`create database "${dbName}"`);
  } finally {
    await client.end();
  }
}

interface BenchUser {
  id: string;
  token: string;
}
interface Population {
  admin: BenchUser;
  presenter: BenchUser;
  viewers: BenchUser[];
  /** [mentor, mentee, mentee] */
  chatGroups: BenchUser[][];
  /** [owner, editor, editor]; the owner is a secretary of `communityId` */
  editGroups: BenchUser[][];
  qa: BenchUser[];
  communityId: string;
}

const WORDS = [
  "居民",
  "议事",
  "协商",
  "老旧小区",
  "加装电梯",
  "垃圾分类",
  "物业",
  "停车",
  "志愿服务",
  "党员",
  "独居老人",
  "探访",
  "网格",
  "走访",
  "楼道",
  "堆物",
  "矛盾",
  "调解",
  "养老",
  "托育",
  "宣传",
  "台账",
  "活动",
  "经费",
  "社区",
  "书记",
  "群众",
  "服务",
  "项目",
  "评估",
];
function chinese(words: number, seed: number): string {
  let s = "";
  for (let i = 0; i < words; i++) s += WORDS[(seed * 7 + i * 13 + ((seed >> 3) % 5)) % WORDS.length];
  return s;
}

/** Users and sessions straight into the database (hashing thousands of passwords would dominate). */
async function populate(maxMix: Mix): Promise<Population> {
  const started = now();
  const database = await openDatabase({ databaseUrl: DATABASE_URL, dataDir: "." }); // migrates
  const db = database.db;
  try {
    await seedOrg(db);
    const [community] = await queryRows<{ id: string }>(db, sql`select id from communities order by id limit 1`);
    const communityId = community!.id;
    type Row = typeof users.$inferInsert;
    const rows: Row[] = [];
    const add = (username: string, displayName: string, role: Row["role"], extra: Partial<Row> = {}) => {
      rows.push({
        username,
        displayName,
        passwordHash: "bench-no-password",
        role,
        ...(role ? { roles: [role] } : {}),
        ...extra,
      });
      return rows.length - 1;
    };
    const adminI = add("bench_admin", "压测管理员", "admin");
    const presenterI = add("bench_presenter", "发言书记", "secretary", { communityId });
    const viewersI = Array.from({ length: maxMix.viewers }, (_, i) =>
      add(`bench_v${i}`, `观众${i}`, i % 5 === 0 ? "secretary" : i % 2 ? "resident" : "worker", {
        partyMember: i % 3 === 0,
      }),
    );
    const chatI = Array.from({ length: maxMix.chatGroups }, (_, g) => [
      add(`bench_m${g}`, `导师${g}`, "mentor"),
      add(`bench_s${g}a`, `学员${g}甲`, "secretary"),
      add(`bench_s${g}b`, `学员${g}乙`, "secretary"),
    ]);
    const editI = Array.from({ length: maxMix.editGroups }, (_, g) => [
      add(`bench_p${g}`, `项目书记${g}`, "secretary", { communityId }),
      add(`bench_e${g}a`, `编辑${g}甲`, "worker", { communityId }),
      add(`bench_e${g}b`, `编辑${g}乙`, "worker", { communityId }),
    ]);
    const qaI = Array.from({ length: maxMix.qa }, (_, i) => add(`bench_q${i}`, `读者${i}`, "worker"));

    const ids: string[] = [];
    for (let i = 0; i < rows.length; i += 1000) {
      ids.push(
        ...(
          await db
            .insert(users)
            .values(rows.slice(i, i + 1000))
            .returning({ id: users.id })
        ).map((r) => r.id),
      );
    }
    const tokens = ids.map(() => generateSessionToken());
    const expiresAt = new Date(Date.now() + 24 * 3600_000);
    for (let i = 0; i < ids.length; i += 1000) {
      await db
        .insert(sessions)
        .values(
          ids.slice(i, i + 1000).map((userId, j) => ({ id: sessionIdFromToken(tokens[i + j]!), userId, expiresAt })),
        );
    }
    const u = (i: number): BenchUser => ({ id: ids[i]!, token: tokens[i]! });

    // Q&A questions with Chinese text, indexed exactly as reindexQuestion does (title A, body B).
    const authors = qaI.length > 0 ? qaI : [adminI];
    const questionRows = Array.from({ length: QUESTIONS }, (_, i) => {
      const title = `${chinese(3, i)}怎么做？`;
      const body = `我们社区${chinese(12, i + 1)}。请问各位老书记，${chinese(6, i + 2)}有什么经验？`;
      return {
        authorId: ids[authors[i % authors.length]!]!,
        title,
        body,
        tags: [WORDS[i % WORDS.length]!],
        votes: i % 17,
        searchVector: sql`${searchVectorLiteral([
          { text: title, weight: "A" },
          { text: body, weight: "B" },
        ])}::tsvector` as unknown as string,
      };
    });
    for (let i = 0; i < questionRows.length; i += 500)
      await db.insert(qaQuestions).values(questionRows.slice(i, i + 500));
    await db.execute(sql`analyze`);
    console.log(`populated ${ids.length} users, ${QUESTIONS} questions in ${Math.round(now() - started)} ms`);
    return {
      admin: u(adminI),
      presenter: u(presenterI),
      viewers: viewersI.map(u),
      chatGroups: chatI.map((g) => g.map(u)),
      editGroups: editI.map((g) => g.map(u)),
      qa: qaI.map(u),
      communityId,
    };
  } finally {
    await database.close();
  }
}

// ——— server processes ———

interface ServerProc {
  url: string;
  child: ChildProcess;
  dataDir: string;
  output: string[];
}

async function startServerProc(redis: boolean): Promise<ServerProc> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), "forum-bench-system-"));
  const output: string[] = [];
  const child = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: "127.0.0.1",
      DATA_DIR: dataDir,
      DATABASE_URL,
      REDIS_URL: redis ? REDIS_URL : "",
      LOG_LEVEL: "warn",
      SEED_DEMO: "false",
      POST_LIMIT_PER_MINUTE: "1000000",
      LOGIN_LIMIT_PER_ACCOUNT: "100000",
      LOGIN_LIMIT_PER_ADDRESS: "1000000",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  const keep = (d: Buffer) => {
    output.push(d.toString());
    if (output.length > 200) output.shift();
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${output.join("")}`);
    try {
      if ((await fetch(`${url}/api/health`)).status === 200) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`server not ready in 60 s:\n${output.join("")}`);
    }
    await sleep(100);
  }
  return { url, child, dataDir, output };
}

async function stopServerProc(s: ServerProc) {
  if (s.child.exitCode === null && s.child.signalCode === null) {
    const exited = new Promise((r) => s.child.once("exit", r));
    s.child.kill("SIGTERM");
    const timer = setTimeout(() => s.child.kill("SIGKILL"), 15_000);
    await exited;
    clearTimeout(timer);
  }
  rmSync(s.dataDir, { recursive: true, force: true });
}

// ——— CPU accounting from /proc ———

const CLK_TCK = 100;
function procTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[11]) + Number(fields[12]); // utime + stime
  } catch {
    return 0;
  }
}
/** PostgreSQL backends serving this benchmark's database (their title names the database). */
/** Nanoseconds the process's main (event-loop) thread has waited in the run queue for a core. */
function runQueueWaitNs(pid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/task/${pid}/schedstat`, "utf8").split(" ")[1]);
  } catch {
    return 0;
  }
}

function postgresPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, "utf8").trim() !== "postgres") continue;
      const title = readFileSync(`/proc/${entry}/cmdline`, "utf8");
      if (title.includes(` ${dbName} `)) pids.push(Number(entry));
    } catch {
      /* gone */
    }
  }
  return pids;
}
function machineTicks(): { busy: number; total: number; iowait: number } {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = line[3]! + line[4]!;
  const total = line.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total, iowait: line[4]! };
}
interface CpuMark {
  at: number;
  servers: number[];
  serverWaitNs: number[];
  workers: number;
  self: number;
  postgres: Map<number, number>;
  machine: { busy: number; total: number; iowait: number };
}
function cpuMark(servers: ServerProc[], workers: ChildProcess[]): CpuMark {
  return {
    at: now(),
    servers: servers.map((s) => procTicks(s.child.pid!)),
    serverWaitNs: servers.map((s) => runQueueWaitNs(s.child.pid!)),
    workers: workers.reduce((a, w) => a + procTicks(w.pid!), 0),
    self: procTicks(process.pid),
    postgres: new Map(postgresPids().map((pid) => [pid, procTicks(pid)])),
    machine: machineTicks(),
  };
}
/** CPU use between two marks, in % of one core (200% = both cores of this machine). */
function cpuBetween(a: CpuMark, b: CpuMark) {
  const seconds = (b.at - a.at) / 1000;
  const pct = (ticks: number) => round((ticks / CLK_TCK / seconds) * 100, 0);
  let pg = 0;
  for (const [pid, t] of b.postgres) pg += t - (a.postgres.get(pid) ?? 0);
  return {
    servers: b.servers.map((t, i) => pct(t - a.servers[i]!)),
    /** time the server's event-loop thread was runnable but waiting for a core, % of the window */
    serverRunQueueWait: b.serverWaitNs.map((t, i) => round(((t - a.serverWaitNs[i]!) / 1e6 / (b.at - a.at)) * 100, 0)),
    workers: pct(b.workers - a.workers),
    self: pct(b.self - a.self),
    postgres: pct(pg),
    iowait: round(
      ((b.machine.iowait - a.machine.iowait) / (b.machine.total - a.machine.total)) * 100 * cpus().length,
      0,
    ),
    /** whole machine, % of one core */
    machine: round(((b.machine.busy - a.machine.busy) / (b.machine.total - a.machine.total)) * 100 * cpus().length, 0),
  };
}

function othersCpu(cpu: ReturnType<typeof cpuBetween>): number {
  const ours =
    cpu.servers.reduce((a: number, b) => a + (b ?? 0), 0) + (cpu.workers ?? 0) + (cpu.postgres ?? 0) + (cpu.self ?? 0);
  return Math.max(0, Math.round((cpu.machine ?? 0) - ours));
}

/** Waits (bounded) for a quiet moment on the shared machine; returns how long it waited. */
async function waitForQuiet(servers: ServerProc[], workers: ChildProcess[]): Promise<number> {
  const started = now();
  while (now() - started < QUIET_WAIT_MS) {
    const a = cpuMark(servers, workers);
    await sleep(1000);
    if (othersCpu(cpuBetween(a, cpuMark(servers, workers))) < QUIET_OTHERS) break;
  }
  return Math.round(now() - started);
}

/**
 * A round trip to PostgreSQL every 250 ms during the window, from outside the server: a `select 1`
 * and a one-row insert (a commit, so it waits for the WAL flush like every write of the product).
 */
async function probeDatabase(client: postgres.Sql, durationMs: number) {
  const out = { select: [] as number[], commit: [] as number[] };
  const end = now() + durationMs;
  while (now() < end) {
    let t = now();
    await client`select 1`;
    out.select.push(now() - t);
    t = now();
    await client`insert into bench_probe default values`;
    out.commit.push(now() - t);
    await sleep(250);
  }
  return out;
}

// ——— load-generator workers ———

interface Worker {
  child: ChildProcess;
  wait(type: string, timeoutMs: number): Promise<any>;
  send(msg: ToWorker): void;
}

async function startWorker(): Promise<Worker> {
  const child = fork(new URL("./system-worker.ts", import.meta.url).pathname, [], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  children.add(child);
  const waiting = new Map<string, (msg: any) => void>();
  child.on("message", (msg: any) => {
    const resolve = waiting.get(msg.type);
    if (resolve) {
      waiting.delete(msg.type);
      resolve(msg);
    }
  });
  const worker: Worker = {
    child,
    send: (msg) => child.send(msg),
    wait: (type, timeoutMs) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(type);
          reject(new Error(`worker did not answer ${type} within ${timeoutMs} ms`));
        }, timeoutMs);
        waiting.set(type, (msg) => {
          clearTimeout(timer);
          resolve(msg);
        });
      }),
  };
  await worker.wait("ready", 60_000);
  return worker;
}

// ——— the signed-in REST and socket calls the product's client makes ———

async function api<T = any>(url: string, token: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(url + path, {
    method,
    headers: { cookie: `session=${token}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

function socketFor(url: string, token: string): Promise<Socket> {
  const socket = ioClient(url, {
    transports: ["websocket"],
    extraHeaders: { cookie: `session=${token}` },
    reconnection: false,
    forceNew: true,
  });
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", reject);
  });
}
async function ack<T = any>(socket: Socket, event: string, payload: unknown): Promise<T> {
  const res = await socket.timeout(10_000).emitWithAck(event, payload);
  if (!res?.ok) throw new Error(`${event}: ${JSON.stringify(res?.error)}`);
  return res as T;
}

async function inParallel<T>(items: T[], concurrency: number, fn: (item: T, index: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i]!, i);
      }
    }),
  );
}

interface Objects {
  forumId: string;
  talkId: string;
  studioIds: string[];
  docNames: string[];
}

/** Forum (live, one deck-less talk), studios and proposals, through the REST API like the UI. */
async function createObjects(url: string, pop: Population): Promise<Objects> {
  const { forum } = await api(url, pop.admin.token, "POST", "/api/forums", {
    title: "全区书记论坛（压测）",
    mode: "forum",
    startsAt: new Date().toISOString(),
    talks: [{ title: "老旧小区加装电梯的协商经验", presenterId: pop.presenter.id }],
  });
  const host = await socketFor(url, pop.admin.token);
  await ack(host, "forum:control", { forumId: forum.id, action: "start" });
  host.close();
  const studioIds: string[] = [];
  await inParallel(pop.chatGroups, 6, async ([mentor, a, b], g) => {
    const { studio } = await api(url, pop.admin.token, "POST", "/api/studios", {
      name: `导师工作室${g}`,
      mentorId: mentor!.id,
      menteeIds: [a!.id, b!.id],
    });
    studioIds[g] = studio.id;
  });
  const docNames: string[] = [];
  await inParallel(pop.editGroups, 6, async ([owner, a, b], g) => {
    const { proposal } = await api(url, owner!.token, "POST", "/api/proposals", {
      title: `党建创新项目${g}`,
      communityId: pop.communityId,
    });
    for (const editor of [a!, b!])
      await api(url, owner!.token, "POST", `/api/proposals/${proposal.id}/members`, {
        userId: editor.id,
        role: "editor",
      });
    docNames[g] = `proposal:${proposal.id}`;
  });
  return { forumId: forum.id, talkId: forum.talks[0].id, studioIds, docNames };
}

// ——— one run: N server processes, stepping users up ———

interface StepRow {
  processes: number;
  users: number;
  slide_p50: number | null;
  slide_p99: number | null;
  slide_deliv: number | null;
  chat_p50: number | null;
  chat_p99: number | null;
  chat_ok: number | null;
  edit_p50: number | null;
  edit_p99: number | null;
  edit_deliv: number | null;
  search_p50: number | null;
  search_p99: number | null;
  search_ok: number | null;
  server_cpu: string;
  /** % of the window the server's event-loop thread was ready to run but waiting for a core (starved by the rest of the machine) */
  server_waiting: string;
  /** PostgreSQL backends of this benchmark's database */
  pg_cpu: number | null;
  loadgen_cpu: number | null;
  machine_cpu: number | null;
  /** CPU of processes that are not this benchmark's (other work on the machine), % of one core */
  others_cpu: number | null;
  attempt: number;
  within_budget: boolean;
}

async function runMode(processes: number, pop: Population, objectsIn: Objects | null) {
  console.log(`\n=== ${processes} server process${processes > 1 ? "es" : ""} ===`);
  const servers: ServerProc[] = [];
  const workers: Worker[] = [];
  let presenter: Socket | null = null;
  let presenterTimer: NodeJS.Timeout | null = null;
  let chatTimer: NodeJS.Timeout | null = null;
  const rows: StepRow[] = [];
  const extras: Record<string, unknown>[] = [];
  let objects = objectsIn;
  const probeSql = postgres(DATABASE_URL, { max: 1, onnotice: () => {} });
  try {
    await probeSql`create table if not exists bench_probe (at timestamptz not null default now())`;
    for (let i = 0; i < processes; i++) servers.push(await startServerProc(processes > 1));
    objects ??= await createObjects(servers[0]!.url, pop);
    for (let i = 0; i < WORKERS; i++) workers.push(await startWorker());

    // The presenter turns a page every ~2 s and writes in the chat every ~5 s, on process A.
    presenter = await socketFor(servers[0]!.url, pop.presenter.token);
    await ack(presenter, "forum:join", { forumId: objects.forumId });
    const slideSent = new Map<number, number>();
    const chatSent = new Map<string, number>();
    let slide = 1 + Math.floor(Math.random() * 100);
    let presenterErrors = 0;
    const ob = objects;
    const turnPage = () => {
      slide = slide >= 9999 ? 1 : slide + 1;
      const n = slide;
      slideSent.set(n, now());
      ack(presenter!, "forum:slide", { forumId: ob.forumId, talkId: ob.talkId, slide: n }).catch(
        () => presenterErrors++,
      );
      presenterTimer = setTimeout(turnPage, SLIDE_EVERY_MS * (0.9 + Math.random() * 0.2));
    };
    let chatN = 0;
    const presenterChat = () => {
      const clientId = `presenter-${Date.now().toString(36)}-${++chatN}`;
      chatSent.set(clientId, now());
      ack(presenter!, "forum:chat", { forumId: ob.forumId, text: `请大家看第 ${slide} 页的做法`, clientId }).catch(
        () => presenterErrors++,
      );
      chatTimer = setTimeout(presenterChat, PRESENTER_CHAT_EVERY_MS * (0.8 + Math.random() * 0.4));
    };
    turnPage();
    presenterChat();

    const serverOf = (i: number) => servers[i % processes]!.url;
    let have: Mix = { viewers: 0, chatGroups: 0, editGroups: 0, qa: 0 };
    let best = 0;
    for (const n of STEPS) {
      const want = mixFor(n);
      const batches: UserSpec[][] = workers.map(() => []);
      const spec = (kind: Kind, user: BenchUser, url: string, extra: Partial<UserSpec> = {}): UserSpec => ({
        kind,
        token: user.token,
        userId: user.id,
        url,
        ...extra,
      });
      for (let i = have.viewers; i < want.viewers; i++) {
        batches[i % WORKERS]!.push(spec("viewer", pop.viewers[i]!, serverOf(i), { forumId: ob.forumId }));
      }
      for (let g = have.chatGroups; g < want.chatGroups; g++) {
        pop.chatGroups[g]!.forEach((u, j) =>
          batches[g % WORKERS]!.push(spec("chatter", u, serverOf(g + j), { studioId: ob.studioIds[g] })),
        );
      }
      for (let g = have.editGroups; g < want.editGroups; g++) {
        pop.editGroups[g]!.forEach((u, j) =>
          batches[g % WORKERS]!.push(
            spec("editor", u, serverOf(g + j), { docName: ob.docNames[g], editorIndex: j, groupSize: 3 }),
          ),
        );
      }
      for (let i = have.qa; i < want.qa; i++) batches[i % WORKERS]!.push(spec("qa", pop.qa[i]!, serverOf(i)));
      have = want;

      const addStarted = now();
      const added = await Promise.all(
        workers.map((w, i) => {
          const answer = w.wait("added", ADD_TIMEOUT_MS);
          w.send({ type: "add", users: batches[i]! });
          return answer;
        }),
      );
      const failed = added.reduce((a, m) => a + m.failed, 0);
      console.log(
        `step ${n}: connected ${added.reduce((a, m) => a + m.ok, 0)} new users (${failed} failed) in ${Math.round(now() - addStarted)} ms`,
      );
      await sleep(SETTLE_MS);
      for (const w of workers) {
        w.send({ type: "collect" });
        await w.wait("samples", 30_000); // drop what happened while connecting
      }

      // ——— steady state (measured again once when a budget is missed: other work on this shared
      // machine can spoil one window; both attempts are reported) ———
      let within = false;
      for (let attempt = 1; attempt <= ATTEMPTS && !within; attempt++) {
        const waited = await waitForQuiet(
          servers,
          workers.map((w) => w.child),
        );
        for (const w of workers) w.send({ type: "measure", on: true });
        const windowStart = now();
        const cpuA = cpuMark(
          servers,
          workers.map((w) => w.child),
        );
        const probe = probeDatabase(probeSql, STEP_SECONDS * 1000);
        await sleep(STEP_SECONDS * 1000);
        const dbProbe = await probe;
        const cpuB = cpuMark(
          servers,
          workers.map((w) => w.child),
        );
        const windowEnd = now();
        for (const w of workers) w.send({ type: "measure", on: false });
        await sleep(GRACE_MS);
        const all: WorkerSamples[] = [];
        for (const w of workers) {
          const answer = w.wait("samples", 30_000);
          w.send({ type: "collect" });
          all.push((await answer).samples);
        }

        // ——— figures ———
        const viewersJoined = all.reduce((a, s) => a + s.viewersJoined, 0);
        const slideLat: number[] = [];
        let slidesInWindow = 0;
        let slideReceipts = 0;
        for (const [n2, t] of slideSent) {
          if (t < windowStart || t > windowEnd) continue;
          slidesInWindow += 1;
          for (const s of all)
            for (const r of s.slides[n2] ?? []) {
              slideLat.push(r - t);
              slideReceipts += 1;
            }
        }
        const forumChatLat: number[] = [];
        for (const [id, t] of chatSent) {
          if (t < windowStart || t > windowEnd) continue;
          for (const s of all) for (const r of s.forumChat[id] ?? []) forumChatLat.push(r - t);
        }
        const cat = <K extends keyof WorkerSamples>(k: K) => all.flatMap((s) => s[k] as number[]);
        const sum = <K extends keyof WorkerSamples>(k: K) => all.reduce((a, s) => a + (s[k] as number), 0);
        const slideS = summarize(slideLat);
        const chatS = summarize(cat("chatAck"));
        const editS = summarize(cat("edit"));
        const searchS = summarize(cat("search"));
        const readS = summarize(cat("read"));
        const pct = (a: number, b: number) => (b > 0 ? round((a / b) * 100, 2) : null);
        const slideDeliv = pct(slideReceipts, slidesInWindow * viewersJoined);
        const chatOk = pct(sum("chatOk"), sum("chatSent"));
        const editDeliv = pct(sum("editReceived"), sum("editExpected"));
        const searchOk = pct(sum("searchOk"), sum("searchSent"));
        const cpu = cpuBetween(cpuA, cpuB);
        within =
          slideS.n > 0 &&
          slideS.p99 <= BUDGET.slide &&
          chatS.n > 0 &&
          chatS.p99 <= BUDGET.chatAck &&
          editS.n > 0 &&
          editS.p99 <= BUDGET.edit &&
          searchS.n > 0 &&
          searchS.p99 <= BUDGET.search &&
          [slideDeliv, chatOk, editDeliv, searchOk].every((d) => d !== null && d >= MIN_DELIVERED) &&
          failed === 0;
        const row: StepRow = {
          processes,
          users: total(want),
          slide_p50: round(slideS.p50),
          slide_p99: round(slideS.p99),
          slide_deliv: slideDeliv,
          chat_p50: round(chatS.p50),
          chat_p99: round(chatS.p99),
          chat_ok: chatOk,
          edit_p50: round(editS.p50),
          edit_p99: round(editS.p99),
          edit_deliv: editDeliv,
          search_p50: round(searchS.p50),
          search_p99: round(searchS.p99),
          search_ok: searchOk,
          server_cpu: cpu.servers.join("+"),
          server_waiting: cpu.serverRunQueueWait.join("+"),
          pg_cpu: cpu.postgres,
          loadgen_cpu: round((cpu.workers ?? 0) + (cpu.self ?? 0), 0),
          machine_cpu: cpu.machine,
          others_cpu: othersCpu(cpu),
          attempt,
          within_budget: within,
        };
        const errors: Record<string, number> = {};
        for (const s of all) for (const [k, v] of Object.entries(s.errors)) errors[k] = (errors[k] ?? 0) + v;
        const extra = {
          attempt,
          waitedForQuietMs: waited,
          processes,
          users: row.users,
          mix: want,
          viewersJoined,
          slidesSent: slidesInWindow,
          presenterChat_p50: round(summarize(forumChatLat).p50),
          presenterChat_p99: round(summarize(forumChatLat).p99),
          qaRead_p50: round(readS.p50),
          qaRead_p99: round(readS.p99),
          samples: { slide: slideS.n, chat: chatS.n, edit: editS.n, search: searchS.n },
          slide_max: round(slideS.max),
          chat_max: round(chatS.max),
          edit_max: round(editS.max),
          search_max: round(searchS.max),
          loadgenLagP99ms: all.map((s) => round(s.lagP99)),
          connected: sum("connected"),
          disconnects: sum("disconnects"),
          connectFailures: failed,
          presenterErrors,
          dbSelect_p50: round(summarize(dbProbe.select).p50),
          dbSelect_p99: round(summarize(dbProbe.select).p99),
          dbCommit_p50: round(summarize(dbProbe.commit).p50),
          dbCommit_p99: round(summarize(dbProbe.commit).p99),
          iowait: cpu.iowait,
          presencePushes: sum("presencePushes"),
          presenceMB: round(sum("presenceBytes") / 1e6, 1),
          errors,
        };
        rows.push(row);
        extras.push(extra);
        console.table([row]);
        console.log(JSON.stringify(extra));
      }
      if (within) best = Math.max(best, total(want));
      else if (STOP_ON_MISS) break;
    }
    return { rows, extras, best, objects };
  } finally {
    if (presenterTimer) clearTimeout(presenterTimer);
    if (chatTimer) clearTimeout(chatTimer);
    presenter?.close();
    for (const w of workers) {
      const exited = new Promise((r) => w.child.once("exit", r));
      w.send({ type: "stop" });
      const t = setTimeout(() => w.child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(t);
    }
    for (const s of servers) await stopServerProc(s);
    await probeSql.end({ timeout: 5 });
  }
}

// ——— main ———

const started = Date.now();
const maxN = Math.max(...STEPS);
const maxMix = mixFor(maxN);
await recreateDatabase();
const pop = await populate(maxMix);
const allRows: StepRow[] = [];
const allExtras: Record<string, unknown>[] = [];
const best: Record<string, number> = {};
let objects: Objects | null = null;
for (const processes of PROCESS_MODES) {
  const result = await runMode(processes, pop, objects);
  objects = result.objects;
  allRows.push(...result.rows);
  allExtras.push(...result.extras);
  best[`largest_passing_users_${processes}_process${processes > 1 ? "es" : ""}`] = result.best;
}
report(
  "system-mixed",
  {
    ...best,
    goal_users_one_process: 2000,
    budgets_p99_ms: BUDGET,
    min_delivered_percent: MIN_DELIVERED,
    steps: STEPS,
    attempts_per_step: ATTEMPTS,
    stop_on_miss: STOP_ON_MISS,
    quiet_others_percent: QUIET_OTHERS,
    step_seconds: STEP_SECONDS,
    loadgen_workers: WORKERS,
    questions: QUESTIONS,
    database: DATABASE_URL.replace(/\/\/[^@]*@/, "//"),
    redis: PROCESS_MODES.includes(2) ? REDIS_URL : null,
    command: `BENCH_STEPS=${STEPS.join(",")} BENCH_STEP_SECONDS=${STEP_SECONDS} BENCH_PROCESSES=${PROCESS_MODES.join(",")} node --import tsx bench/system-mixed.bench.ts`,
    wall_seconds: Math.round((Date.now() - started) / 1000),
    details: allExtras,
  },
  allRows as unknown as Record<string, unknown>[],
);
console.log(best);
process.exit(0);
