import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sessions } from "../server/auth/schema.ts";
import { sessionIdFromToken } from "../server/auth/sessions.ts";
import { districtCommunities } from "../server/db/seed.ts";
import { ApiClient, connectSocket, createUser, eventually, nextEvent, uniqueName } from "./helpers/clients.ts";
import { startTestServer, type TestServer } from "./helpers/server.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

describe("accounts", () => {
  it("registers as a resident, reads /me, logs out and in again", async () => {
    const client = new ApiClient(server.url);
    const username = uniqueName("reg");
    const created = await client.post("/api/auth/register", {
      username,
      password: "s3cret-pass",
      displayName: "新用户",
    });
    expect(created.status).toBe(201);
    expect(created.body.user).toMatchObject({ username, displayName: "新用户", role: "resident" });
    expect(created.body.user).not.toHaveProperty("passwordHash");
    const cookie = created.headers.getSetCookie()[0]!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);

    expect((await client.get("/api/me")).body.user.username).toBe(username);
    expect((await client.post("/api/auth/logout")).status).toBe(200);
    expect((await client.get("/api/me")).status).toBe(401);

    const login = await client.post("/api/auth/login", { username, password: "s3cret-pass" });
    expect(login.status).toBe(200);
    expect((await client.get("/api/me")).status).toBe(200);
  });

  it("refuses a duplicate username, a short password and a malformed body", async () => {
    const client = new ApiClient(server.url);
    const username = uniqueName("dup");
    expect(
      (await client.post("/api/auth/register", { username, password: "password1", displayName: "甲" })).status,
    ).toBe(201);
    const again = await new ApiClient(server.url).post("/api/auth/register", {
      username,
      password: "password1",
      displayName: "乙",
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("conflict");

    const short = await new ApiClient(server.url).post("/api/auth/register", {
      username: uniqueName(),
      password: "123",
      displayName: "丙",
    });
    expect(short.status).toBe(400);
    expect(short.body.error.code).toBe("invalid_input");

    const notJson = await new ApiClient(server.url).request("POST", "/api/auth/login", "{nope", {
      "content-type": "application/json",
    });
    expect(notJson.status).toBe(400);
    const wrongType = await new ApiClient(server.url).post("/api/auth/login", { username: 5, password: [] });
    expect(wrongType.status).toBe(400);
  });

  it("answers a wrong password with 401 and the same message as an unknown user", async () => {
    const { user } = await createUser(server);
    const wrong = await new ApiClient(server.url).post("/api/auth/login", {
      username: user.username,
      password: "not-it-at-all",
    });
    const unknown = await new ApiClient(server.url).post("/api/auth/login", {
      username: uniqueName("ghost"),
      password: "whatever1",
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe("invalid_credentials");
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.message).toBe(wrong.body.error.message);
  });

  it("logging out closes the sockets of that session only", async () => {
    const { user, client } = await createUser(server);
    const otherBrowser = new ApiClient(server.url);
    await otherBrowser.post("/api/auth/login", { username: user.username, password: "password123" });
    const mine = await connectSocket(server, client);
    const theirs = await connectSocket(server, otherBrowser);
    const ended = nextEvent(mine, "session:ended");
    const closed = new Promise((resolve) => mine.once("disconnect", resolve));
    expect((await client.post("/api/auth/logout")).status).toBe(200);
    expect(await ended).toEqual({ reason: "logout" });
    await closed;
    await new Promise((r) => setTimeout(r, 100));
    expect(theirs.connected).toBe(true);
    expect((await otherBrowser.get("/api/me")).status).toBe(200);
    theirs.close();
  });

  it("ends every session when the password changes", async () => {
    const { user, client } = await createUser(server);
    const other = new ApiClient(server.url);
    await other.post("/api/auth/login", { username: user.username, password: "password123" });
    const changed = await client.post("/api/auth/password", {
      currentPassword: "password123",
      newPassword: "brand-new-pass1",
    });
    expect(changed.status).toBe(200);
    expect((await other.get("/api/me")).status).toBe(401);
    expect((await client.get("/api/me")).status).toBe(200);
    const relogin = await new ApiClient(server.url).post("/api/auth/login", {
      username: user.username,
      password: "brand-new-pass1",
    });
    expect(relogin.status).toBe(200);
  });

  it("expires sessions and renews them when used in the second half of their life", async () => {
    const { client } = await createUser(server);
    const token = client.cookie.split("=")[1]!;
    const id = sessionIdFromToken(token);

    // Half-way through: the next request slides the expiry forward and re-sends the cookie.
    const soon = new Date(Date.now() + 60_000);
    await server.ctx.db.update(sessions).set({ expiresAt: soon }).where(eq(sessions.id, id));
    const renewed = await client.get("/api/me");
    expect(renewed.status).toBe(200);
    expect(renewed.headers.getSetCookie().some((c) => c.startsWith("session="))).toBe(true);
    const [row] = await server.ctx.db.select().from(sessions).where(eq(sessions.id, id));
    expect(row!.expiresAt.getTime()).toBeGreaterThan(Date.now() + 29 * 24 * 3600 * 1000);

    // Past its expiry: refused and deleted.
    await server.ctx.db
      .update(sessions)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(sessions.id, id));
    expect((await client.get("/api/me")).status).toBe(401);
    expect(await server.ctx.db.select().from(sessions).where(eq(sessions.id, id))).toHaveLength(0);
  });

  it("stores only the SHA-256 of the session token", async () => {
    const { client } = await createUser(server);
    const token = client.cookie.split("=")[1]!;
    expect(await server.ctx.db.select().from(sessions).where(eq(sessions.id, token))).toHaveLength(0);
    expect(
      await server.ctx.db
        .select()
        .from(sessions)
        .where(eq(sessions.id, sessionIdFromToken(token))),
    ).toHaveLength(1);
  });

  it("refuses a state-changing request from another origin", async () => {
    const client = new ApiClient(server.url);
    const res = await client.post(
      "/api/auth/register",
      { username: uniqueName(), password: "password1", displayName: "跨站" },
      { origin: "https://evil.example" },
    );
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("forbidden_origin");
    const sameOrigin = await client.post(
      "/api/auth/register",
      { username: uniqueName(), password: "password1", displayName: "本站" },
      { origin: server.url },
    );
    expect(sameOrigin.status).toBe(201);
  });
});

describe("admin user management", () => {
  it("lists users and changes role, community and level; others get 403", async () => {
    const admin = await createUser(server, { role: "admin" });
    const worker = await createUser(server, { role: "worker" });
    expect((await worker.client.get("/api/users")).status).toBe(403);
    expect((await worker.client.patch(`/api/users/${worker.user.id}`, { role: "admin" })).status).toBe(403);
    expect((await new ApiClient(server.url).get("/api/users")).status).toBe(401);

    const list = await admin.client.get("/api/users");
    expect(list.status).toBe(200);
    expect(list.body.users.map((u: { id: string }) => u.id)).toContain(worker.user.id);

    const patched = await admin.client.patch(`/api/users/${worker.user.id}`, {
      role: "secretary",
      communityId: "wuxing",
      level: "backbone",
    });
    expect(patched.status).toBe(200);
    expect(patched.body.user).toMatchObject({ role: "secretary", communityId: "wuxing", level: "backbone" });

    expect((await admin.client.patch(`/api/users/${worker.user.id}`, { communityId: "nowhere" })).status).toBe(400);
    expect((await admin.client.patch(`/api/users/${crypto.randomUUID()}`, { level: "core" })).status).toBe(404);
    expect((await admin.client.patch(`/api/users/not-a-uuid`, { level: "core" })).status).toBe(400);
    expect((await admin.client.patch(`/api/users/${worker.user.id}`, { role: "emperor" })).status).toBe(400);
  });

  it("disabling a user ends their sessions and disconnects their sockets at once", async () => {
    const admin = await createUser(server, { role: "admin" });
    const target = await createUser(server);
    const socket = await connectSocket(server, target.client);
    const ended = nextEvent(socket, "session:ended");
    const disconnected = new Promise((resolve) => socket.once("disconnect", resolve));

    const res = await admin.client.patch(`/api/users/${target.user.id}`, { disabled: true });
    expect(res.status).toBe(200);
    expect(await ended).toEqual({ reason: "disabled" });
    await disconnected;
    expect((await target.client.get("/api/me")).status).toBe(401);
    const login = await new ApiClient(server.url).post("/api/auth/login", {
      username: target.user.username,
      password: "password123",
    });
    expect(login.status).toBe(403);
    expect(login.body.error.code).toBe("account_disabled");
    await expect(connectSocket(server, target.client)).rejects.toThrow("unauthorized");
    socket.close();
  });
});

describe("org", () => {
  // On PostgreSQL every test file shares one database, and the roster tests add communities of their
  // own; so this checks that the district's 31 are all there rather than counting the list.
  it("lists the 7 streets with their 31 communities", async () => {
    const res = await new ApiClient(server.url).get("/api/org");
    expect(res.status).toBe(200);
    expect(res.body.streets).toHaveLength(7);
    const listed = res.body.streets.flatMap((s: { communities: { id: string }[] }) => s.communities.map((c) => c.id));
    const district = districtCommunities().map((c) => c.id);
    expect(district).toHaveLength(31);
    expect(listed).toEqual(expect.arrayContaining(district));
    expect(res.body.streets[0].communities[0]).toMatchObject({ name: "五星社区", demo: false });
  });
});

describe("registration switched off", () => {
  let closed: TestServer;
  beforeAll(async () => {
    closed = await startTestServer({ ALLOW_REGISTRATION: "false" });
  });
  afterAll(() => closed?.close());

  it("refuses self-registration but still lets existing users sign in", async () => {
    const res = await new ApiClient(closed.url).post("/api/auth/register", {
      username: uniqueName(),
      password: "password1",
      displayName: "甲",
    });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("registration_closed");
    const { client } = await createUser(closed);
    expect((await client.get("/api/me")).status).toBe(200);
  });
});

describe("login throttling", () => {
  let limited: TestServer;
  beforeAll(async () => {
    limited = await startTestServer({ LOGIN_LIMIT_PER_ACCOUNT: "3", LOGIN_LIMIT_PER_ADDRESS: "1000" });
  });
  afterAll(() => limited?.close());

  it("answers 429 with Retry-After after too many attempts on one account", async () => {
    const { user } = await createUser(limited);
    const client = new ApiClient(limited.url);
    for (let i = 0; i < 3; i++) {
      expect(
        (await client.post("/api/auth/login", { username: user.username, password: "wrong-password" })).status,
      ).toBe(401);
    }
    const blocked = await client.post("/api/auth/login", { username: user.username, password: "password123" });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe("rate_limited");
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    // Another account from the same address is unaffected.
    const other = await createUser(limited);
    expect(other.user.id).toBeTruthy();
    await eventually(async () => (await other.client.get("/api/me")).status === 200);
  });
});
