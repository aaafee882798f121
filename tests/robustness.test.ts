import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectSocket, createUser, emitAck } from "./helpers/clients.ts";
import { startTestServer, type TestServer } from "./helpers/server.ts";

/** Every client→server event of the contract (shared/*.ts). */
const EVENTS = [
  "forum:join",
  "forum:leave",
  "forum:control",
  "forum:slide",
  "forum:moderate",
  "forum:round",
  "forum:chat",
  "forum:ask",
  "forum:vote",
  "forum:score",
  "qa:subscribe",
  "qa:unsubscribe",
  "qa:control",
  "qa:reorder",
  "qa:queueAdd",
  "studio:join",
  "studio:leave",
  "studio:send",
  "studio:edit",
  "studio:withdraw",
  "studio:pin",
  "studio:typing",
  "studio:read",
  "studio:task",
  "studio:taskState",
];

/** Payloads a careless or hostile client might send. */
const GARBAGE: unknown[] = [
  undefined,
  null,
  42,
  "forum",
  [],
  {},
  { forumId: "not-a-uuid", studioId: 7, eventId: { $ne: null } },
  {
    forumId: crypto.randomUUID(),
    studioId: crypto.randomUUID(),
    eventId: crypto.randomUUID(),
    text: "x".repeat(100_000),
    clientId: "c".repeat(500),
  },
  { __proto__: { admin: true }, constructor: { prototype: { polluted: true } } },
];

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

describe("malformed ids in REST paths", () => {
  it("answer 400 invalid_input before any query, on every feature", async () => {
    const admin = await createUser(server, { role: "admin", communityId: "wuxing" });
    const proposal = (await admin.client.post("/api/proposals", { title: "编号检查", communityId: "wuxing" })).body
      .proposal;
    const calls: [string, string][] = [
      ["GET", "/api/forums/not-a-uuid"],
      ["GET", "/api/studios/not-a-uuid/messages"],
      ["GET", "/api/questions/not-a-uuid"],
      ["PATCH", "/api/users/not-a-uuid"],
      ["GET", "/api/proposals/not-a-uuid"],
      ["DELETE", `/api/proposals/${proposal.id}/members/not-a-uuid`],
      ["DELETE", `/api/proposals/${proposal.id}/reviewers/not-a-uuid`],
      ["GET", `/api/proposals/${proposal.id}/versions/not-a-uuid`],
      ["POST", `/api/proposals/${proposal.id}/comments/not-a-uuid/resolve`],
    ];
    for (const [method, path] of calls) {
      const res = await admin.client.request(
        method,
        path,
        method === "GET" || method === "DELETE" ? undefined : { resolved: true, level: "core" },
      );
      expect(res.status, `${method} ${path}`).toBe(400);
      expect(res.body.error.code).toBe("invalid_input");
    }
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
  });
});

describe("bad socket payloads", () => {
  it("every event answers garbage with an error acknowledgement and the server carries on", async () => {
    const { client } = await createUser(server);
    const socket = await connectSocket(server, client);
    for (const event of EVENTS) {
      for (const payload of GARBAGE) {
        const ack = await emitAck(socket, event, payload);
        // Leaving a room one is not in is harmless, and qa:subscribe without an event id follows the
        // whole board, so those may succeed on an object payload.
        if (ack.ok && /:(leave|unsubscribe|subscribe)$/.test(event) && typeof payload === "object" && payload !== null)
          continue;
        expect(ack.ok, `${event} ${JSON.stringify(payload)?.slice(0, 60)}`).toBe(false);
        expect(["invalid_input", "too_large", "not_found", "forbidden"]).toContain(ack.error.code);
      }
    }
    // Unknown ids of the right shape are 404 or 403, never a crash or a leak.
    const unknown = await emitAck(socket, "studio:join", { studioId: crypto.randomUUID() });
    expect(["not_found", "forbidden"]).toContain(unknown.error.code);
    expect(socket.connected).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
    socket.close();
  });

  it("an event sent without an acknowledgement callback is ignored without harm", async () => {
    const { client } = await createUser(server);
    const socket = await connectSocket(server, client);
    for (const event of EVENTS)
      (socket as unknown as { emit(e: string, p: unknown): void }).emit(event, { junk: true });
    const ack = await emitAck(socket, "forum:join", { forumId: crypto.randomUUID() });
    expect(ack.ok).toBe(false);
    expect(socket.connected).toBe(true);
    socket.close();
  });
});
