/**
 * Load generator of bench/system-mixed.bench.ts, run as a child process (forked with IPC) so the
 * simulated users' own CPU work is spread over processes and measured apart from the server's.
 *
 * Every simulated user is what a browser tab is: one Socket.IO connection with the session cookie,
 * plus, for proposal editors, a real y-websocket provider. The parent sends `add` (connect these
 * users), `measure` (start/stop counting), `collect` (send samples and reset) and `stop`.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { io as ioClient, type Socket } from "socket.io-client";
import WebSocket from "ws";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";

export type Kind = "viewer" | "chatter" | "editor" | "qa";
export interface UserSpec {
  kind: Kind;
  token: string;
  userId: string;
  /** http://127.0.0.1:port of the server process this user talks to */
  url: string;
  forumId?: string;
  studioId?: string;
  /** proposal document name and this editor's index (0..2) in its group */
  docName?: string;
  editorIndex?: number;
  groupSize?: number;
}

export type ToWorker =
  | { type: "add"; users: UserSpec[] }
  | { type: "measure"; on: boolean }
  | { type: "collect" }
  | { type: "stop" };

export interface WorkerSamples {
  chatAck: number[];
  chatSent: number;
  chatOk: number;
  edit: number[];
  editExpected: number;
  editReceived: number;
  search: number[];
  searchSent: number;
  searchOk: number;
  read: number[];
  /** slide number → receive timestamps (ms, epoch with sub-ms precision) */
  slides: Record<string, number[]>;
  /** presenter's forum chat clientId → receive timestamps */
  forumChat: Record<string, number[]>;
  viewersJoined: number;
  /** forum:presence pushes received by viewers and their JSON size (approximate, sampled) */
  presencePushes: number;
  presenceBytes: number;
  connected: number;
  disconnects: number;
  errors: Record<string, number>;
  lagP99: number;
}

/** Wall-clock milliseconds comparable between processes of this machine, sub-millisecond. */
const now = () => performance.timeOrigin + performance.now();
const rand = (min: number, max: number) => min + Math.random() * (max - min);
const ACK_TIMEOUT_MS = 10_000;
/** Hard bound on this process's life, whatever the parent does. */
const MAX_LIFETIME_MS = 30 * 60_000;
const CONNECT_CONCURRENCY = 40;

const SEARCHES = [
  "居",
  "养老",
  "物业",
  "垃圾分类",
  "加装电梯",
  "志愿",
  "垃圾分类 宣传",
  "老旧小区 加装电梯",
  "居民 议事会 协商",
  "独居老人 探访",
  "党员 志愿服务",
  "停车 矛盾 调解",
  "网格 走访",
  "楼道 堆物",
];
const CHAT_LINES = [
  "收到，我明天去居民家里再走访一次",
  "这个议事会的流程可以参考上次的做法",
  "好的，周五前把台账整理好",
  "楼道堆物的事情物业答应本周处理",
  "老师，这个项目预算怎么写更合适？",
];
const TYPED = "社区居民议事协商推进老旧小区改造加装电梯志愿服务";

let measuring = false;
let stopped = false;
const timers = new Set<NodeJS.Timeout>();
const sockets: Socket[] = [];
const providers: WebsocketProvider[] = [];
const lag = monitorEventLoopDelay({ resolution: 10 });
lag.enable();
// y-websocket adds a process "exit" listener per provider
process.setMaxListeners(0);

function fresh(): WorkerSamples {
  return {
    chatAck: [],
    chatSent: 0,
    chatOk: 0,
    edit: [],
    editExpected: 0,
    editReceived: 0,
    search: [],
    searchSent: 0,
    searchOk: 0,
    read: [],
    slides: {},
    forumChat: {},
    viewersJoined: 0,
    presencePushes: 0,
    presenceBytes: 0,
    connected: 0,
    disconnects: 0,
    errors: {},
    lagP99: 0,
  };
}
let samples = fresh();
let viewersJoined = 0;
let connected = 0;

function error(key: string) {
  const k = key.slice(0, 80);
  samples.errors[k] = (samples.errors[k] ?? 0) + 1;
}

/** Repeats `fn` at a random interval in [min, max] ms until the worker stops (bounded by its lifetime). */
function every(minMs: number, maxMs: number, fn: () => Promise<void> | void, firstDelayMs = rand(0, maxMs)) {
  const schedule = (delay: number) => {
    if (stopped) return;
    const timer = setTimeout(async () => {
      timers.delete(timer);
      try {
        await fn();
      } catch (e) {
        error(String((e as Error).message ?? e));
      }
      schedule(rand(minMs, maxMs));
    }, delay);
    timers.add(timer);
  };
  schedule(firstDelayMs);
}

