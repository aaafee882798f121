// @vitest-environment happy-dom
/**
 * The studio room store's rules (client/src/features/studios/roomStore.ts), in happy-dom against
 * the real server — its own process with the demo data, the page on its origin, signed in as sec1
 * of the demo studio: a message that arrives twice is held once, a hole in the seqs received live
 * is filled over REST, and a message written offline waits in the queue — through a reload — and
 * is sent once, with its clientId, when the room is joined.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Studio, StudioMessage } from "../../shared/studios.ts";
import { api } from "../../client/src/api.ts";
import { RoomStore } from "../../client/src/features/studios/roomStore.ts";
import { connectSocket, disconnectSocket, emitWithAck } from "../../client/src/socket.ts";
import { eventually } from "../helpers/clients.ts";
import { openPageOnServer } from "../helpers/pageServer.ts";
import type { ServerProcess } from "../helpers/processes.ts";

let server: ServerProcess;
let studio: Studio;
let me: string;

beforeAll(async () => {
  ({ server } = await openPageOnServer("/studios", "sec1"));
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
