import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectSocket, createUser, emitAck } from "../helpers/clients.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { clientId, createStudio, joinStudio, send } from "./helpers.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);

describe("creating a studio", () => {
  it("admin creates a studio of one mentor and 2–3 secretaries with a default two-year term", async () => {
    const { studio, mentor, mentees } = await createStudio(server, { menteeCount: 3 });
    expect(studio.members).toHaveLength(4);
    expect(studio.members[0]!.userId).toBe(mentor.user.id);
    expect(
      studio.members
        .filter((m) => m.role === "mentee")
        .map((m) => m.userId)
        .sort(),
    ).toEqual(mentees.map((m) => m.user.id).sort());
    const years = (Date.parse(studio.termEndsAt) - Date.parse(studio.termStartsAt)) / (365 * 24 * 3600_000);
    expect(years).toBeGreaterThan(1.99);
    expect(years).toBeLessThan(2.01);
    expect(studio.readOnly).toBe(false);
  });

  it("refuses one or four mentees, a non-mentor as mentor, a non-secretary as mentee, and non-admins", async () => {
    const admin = await createUser(server, { role: "admin" });
    const mentor = await createUser(server, { role: "mentor" });
    const secs = await Promise.all([1, 2, 3, 4].map(() => createUser(server, { role: "secretary" })));
    const worker = await createUser(server, { role: "worker" });
    const body = (menteeIds: string[], mentorId = mentor.user.id) => ({ name: "工作室", mentorId, menteeIds });
    const ids = secs.map((s) => s.user.id);

    expect((await admin.client.post("/api/studios", body(ids.slice(0, 1)))).status).toBe(400);
    expect((await admin.client.post("/api/studios", body(ids))).status).toBe(400);
    expect((await admin.client.post("/api/studios", body(ids.slice(0, 2), worker.user.id))).status).toBe(400);
    expect((await admin.client.post("/api/studios", body([ids[0]!, worker.user.id]))).status).toBe(400);
    expect((await admin.client.post("/api/studios", body([ids[0]!, ids[0]!]))).status).toBe(400);
    const byMentor = await mentor.client.post("/api/studios", body(ids.slice(0, 2)));
    expect(byMentor.status).toBe(403);
    expect(byMentor.body.error.code).toBe("forbidden");
    expect((await admin.client.post("/api/studios", body(ids.slice(0, 2)))).status).toBe(201);
  });
});

