// @vitest-environment happy-dom
/**
 * The studio room store's rules (client/src/features/studios/roomStore.ts), in happy-dom against
 * the real server — its own process with the demo data, the page on its origin, signed in as sec1
 * of the demo studio: a message that arrives twice is held once, a hole in the seqs received live
 * is filled over REST, and a message written offline waits in the queue — through a reload — and
 * is sent once, with its clientId, when the room is joined.
 */
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Studio, StudioMessage } from "../../shared/studios.ts";
import { api } from "../../client/src/api.ts";
import { RoomStore } from "../../client/src/features/studios/roomStore.ts";
import { connectSocket, disconnectSocket, emitWithAck, getSocket } from "../../client/src/socket.ts";
import { eventually } from "../helpers/clients.ts";
import { freePort, startServerProcess, type ServerProcess } from "../helpers/processes.ts";

let server: ServerProcess;
let studio: Studio;
let me: string;

/** Signs in outside the page (Node's own HTTP), for the session cookie the page then carries. */
function signInCookie(origin: string, username: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${origin}/api/auth/login`,
      { method: "POST", headers: { "content-type": "application/json", origin } },
      (res) => {
        res.resume();
        const cookie = res.headers["set-cookie"]?.find((c) => c.startsWith("session="))?.split(";")[0];
        if (res.statusCode === 200 && cookie) resolve(cookie);
        else reject(new Error(`sign-in as ${username}: ${res.statusCode}`));
      },
    );
    req.on("error", reject);
    req.end(JSON.stringify({ username, password: "demo1234" }));
  });
}

beforeAll(async () => {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(`${origin}/studios`);
  // The store is the subject, not the database: the server gets an embedded database of its own
  // with the demo studio in it, also in the PostgreSQL run (whose shared database is never seeded).
  server = await startServerProcess({ SEED_DEMO: "true", DATABASE_URL: "", REDIS_URL: "" }, 150_000, port);
  const cookie = await signInCookie(origin, "sec1");
  document.cookie = cookie;
  // the Node build of socket.io-client sends no page cookies by itself
  getSocket().io.opts.extraHeaders = { cookie };
  me = (await api<{ user: { id: string } }>("/api/session")).user.id;
  const { studios } = await api<{ studios: Studio[] }>("/api/studios");
  studio = studios.find((s) => s.name === "李建华导师工作室")!;
  expect(studio).toBeTruthy();
}, 180_000);

afterAll(async () => {
  disconnectSocket();
  await server?.stop();
});

/** A live push as the store's socket would hand it over (the store's own handler). */
function push(store: RoomStore, message: StudioMessage) {
  (store as unknown as { onMessage(e: { studioId: string; message: StudioMessage }): void }).onMessage({
    studioId: studio.id,
    message,
  });
}

const seqs = (store: RoomStore) => store.state.messages.map((m) => m.seq);

let written = 0;
/** A message stored by the server that this store does not hear about (sent past it). */
async function storedBehindItsBack(text: string): Promise<StudioMessage> {
  const ack = await emitWithAck("studio:send", {
    studioId: studio.id,
    text,
    clientId: `room-store-${Date.now()}-${++written}`,
  });
  if (!ack.ok) throw new Error(ack.error.message);
  return ack.message;
}

async function until(what: string, check: () => boolean, timeoutMs = 10_000) {
  await eventually(() => {
    if (!check()) throw new Error(`not yet: ${what}`);
    return true;
  }, timeoutMs);
}

describe("studio room store", () => {
  it("queues a message written offline, keeps it through a reload, and sends it once when the room is joined", async () => {
    const offline = new RoomStore(studio.id, me);
    offline.start();
    await until("history read over REST", () => offline.state.status === "ready");
    offline.send("离线时写的：台账已整理好", null, null);
    expect(offline.state.pending).toMatchObject([{ text: "离线时写的：台账已整理好", status: "queued" }]);
    offline.stop();

    // the page is reloaded: a fresh store reads the queue back
    const store = new RoomStore(studio.id, me);
    expect(store.state.pending.map((p) => p.text)).toEqual(["离线时写的：台账已整理好"]);
    const { clientId } = store.state.pending[0]!;

    // the connection comes back: the room is joined and the queue flushed
    store.start();
    connectSocket();
    try {
      await until("joined and flushed", () => store.state.joined && store.state.pending.length === 0, 20_000);
      expect(store.state.messages.filter((m) => m.clientId === clientId)).toHaveLength(1);
      const { messages } = await api<{ messages: StudioMessage[] }>(`/api/studios/${studio.id}/messages`);
      expect(messages.filter((m) => m.clientId === clientId)).toHaveLength(1);
      expect(localStorage.getItem(`studios.pending.${me}.${studio.id}`)).toBeNull();
    } finally {
      store.stop();
    }
  });

  it("holds a message that arrives twice (push and replay) once, and fills a hole in the seqs over REST", async () => {
    const store = new RoomStore(studio.id, me);
    store.start();
    await until("joined", () => store.state.joined);
    store.stop(); // from here on it hears only what the test hands it

    const first = await storedBehindItsBack("周五前交走访台账");
    push(store, first);
    push(store, first);
    expect(seqs(store).filter((seq) => seq === first.seq)).toHaveLength(1);

    // the second message's push is lost; the third arrives and shows the hole
    const second = await storedBehindItsBack("格式按上次的模板");
    const third = await storedBehindItsBack("有问题随时问");
    push(store, third);
    expect(seqs(store)).not.toContain(second.seq);
    await until("the hole filled", () => seqs(store).includes(second.seq));
    expect(store.state.messages.slice(-3).map((m) => m.text)).toEqual([
      "周五前交走访台账",
      "格式按上次的模板",
      "有问题随时问",
    ]);
    expect(new Set(seqs(store)).size).toBe(seqs(store).length);
  });
});
