/**
 * Forum fan-out: N authenticated Socket.IO clients (FANOUT_CLIENTS, default 2000) join one live
 * forum over loopback (timed, with the server's CPU for the joins); the presenter sends 20
 * slide/chat events per second for 10 s. Then the same messages through a bare `ws` broadcast
 * server to the same number of clients (the baseline the goals are set against), and through bare
 * Socket.IO (forum-fanout.sio-server.ts: what Socket.IO itself costs per delivery, without our code). Then VOTERS (default 500) participants vote
 * on questions at 50 votes/s and the final counts are checked. All of that is one run; the bench
 * makes RUNS (default 3) and reports the median p99 ratio. Before each run it waits (at most
 * LOAD_WAIT_SECONDS, default 600) for the 1-minute load average to drop below 1, and records the
 * load average before and after the run, and whether it had dropped.
 *
 *   node --import tsx bench/forum-fanout.bench.ts
 *   BENCH_SMOKE=1 node --import tsx bench/forum-fanout.bench.ts     # tiny sizes, to check it works
 *   FANOUT_RECEIVERS=client node --import tsx bench/forum-fanout.bench.ts # receive with socket.io-client
 *
 * The server runs as its own process on a PGlite database in a fresh temporary directory, removed
 * at the end of each run.
 */
import { type ChildProcess, fork } from "node:child_process";
import os from "node:os";
import { io as ioClient, type Socket } from "socket.io-client";
import WebSocket from "ws";
import { LeanSocket } from "./lean-socket.ts";
import { report, summarize } from "./lib.ts";

const SMOKE = process.env.BENCH_SMOKE === "1";
const CLIENTS = Math.min(5000, Math.max(10, Number(process.env.FANOUT_CLIENTS ?? (SMOKE ? 20 : 2000))));
const VOTERS = Math.min(CLIENTS, Number(process.env.VOTERS ?? (SMOKE ? 10 : 500)));
const RUNS = Math.max(1, Number(process.env.RUNS ?? (SMOKE ? 1 : 3)));
const LOAD_WAIT_SECONDS = Number(process.env.LOAD_WAIT_SECONDS ?? (SMOKE ? 2 : 600));
const RATE = 20;
const SECONDS = SMOKE ? 2 : 10;
const MESSAGES = RATE * SECONDS;
const VOTE_RATE = 50;
const QUESTIONS = 5;
const DRAIN_TIMEOUT_MS = 15_000;
const GOAL_P99_RATIO = 1.5;
const GOAL_CPU_RATIO = 1.3;
const here = new URL(".", import.meta.url).pathname;
/**
 * Who receives in the two Socket.IO runs: `lean` (default) speaks the protocol over `ws` with one
 * JSON.parse per message, as the bare relay's receivers do (bench/lean-socket.ts says why);
 * `client` uses socket.io-client, as the figures before 2026-12-01 did.
 */
const RECEIVERS = process.env.FANOUT_RECEIVERS === "client" ? "client" : "lean";

/** What the benchmark needs of a receiving Socket.IO client, whichever kind it is. */
interface Receiver {
  on(event: string, handler: (payload: any) => void): void;
  off(event: string): void;
  emitWithAck(event: string, payload: unknown, timeoutMs?: number): Promise<any>;
  close(): void;
}

/** A socket.io-client connection over WebSocket, as the app's client makes (the presenter, and `client` receivers). */
function connectClient(url: string, cookie?: string): Promise<Socket> {
  const socket = ioClient(url, {
    transports: ["websocket"],
    extraHeaders: cookie ? { cookie } : {},
    reconnection: false,
    forceNew: true,
    timeout: 30_000,
  });
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", reject);
  });
}