describe("membership", () => {
  it("a non-member is refused: REST history 403, socket join and send ack errors, attachment 403, export 403", async () => {
    const { studio, mentor } = await createStudio(server);
    const stranger = await createUser(server, { role: "secretary" });

    const list = await stranger.client.get("/api/studios");
    expect(list.body.studios.map((s: { id: string }) => s.id)).not.toContain(studio.id);
    const history = await stranger.client.get(`/api/studios/${studio.id}/messages`);
    expect(history.status).toBe(403);
    expect(history.body.error.code).toBe("forbidden");
    expect((await stranger.client.get(`/api/studios/${studio.id}/search?q=a`)).status).toBe(403);
    expect((await stranger.client.get(`/api/studios/${studio.id}/export`)).status).toBe(403);

    const socket = await connectSocket(server, stranger.client);
    const join = await emitAck(socket, "studio:join", { studioId: studio.id });
    expect(join).toEqual({ ok: false, error: { code: "forbidden", message: expect.any(String) } });
    const sent = await send(socket, studio.id, "我不是成员");
    expect(sent.ok).toBe(false);
    expect(sent.error!.code).toBe("forbidden");
    for (const [event, payload] of [
      ["studio:typing", { studioId: studio.id, typing: true }],
      ["studio:read", { studioId: studio.id, seq: 1 }],
      ["studio:task", { studioId: studio.id, title: "x", dueAt: new Date().toISOString(), clientId: clientId() }],
    ] as const) {
      expect((await emitAck(socket, event, payload)).error.code, event).toBe("forbidden");
    }
    socket.close();

    // an attachment uploaded by the mentor is not readable by a stranger; a stranger cannot upload
    const form = new FormData();
    form.append("file", new Blob([PNG], { type: "image/png" }), "a.png");
    const upload = await mentor.client.post(`/api/studios/${studio.id}/attachments`, form);
    expect(upload.status).toBe(201);
    const url = upload.body.attachment.url;
    expect((await mentor.client.get(url)).status).toBe(200);
    const stolen = await stranger.client.get(url);
    expect(stolen.status).toBe(403);
    const form2 = new FormData();
    form2.append("file", new Blob([PNG], { type: "image/png" }), "b.png");
    expect((await stranger.client.post(`/api/studios/${studio.id}/attachments`, form2)).status).toBe(403);

    // unknown studio: 404, malformed id: 400
    expect((await mentor.client.get(`/api/studios/${crypto.randomUUID()}/messages`)).status).toBe(404);
    expect((await mentor.client.get(`/api/studios/not-an-id/messages`)).status).toBe(400);
  });

  it("an admin lists every studio and its members but not its messages; others cannot list all", async () => {
    const { studio, admin, mentor } = await createStudio(server);
    const m = await joinStudio(server, mentor, studio.id);
    await send(m.socket, studio.id, "只给成员看的话");
    const all = await admin.client.get("/api/studios?scope=all");
    const listed = all.body.studios.find((x: { id: string }) => x.id === studio.id);
    expect(listed.members).toHaveLength(3);
    expect(listed.lastMessage).toBeNull();
    expect(JSON.stringify(all.body)).not.toContain("只给成员看的话");
    expect((await admin.client.get(`/api/studios/${studio.id}/messages`)).status).toBe(403);
    expect((await mentor.client.get("/api/studios?scope=all")).status).toBe(403);
    const mine = await mentor.client.get("/api/studios");
    expect(mine.body.studios.find((x: { id: string }) => x.id === studio.id).lastMessage.text).toBe("只给成员看的话");
    m.socket.close();
  });

  it("a signed-out visitor gets 401", async () => {
    const { studio } = await createStudio(server);
    expect((await fetch(`${server.url}/api/studios/${studio.id}/messages`)).status).toBe(401);
  });
});

describe("who may change what", () => {
  it("only the author edits or withdraws; others get forbidden and the text is unchanged", async () => {
    const { studio, mentor, mentees } = await createStudio(server);
    const m = await joinStudio(server, mentor, studio.id);
    const s = await joinStudio(server, mentees[0]!, studio.id);
    const sent = await send(m.socket, studio.id, "原始指导意见");
    expect(sent.ok).toBe(true);
    const id = sent.message.id;

    const edit = await emitAck(s.socket, "studio:edit", { studioId: studio.id, messageId: id, text: "篡改" });
    expect(edit.ok).toBe(false);
    expect(edit.error.code).toBe("forbidden");
    const withdraw = await emitAck(s.socket, "studio:withdraw", { studioId: studio.id, messageId: id });
    expect(withdraw.error.code).toBe("forbidden");

    const update = new Promise<any>((resolve) => s.socket.once("studio:update", resolve));
    const own = await emitAck(m.socket, "studio:edit", {
      studioId: studio.id,
      messageId: id,
      text: "修改后的指导意见",
    });
    expect(own.ok).toBe(true);
    expect(own.message.editedAt).toBeTruthy();
    expect((await update).message.text).toBe("修改后的指导意见");

    const gone = await emitAck(m.socket, "studio:withdraw", { studioId: studio.id, messageId: id });
    expect(gone.ok).toBe(true);
    const history = await mentees[0]!.client.get(`/api/studios/${studio.id}/messages`);
    const stored = history.body.messages.find((x: { id: string }) => x.id === id);
    expect(stored.withdrawnAt).toBeTruthy();
    expect(stored.text).toBe("");
    m.socket.close();
    s.socket.close();
  });

  it("only the mentor pins and assigns tasks", async () => {
    const { studio, mentor, mentees } = await createStudio(server);
    const m = await joinStudio(server, mentor, studio.id);
    const s = await joinStudio(server, mentees[0]!, studio.id);
    const sent = await send(s.socket, studio.id, "学员的问题");
    const pinByMentee = await emitAck(s.socket, "studio:pin", {
      studioId: studio.id,
      messageId: sent.message.id,
      pinned: true,
    });
    expect(pinByMentee.error.code).toBe("forbidden");
    const task = {
      studioId: studio.id,
      title: "走访十户",
      dueAt: new Date(Date.now() + 86400_000).toISOString(),
      clientId: clientId(),
    };
    expect((await emitAck(s.socket, "studio:task", task)).error.code).toBe("forbidden");

    const pinned = await emitAck(m.socket, "studio:pin", {
      studioId: studio.id,
      messageId: sent.message.id,
      pinned: true,
    });
    expect(pinned.ok).toBe(true);
    expect(pinned.message.pinnedAt).toBeTruthy();
    const rejoin = await emitAck(s.socket, "studio:join", { studioId: studio.id });
    expect(rejoin.pins.map((p: { id: string }) => p.id)).toEqual([sent.message.id]);
    m.socket.close();
    s.socket.close();
  });
});

