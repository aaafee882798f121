import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectDoc, connectSocket, createUser, eventually, upgradeStatus, waitForSync } from "./helpers/clients.ts";
import { startTestServer, type TestServer } from "./helpers/server.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  // A document kind open to every signed-in user, standing in for a feature's kind.
  server.ctx.yjs.registerKind({ prefix: "scratch", access: async () => "write" });
  server.ctx.yjs.registerKind({ prefix: "readonly", access: async () => "read" });
  server.ctx.yjs.registerKind({ prefix: "closed", access: async () => null });
});
afterAll(() => server?.close());

describe("health", () => {
  it("reports the database and the fan-out in use", async () => {
    const res = await fetch(`${server.url}/api/health`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ ok: true, db: server.ctx.dbKind, scaleOut: server.ctx.redis ? "redis" : "memory" });
    expect(body.dependencies).toEqual(server.ctx.redis ? { db: "up", redis: "up" } : { db: "up" });
    expect(Date.parse(body.startedAt)).toBeLessThanOrEqual(Date.now());
  });

  it("answers unknown /api routes with a JSON 404 (401 before sign-in) and an oversized body with 413", async () => {
    const anonymous = await fetch(`${server.url}/api/no-such-thing`);
    expect(anonymous.status).toBe(401);
    const { client } = await createUser(server);
    const missing = await client.get("/api/no-such-thing");
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe("not_found");
    const huge = await fetch(`${server.url}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "x", password: "y".repeat(2_000_000) }),
    });
    expect(huge.status).toBe(413);
    expect((await huge.json()).error.code).toBe("too_large");
  });
});

describe("Socket.IO door", () => {
  it("accepts a signed-in user and refuses a missing or bad cookie with `unauthorized`", async () => {
    const { client } = await createUser(server);
    const socket = await connectSocket(server, client);
    expect(socket.connected).toBe(true);
    socket.close();
    await expect(connectSocket(server, null)).rejects.toThrow("unauthorized");
    const forged = { cookie: "session=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" } as never;
    await expect(connectSocket(server, forged)).rejects.toThrow("unauthorized");
  });
});

describe("/yjs/ door", () => {
  it("refuses without a cookie (401), a forbidden document (403), an unknown kind and unknown paths (404)", async () => {
    const { client } = await createUser(server);
    expect(await upgradeStatus(server, "/yjs/scratch:abc")).toBe(401);
    expect(await upgradeStatus(server, "/yjs/closed:abc", client.cookie)).toBe(403);
    expect(await upgradeStatus(server, "/yjs/nosuchkind:abc", client.cookie)).toBe(404);
    expect(await upgradeStatus(server, "/yjs/scratch:abc", client.cookie)).toBe(101);
    expect(await upgradeStatus(server, "/elsewhere", client.cookie)).toBe(404);
  });

  it("two providers converge on a document and survive a restart-free reload from storage", async () => {
    const a = await createUser(server);
    const b = await createUser(server);
    const name = `scratch:${crypto.randomUUID()}`;
    const first = connectDoc(server, a.client, name);
    const second = connectDoc(server, b.client, name);
    await Promise.all([waitForSync(first.provider), waitForSync(second.provider)]);
    first.doc.getText("t").insert(0, "书记讲给");
    second.doc.getText("t").insert(0, "【论坛】");
    await eventually(
      () =>
        first.doc.getText("t").toString() === second.doc.getText("t").toString() && first.doc.getText("t").length === 8,
    );
    first.provider.destroy();
    second.provider.destroy();
    await eventually(() => server.ctx.yjs.openDocuments === 0);

    const third = connectDoc(server, a.client, name);
    await waitForSync(third.provider);
    expect(third.doc.getText("t").length).toBe(8);
    third.provider.destroy();
  });

  it("drops a reader's edits but still sends it everyone else's", async () => {
    const a = await createUser(server);
    const name = `readonly:${crypto.randomUUID()}`;
    const reader = connectDoc(server, a.client, name);
    const other = connectDoc(server, a.client, name);
    await Promise.all([waitForSync(reader.provider), waitForSync(other.provider)]);
    reader.doc.getText("t").insert(0, "不该保存");
    await new Promise((r) => setTimeout(r, 200));
    expect(other.doc.getText("t").toString()).toBe("");
    reader.provider.destroy();
    other.provider.destroy();
  });

  it("unloads a document and its awareness when the last connection leaves", async () => {
    const { client } = await createUser(server);
    const before = server.ctx.yjs.openDocuments;
    const docs = Array.from({ length: 5 }, () => connectDoc(server, client, `scratch:${crypto.randomUUID()}`));
    await Promise.all(docs.map((d) => waitForSync(d.provider)));
    expect(server.ctx.yjs.openDocuments).toBe(before + 5);
    for (const d of docs) d.provider.destroy();
    await eventually(() => server.ctx.yjs.openDocuments === before);
  });

  it("a plain TCP client sending garbage to the upgrade path does not disturb the server", async () => {
    await new Promise<void>((resolve) => {
      const socket = net.connect(server.port, "127.0.0.1", () => {
        socket.write("GET /yjs/scratch:x HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
      });
      socket.on("data", () => socket.destroy());
      socket.on("close", () => resolve());
    });
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
  });
});
