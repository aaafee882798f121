/**
 * Forum fan-out: N authenticated Socket.IO clients (FANOUT_CLIENTS, default 2000) joined to one live
 * forum over loopback; the presenter sends 20 slide/chat events per second for 10 s. Reports delivery
 * latency p50/p99, delivered %, and server CPU µs per delivery; then the same messages through a bare
 * `ws` broadcast server to the same number of clients as the baseline, and the ratio. Then
 * VOTERS (default 500) participants vote on questions at 50 votes/s and the final counts are checked.
 *
 *   node --import tsx bench/forum-fanout.bench.ts
 *   FANOUT_CLIENTS=500 node --import tsx bench/forum-fanout.bench.ts
 */
import { type ChildProcess, fork } from "node:child_process";
import { io as ioClient, type Socket } from "socket.io-client";
import WebSocket from "ws";
import { report, summarize } from "./lib.ts";

const CLIENTS = Math.min(5000, Math.max(10, Number(process.env.FANOUT_CLIENTS ?? 2000)));
const VOTERS = Math.min(CLIENTS, Number(process.env.VOTERS ?? 500));
const RATE = 20;
const SECONDS = 10;
const MESSAGES = RATE * SECONDS;
const VOTE_RATE = 50;
const QUESTIONS = 5;
const DRAIN_TIMEOUT_MS = 15_000;
const here = new URL(".", import.meta.url).pathname;

type CpuReply = { cpu: NodeJS.CpuUsage; memory: number };

function startChild(file: string, env: Record<string, string>): Promise<{ child: ChildProcess; ready: any }> {
  const child = fork(`${here}${file}`, [], { execArgv: ["--import", "tsx"], env: { ...process.env, ...env }, stdio: ["ignore", "inherit", "inherit", "ipc"] });
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

/** Sends MESSAGES at RATE per second on a fixed schedule (not back-to-back), calling send(seq). */
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

const { child: server, ready } = await startChild("forum-fanout.server.ts", { PARTICIPANTS: String(CLIENTS) });
const { url, forumId, talkId, hostToken, tokens } = ready as { url: string; forumId: string; talkId: string; hostToken: string; tokens: string[] };
console.log(`server ready at ${url}; connecting ${CLIENTS} clients…`);

function connect(token: string): Promise<Socket> {
  const socket = ioClient(url, { transports: ["websocket"], extraHeaders: { cookie: `session=${token}` }, reconnection: false, forceNew: true, timeout: 30_000 });
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", reject);
  });
}

const joinStarted = performance.now();
const sockets: Socket[] = [];
for (let i = 0; i < tokens.length; i += 100) {
  const batch = await Promise.all(tokens.slice(i, i + 100).map(connect));
  const acks = await Promise.all(batch.map((s) => s.timeout(60_000).emitWithAck("forum:join", { forumId })));
  if (acks.some((a) => !a.ok)) throw new Error(`join failed: ${JSON.stringify(acks.find((a) => !a.ok))}`);
  sockets.push(...batch);
}
const presenter = await connect(hostToken);
await presenter.timeout(60_000).emitWithAck("forum:join", { forumId });
const joinSeconds = (performance.now() - joinStarted) / 1000;
console.log(`${sockets.length} clients joined in ${joinSeconds.toFixed(1)} s`);
await sleep(1500); // let the presence pushes of the join wave settle

