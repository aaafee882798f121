import type { Socket } from "socket.io-client";
import { io as ioClient } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { userRoom } from "../../server/context.ts";
import { directFrameStats } from "../../server/realtime/directFrames.ts";
import { type ApiClient, connectSocket, createUser, eventually } from "../helpers/clients.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

// Room broadcasts may skip engine.io's per-socket queue (server/realtime/directFrames.ts). What must
// hold: nothing overtakes what is already queued, and a connection that cannot take the shortcut
// (long-polling) still gets everything, in order.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

const COUNT = 300;
/** Big enough that the WebSocket is still busy writing it when the next broadcasts come. */
const BULKY = "长".repeat(400_000);

function received(socket: Socket) {
  const seen: number[] = [];
  socket.on("test:n" as never, (payload: { n: number }) => {
    seen.push(payload.n);
  });
  return seen;
}

/**
 * Sends 0…COUNT-1 to the user, alternating a room broadcast (may go direct) and an emit to the
 * socket itself (always queued), every tenth of those carrying a bulky payload.
 */
function sendInterleaved(userId: string, socketId: string) {
  const io = server.ctx.io as unknown as import("socket.io").Server;
  const own = io.sockets.sockets.get(socketId)!;
  for (let n = 0; n < COUNT; n++) {
    if (n % 2 === 0) io.to(userRoom(userId)).emit("test:n", { n });
    else own.emit("test:n", { n, ...(n % 20 === 1 ? { bulk: BULKY } : {}) });
  }
}

async function pollingSocket(client: ApiClient): Promise<Socket> {
  const socket = ioClient(server.url, {
    path: "/socket.io",
    transports: ["polling"],
    extraHeaders: { cookie: client.cookie! },
    reconnection: false,
    forceNew: true,
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
  return socket;
}

describe("room broadcasts written straight to an idle WebSocket", () => {
  it("are taken by the shortcut, and arrive in order with what the socket had queued", async () => {
    const { user, client } = await createUser(server);
    const socket = (await connectSocket(server, client)) as unknown as Socket;
    const seen = received(socket);
    const directBefore = directFrameStats.direct;

    sendInterleaved(user.id, socket.id!);

    await eventually(() => expect(seen).toHaveLength(COUNT), 20_000);
    expect(seen).toEqual(Array.from({ length: COUNT }, (_, n) => n));
    // Broadcasts made while the bulky emits were being written waited in the queue, the rest went
    // direct; with the installed Socket.IO some must go direct, or the shortcut is dead code.
    expect(directFrameStats.direct - directBefore).toBeGreaterThan(0);
    expect(directFrameStats.direct - directBefore).toBeLessThanOrEqual(COUNT / 2);
    socket.close();
  });

  it("leave a long-polling connection to Socket.IO, which still delivers everything in order", async () => {
    const { user, client } = await createUser(server);
    const socket = await pollingSocket(client);
    const seen = received(socket);
    const directBefore = directFrameStats.direct;

    sendInterleaved(user.id, socket.id!);

    await eventually(() => expect(seen).toHaveLength(COUNT), 20_000);
    expect(seen).toEqual(Array.from({ length: COUNT }, (_, n) => n));
    expect(directFrameStats.direct).toBe(directBefore);
    socket.close();
  });
});
