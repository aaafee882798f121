import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "../../server/audit/schema.ts";
import {
  ApiClient,
  connectDoc,
  connectSocket,
  createUser,
  emitAck,
  eventually,
  findUserRow,
  nextEvent,
  uniqueName,
  upgradeStatus,
} from "../helpers/clients.ts";
import { startTestServer, startTestServerOnOwnDatabase, type TestServer } from "../helpers/server.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

const auditOf = (targetId: string) => server.ctx.db.select().from(auditLog).where(eq(auditLog.targetId, targetId));

async function signIn(username: string, password: string) {
  const client = new ApiClient(server.url);
  const res = await client.post("/api/auth/login", { username, password });
  return { client, res };
}

describe("people management", () => {
  it("an organiser creates a person with several roles and flags; the initial password must be changed first", async () => {
    const organiser = await createUser(server, { role: "organiser" });
    const username = uniqueName("new");
    const created = await organiser.client.post("/api/users", {
      username,
      displayName: "韦小红",
      roles: ["mentor", "secretary"],
      flags: ["liangwei", "touyan"],
      communityId: "wuxing",
      phone: "13812341234",
      hireDate: "2024-03-01",
    });
    expect(created.status).toBe(201);
    expect(created.headers.get("cache-control")).toBe("no-store");
    const { user, initialPassword } = created.body;
    expect(user).toMatchObject({
      username,
      role: "secretary",
      roles: ["mentor", "secretary"],
      flags: ["liangwei", "touyan"],
      mustChangePassword: true,
    });
    expect(user.phone).toBe("13812341234");
    expect(initialPassword).toMatch(/^(?=.*[a-z])(?=.*\d)[a-z0-9]{12}$/);
    expect((await findUserRow(server, user.id))!.passwordHash).not.toContain(initialPassword);

    const { client, res } = await signIn(username, initialPassword);
    expect(res.status).toBe(200);
    expect(res.body.user.mustChangePassword).toBe(true);
    expect((await client.get("/api/me")).status).toBe(200);
    for (const [method, path] of [
      ["GET", "/api/forums"],
      ["GET", "/api/studios"],
      ["GET", "/api/questions"],
      ["PATCH", "/api/me"],
      ["GET", "/api/notifications"],
    ] as const) {
      const refused = await client.request(method, path, method === "GET" ? undefined : { displayName: "x" });
      expect(refused.status, path).toBe(403);
      expect(refused.body.error.code, path).toBe("password_change_required");
    }
    // sockets and /yjs/ refuse too
    await expect(connectSocket(server, client)).rejects.toThrow("password_change_required");
    expect(await upgradeStatus(server, `/yjs/proposal:${crypto.randomUUID()}`, client.cookie)).toBe(403);

    // the same password again is refused; a weak one too
    expect(
      (await client.post("/api/auth/password", { currentPassword: initialPassword, newPassword: initialPassword }))
        .status,
    ).toBe(400);
    expect(
      (await client.post("/api/auth/password", { currentPassword: initialPassword, newPassword: "abcdefgh" })).status,
    ).toBe(400);
    expect(
      (await client.post("/api/auth/password", { currentPassword: initialPassword, newPassword: "mine-2024x" })).status,
    ).toBe(200);
    expect((await client.get("/api/forums")).status).toBe(200);
    (await connectSocket(server, client)).close();
    expect((await client.get("/api/me")).body.user.mustChangePassword).toBe(false);

    const entries = await auditOf(user.id);
    const created_ = entries.find((e) => e.action === "user.create")!;
    expect(created_.actorId).toBe(organiser.user.id);
    expect(created_.after).toMatchObject({ roles: ["mentor", "secretary"], flags: ["liangwei", "touyan"] });
    expect(JSON.stringify(entries)).not.toContain(initialPassword);
    expect(JSON.stringify(entries)).not.toContain("mine-2024x");
    expect(entries.some((e) => e.action === "account.password_change" && e.actorId === user.id)).toBe(true);
  });

  it("reset-password ends every session, socket and document of that person and forces a change", async () => {
    const organiser = await createUser(server, { role: "organiser" });
    const person = await createUser(server, { role: "secretary", communityId: "wuxing" });
    const secondBrowser = (await signIn(person.user.username, "password123")).client;
    const sockets = [await connectSocket(server, person.client), await connectSocket(server, secondBrowser)];
    const ended = sockets.map((s) => nextEvent(s, "session:ended"));
    const closed = sockets.map((s) => new Promise((resolve) => s.once("disconnect", resolve)));
    // an open proposal document of theirs is closed too
    const proposal = await person.client.post("/api/proposals", { title: "重置测试", communityId: "wuxing" });
    expect(proposal.status).toBe(201);
    const { provider } = connectDoc(server, person.client, `proposal:${proposal.body.proposal.id}`);
    await eventually(() => provider.wsconnected);
    const docClosed = new Promise<number>((resolve) =>
      provider.ws!.addEventListener("close", (e) => resolve((e as CloseEvent).code)),
    );

    const reset = await organiser.client.post(`/api/users/${person.user.id}/reset-password`);
    expect(reset.status).toBe(200);
    expect(reset.headers.get("cache-control")).toBe("no-store");
    const { temporaryPassword } = reset.body;
    expect(temporaryPassword).toMatch(/^(?=.*[a-z])(?=.*\d)[a-z0-9]{12}$/);
    expect(await Promise.all(ended)).toEqual([{ reason: "password_reset" }, { reason: "password_reset" }]);
    await Promise.all(closed);
    expect(await docClosed).toBe(4401);
    provider.destroy();
    expect((await person.client.get("/api/me")).status).toBe(401);
    expect((await secondBrowser.get("/api/me")).status).toBe(401);
    expect((await signIn(person.user.username, "password123")).res.status).toBe(401);

    const again = await signIn(person.user.username, temporaryPassword);
    expect(again.res.body.user.mustChangePassword).toBe(true);
    expect((await again.client.get("/api/proposals")).body.error.code).toBe("password_change_required");
    const entries = await auditOf(person.user.id);
    expect(entries.map((e) => e.action)).toContain("user.password_reset");
    expect(JSON.stringify(entries)).not.toContain(temporaryPassword);
  });

  it("records role, flag and disable changes with before and after; disabling cuts the person off", async () => {
    const admin = await createUser(server, { role: "admin" });
    const person = await createUser(server, { role: "worker", communityId: "wuxing" });
    const socket = await connectSocket(server, person.client);
    const patched = await admin.client.patch(`/api/users/${person.user.id}`, {
      roles: ["veteran", "secretary"],
      flags: ["reserve"],
      hireDate: "2020-09-01",
      displayName: "改名后",
    });
    expect(patched.status).toBe(200);
    expect(patched.body.user).toMatchObject({
      role: "secretary",
      roles: ["veteran", "secretary"],
      flags: ["reserve"],
      hireDate: "2020-09-01",
    });
    expect((await findUserRow(server, person.user.id))!.role).toBe("secretary");

    const gone = new Promise((resolve) => socket.once("disconnect", resolve));
    expect((await admin.client.patch(`/api/users/${person.user.id}`, { disabled: true })).status).toBe(200);
    await gone;
    expect((await person.client.get("/api/me")).status).toBe(401);

    const entries = await auditOf(person.user.id);
    const byAction = Object.fromEntries(entries.map((e) => [e.action, e]));
    expect(byAction["user.roles"]).toMatchObject({
      before: { roles: ["worker"] },
      after: { roles: ["veteran", "secretary"] },
      actorId: admin.user.id,
    });
    expect(byAction["user.flags"]).toMatchObject({ before: { flags: [] }, after: { flags: ["reserve"] } });
    expect(byAction["user.update"]).toMatchObject({ after: { hireDate: "2020-09-01", displayName: "改名后" } });
    expect(byAction["user.disable"]).toMatchObject({ before: { disabled: false }, after: { disabled: true } });
  });

  it("keeps the grant rules: organisers can't make or touch admins", async () => {
    const organiser = await createUser(server, { role: "organiser" });
    const person = await createUser(server, { role: "worker" });
    const grant = await organiser.client.patch(`/api/users/${person.user.id}`, { roles: ["admin"] });
    expect(grant.status).toBe(403);
    const create = await organiser.client.post("/api/users", {
      username: uniqueName("x"),
      displayName: "甲",
      roles: ["admin"],
    });
    expect(create.status).toBe(403);
    // an organiser may make another organiser
    expect((await organiser.client.patch(`/api/users/${person.user.id}`, { roles: ["organiser"] })).status).toBe(200);

    const admin = await createUser(server, { role: "admin" });
    expect((await organiser.client.post(`/api/users/${admin.user.id}/reset-password`)).status).toBe(403);
    expect((await organiser.client.patch(`/api/users/${admin.user.id}`, { disabled: true })).status).toBe(403);
  });

  it("masks a phone number for everyone but the person and those who manage them", async () => {
    const admin = await createUser(server, { role: "admin", phone: "13900001111" });
    const organiser = await createUser(server, { role: "organiser" });
    const street = await createUser(server, { role: "street_admin", streetId: "chengzhong" });
    const otherStreet = await createUser(server, { role: "street_admin", streetId: "hedong" });
    const person = await createUser(server, { role: "worker", communityId: "wuxing", phone: "13812341234" });
    const peer = await createUser(server, { role: "worker", communityId: "wuxing" });

    expect((await person.client.get("/api/me")).body.user.phone).toBe("13812341234");
    expect((await person.client.get(`/api/users/${person.user.id}`)).body.user.phone).toBe("13812341234");
    expect((await organiser.client.get(`/api/users/${person.user.id}`)).body.user.phone).toBe("13812341234");
    expect((await street.client.get(`/api/users/${person.user.id}`)).body.user.phone).toBe("13812341234");
    // an organiser does not manage an admin: masked
    expect((await organiser.client.get(`/api/users/${admin.user.id}`)).body.user.phone).toBe("139****1111");
    const listed = (await organiser.client.get("/api/users")).body.users as { id: string; phone: string | null }[];
    expect(listed.find((u) => u.id === admin.user.id)!.phone).toBe("139****1111");
    expect(listed.find((u) => u.id === person.user.id)!.phone).toBe("13812341234");
    // peers and other streets don't see the person at all
    expect((await peer.client.get(`/api/users/${person.user.id}`)).status).toBe(404);
    expect((await otherStreet.client.get(`/api/users/${person.user.id}`)).status).toBe(404);
    expect((await peer.client.get("/api/users")).status).toBe(403);

    // the person edits their own phone and name; it is on the audit trail
    const own = await person.client.patch("/api/me", { phone: "13700002222", displayName: "新名字" });
    expect(own.status).toBe(200);
    expect(own.body.user).toMatchObject({ phone: "13700002222", displayName: "新名字" });
    expect((await person.client.patch("/api/me", { phone: "12345" })).status).toBe(400);
    expect((await person.client.patch("/api/me", { roles: ["admin"] })).status).toBe(400);
    const entries = await auditOf(person.user.id);
    expect(entries.find((e) => e.action === "account.update")).toMatchObject({
      before: { phone: "13812341234" },
      after: { phone: "13700002222" },
    });
  });

  it("refuses bad input with one error each", async () => {
    const organiser = await createUser(server, { role: "organiser" });
    const cases = [
      { username: "a b", displayName: "甲", roles: ["worker"] },
      { username: uniqueName(), displayName: "甲", roles: [] },
      { username: uniqueName(), displayName: "甲", roles: ["king"] },
      { username: uniqueName(), displayName: "甲", roles: ["worker"], flags: ["vip"] },
      { username: uniqueName(), displayName: "甲", roles: ["worker"], communityId: "nowhere" },
      { username: uniqueName(), displayName: "甲", roles: ["street_admin"] },
      { username: uniqueName(), displayName: "甲", roles: ["worker"], hireDate: "2024-13-40" },
      { username: uniqueName(), displayName: "甲", roles: ["worker"], passwordHash: "x" },
    ];
    for (const body of cases) {
      const res = await organiser.client.post("/api/users", body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe("invalid_input");
    }
    expect((await organiser.client.patch(`/api/users/not-a-uuid`, { roles: ["worker"] })).status).toBe(400);
    expect((await organiser.client.patch(`/api/users/${crypto.randomUUID()}`, { roles: ["worker"] })).status).toBe(404);
    expect((await organiser.client.post(`/api/users/${crypto.randomUUID()}/reset-password`)).status).toBe(404);
    expect((await organiser.client.patch(`/api/users/${organiser.user.id}`, {})).status).toBe(400);
  });
});

describe("the audit log", () => {
  it("is read and exported by organisers with filters; the export is itself recorded", async () => {
    const organiser = await createUser(server, { role: "organiser" });
    const person = await createUser(server, { role: "worker" });
    await organiser.client.patch(`/api/users/${person.user.id}`, { flags: ["new_hire"] });
    const page = await organiser.client.get(`/api/audit?targetId=${person.user.id}&action=user.flags`);
    expect(page.status).toBe(200);
    expect(page.body.total).toBe(1);
    expect(page.body.entries[0]).toMatchObject({
      action: "user.flags",
      actor: { id: organiser.user.id },
      targetName: person.user.displayName,
    });
    const byActor = await organiser.client.get(`/api/audit?actorId=${organiser.user.id}`);
    expect(byActor.body.entries.every((e: { actor: { id: string } }) => e.actor.id === organiser.user.id)).toBe(true);
    const future = await organiser.client.get(`/api/audit?from=2999-01-01`);
    expect(future.body.total).toBe(0);
    expect((await organiser.client.get(`/api/audit?from=yesterday`)).status).toBe(400);

    const csv = await organiser.client.get(`/api/audit/export?format=csv&targetId=${person.user.id}`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toContain("text/csv");
    expect(csv.body as string).toContain("时间（北京时间）,操作人");
    expect(csv.body as string).toContain("修改身份标记");
    const xlsx = await fetch(`${server.url}/api/audit/export?targetId=${person.user.id}`, {
      headers: { cookie: organiser.client.cookie },
    });
    expect(xlsx.status).toBe(200);
    const bytes = new Uint8Array(await xlsx.arrayBuffer());
    expect(String.fromCharCode(bytes[0]!, bytes[1]!)).toBe("PK");
    const exports = await server.ctx.db.select().from(auditLog).where(eq(auditLog.actorId, organiser.user.id));
    expect(exports.filter((e) => e.action === "audit.export")).toHaveLength(2);

    for (const who of [person, await createUser(server, { role: "street_admin", streetId: "chengzhong" })]) {
      expect((await who.client.get("/api/audit")).status).toBe(403);
      expect((await who.client.get("/api/audit/export")).status).toBe(403);
    }
  });

  it("cannot be written, edited or deleted through any route, nor changed in the database", async () => {
    const admin = await createUser(server, { role: "admin" });
    const [before] = await server.ctx.db.select().from(auditLog).limit(1);
    // this admin's rows only: on PostgreSQL, CI runs the suite's files side by side on one database,
    // and other files write audit rows of their own meanwhile
    const count = async () =>
      (await server.ctx.db.select({ id: auditLog.id }).from(auditLog).where(eq(auditLog.actorId, admin.user.id)))
        .length;
    const n = await count();
    const id = before?.id ?? crypto.randomUUID();
    for (const [method, path] of [
      ["POST", "/api/audit"],
      ["PUT", `/api/audit/${id}`],
      ["PATCH", `/api/audit/${id}`],
      ["DELETE", `/api/audit/${id}`],
      ["DELETE", "/api/audit"],
      ["POST", "/api/audit/export"],
    ] as const) {
      const res = await admin.client.request(method, path, { action: "user.create", targetType: "user" });
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    expect(await count()).toBe(n);
    if (before) {
      await expect(
        server.ctx.db.update(auditLog).set({ action: "forged" }).where(eq(auditLog.id, before.id)),
      ).rejects.toThrow();
      await expect(server.ctx.db.delete(auditLog).where(eq(auditLog.id, before.id))).rejects.toThrow();
    }
    expect(before).toBeDefined();
  });
});

describe("sockets after a forced change", () => {
  it("a signed-in socket works after the change; a forced session cannot open one", async () => {
    const organiser = await createUser(server, { role: "organiser" });
    const person = await createUser(server, { role: "worker" });
    const { temporaryPassword } = (await organiser.client.post(`/api/users/${person.user.id}/reset-password`)).body;
    const { client } = await signIn(person.user.username, temporaryPassword);
    await expect(connectSocket(server, client)).rejects.toThrow("password_change_required");
    expect(
      (await client.post("/api/auth/password", { currentPassword: temporaryPassword, newPassword: "abc12345x" }))
        .status,
    ).toBe(200);
    const socket = await connectSocket(server, client);
    const ack = await emitAck(socket, "qa:subscribe", {});
    expect(ack.ok).toBe(true);
    socket.close();
  });
});

// The last admin is a rule about the whole table of people: on PostgreSQL, where test files share one
// database, disabling "every other admin" would end other files' admins' sessions mid-test. So this
// test gets a database of its own.
describe("the last admin", () => {
  let own: TestServer;
  beforeAll(async () => {
    own = await startTestServerOnOwnDatabase();
  });
  afterAll(() => own?.close());

  it("stays: the last admin can neither step down nor be disabled", async () => {
    const admin = await createUser(own, { role: "admin" });
    const helper = await createUser(own, { role: "admin" });
    // the only other admin steps down, so `admin` is the last one
    expect((await admin.client.patch(`/api/users/${helper.user.id}`, { roles: ["worker"] })).status).toBe(200);
    const demote = await helper.client.patch(`/api/users/${admin.user.id}`, { roles: ["organiser"] });
    expect(demote.status).toBe(403); // helper is no longer an admin
    const selfDemote = await admin.client.patch(`/api/users/${admin.user.id}`, { roles: ["organiser"] });
    expect(selfDemote.status).toBe(409);
    expect(selfDemote.body.error.code).toBe("last_admin");
    expect((await admin.client.patch(`/api/users/${admin.user.id}`, { disabled: true })).status).toBe(400);
    // with a second admin again, stepping down is allowed
    expect((await admin.client.patch(`/api/users/${helper.user.id}`, { roles: ["admin"] })).status).toBe(200);
    expect((await admin.client.patch(`/api/users/${admin.user.id}`, { roles: ["organiser"] })).status).toBe(200);
  });
});