const sio = tracker(sockets.length);
for (const s of sockets) {
  s.on("forum:slide", (p: { slide: number }) => sio.got(p.slide));
  s.on("forum:chat", (m: { text: string }) => sio.got(Number(m.text.slice(1))));
}
let sioAckFailures = 0;
const cpuBefore = await cpuOf(server);
await paced(MESSAGES, RATE, (seq) => {
  sio.sent(seq);
  const ack = (a: { ok: boolean }) => {
    if (!a.ok) sioAckFailures++;
  };
  // alternate page turns and chat lines, as a live talk would
  if (seq % 2) presenter.emit("forum:slide", { forumId, talkId, slide: seq }, ack);
  else presenter.emit("forum:chat", { forumId, text: `m${seq}`, clientId: `bench-chat-${seq}` }, ack);
});
await waitFor(() => sio.delivered >= sio.expected, DRAIN_TIMEOUT_MS);
const cpuAfter = await cpuOf(server);
const sioStats = summarize(sio.latencies);
const sioCpuPerDelivery = cpuMicros(cpuBefore.cpu, cpuAfter.cpu) / Math.max(1, sio.delivered);
for (const s of sockets) {
  s.off("forum:slide");
  s.off("forum:chat");
}
console.log(`socket.io: delivered ${sio.delivered}/${sio.expected}, p50 ${sioStats.p50.toFixed(1)} ms, p99 ${sioStats.p99.toFixed(1)} ms`);

// ——— votes: VOTERS participants at VOTE_RATE per second; a tenth of them take their vote back ———

const questionIds: string[] = [];
for (let q = 0; q < QUESTIONS; q++) {
  const ack = await presenter.timeout(10_000).emitWithAck("forum:ask", { forumId, text: `压测问题 ${q + 1}`, clientId: `bench-question-${q}` });
  questionIds.push(ack.question.id);
}
const lastPushed = new Map<string, number>();
presenter.on("forum:question", (q: { id: string; votes: number }) => lastPushed.set(q.id, q.votes));
const plan: { voter: number; question: number }[] = [];
for (let v = 0; v < VOTERS; v++) plan.push({ voter: v, question: v % QUESTIONS });
const takeBack = Math.floor(VOTERS / 10);
for (let v = 0; v < takeBack; v++) plan.push({ voter: v, question: v % QUESTIONS });
const expectedVotes = questionIds.map((_, q) => plan.filter((p) => p.question === q).length - 2 * Array.from({ length: takeBack }, (_, v) => v).filter((v) => v % QUESTIONS === q).length);
let voteFailures = 0;
const voteLatencies: number[] = [];
const pendingVotes: Promise<void>[] = [];
const voteStarted = performance.now();
await paced(plan.length, VOTE_RATE, (seq) => {
  const { voter, question } = plan[seq - 1]!;
  const t0 = performance.now();
  pendingVotes.push(
    sockets[voter]!.timeout(15_000)
      .emitWithAck("forum:vote", { forumId, questionId: questionIds[question] })
      .then((a: { ok: boolean }) => {
        if (!a.ok) voteFailures++;
        voteLatencies.push(performance.now() - t0);
      })
      .catch(() => void voteFailures++),
  );
});
await Promise.all(pendingVotes);
const voteSeconds = (performance.now() - voteStarted) / 1000;
await sleep(500); // coalesced count pushes
const fresh = await presenter.timeout(30_000).emitWithAck("forum:join", { forumId });
const stored = questionIds.map((id) => fresh.state.questions.find((q: { id: string }) => q.id === id)?.votes ?? -1);
const pushed = questionIds.map((id) => lastPushed.get(id) ?? -1);
const votesExact = stored.every((v, i) => v === expectedVotes[i]) && pushed.every((v, i) => v === expectedVotes[i]);
const voteStats = summarize(voteLatencies);
console.log(`votes: expected ${expectedVotes.join("/")}, stored ${stored.join("/")}, last pushed ${pushed.join("/")}`);

presenter.close();
for (const s of sockets) s.close();
await stopChild(server);
await sleep(500);

// ——— baseline: the same messages through a bare ws broadcast ———