async function connectReceiver(url: string, cookie?: string): Promise<Receiver> {
  if (RECEIVERS === "lean") return LeanSocket.connect(url, cookie);
  const socket = await connectClient(url, cookie);
  return {
    on: (event, handler) => socket.on(event, handler),
    off: (event) => socket.off(event),
    emitWithAck: (event, payload, timeoutMs = 60_000) => socket.timeout(timeoutMs).emitWithAck(event, payload),
    close: () => socket.close(),
  };
}

/** `direct`: deliveries the forum server wrote straight to an idle WebSocket (server/realtime/directFrames.ts). */
type CpuReply = { cpu: NodeJS.CpuUsage; memory: number; direct?: number };

function startChild(file: string, env: Record<string, string>): Promise<{ child: ChildProcess; ready: any }> {
  // FANOUT_PROFILE=<dir> writes each child's V8 CPU profile there, to see where a delivery's time goes
  const profile = process.env.FANOUT_PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${process.env.FANOUT_PROFILE}`] : [];
  const child = fork(`${here}${file}`, [], {
    execArgv: ["--import", "tsx", ...profile],
    env: { ...process.env, ...env },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${file} not ready in 120 s`)), 120_000);
    child.once("message", (ready) => {
      clearTimeout(timer);
      resolve({ child, ready });
    });
    child.once("exit", (code) => reject(new Error(`${file} exited with ${code}`)));
  });
}

function cpuOf(child: ChildProcess): Promise<CpuReply> {
  return new Promise((resolve) => {
    child.once("message", (m) => resolve(m as CpuReply));
    child.send({ cmd: "cpu" });
  });
}

