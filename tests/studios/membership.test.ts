import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Studio, StudioMessage } from "../../shared/studios.ts";
import { createUser, emitAck, eventually, type TestUser } from "../helpers/clients.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { clientId, createStudio, joinStudio, send } from "./helpers.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

const texts = (messages: StudioMessage[]) => messages.map((m) => m.text);
const history = async (who: TestUser, studioId: string) => {
  const res = await who.client.get(`/api/studios/${studioId}/messages?limit=100`);
  return { status: res.status, messages: (res.body.messages ?? []) as StudioMessage[] };
};
const secretary = (name: string) => createUser(server, { role: "secretary", displayName: name });

describe("members during the term", () => {
  it("an added member gets REST, socket and export access from the moment they join, and the room sees 「…书记加入了工作室」", async () => {
    const { studio, admin, mentor } = await createStudio(server, { menteeCount: 2 });
    const newcomer = await secretary(`张丽${clientId().slice(-4)}`);
    const room = await joinStudio(server, mentor, studio.id);
    expect((await history(newcomer, studio.id)).status).toBe(403);
    expect((await newcomer.client.get(`/api/studios/${studio.id}/export`)).status).toBe(403);

    const added = await admin.client.post(`/api/studios/${studio.id}/members`, { userId: newcomer.user.id });
    expect(added.status).toBe(201);
    expect((added.body.studio as Studio).members.map((m) => m.userId)).toContain(newcomer.user.id);

    const line = `${newcomer.user.displayName}书记加入了工作室`;
    const live = await eventually(() => {
      const line = room.live.find((m) => m.kind === "system");
      if (!line) throw new Error("no system line yet");
      return line;
    });
    expect(live.text).toBe(line);
    const h = await history(newcomer, studio.id);
    expect(h.status).toBe(200);
    expect(h.messages.at(-1)).toMatchObject({ kind: "system", text: line, seq: live.seq });

    const mine = await newcomer.client.get("/api/studios");
    expect(mine.body.studios.map((s: Studio) => s.id)).toContain(studio.id);
    const theirs = await joinStudio(server, newcomer, studio.id);
    const sent = await send(theirs.socket, studio.id, "大家好，我是新来的");
    expect(sent.ok).toBe(true);
    await eventually(() => expect(texts(room.live)).toContain("大家好，我是新来的"));
    const exported = await newcomer.client.get(`/api/studios/${studio.id}/export`);
    expect(exported.status).toBe(200);
    expect(exported.body).toContain(line);
    room.socket.disconnect();
    theirs.socket.disconnect();
  });

  it("a member taken out loses the live room at once and reads only up to the instant they left", async () => {
    const { studio, admin, mentor, mentees } = await createStudio(server, { menteeCount: 3 });
    const leaver = mentees[0]!;
    const mentorRoom = await joinStudio(server, mentor, studio.id);
    const leaverRoom = await joinStudio(server, leaver, studio.id);
    expect((await send(mentorRoom.socket, studio.id, "离开前的指导")).ok).toBe(true);
    const before = await emitAck(mentorRoom.socket, "studio:task", {
      studioId: studio.id,
      title: "离开前的任务",
      dueAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      clientId: clientId("task"),
    });
    expect(before.ok).toBe(true);
    await eventually(() => expect(texts(leaverRoom.live)).toContain("离开前的指导"));

    const removed = await admin.client.delete(`/api/studios/${studio.id}/members/${leaver.user.id}`);
    expect(removed.status).toBe(200);
    const after = removed.body.studio as Studio;
    expect(after.members.map((m) => m.userId)).not.toContain(leaver.user.id);
    expect(after.formerMembers.map((m) => m.userId)).toEqual([leaver.user.id]);
    const leaveLine = `${leaver.user.displayName}书记离开了工作室`;
    await eventually(() => expect(texts(mentorRoom.live)).toContain(leaveLine));

    // after leaving: no new line reaches the old socket, posting and tasks are refused
    const countBefore = leaverRoom.live.length;
    expect((await send(mentorRoom.socket, studio.id, "离开后的消息")).ok).toBe(true);
    const laterTask = await emitAck(mentorRoom.socket, "studio:task", {
      studioId: studio.id,
      title: "离开后的任务",
      dueAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      clientId: clientId("task"),
    });
    expect(laterTask.ok).toBe(true);
    expect(laterTask.task.states.map((s: { userId: string }) => s.userId)).not.toContain(leaver.user.id);
    const probe = await joinStudio(server, mentees[1]!, studio.id);
    expect((await send(probe.socket, studio.id, "探针消息")).ok).toBe(true);
    await eventually(() => expect(texts(mentorRoom.live)).toContain("探针消息"));
    expect(leaverRoom.live.slice(countBefore).map((m) => m.text)).not.toContain("离开后的消息");
    expect(texts(leaverRoom.live)).not.toContain("探针消息");
    const refused = await send(leaverRoom.socket, studio.id, "我还能发吗");
    expect(refused.ok).toBe(false);
    expect(refused.error?.code).toBe("forbidden");
    const taskState = await emitAck(leaverRoom.socket, "studio:taskState", {
      studioId: studio.id,
      taskId: before.task.id,
      state: "done",
    });
    expect(taskState.ok).toBe(false);

    // reading: history, search, tasks, export and a fresh join stop at the leaving line
    const h = await history(leaver, studio.id);
    expect(h.status).toBe(200);
    expect(texts(h.messages)).toContain("离开前的指导");
    expect(h.messages.at(-1)!.text).toBe(leaveLine);
    expect(texts(h.messages)).not.toContain("离开后的消息");
    const search = await leaver.client.get(`/api/studios/${studio.id}/search?q=${encodeURIComponent("离开后")}`);
    expect(search.status).toBe(200);
    expect(search.body.messages).toHaveLength(0);
    const tasks = await leaver.client.get(`/api/studios/${studio.id}/tasks`);
    expect(tasks.body.tasks.map((t: { title: string }) => t.title)).toEqual(["离开前的任务"]);
    const exported = await leaver.client.get(`/api/studios/${studio.id}/export`);
    expect(exported.status).toBe(200);
    expect(exported.body).toContain("离开前的指导");
    expect(exported.body).not.toContain("离开后的消息");
    expect(exported.body).not.toContain("离开后的任务");
    const csv = await leaver.client.get(`/api/studios/${studio.id}/export?format=csv`);
    expect(csv.body).toContain("离开前的任务");
    expect(csv.body).not.toContain("离开后的任务");
    const rejoin = await joinStudio(server, leaver, studio.id);
    expect(rejoin.ack.studio.myLeftAt).not.toBeNull();
    expect(texts(rejoin.ack.messages)).not.toContain("离开后的消息");
    expect(rejoin.ack.tasks).toHaveLength(1);
    expect((await send(mentorRoom.socket, studio.id, "再次加入后的消息")).ok).toBe(true);
    await eventually(() => expect(texts(probe.live)).toContain("再次加入后的消息"));
    expect(texts(rejoin.live)).not.toContain("再次加入后的消息");

    // the studio stays in the leaver's list, marked as left, with no newer line shown
    const list = await leaver.client.get("/api/studios");
    const row = list.body.studios.find((s: Studio) => s.id === studio.id) as Studio;
    expect(row.myLeftAt).not.toBeNull();
    expect(row.lastMessage).toBeNull();

    for (const r of [mentorRoom, leaverRoom, probe, rejoin]) r.socket.disconnect();
  });

  it("keeps the 2–3 rule on mentor studios: a fourth is refused, and so is going below two", async () => {
    const { studio, admin, mentees } = await createStudio(server, { menteeCount: 3 });
    const fourth = await secretary("第四位书记");
    const tooMany = await admin.client.post(`/api/studios/${studio.id}/members`, { userId: fourth.user.id });
    expect(tooMany.status).toBe(409);
    expect(tooMany.body.error.message).toContain("最多带教 3 名书记");
    expect((await admin.client.delete(`/api/studios/${studio.id}/members/${mentees[0]!.user.id}`)).status).toBe(200);
    const tooFew = await admin.client.delete(`/api/studios/${studio.id}/members/${mentees[1]!.user.id}`);
    expect(tooFew.status).toBe(409);
    expect(tooFew.body.error.message).toContain("至少带教 2 名书记");
    // a swap: add first, then take out
    expect((await admin.client.post(`/api/studios/${studio.id}/members`, { userId: fourth.user.id })).status).toBe(201);
    expect((await admin.client.delete(`/api/studios/${studio.id}/members/${mentees[1]!.user.id}`)).status).toBe(200);
    // the leader is never taken out, someone not a 书记 never put in, nobody twice
    const worker = await createUser(server, { role: "worker" });
    expect((await admin.client.post(`/api/studios/${studio.id}/members`, { userId: worker.user.id })).status).toBe(400);
    expect((await admin.client.delete(`/api/studios/${studio.id}/members/${studio.mentorId}`)).status).toBe(400);
    expect((await admin.client.post(`/api/studios/${studio.id}/members`, { userId: fourth.user.id })).status).toBe(409);
  });

  it("only organisers (or the studio's street admin) change membership, and every change is in the audit log", async () => {
    const { studio, admin, mentor, mentees } = await createStudio(server, { menteeCount: 2 });
    const newcomer = await secretary("审计书记");
    const streetAdmin = await createUser(server, { role: "street_admin", streetId: "chengzhong" });
    for (const who of [mentor, mentees[0]!, streetAdmin]) {
      const add = await who.client.post(`/api/studios/${studio.id}/members`, { userId: newcomer.user.id });
      expect(add.status).toBe(403);
      expect((await who.client.delete(`/api/studios/${studio.id}/members/${mentees[0]!.user.id}`)).status).toBe(403);
    }
    expect((await admin.client.post(`/api/studios/${studio.id}/members`, { userId: "not-a-uuid" })).status).toBe(400);
    expect((await admin.client.post(`/api/studios/${studio.id}/members`, { userId: newcomer.user.id })).status).toBe(
      201,
    );
    expect((await admin.client.delete(`/api/studios/${studio.id}/members/${newcomer.user.id}`)).status).toBe(200);

    const audit = await admin.client.get(`/api/audit?targetId=${newcomer.user.id}`);
    expect(audit.status).toBe(200);
    const actions = audit.body.entries.map((e: { action: string; actor: { id: string } }) => [e.action, e.actor.id]);
    expect(actions).toEqual([
      ["studio.member_remove", admin.user.id],
      ["studio.member_add", admin.user.id],
    ]);
  });

  it("refuses changes once the term has ended", async () => {
    const { studio, admin, mentees } = await createStudio(server, {
      menteeCount: 3,
      termStartsAt: new Date(Date.now() - 3 * 86_400_000).toISOString(),
      termEndsAt: new Date(Date.now() - 86_400_000).toISOString(),
    });
    const res = await admin.client.delete(`/api/studios/${studio.id}/members/${mentees[0]!.user.id}`);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("read_only");
  });
});