describe("after the term", () => {
  it("a studio whose term has ended stays readable but refuses sends, edits, pins and uploads", async () => {
    const { studio, mentor } = await createStudio(server, {
      termStartsAt: new Date(Date.now() - 3 * 365 * 86400_000).toISOString(),
      termEndsAt: new Date(Date.now() - 86400_000).toISOString(),
    });
    expect(studio.readOnly).toBe(true);
    const { socket, ack } = await joinStudio(server, mentor, studio.id);
    expect(ack.studio.readOnly).toBe(true);
    const sent = await send(socket, studio.id, "任期后的消息");
    expect(sent.ok).toBe(false);
    expect(sent.error!.code).toBe("read_only");
    const task = {
      studioId: studio.id,
      title: "任务",
      dueAt: new Date(Date.now() + 86400_000).toISOString(),
      clientId: clientId(),
    };
    expect((await emitAck(socket, "studio:task", task)).error.code).toBe("read_only");
    const form = new FormData();
    form.append("file", new Blob([PNG], { type: "image/png" }), "a.png");
    const upload = await mentor.client.post(`/api/studios/${studio.id}/attachments`, form);
    expect(upload.status).toBe(403);
    expect(upload.body.error.code).toBe("read_only");
    const history = await mentor.client.get(`/api/studios/${studio.id}/messages`);
    expect(history.status).toBe(200);
    expect(history.body.messages).toEqual([]);
    socket.close();
  });
});

describe("payload checks", () => {
  it("a bad payload gets invalid_input, an over-long message too_large, a sensitive word blocked_content", async () => {
    const { studio, mentor } = await createStudio(server);
    const { socket } = await joinStudio(server, mentor, studio.id);
    expect((await emitAck(socket, "studio:send", { studioId: studio.id, text: 42 })).error.code).toBe("invalid_input");
    expect((await emitAck(socket, "studio:send", { studioId: "x", text: "hi", clientId: clientId() })).error.code).toBe(
      "invalid_input",
    );
    expect((await send(socket, studio.id, "   ")).error!.code).toBe("invalid_input");
    expect((await send(socket, studio.id, "长".repeat(2001))).error!.code).toBe("too_large");
    expect((await emitAck(socket, "studio:read", { studioId: studio.id, seq: -1 })).error.code).toBe("invalid_input");
    const history = await mentor.client.get(`/api/studios/${studio.id}/messages?limit=101`);
    expect(history.status).toBe(400);
    socket.close();
  });

  it("sends are rate limited per user", async () => {
    const limited = await startTestServer({ POST_LIMIT_PER_MINUTE: "3" });
    try {
      const { studio, mentor } = await createStudio(limited);
      const { socket } = await joinStudio(limited, mentor, studio.id);
      const acks = [];
      for (let i = 0; i < 4; i++) acks.push(await send(socket, studio.id, `第${i}条`));
      expect(acks.slice(0, 3).every((a) => a.ok)).toBe(true);
      expect(acks[3]!.ok).toBe(false);
      expect(acks[3]!.error!.code).toBe("rate_limited");
      socket.close();
    } finally {
      await limited.close();
    }
  });
});