async function stopChild(child: ChildProcess) {
  child.removeAllListeners("exit");
  const exited = new Promise((r) => child.once("exit", r));
  child.send({ cmd: "stop" });
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  if (child.exitCode === null) child.kill("SIGKILL");
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const cpuMicros = (a: NodeJS.CpuUsage, b: NodeJS.CpuUsage) => b.user - a.user + (b.system - a.system);
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
const load1 = () => round(os.loadavg()[0]!, 2);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** Waits (bounded) for the 1-minute load average to drop below 1; says whether it did. */
async function waitForQuiet(): Promise<{ loadBefore: number; quiet: boolean; waitedSeconds: number }> {
  const started = Date.now();
  while (load1() >= 1 && Date.now() - started < LOAD_WAIT_SECONDS * 1000) await sleep(5000);
  const loadBefore = load1();
  return { loadBefore, quiet: loadBefore < 1, waitedSeconds: Math.round((Date.now() - started) / 1000) };
}

/** Sends `count` messages at `perSecond` on a fixed schedule (not back-to-back), calling send(seq). */
async function paced(count: number, perSecond: number, send: (seq: number) => void) {
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const due = start + (i * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    send(i + 1);
  }
}

/** Latency bookkeeping shared by both transports. */
function tracker(receivers: number) {
  const sentAt = new Float64Array(MESSAGES + 1);
  const latencies: number[] = [];
  let delivered = 0;
  return {
    sent(seq: number) {
      sentAt[seq] = performance.now();
    },
    got(seq: number) {
      if (seq < 1 || seq > MESSAGES || !sentAt[seq]) return;
      latencies.push(performance.now() - sentAt[seq]!);
      delivered++;
    },
    get delivered() {
      return delivered;
    },
    expected: receivers * MESSAGES,
    latencies,
  };
}

async function waitFor(check: () => boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await sleep(50);
}

// ——— Socket.IO through the real server ———

async function forumRun() {
  const { child: server, ready } = await startChild("forum-fanout.server.ts", { PARTICIPANTS: String(CLIENTS) });
  const { url, forumId, talkId, hostToken, tokens } = ready as {
    url: string;
    forumId: string;
    talkId: string;
    hostToken: string;
    tokens: string[];
  };
  console.log(`server ready at ${url}; connecting ${CLIENTS} clients…`);

  // Joins: connect and join in waves of 100, as a hall filling up; the server's CPU over the whole wave.
  const joinCpuBefore = await cpuOf(server);
  const joinStarted = performance.now();
  const sockets: Receiver[] = [];
  for (let i = 0; i < tokens.length; i += 100) {
    const batch = await Promise.all(tokens.slice(i, i + 100).map((token) => connectReceiver(url, `session=${token}`)));
    const acks = await Promise.all(batch.map((s) => s.emitWithAck("forum:join", { forumId })));
    if (acks.some((a) => !a.ok)) throw new Error(`join failed: ${JSON.stringify(acks.find((a) => !a.ok))}`);
    sockets.push(...batch);
  }
  const presenter = await connectClient(url, `session=${hostToken}`);
  await presenter.timeout(60_000).emitWithAck("forum:join", { forumId });
  const joinSeconds = (performance.now() - joinStarted) / 1000;
  const joinCpuMs = cpuMicros(joinCpuBefore.cpu, (await cpuOf(server)).cpu) / 1000;
  console.log(
    `${sockets.length} clients joined in ${joinSeconds.toFixed(1)} s (server CPU ${joinCpuMs.toFixed(0)} ms)`,
  );
  await sleep(Math.min(2500, 500 + CLIENTS)); // let the presence pushes of the join wave settle

  const sio = tracker(sockets.length);
  for (const s of sockets) {
    s.on("forum:slide", (p: { slide: number }) => sio.got(p.slide));
    s.on("forum:chat", (m: { text: string }) => sio.got(Number(m.text.slice(1))));
  }
  let ackFailures = 0;
  const cpuBefore = await cpuOf(server);
  await paced(MESSAGES, RATE, (seq) => {
    sio.sent(seq);
    const ack = (a: { ok: boolean }) => {
      if (!a.ok) ackFailures++;
    };
    // alternate page turns and chat lines, as a live talk would
    if (seq % 2) presenter.emit("forum:slide", { forumId, talkId, slide: seq }, ack);
    else presenter.emit("forum:chat", { forumId, text: `m${seq}`, clientId: `bench-chat-${seq}` }, ack);
  });
  await waitFor(() => sio.delivered >= sio.expected, DRAIN_TIMEOUT_MS);
  const cpuAfter = await cpuOf(server);
  const stats = summarize(sio.latencies);
  const cpuPerDelivery = cpuMicros(cpuBefore.cpu, cpuAfter.cpu) / Math.max(1, sio.delivered);
  // The presenter is in the room too, so the server makes one more delivery per event than we count.
  const serverDeliveries = sio.delivered + MESSAGES;
  const directPct = (100 * ((cpuAfter.direct ?? 0) - (cpuBefore.direct ?? 0))) / serverDeliveries;
  for (const s of sockets) {
    s.off("forum:slide");
    s.off("forum:chat");
  }
  console.log(
    `socket.io: delivered ${sio.delivered}/${sio.expected}, p50 ${stats.p50.toFixed(1)} ms, p99 ${stats.p99.toFixed(1)} ms, ${cpuPerDelivery.toFixed(2)} µs CPU/delivery, ${directPct.toFixed(1)} % written directly`,
  );

  // ——— votes: VOTERS participants at VOTE_RATE per second; a tenth of them take their vote back ———
  const questionIds: string[] = [];
  for (let q = 0; q < QUESTIONS; q++) {
    const ack = await presenter
      .timeout(10_000)
      .emitWithAck("forum:ask", { forumId, text: `压测问题 ${q + 1}`, clientId: `bench-question-${q}` });
    questionIds.push(ack.question.id);
  }
  const lastPushed = new Map<string, number>();
  presenter.on("forum:question", (q: { id: string; votes: number }) => lastPushed.set(q.id, q.votes));
  const plan: { voter: number; question: number }[] = [];
  for (let v = 0; v < VOTERS; v++) plan.push({ voter: v, question: v % QUESTIONS });
  const takeBack = Math.floor(VOTERS / 10);
  for (let v = 0; v < takeBack; v++) plan.push({ voter: v, question: v % QUESTIONS });
  const expectedVotes = questionIds.map(
    (_, q) =>
      plan.filter((p) => p.question === q).length -
      2 * Array.from({ length: takeBack }, (_, v) => v).filter((v) => v % QUESTIONS === q).length,
  );
  let voteFailures = 0;
  const voteLatencies: number[] = [];
  const pendingVotes: Promise<void>[] = [];
  await paced(plan.length, VOTE_RATE, (seq) => {
    const { voter, question } = plan[seq - 1]!;
    const t0 = performance.now();
    pendingVotes.push(
      sockets[voter]!.emitWithAck("forum:vote", { forumId, questionId: questionIds[question] }, 15_000)
        .then((a: { ok: boolean }) => {
          if (!a.ok) voteFailures++;
          voteLatencies.push(performance.now() - t0);
        })
        .catch(() => void voteFailures++),
    );
  });
  await Promise.all(pendingVotes);
  await sleep(500); // coalesced count pushes
  const fresh = await presenter.timeout(30_000).emitWithAck("forum:join", { forumId });
  const stored = questionIds.map((id) => fresh.state.questions.find((q: { id: string }) => q.id === id)?.votes ?? -1);
  const pushed = questionIds.map((id) => lastPushed.get(id) ?? -1);
  const votesExact =
    voteFailures === 0 &&
    stored.every((v, i) => v === expectedVotes[i]) &&
    pushed.every((v, i) => v === expectedVotes[i]);
  console.log(`votes: expected ${expectedVotes.join("/")}, live ${stored.join("/")}, last pushed ${pushed.join("/")}`);

  presenter.close();
  for (const s of sockets) s.close();
  await stopChild(server); // the server writes the stage and removes its database directory
  return {
    joinSeconds: round(joinSeconds),
    joinCpuMs: round(joinCpuMs),
    delivered: sio.delivered,
    expected: sio.expected,
    p50: stats.p50,
    p99: stats.p99,
    max: stats.max,
    cpuPerDelivery,
    directPct,
    ackFailures,
    votes: {
      expected: expectedVotes,
      live: stored,
      lastPushed: pushed,
      failures: voteFailures,
      exact: votesExact,
      ackP99Ms: round(summarize(voteLatencies).p99),
    },
  };
}

// ——— baseline: the same messages through a bare ws broadcast ———

async function relayRun(forumId = "00000000-0000-0000-0000-000000000000") {
  const { child: wsServer, ready: wsReady } = await startChild("forum-fanout.ws-server.ts", {});
  const wsConnect = (): Promise<WebSocket> => {
    const ws = new WebSocket((wsReady as { url: string }).url);
    return new Promise((resolve, reject) => {
      ws.once("open", () => resolve(ws));
      ws.once("error", reject);
    });
  };
  const presenter = await wsConnect();
  const clients: WebSocket[] = [];
  for (let i = 0; i < CLIENTS; i += 100)
    clients.push(...(await Promise.all(Array.from({ length: Math.min(100, CLIENTS - i) }, wsConnect))));
  const raw = tracker(clients.length);
  for (const ws of clients) ws.on("message", (data) => raw.got(JSON.parse(data.toString()).seq));
  await sleep(500);
  const cpuBefore = await cpuOf(wsServer);
  await paced(MESSAGES, RATE, (seq) => {
    raw.sent(seq);
    // about the size of the Socket.IO payloads above
    presenter.send(
      JSON.stringify(
        seq % 2
          ? { type: "forum:slide", forumId, talkId: forumId, seq }
          : {
              type: "forum:chat",
              forumId,
              text: `m${seq}`,
              author: { id: forumId, displayName: "主持人", role: "secretary" },
              seq,
            },
      ),
    );
  });
  await waitFor(() => raw.delivered >= raw.expected, DRAIN_TIMEOUT_MS);
  const cpuAfter = await cpuOf(wsServer);
  const stats = summarize(raw.latencies);
  presenter.close();
  for (const ws of clients) ws.close();
  await stopChild(wsServer);
  return {
    delivered: raw.delivered,
    expected: raw.expected,
    p50: stats.p50,
    p99: stats.p99,
    max: stats.max,
    cpuPerDelivery: cpuMicros(cpuBefore.cpu, cpuAfter.cpu) / Math.max(1, raw.delivered),
  };
}

// ——— second baseline: the same messages through Socket.IO with nothing of ours ———

async function socketIoRelayRun() {
  const { child: sioServer, ready } = await startChild("forum-fanout.sio-server.ts", {});
  const url = (ready as { url: string }).url;
  const presenter = await connectClient(url);
  const clients: Receiver[] = [];
  for (let i = 0; i < CLIENTS; i += 100)
    clients.push(
      ...(await Promise.all(Array.from({ length: Math.min(100, CLIENTS - i) }, () => connectReceiver(url)))),
    );
  // the presenter is in the room too; only the clients count, as in the other runs
  const bare = tracker(clients.length);
  for (const s of clients) {
    s.on("forum:slide", (p: { slide: number }) => bare.got(p.slide));
    s.on("forum:chat", (m: { text: string }) => bare.got(Number(m.text.slice(1))));
  }
  await sleep(500);
  const cpuBefore = await cpuOf(sioServer);
  await paced(MESSAGES, RATE, (seq) => {
    bare.sent(seq);
    if (seq % 2) presenter.emit("relay", "forum:slide", { forumId: "f", talkId: "t", slide: seq });
    else
      presenter.emit("relay", "forum:chat", {
        forumId: "f",
        text: `m${seq}`,
        author: { id: "a", displayName: "主持人", role: "secretary" },
      });
  });
  await waitFor(() => bare.delivered >= bare.expected, DRAIN_TIMEOUT_MS);
  const cpuAfter = await cpuOf(sioServer);
  const stats = summarize(bare.latencies);
  presenter.close();
  for (const s of clients) s.close();
  await stopChild(sioServer);
  return {
    delivered: bare.delivered,
    expected: bare.expected,
    p50: stats.p50,
    p99: stats.p99,
    cpuPerDelivery: cpuMicros(cpuBefore.cpu, cpuAfter.cpu) / Math.max(1, bare.delivered),
  };
}

// ——— RUNS runs, each on a quiet machine if it gets quiet ———

const runs = [];
for (let i = 1; i <= RUNS; i++) {
  const quiet = await waitForQuiet();
  console.log(
    `\nrun ${i}/${RUNS}: load average ${quiet.loadBefore}${quiet.quiet ? "" : ` — did not drop below 1 within ${LOAD_WAIT_SECONDS} s, running anyway`}`,
  );
  const forum = await forumRun();
  await sleep(500);
  const relay = await relayRun();
  await sleep(500);
  const socketIo = await socketIoRelayRun();
  runs.push({
    run: i,
    ...quiet,
    loadAfter: load1(),
    forum,
    relay,
    socketIo,
    p99Ratio: forum.p99 / relay.p99,
    cpuRatio: forum.cpuPerDelivery / relay.cpuPerDelivery,
  });
}

const p99Ratio = median(runs.map((r) => r.p99Ratio));
const cpuRatio = median(runs.map((r) => r.cpuRatio));
const allDelivered = runs.every(
  (r) => r.forum.delivered === r.forum.expected && r.relay.delivered === r.relay.expected,
);
const votesExact = runs.every((r) => r.forum.votes.exact);
report(
  "forum-fanout",
  {
    clients: CLIENTS,
    receivers: RECEIVERS,
    eventsPerSecond: RATE,
    seconds: SECONDS,
    runs: runs.map((r) => ({
      run: r.run,
      loadAverageBefore: r.loadBefore,
      loadAverageAfter: r.loadAfter,
      quietBeforeRun: r.quiet,
      waitedSeconds: r.waitedSeconds,
      joinSeconds: r.forum.joinSeconds,
      joinServerCpuMs: r.forum.joinCpuMs,
      socketIo: {
        deliveredPct: round((100 * r.forum.delivered) / r.forum.expected, 2),
        p50Ms: round(r.forum.p50),
        p99Ms: round(r.forum.p99),
        maxMs: round(r.forum.max),
        cpuMicrosPerDelivery: round(r.forum.cpuPerDelivery, 2),
        writtenDirectlyPct: round(r.forum.directPct, 1),
        ackFailures: r.forum.ackFailures,
      },
      rawWs: {
        deliveredPct: round((100 * r.relay.delivered) / r.relay.expected, 2),
        p50Ms: round(r.relay.p50),
        p99Ms: round(r.relay.p99),
        maxMs: round(r.relay.max),
        cpuMicrosPerDelivery: round(r.relay.cpuPerDelivery, 2),
      },
      bareSocketIo: {
        deliveredPct: round((100 * r.socketIo.delivered) / r.socketIo.expected, 2),
        p50Ms: round(r.socketIo.p50),
        p99Ms: round(r.socketIo.p99),
        cpuMicrosPerDelivery: round(r.socketIo.cpuPerDelivery, 2),
      },
      p99Ratio: round(r.p99Ratio, 2),
      cpuRatio: round(r.cpuRatio, 2),
      votes: r.forum.votes,
    })),
    medianP99Ratio: round(p99Ratio, 2),
    medianCpuPerDeliveryRatio: round(cpuRatio, 2),
    allRunsQuiet: runs.every((r) => r.quiet),
    allDelivered,
    votesExact,
    goals: { p99Ratio: GOAL_P99_RATIO, cpuPerDeliveryRatio: GOAL_CPU_RATIO },
    goalMet: allDelivered && votesExact && p99Ratio <= GOAL_P99_RATIO && cpuRatio <= GOAL_CPU_RATIO,
    smoke: SMOKE,
  },
  [
    ...runs.map((r) => ({
      run: r.run,
      "load before/after": `${r.loadBefore}${r.quiet ? "" : " (not < 1)"} / ${r.loadAfter}`,
      "joins s / server CPU ms": `${r.forum.joinSeconds} / ${r.forum.joinCpuMs}`,
      "delivered %": `${round((100 * r.forum.delivered) / r.forum.expected, 2)} / ${round((100 * r.relay.delivered) / r.relay.expected, 2)}`,
      "p50 ms forum / relay": `${round(r.forum.p50)} / ${round(r.relay.p50)}`,
      "p99 ms forum / relay": `${round(r.forum.p99)} / ${round(r.relay.p99)}`,
      "CPU µs/delivery forum / relay": `${round(r.forum.cpuPerDelivery, 2)} / ${round(r.relay.cpuPerDelivery, 2)}`,
      "bare Socket.IO p99 ms / CPU µs": `${round(r.socketIo.p99)} / ${round(r.socketIo.cpuPerDelivery, 2)}`,
      "p99 ratio": round(r.p99Ratio, 2),
      "CPU ratio": round(r.cpuRatio, 2),
      votes: r.forum.votes.exact ? "exact" : "MISMATCH",
    })),
    {
      run: "median",
      "load before/after": "",
      "joins s / server CPU ms": "",
      "delivered %": allDelivered ? "100 / 100" : "NOT ALL",
      "p50 ms forum / relay": "",
      "p99 ms forum / relay": "",
      "CPU µs/delivery forum / relay": "",
      "bare Socket.IO p99 ms / CPU µs": "",
      "p99 ratio": `${round(p99Ratio, 2)} (goal ≤ ${GOAL_P99_RATIO})`,
      "CPU ratio": `${round(cpuRatio, 2)} (goal ≤ ${GOAL_CPU_RATIO})`,
      votes: votesExact ? "exact" : "MISMATCH",
    },
  ],
);
process.exit(0);