describe("who leads a studio", () => {
  it("a secretary who also holds the mentor role leads a mentor studio", async () => {
    const admin = await createUser(server, { role: "admin" });
    const secMentor = await createUser(server, { roles: ["secretary", "mentor"], displayName: "书记导师" });
    const secs = await Promise.all([1, 2].map(() => createUser(server, { role: "secretary" })));
    const res = await admin.client.post("/api/studios", {
      name: "书记导师工作室",
      mentorId: secMentor.user.id,
      menteeIds: secs.map((s) => s.user.id),
    });
    expect(res.status).toBe(201);
    expect(res.body.studio.kind).toBe("mentor");
    const room = await joinStudio(server, secMentor, res.body.studio.id);
    const pinned = await send(room.socket, res.body.studio.id, "导师的第一条指导");
    expect(
      (
        await emitAck(room.socket, "studio:pin", {
          studioId: res.body.studio.id,
          messageId: pinned.message.id,
          pinned: true,
        })
      ).ok,
    ).toBe(true);
    room.socket.disconnect();
  });

  it("a veteran leads a 帮带 studio of 后备人选 with a one-year term; no 2–3 rule, and no one else may be put in", async () => {
    const admin = await createUser(server, { role: "admin" });
    const veteran = await createUser(server, { role: "veteran", displayName: "老书记甲" });
    const reserve = await createUser(server, { role: "worker", flags: ["reserve"], displayName: "后备甲" });
    const plain = await createUser(server, { role: "secretary", displayName: "普通书记" });
    const mentor = await createUser(server, { role: "mentor" });
    const body = (mentorId: string, menteeIds: string[]) => ({
      name: "老书记帮带",
      kind: "bangdai",
      mentorId,
      menteeIds,
    });

    const notReserve = await admin.client.post("/api/studios", body(veteran.user.id, [plain.user.id]));
    expect(notReserve.status).toBe(400);
    expect(notReserve.body.error.message).toContain("不是书记后备人选");
    expect((await admin.client.post("/api/studios", body(mentor.user.id, [reserve.user.id]))).status).toBe(400);

    const res = await admin.client.post("/api/studios", body(veteran.user.id, [reserve.user.id]));
    expect(res.status).toBe(201);
    const studio = res.body.studio as Studio;
    expect(studio.kind).toBe("bangdai");
    const years = (Date.parse(studio.termEndsAt) - Date.parse(studio.termStartsAt)) / (365 * 24 * 3600_000);
    expect(years).toBeGreaterThan(0.99);
    expect(years).toBeLessThan(1.01);

    // the same chat, tasks and export as a mentor studio
    const room = await joinStudio(server, veteran, studio.id);
    expect((await send(room.socket, studio.id, "选举前要多走访")).ok).toBe(true);
    const task = await emitAck(room.socket, "studio:task", {
      studioId: studio.id,
      title: "走访十户居民",
      dueAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      clientId: clientId("task"),
    });
    expect(task.ok).toBe(true);
    expect(task.task.states.map((s: { userId: string }) => s.userId)).toEqual([reserve.user.id]);
    const exported = await reserve.client.get(`/api/studios/${studio.id}/export`);
    expect(exported.body).toContain("老书记帮带");
    expect(exported.body).toContain("选举前要多走访");

    // membership: a non-reserve is refused; a second reserve is fine; the last reserve stays
    expect((await admin.client.post(`/api/studios/${studio.id}/members`, { userId: plain.user.id })).status).toBe(400);
    const reserve2 = await createUser(server, { role: "worker", flags: ["reserve"] });
    const added = await admin.client.post(`/api/studios/${studio.id}/members`, { userId: reserve2.user.id });
    expect(added.status).toBe(201);
    await eventually(() =>
      expect(room.live.some((m) => m.kind === "system" && m.text === `${reserve2.user.displayName}加入了工作室`)).toBe(
        true,
      ),
    );
    expect((await admin.client.delete(`/api/studios/${studio.id}/members/${reserve.user.id}`)).status).toBe(200);
    expect((await admin.client.delete(`/api/studios/${studio.id}/members/${reserve2.user.id}`)).status).toBe(409);

    // the list keeps the two kinds apart
    const all = await admin.client.get("/api/studios?scope=all");
    const kinds = new Map(all.body.studios.map((s: Studio) => [s.id, s.kind]));
    expect(kinds.get(studio.id)).toBe("bangdai");
    room.socket.disconnect();
  });
});
