import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { forums, forumTalks } from "../../server/forums/schema.ts";
import { createUser, emitAck, eventually, nextEvent } from "../helpers/clients.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { clientId, joinForum, setupForum } from "./helpers.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

const storedTalk = async (s: TestServer, talkId: string) =>
  (await s.ctx.db.select().from(forumTalks).where(eq(forumTalks.id, talkId)))[0]!;

describe("下一位 carries the index it expects", () => {
  it("two hosts pressing 下一位 together advance the agenda once; the late press gets a clear error", async () => {
    const { forum, host, talkA, talkB } = await setupForum(server);
    // a third talk, so a double advance would be visible as a skip
    const presenterC = await createUser(server, { role: "secretary" });
    expect(
      (
        await host.client.post(`/api/forums/${forum.id}/talks`, {
          title: "第三个发言",
          presenterId: presenterC.user.id,
        })
      ).status,
    ).toBe(201);
    const admin = await createUser(server, { role: "admin" });
    const h = await joinForum(server, host.client, forum.id);
    const a = await joinForum(server, admin.client, forum.id);
    expect(a.state.viewer.isHost).toBe(true);
    expect((await emitAck(h.socket, "forum:control", { forumId: forum.id, action: "start" })).ok).toBe(true);

    for (let round = 0; round < 2; round++) {
      const expectedIndex = round; // both hosts see the same talk on stage
      const acks = await Promise.all([
        emitAck(h.socket, "forum:control", { forumId: forum.id, action: "next", expectedIndex }),
        emitAck(a.socket, "forum:control", { forumId: forum.id, action: "next", expectedIndex }),
      ]);
      expect(acks.filter((x) => x.ok)).toHaveLength(1);
      const refused = acks.find((x) => !x.ok)!;
      expect(refused.error.code).toBe("stale_agenda");
      expect(refused.error.message).toContain(`第 ${round + 2} 个发言`);
    }
    const joined = await emitAck(h.socket, "forum:join", { forumId: forum.id });
    expect(joined.state.forum.currentTalkId).toBe(joined.state.forum.talks[2].id);
    // each talk was on stage in turn: none skipped
    const [first, second] = [
      joined.state.forum.talks.find((t: { id: string }) => t.id === talkA.id),
      joined.state.forum.talks.find((t: { id: string }) => t.id === talkB.id),
    ];
    expect(first.endedAt).not.toBeNull();
    expect(second.startedAt).not.toBeNull();
    expect(second.endedAt).not.toBeNull();

    // a press based on an old view is refused; a bad index is invalid input
    expect(
      await emitAck(a.socket, "forum:control", { forumId: forum.id, action: "next", expectedIndex: 0 }),
    ).toMatchObject({ ok: false, error: { code: "stale_agenda" } });
    expect(
      await emitAck(a.socket, "forum:control", { forumId: forum.id, action: "next", expectedIndex: "1" }),
    ).toMatchObject({ ok: false, error: { code: "invalid_input" } });
    for (const s of [h.socket, a.socket]) s.close();
  });
});

describe("the stage is written behind", () => {
  it("a page turn is pushed at once and reaches the database within 500 ms; the start and the end are stored before their ack", async () => {
    const { forum, host, talkA } = await setupForum(server);
    const viewer = await createUser(server, { role: "resident" });
    const h = await joinForum(server, host.client, forum.id);
    const v = await joinForum(server, viewer.client, forum.id);
    expect((await emitAck(h.socket, "forum:control", { forumId: forum.id, action: "start" })).ok).toBe(true);
    const [started] = await server.ctx.db.select().from(forums).where(eq(forums.id, forum.id));
    expect(started!.status).toBe("live");

    const seen = nextEvent(v.socket, "forum:slide");
    const turnedAt = Date.now();
    expect((await emitAck(h.socket, "forum:slide", { forumId: forum.id, talkId: talkA.id, slide: 7 })).ok).toBe(true);
    expect((await seen).slide).toBe(7);
    await eventually(async () => (await storedTalk(server, talkA.id)).slide === 7, 3000, 10);
    // 500 ms is the promise; the bound allows for a loaded test machine's timers
    expect(Date.now() - turnedAt).toBeLessThan(1500);

    const chat = await emitAck(v.socket, "forum:chat", { forumId: forum.id, text: "收到", clientId: clientId() });
    expect(chat.ok).toBe(true);
    expect((await emitAck(h.socket, "forum:slide", { forumId: forum.id, talkId: talkA.id, slide: 8 })).ok).toBe(true);
    expect((await emitAck(h.socket, "forum:control", { forumId: forum.id, action: "end" })).ok).toBe(true);
    const [ended] = await server.ctx.db.select().from(forums).where(eq(forums.id, forum.id));
    expect(ended!.status).toBe("ended");
    // the end writes the stage with it
    expect((await storedTalk(server, talkA.id)).slide).toBe(8);
    const archive = await host.client.get(`/api/forums/${forum.id}/archive`);
    expect(archive.body.archive.chat.map((m: { text: string }) => m.text)).toEqual(["收到"]);
    for (const s of [h.socket, v.socket]) s.close();
  });

  it("a graceful stop writes the stage of running forums; a restart resumes on the same page", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "forum-stage-"));
    let own = await startTestServer({}, { dataDir });
    try {
      const { forum, host, talkA } = await setupForum(own);
      const h = await joinForum(own, host.client, forum.id);
      expect((await emitAck(h.socket, "forum:control", { forumId: forum.id, action: "start" })).ok).toBe(true);
      expect((await emitAck(h.socket, "forum:slide", { forumId: forum.id, talkId: talkA.id, slide: 5 })).ok).toBe(true);
      h.socket.close();
      await own.close(); // straight after the turn: only the stop's write can have stored it

      own = await startTestServer({}, { dataDir });
      // the same session cookie: sessions are in the database too
      const again = await joinForum(own, host.client, forum.id);
      expect(again.state.forum.talks.find((t) => t.id === talkA.id)!.slide).toBe(5);
      expect((await emitAck(again.socket, "forum:slide", { forumId: forum.id, talkId: talkA.id, slide: 6 })).ok).toBe(
        true,
      );
      again.socket.close();
    } finally {
      await own.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 180_000); // two server starts on one data directory, slow on a loaded machine
});
