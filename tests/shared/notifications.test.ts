import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { notify } from "../../server/notifications/service.ts";
import { connectSocket, createUser, nextEvent } from "../helpers/clients.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

describe("notifications", () => {
  it("pushes a new notification to the user's sockets, lists it and marks it read", async () => {
    const alice = await createUser(server);
    const bob = await createUser(server);
    const socket = await connectSocket(server, alice.client);
    const pushed = nextEvent(socket, "notification:new");
    await notify(server.ctx, { userId: alice.user.id, kind: "mention", title: "有人提到了你", link: "/studios/x" });
    expect(await pushed).toMatchObject({ kind: "mention", title: "有人提到了你", read: false });

    const list = await alice.client.get("/api/notifications");
    expect(list.body.unread).toBe(1);
    expect(list.body.notifications).toHaveLength(1);
    expect((await bob.client.get("/api/notifications")).body.notifications).toHaveLength(0);

    // Bob cannot mark Alice's notification read.
    await bob.client.post("/api/notifications/read", { ids: [list.body.notifications[0].id] });
    expect((await alice.client.get("/api/notifications")).body.unread).toBe(1);

    const read = await alice.client.post("/api/notifications/read", { all: true });
    expect(read.body.unread).toBe(0);
    expect(read.body.notifications[0].read).toBe(true);
    expect((await alice.client.post("/api/notifications/read", { ids: ["nope"] })).status).toBe(400);
    socket.close();
  });
});