const { child: wsServer, ready: wsReady } = await startChild("forum-fanout.ws-server.ts", {});
function wsConnect(): Promise<WebSocket> {
  const ws = new WebSocket((wsReady as { url: string }).url);
  return new Promise((resolve, reject) => {
    ws.once("open", () => resolve(ws));
    ws.once("error", reject);
  });
}
const wsPresenter = await wsConnect();
const wsClients: WebSocket[] = [];
for (let i = 0; i < CLIENTS; i += 100) wsClients.push(...(await Promise.all(Array.from({ length: Math.min(100, CLIENTS - i) }, wsConnect))));
const raw = tracker(wsClients.length);
for (const ws of wsClients) ws.on("message", (data) => raw.got(JSON.parse(data.toString()).seq));
await sleep(500);
const wsCpuBefore = await cpuOf(wsServer);
await paced(MESSAGES, RATE, (seq) => {
  raw.sent(seq);
  // about the size of the Socket.IO payloads above
  wsPresenter.send(JSON.stringify(seq % 2 ? { type: "forum:slide", forumId, talkId, seq } : { type: "forum:chat", forumId, text: `m${seq}`, author: { id: talkId, displayName: "主持人", role: "secretary" }, seq }));
});
await waitFor(() => raw.delivered >= raw.expected, DRAIN_TIMEOUT_MS);
const wsCpuAfter = await cpuOf(wsServer);
const rawStats = summarize(raw.latencies);
const rawCpuPerDelivery = cpuMicros(wsCpuBefore.cpu, wsCpuAfter.cpu) / Math.max(1, raw.delivered);
wsPresenter.close();
for (const ws of wsClients) ws.close();
await stopChild(wsServer);

const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
const ratio = sioStats.p99 / rawStats.p99;
report(
  "forum-fanout",
  {
    clients: CLIENTS,
    eventsPerSecond: RATE,
    seconds: SECONDS,
    joinSeconds: round(joinSeconds),
    socketIo: { deliveredPct: round((100 * sio.delivered) / sio.expected, 2), p50Ms: round(sioStats.p50), p99Ms: round(sioStats.p99), maxMs: round(sioStats.max), cpuMicrosPerDelivery: round(sioCpuPerDelivery, 2), ackFailures: sioAckFailures },
    rawWs: { deliveredPct: round((100 * raw.delivered) / raw.expected, 2), p50Ms: round(rawStats.p50), p99Ms: round(rawStats.p99), maxMs: round(rawStats.max), cpuMicrosPerDelivery: round(rawCpuPerDelivery, 2) },
    p99Ratio: round(ratio, 2),
    goalMet: sio.delivered === sio.expected && ratio <= 1.5,
    votes: { voters: VOTERS, votesSent: plan.length, perSecond: VOTE_RATE, seconds: round(voteSeconds), failures: voteFailures, ackP50Ms: round(voteStats.p50), ackP99Ms: round(voteStats.p99), expected: expectedVotes, stored, lastPushed: pushed, exact: votesExact },
  },
  [
    { transport: "socket.io forum", clients: CLIENTS, "delivered %": round((100 * sio.delivered) / sio.expected, 2), "p50 ms": round(sioStats.p50), "p99 ms": round(sioStats.p99), "max ms": round(sioStats.max), "server CPU µs/delivery": round(sioCpuPerDelivery, 2) },
    { transport: "raw ws broadcast", clients: CLIENTS, "delivered %": round((100 * raw.delivered) / raw.expected, 2), "p50 ms": round(rawStats.p50), "p99 ms": round(rawStats.p99), "max ms": round(rawStats.max), "server CPU µs/delivery": round(rawCpuPerDelivery, 2) },
    { transport: `p99 ratio ${round(ratio, 2)}×`, clients: "", "delivered %": "", "p50 ms": "", "p99 ms": "", "max ms": "", "server CPU µs/delivery": "" },
    { transport: `votes ${plan.length} @ ${VOTE_RATE}/s`, clients: VOTERS, "delivered %": votesExact ? "exact" : "MISMATCH", "p50 ms": round(voteStats.p50), "p99 ms": round(voteStats.p99), "max ms": round(voteStats.max), "server CPU µs/delivery": "" },
  ],
);
process.exit(0);