function connectSocket(spec: UserSpec): Promise<Socket> {
  const socket = ioClient(spec.url, {
    path: "/socket.io",
    transports: ["websocket"],
    extraHeaders: { cookie: `session=${spec.token}` },
    reconnection: false,
    forceNew: true,
    timeout: 30_000,
  });
  return new Promise((resolve, reject) => {
    socket.once("connect", () => {
      sockets.push(socket);
      connected += 1;
      socket.on("disconnect", (reason) => {
        if (stopped) return;
        samples.disconnects += 1;
        connected -= 1;
        error(`disconnect: ${reason}`);
      });
      resolve(socket);
    });
    socket.once("connect_error", (e) => {
      socket.close();
      reject(e);
    });
  });
}

async function ack<T = any>(socket: Socket, event: string, payload: unknown): Promise<T> {
  const res = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck(event, payload);
  if (!res?.ok) throw new Error(`${event}: ${res?.error?.code ?? "no ack"} ${res?.error?.message ?? ""}`);
  return res as T;
}

// ——— forum viewers ———

let lastPresenceBytes = 0;

async function startViewer(spec: UserSpec) {
  const socket = await connectSocket(spec);
  // In the room once the join is acknowledged — or once a slide arrives, when the acknowledgement
  // timed out on an overloaded machine but the server did put the socket in the room.
  let inRoom = false;
  const entered = () => {
    if (inRoom) return;
    inRoom = true;
    viewersJoined += 1;
  };
  socket.on("forum:slide", (p: { slide: number }) => {
    const t = now();
    (samples.slides[p.slide] ??= []).push(t);
    entered();
  });
  socket.on("forum:chat", (m: { clientId: string }) => {
    const t = now();
    (samples.forumChat[m.clientId] ??= []).push(t);
  });
  socket.on("forum:presence", (p: unknown) => {
    samples.presencePushes += 1;
    if (samples.presencePushes % 50 === 1) lastPresenceBytes = JSON.stringify(p).length;
    samples.presenceBytes += lastPresenceBytes;
  });
  await ack(socket, "forum:join", { forumId: spec.forumId });
  entered();
}

// ——— studio chatters ———

let clientSeq = 0;
async function startChatter(spec: UserSpec) {
  const socket = await connectSocket(spec);
  await ack(socket, "studio:join", { studioId: spec.studioId });
  every(10_000, 20_000, async () => {
    const counted = measuring;
    const clientId = `b${process.pid}x${++clientSeq}x${Date.now().toString(36)}`;
    const text = CHAT_LINES[clientSeq % CHAT_LINES.length]!;
    if (counted) samples.chatSent += 1;
    const t0 = now();
    try {
      await ack(socket, "studio:send", { studioId: spec.studioId, text, clientId });
      if (counted) {
        samples.chatAck.push(now() - t0);
        samples.chatOk += 1;
      }
    } catch (e) {
      if (counted) error(String((e as Error).message));
    }
  });
}

// ——— proposal editors ———

/** `${doc}:${client}:${clock}` of an edit sent in a measured window → send time and recipients. */
const sentEdits = new Map<string, { t: number; counted: boolean }>();
/** connected editors per document in this worker (a group lives in one worker) */
const editorsPerDoc = new Map<string, number>();

function cookieWebSocket(cookie: string) {
  return class extends WebSocket {
    constructor(address: string | URL, protocols?: string | string[]) {
      super(address, protocols, { headers: { cookie } });
    }
  };
}

