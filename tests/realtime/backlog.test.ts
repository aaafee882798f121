import type { Socket as NetSocket } from "node:net";
import type WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { userRoom } from "../../server/context.ts";
import { connectSocket, createUser, eventually, type TestSocket } from "../helpers/clients.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { closedWithin, openRawDoc, syncUpdates, updateFrame } from "../helpers/yjsFrames.ts";
import { ownerWithProposal } from "../proposals/helpers.ts";

// A client that stops reading must not make the server hold an unbounded backlog for it: past
// MAX_UNSENT_BYTES its connection is cut (server/realtime/backlog.ts, server/yjs/outbox.ts), and
// the others in the same room notice nothing.

const MAX_UNSENT_BYTES = 1_000_000;
/** 20 MB in all to each receiver, far past the limit and what loopback's kernel buffers hold. */
const MESSAGES = 100;
const MESSAGE_BYTES = 200_000;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ MAX_UNSENT_BYTES: String(MAX_UNSENT_BYTES) });
});
afterAll(() => server?.close());

/** Stops reading from the network, as a phone that froze (or a client that means harm) would. */
function stopReading(ws: WebSocket): NetSocket {
  const raw = (ws as unknown as { _socket: NetSocket })._socket;
  raw.pause();
  return raw;
}

/** The ws connection under a socket.io-client socket. */
const wsOf = (socket: TestSocket) => (socket.io.engine.transport as unknown as { ws: WebSocket }).ws;

/** Paced, so a receiver that reads keeps up: the limit is about a reader that stopped, not a burst. */
async function paced(count: number, send: (i: number) => void): Promise<void> {
  for (let i = 0; i < count; i++) {
    send(i);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe("a connection that stops reading is cut once its backlog passes the limit", () => {
  it("Socket.IO: the stalled socket is dropped, a reading one in the same room gets everything", async () => {
    const { user, client } = await createUser(server);
    const stalled = await connectSocket(server, client);
    const reading = await connectSocket(server, client);
    const stalledId = stalled.id!;
    const io = server.ctx.io as unknown as import("socket.io").Server;
    expect(io.sockets.sockets.has(stalledId)).toBe(true);
    const got: number[] = [];
    reading.on("test:bulk" as never, (payload: { n: number; bulk: string }) => {
      if (payload.bulk.length === MESSAGE_BYTES) got.push(payload.n);
    });
    const raw = stopReading(wsOf(stalled));

    await paced(MESSAGES, (n) => io.to(userRoom(user.id)).emit("test:bulk", { n, bulk: "x".repeat(MESSAGE_BYTES) }));

    await eventually(() => !io.sockets.sockets.has(stalledId), 10_000);
    await eventually(() => got.length === MESSAGES, 10_000);
    expect(got).toEqual([...Array(MESSAGES).keys()]);
    expect(reading.connected).toBe(true);
    // What reached the stalled client before the cut is far less than what was sent.
    let delivered = 0;
    stalled.on("test:bulk" as never, () => {
      delivered++;
    });
    const disconnected = new Promise<string>((resolve) => stalled.once("disconnect", resolve));
    raw.resume();
    expect(await disconnected).toBe("transport close");
    expect(delivered).toBeLessThan(MESSAGES / 2);
    reading.close();
  });

  it("/yjs/: the stalled reader is terminated, the writer and a reading observer carry on", async () => {
    const { owner, docName } = await ownerWithProposal(server);
    const cookie = owner.client.cookie!;
    const stalled = await openRawDoc(server, cookie, docName);
    const observer = await openRawDoc(server, cookie, docName);
    const writer = await openRawDoc(server, cookie, docName);
    const raw = stopReading(stalled.ws);

    // Each update inserts MESSAGE_BYTES of text (12 MB in all: under the document's 20 MB limit).
    const doc = new Y.Doc();
    doc.clientID = 8101;
    const updates: Uint8Array[] = [];
    doc.on("update", (u: Uint8Array) => updates.push(u));
    const count = 60;
    for (let i = 0; i < count; i++) doc.getText("t").insert(0, String(i % 10).repeat(MESSAGE_BYTES));
    await paced(count, (i) => writer.send(updateFrame(updates[i]!)));

    const textOf = () => {
      const copy = new Y.Doc();
      for (const u of syncUpdates(observer.received)) Y.applyUpdate(copy, u);
      return copy.getText("t").length;
    };
    await eventually(() => textOf() === count * MESSAGE_BYTES, 15_000);
    expect(await closedWithin(observer, 50)).toBeNull();
    expect(await closedWithin(writer, 50)).toBeNull();
    raw.resume();
    // terminated: no close frame, so the code is 1006
    expect((await stalled.closed).code).toBe(1006);
    const reached = syncUpdates(stalled.received).reduce((sum, u) => sum + u.byteLength, 0);
    expect(reached).toBeLessThan((count * MESSAGE_BYTES) / 2);
    observer.ws.close();
    writer.ws.close();
  });
});