async function startEditor(spec: UserSpec) {
  await connectSocket(spec); // the tab's Socket.IO connection (notifications), idle here
  const docName = spec.docName!;
  const doc = new Y.Doc();
  const port = new URL(spec.url).port;
  const provider = new WebsocketProvider(`ws://127.0.0.1:${port}/yjs`, docName, doc, {
    WebSocketPolyfill: cookieWebSocket(`session=${spec.token}`) as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    connect: true,
    maxBackoffTime: 2000,
  });
  providers.push(provider);
  provider.awareness.setLocalStateField("user", { name: `编辑${spec.editorIndex}`, color: "#1677ff" });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("provider did not sync in 30 s")), 30_000);
    const onSync = (synced: boolean) => {
      if (!synced) return;
      clearTimeout(timer);
      provider.off("sync", onSync);
      resolve();
    };
    if (provider.synced) onSync(true);
    else provider.on("sync", onSync);
  });
  editorsPerDoc.set(docName, (editorsPerDoc.get(docName) ?? 0) + 1);

  // Edits from the others arrive through the provider: find which sends they carry.
  doc.on("update", (update: Uint8Array, origin: unknown) => {
    if (origin !== provider) return;
    const t = now();
    const meta = Y.parseUpdateMeta(update);
    for (const [client, to] of meta.to) {
      if (client === doc.clientID) continue;
      const from = meta.from.get(client) ?? 0;
      for (let clock = from; clock < to && clock < from + 64; clock++) {
        const sent = sentEdits.get(`${docName}:${client}:${clock}`);
        if (sent?.counted) {
          samples.edit.push(t - sent.t);
          samples.editReceived += 1;
        }
      }
    }
  });

  // Types into its own section's paragraph, as Tiptap does: one character per transaction.
  const fragment = doc.getXmlFragment("default");
  let typed = 0;
  every(1000, 2000, () => {
    if (!provider.wsconnected) {
      error("editor offline");
      return;
    }
    const paragraph = fragment.get(3 + 2 * (spec.editorIndex ?? 0)) as Y.XmlElement | undefined;
    const text = paragraph?.get(0);
    if (!(text instanceof Y.XmlText)) {
      error("template paragraph missing");
      return;
    }
    const counted = measuring;
    const clock = Y.getState(doc.store, doc.clientID);
    const t = now();
    sentEdits.set(`${docName}:${doc.clientID}:${clock}`, { t, counted });
    if (counted) samples.editExpected += (editorsPerDoc.get(docName) ?? 1) - 1;
    doc.transact(() => text.insert(text.length, TYPED[typed++ % TYPED.length]!));
    provider.awareness.setLocalStateField("cursor", { paragraph: spec.editorIndex, offset: text.length });
  });
}

// ——— Q&A readers and searchers ———

async function startQa(spec: UserSpec) {
  await connectSocket(spec);
  const headers = { cookie: `session=${spec.token}` };
  let i = Math.floor(Math.random() * SEARCHES.length);
  every(5000, 10_000, async () => {
    const counted = measuring;
    const q = SEARCHES[i++ % SEARCHES.length]!;
    if (counted) samples.searchSent += 1;
    const t0 = now();
    const res = await fetch(`${spec.url}/api/questions?q=${encodeURIComponent(q)}`, {
      headers,
      signal: AbortSignal.timeout(ACK_TIMEOUT_MS),
    });
    const body = (await res.json()) as { questions?: { id: string }[] };
    const took = now() - t0;
    if (res.status !== 200) throw new Error(`search ${res.status}`);
    if (counted) {
      samples.search.push(took);
      samples.searchOk += 1;
    }
    // a reader opens the first hit about half the time
    const first = body.questions?.[0];
    if (first && Math.random() < 0.5) {
      const t1 = now();
      const r = await fetch(`${spec.url}/api/questions/${first.id}`, {
        headers,
        signal: AbortSignal.timeout(ACK_TIMEOUT_MS),
      });
      await r.arrayBuffer();
      if (r.status !== 200) throw new Error(`question ${r.status}`);
      if (counted) samples.read.push(now() - t1);
    }
  });
}

async function start(spec: UserSpec) {
  if (spec.kind === "viewer") return startViewer(spec);
  if (spec.kind === "chatter") return startChatter(spec);
  if (spec.kind === "editor") return startEditor(spec);
  return startQa(spec);
}

async function add(users: UserSpec[]) {
  let ok = 0;
  let failed = 0;
  const queue = [...users];
  await Promise.all(
    Array.from({ length: Math.min(CONNECT_CONCURRENCY, queue.length) }, async () => {
      for (let spec = queue.shift(); spec; spec = queue.shift()) {
        try {
          await start(spec);
          ok += 1;
        } catch (e) {
          failed += 1;
          error(`start ${spec.kind}: ${(e as Error).message}`);
        }
      }
    }),
  );
  process.send!({ type: "added", ok, failed });
}

function shutdown() {
  stopped = true;
  for (const t of timers) clearTimeout(t);
  for (const p of providers) p.destroy();
  for (const s of sockets) s.close();
  setTimeout(() => process.exit(0), 500).unref();
}

process.on("message", (msg: ToWorker) => {
  if (msg.type === "add") void add(msg.users);
  else if (msg.type === "measure") {
    measuring = msg.on;
    if (msg.on) lag.reset();
  } else if (msg.type === "collect") {
    const out = { ...samples, viewersJoined, connected, lagP99: lag.percentile(99) / 1e6 };
    samples = fresh();
    for (const [k, v] of sentEdits) if (now() - v.t > 30_000) sentEdits.delete(k);
    process.send!({ type: "samples", samples: out });
  } else if (msg.type === "stop") shutdown();
});
process.on("disconnect", shutdown);
setTimeout(() => {
  console.error("system-worker: lifetime exceeded, exiting");
  process.exit(1);
}, MAX_LIFETIME_MS).unref();
process.send!({ type: "ready" });
