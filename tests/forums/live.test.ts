import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ForumQuestion } from "../../shared/forums.ts";
import { ApiClient, connectSocket, createUser, emitAck, eventually, nextEvent } from "../helpers/clients.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { clientId, collect, joinForum, setupForum, sleep } from "./helpers.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

describe("scheduling", () => {
  it("admins and secretaries create forums with an agenda; workers and residents may not", async () => {
    const { forum, presenterA } = await setupForum(server);
    expect(forum.status).toBe("scheduled");
    expect(forum.talks.map((t) => [t.position, t.title, t.presenterName])).toEqual([
      [1, "第一个发言", expect.any(String)],
      [2, "第二个发言", expect.any(String)],
    ]);
    const worker = await createUser(server, { role: "worker" });
    const refused = await worker.client.post("/api/forums", {
      title: "x",
      mode: "forum",
      startsAt: new Date().toISOString(),
    });
    expect(refused.status).toBe(403);
    const bad = await presenterA.client.post("/api/forums", { title: "", mode: "party", startsAt: "tomorrow" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("invalid_input");
    const list = await worker.client.get("/api/forums");
    expect(list.body.forums.some((f: { id: string }) => f.id === forum.id)).toBe(true);
  });

  it("presenters put on an agenda by someone else are notified, with a link to the forum", async () => {
    const { forum, presenterA, host } = await setupForum(server);
    const list = await presenterA.client.get("/api/notifications");
    const mine = list.body.notifications.filter((n: { link: string }) => n.link === `/forums/${forum.id}`);
    expect(mine).toHaveLength(1);
    expect(mine[0].title).toContain("测试论坛");
    expect(mine[0].body).toContain("第一个发言");
    const hostList = await host.client.get("/api/notifications");
    expect(hostList.body.notifications.some((n: { link: string }) => n.link === `/forums/${forum.id}`)).toBe(false);

    const presenterSocket = await connectSocket(server, presenterA.client);
    const pushed = nextEvent(presenterSocket, "notification:new");
    const h = await joinForum(server, host.client, forum.id);
    await emitAck(h.socket, "forum:control", { forumId: forum.id, action: "start" });
    expect(await pushed).toMatchObject({ kind: "forum_starting", link: `/forums/${forum.id}` });
    for (const s of [presenterSocket, h.socket]) s.close();
  });

  it("only the host adds talks", async () => {
    const { forum, host, presenterA } = await setupForum(server);
    const added = await host.client.post(`/api/forums/${forum.id}/talks`, {
      title: "第三个发言",
      presenterId: presenterA.user.id,
      capability: "innovation",
    });
    expect(added.status).toBe(201);
    expect(added.body.talk.position).toBe(3);
    const refused = await presenterA.client.post(`/api/forums/${forum.id}/talks`, {
      title: "插队",
      presenterId: presenterA.user.id,
    });
    expect(refused.status).toBe(403);
  });
});

describe("joining and slides", () => {
  it("join acks the state; the host starts; slides sync; a late joiner lands on the current page", async () => {
    const { forum, host, presenterA, talkA } = await setupForum(server);
    const viewer = await createUser(server, { role: "resident" });
    const h = await joinForum(server, host.client, forum.id);
    expect(h.state.forum.id).toBe(forum.id);
    expect(h.state.viewer.isHost).toBe(true);
    const p = await joinForum(server, presenterA.client, forum.id);
    const v = await joinForum(server, viewer.client, forum.id);
    expect(v.state.viewer).toMatchObject({
      isHost: false,
      isPresenter: false,
      reviewsAuthors: false,
      seesPending: false,
    });

    const stateSeen = nextEvent(v.socket, "forum:state");
    const started = await emitAck(h.socket, "forum:control", { forumId: forum.id, action: "start" });
    expect(started.ok).toBe(true);
    const state = await stateSeen;
    expect(state.forum.status).toBe("live");
    expect(state.forum.currentTalkId).toBe(talkA.id);

    const slideSeen = nextEvent(v.socket, "forum:slide");
    const moved = await emitAck(p.socket, "forum:slide", { forumId: forum.id, talkId: talkA.id, slide: 3 });
    expect(moved).toEqual({ ok: true, slide: 3 });
    expect(await slideSeen).toEqual({ forumId: forum.id, talkId: talkA.id, slide: 3 });

    const late = await createUser(server, { role: "worker" });
    const l = await joinForum(server, late.client, forum.id);
    const current = l.state.forum.talks.find((t) => t.id === l.state.forum.currentTalkId)!;
    expect(current.id).toBe(talkA.id);
    expect(current.slide).toBe(3);
    // the presenter sees they are presenting; nobody else is
    const again = await emitAck(p.socket, "forum:join", { forumId: forum.id });
    expect(again.state.viewer.isPresenter).toBe(true);
    for (const s of [h.socket, p.socket, v.socket, l.socket]) s.close();
  });

  it("a viewer's or the next presenter's slide change is refused and nobody sees it", async () => {
    const { forum, host, presenterB, talkA, talkB } = await setupForum(server);
    const viewer = await createUser(server, { role: "resident" });
    const h = await joinForum(server, host.client, forum.id);
    await emitAck(h.socket, "forum:control", { forumId: forum.id, action: "start" });
    const v = await joinForum(server, viewer.client, forum.id);
    const b = await joinForum(server, presenterB.client, forum.id);
    const slides = collect(h.socket, "forum:slide");
    const refused = await emitAck(v.socket, "forum:slide", { forumId: forum.id, talkId: talkA.id, slide: 2 });
    expect(refused).toMatchObject({ ok: false, error: { code: "forbidden" } });
    const notYet = await emitAck(b.socket, "forum:slide", { forumId: forum.id, talkId: talkB.id, slide: 2 });
    expect(notYet).toMatchObject({ ok: false, error: { code: "forbidden" } });
    const garbage = await emitAck(v.socket, "forum:slide", { forumId: forum.id, talkId: talkA.id, slide: "two" });
    expect(garbage).toMatchObject({ ok: false, error: { code: "invalid_input" } });
    const viewerControl = await emitAck(v.socket, "forum:control", { forumId: forum.id, action: "end" });
    expect(viewerControl).toMatchObject({ ok: false, error: { code: "forbidden" } });

    // after "next", the second presenter may turn pages and the first talk's timer stopped
    const next = await emitAck(h.socket, "forum:control", { forumId: forum.id, action: "next" });
    expect(next.forum.currentTalkId).toBe(talkB.id);
    expect(next.forum.talks[0].endedAt).not.toBeNull();
    expect(next.forum.talks[1].startedAt).not.toBeNull();
    const ok = await emitAck(b.socket, "forum:slide", { forumId: forum.id, talkId: talkB.id, slide: 2 });
    expect(ok.ok).toBe(true);
    await eventually(() => slides.length === 1);
    expect(slides).toEqual([{ forumId: forum.id, talkId: talkB.id, slide: 2 }]);
    for (const s of [h.socket, v.socket, b.socket]) s.close();
  });

  it("presence counts people by role and drops those who leave", async () => {
    const { forum, host } = await setupForum(server);
    const resident = await createUser(server, { role: "resident" });
    const h = await joinForum(server, host.client, forum.id);
    const r = await joinForum(server, resident.client, forum.id);
    const r2 = await joinForum(server, resident.client, forum.id); // a second tab is the same person
    const presence = await eventually(async () => {
      const ack = await emitAck(h.socket, "forum:join", { forumId: forum.id });
      return ack.state.presence.count === 2 ? ack.state.presence : null;
    });
    expect(presence.byRole).toEqual({ secretary: 1, resident: 1 });
    const updates = collect(h.socket, "forum:presence");
    r.socket.close();
    r2.socket.close();
    await eventually(() => updates.at(-1)?.count === 1, 3000);
    expect(updates.at(-1).byRole).toEqual({ secretary: 1 });
    h.socket.close();
  });

  it("only signed-in users join; unknown forums are 404", async () => {
    const { forum } = await setupForum(server);
    await expect(connectSocket(server, null)).rejects.toThrow("unauthorized");
    const u = await createUser(server);
    const s = await connectSocket(server, u.client);
    expect(await emitAck(s, "forum:join", { forumId: crypto.randomUUID() })).toMatchObject({
      ok: false,
      error: { code: "not_found" },
    });
    expect(await emitAck(s, "forum:join", { forumId: "nope" })).toMatchObject({
      ok: false,
      error: { code: "invalid_input" },
    });
    expect((await emitAck(s, "forum:join", { forumId: forum.id })).ok).toBe(true);
    s.close();
  });
});

describe("the room over HTTP (a page's first render)", () => {
  it("answers what a join would, for this person; signed out nothing, unknown 404, junk 400", async () => {
    const { forum, host } = await setupForum(server);
    const voter = await createUser(server, { role: "resident" });
    const h = await joinForum(server, host.client, forum.id);
    await emitAck(h.socket, "forum:control", { forumId: forum.id, action: "start" });
    const asked = await emitAck(h.socket, "forum:ask", {
      forumId: forum.id,
      text: "路灯何时修？",
      clientId: clientId(),
    });
    const v = await joinForum(server, voter.client, forum.id);
    await emitAck(v.socket, "forum:vote", { forumId: forum.id, questionId: asked.question.id });

    const peeked = await voter.client.get(`/api/forums/${forum.id}/room`);
    expect(peeked.status).toBe(200);
    const joined = await emitAck(v.socket, "forum:join", { forumId: forum.id });
    // the same view as the join's: the live status, the question with the person's own vote
    expect(peeked.body.state.forum).toEqual(joined.state.forum);
    expect(peeked.body.state.forum.status).toBe("live");
    expect(peeked.body.state.questions).toEqual(joined.state.questions);
    expect(peeked.body.state.myVotes).toEqual([asked.question.id]);
    expect(peeked.body.state.viewer).toEqual(joined.state.viewer);
    expect(peeked.body.state.viewer.isHost).toBe(false);

    // signed out: nothing of the room, and no error for the console of a visitor sent on to sign in
    const anonymous = await new ApiClient(server.url).get(`/api/forums/${forum.id}/room`);
    expect({ status: anonymous.status, body: anonymous.body }).toEqual({ status: 200, body: { state: null } });
    expect((await voter.client.get(`/api/forums/${crypto.randomUUID()}/room`)).status).toBe(404);
    const junk = await voter.client.get("/api/forums/%E0%A4%A/room");
    expect(junk.status).toBe(400);
    for (const s of [h.socket, v.socket]) s.close();
  });
});

describe("chat", () => {
  it("is kept with history on join, and a retried clientId never duplicates a line", async () => {
    const { forum, host } = await setupForum(server);
    const viewer = await createUser(server, { role: "worker" });
    const h = await joinForum(server, host.client, forum.id);
    const v = await joinForum(server, viewer.client, forum.id);
    const lines = collect(h.socket, "forum:chat");
    const id = clientId();
    const first = await emitAck(v.socket, "forum:chat", { forumId: forum.id, text: "大家好", clientId: id });
    const retry = await emitAck(v.socket, "forum:chat", { forumId: forum.id, text: "大家好", clientId: id });
    expect(first.ok && retry.ok).toBe(true);
    expect(retry.message.id).toBe(first.message.id);
    await sleep(150);
    expect(lines.map((l) => l.text)).toEqual(["大家好"]);
    const late = await joinForum(server, (await createUser(server)).client, forum.id);
    expect(late.state.chat.map((m) => [m.text, m.author.id])).toEqual([["大家好", viewer.user.id]]);
    for (const s of [h.socket, v.socket, late.socket]) s.close();
  });

  it("is rate limited per user", async () => {
    const limited = await startTestServer({ POST_LIMIT_PER_MINUTE: "3" });
    try {
      const { forum, host } = await setupForum(limited);
      const h = await joinForum(limited, host.client, forum.id);
      const acks = [];
      for (let i = 0; i < 4; i++)
        acks.push(await emitAck(h.socket, "forum:chat", { forumId: forum.id, text: `第${i}条`, clientId: clientId() }));
      expect(acks.slice(0, 3).every((a) => a.ok)).toBe(true);
      expect(acks[3]).toMatchObject({ ok: false, error: { code: "rate_limited" } });
      const ask = await emitAck(h.socket, "forum:ask", { forumId: forum.id, text: "还能提问吗", clientId: clientId() });
      expect(ask).toMatchObject({ ok: false, error: { code: "rate_limited" } });
      h.socket.close();
    } finally {
      await limited.close();
    }
  });
});

describe("sensitive words", () => {
  it("refuse chat and questions, including full-width, spaced and traditional variants, storing nothing", async () => {
    const admin = await createUser(server, { role: "admin" });
    const tag = Math.random()
      .toString(36)
      .replace(/[^a-z]/g, "")
      .slice(0, 4)
      .padEnd(4, "k");
    const word = `违规发票${tag}`;
    expect((await admin.client.post("/api/moderation/words", { words: [word] })).status).toBe(201);
    const { forum, host } = await setupForum(server);
    const h = await joinForum(server, host.client, forum.id);
    const fullWidth = `违规发票${[...tag].map((ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0)).join("")}`;
    const variants = [
      `有人卖${word}吗`,
      `有人卖${fullWidth}吗`,
      `有人卖违 规 发-票 ${tag.split("").join(" ")}吗`,
      `有人卖違規發票${tag}吗`,
    ];
    for (const text of variants) {
      const chat = await emitAck(h.socket, "forum:chat", { forumId: forum.id, text, clientId: clientId() });
      expect(chat, text).toMatchObject({ ok: false, error: { code: "blocked_content" } });
      expect(chat.error.message).toMatch(/敏感词/);
      const ask = await emitAck(h.socket, "forum:ask", { forumId: forum.id, text, clientId: clientId() });
      expect(ask, text).toMatchObject({ ok: false, error: { code: "blocked_content" } });
    }
    const again = await emitAck(h.socket, "forum:join", { forumId: forum.id });
    expect(again.state.chat).toEqual([]);
    expect(again.state.questions).toEqual([]);
    h.socket.close();
  });
});

describe("questions", () => {
  it("an anonymous author is in no payload — not to peers, the host or admins; the asker's own is marked mine", async () => {
    const { forum, host } = await setupForum(server);
    const admin = await createUser(server, { role: "admin" });
    const asker = await createUser(server, { role: "resident" });
    const peer = await createUser(server, { role: "worker" });
    const h = await joinForum(server, host.client, forum.id);
    const a = await joinForum(server, admin.client, forum.id);
    const q = await joinForum(server, asker.client, forum.id);
    const p = await joinForum(server, peer.client, forum.id);
    const toPeer = nextEvent<ForumQuestion>(p.socket, "forum:question");
    const toHost = nextEvent<ForumQuestion>(h.socket, "forum:question");
    const toAdmin = nextEvent<ForumQuestion>(a.socket, "forum:question");
    const asked = await emitAck(q.socket, "forum:ask", {
      forumId: forum.id,
      text: "加装电梯的费用怎么分摊？",
      anonymous: true,
      clientId: clientId(),
    });
    expect(asked.ok).toBe(true);
    expect(asked.question).toMatchObject({ author: null, mine: true }); // the asker knows it is theirs, without their name
    const [seenByPeer, seenByHost, seenByAdmin] = await Promise.all([toPeer, toHost, toAdmin]);
    for (const seen of [seenByPeer, seenByHost, seenByAdmin]) {
      expect(seen).toMatchObject({ author: null, anonymous: true, mine: false });
      expect(JSON.stringify(seen)).not.toContain(asker.user.id);
    }
    // and the same on join
    for (const s of [p.socket, a.socket]) {
      const joined = await emitAck(s, "forum:join", { forumId: forum.id });
      expect(joined.state.questions[0].author).toBeNull();
      expect(JSON.stringify(joined.state.questions)).not.toContain(asker.user.id);
    }
    for (const s of [h.socket, a.socket, q.socket, p.socket]) s.close();
  });

  it("a retried ask does not duplicate; votes toggle once per person and counts stay exact", async () => {
    const { forum, host } = await setupForum(server);
    const voters = await Promise.all([1, 2, 3].map(() => createUser(server, { role: "resident" })));
    const h = await joinForum(server, host.client, forum.id);
    const vs = await Promise.all(voters.map((v) => joinForum(server, v.client, forum.id)));
    const id = clientId();
    const asked = await emitAck(h.socket, "forum:ask", { forumId: forum.id, text: "问题一", clientId: id });
    const retried = await emitAck(h.socket, "forum:ask", { forumId: forum.id, text: "问题一", clientId: id });
    expect(retried.question.id).toBe(asked.question.id);
    const questionId = asked.question.id;

    const first = await emitAck(vs[0]!.socket, "forum:vote", { forumId: forum.id, questionId });
    expect(first).toMatchObject({ ok: true, votes: 1, voted: true });
    const second = await emitAck(vs[1]!.socket, "forum:vote", { forumId: forum.id, questionId });
    expect(second).toMatchObject({ votes: 2, voted: true });
    const undo = await emitAck(vs[0]!.socket, "forum:vote", { forumId: forum.id, questionId });
    expect(undo).toMatchObject({ votes: 1, voted: false });
    // a burst of toggles from one person ends where parity says, never below zero or above one vote each
    await Promise.all([1, 2, 3, 4].map(() => emitAck(vs[2]!.socket, "forum:vote", { forumId: forum.id, questionId })));
    const final = await emitAck(vs[2]!.socket, "forum:join", { forumId: forum.id });
    expect(final.state.questions.filter((q: ForumQuestion) => q.id === questionId)).toHaveLength(1);
    expect(final.state.questions[0].votes).toBe(1);
    expect(final.state.myVotes).toEqual([]);
    const mine = await emitAck(vs[1]!.socket, "forum:join", { forumId: forum.id });
    expect(mine.state.myVotes).toEqual([questionId]);
    // the host's view of the count settles on the exact number
    const pushed = collect<ForumQuestion>(h.socket, "forum:question");
    await emitAck(vs[0]!.socket, "forum:vote", { forumId: forum.id, questionId });
    await eventually(() => pushed.at(-1)?.votes === 2, 3000);
    for (const s of [h.socket, ...vs.map((v) => v.socket)]) s.close();
  });

  it("the host or current presenter marks answered and highlights; others may not", async () => {
    const { forum, host, presenterA, presenterB } = await setupForum(server);
    const viewer = await createUser(server, { role: "resident" });
    const h = await joinForum(server, host.client, forum.id);
    await emitAck(h.socket, "forum:control", { forumId: forum.id, action: "start" });
    const p = await joinForum(server, presenterA.client, forum.id);
    const b = await joinForum(server, presenterB.client, forum.id);
    const v = await joinForum(server, viewer.client, forum.id);
    const { question } = await emitAck(v.socket, "forum:ask", {
      forumId: forum.id,
      text: "请问经费来源？",
      clientId: clientId(),
    });
    expect(question.status).toBe("open");
    expect(
      await emitAck(v.socket, "forum:moderate", { forumId: forum.id, questionId: question.id, action: "answered" }),
    ).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(
      await emitAck(b.socket, "forum:moderate", { forumId: forum.id, questionId: question.id, action: "answered" }),
    ).toMatchObject({ ok: false, error: { code: "forbidden" } });
    const stateSeen = nextEvent(v.socket, "forum:state");
    const hl = await emitAck(p.socket, "forum:moderate", {
      forumId: forum.id,
      questionId: question.id,
      action: "highlight",
    });
    expect(hl.ok).toBe(true);
    expect((await stateSeen).forum.highlightedQuestionId).toBe(question.id);
    const seen = nextEvent<ForumQuestion>(v.socket, "forum:question");
    const answered = await emitAck(p.socket, "forum:moderate", {
      forumId: forum.id,
      questionId: question.id,
      action: "answered",
    });
    expect(answered.question.status).toBe("answered");
    expect((await seen).status).toBe("answered");
    const dismissed = await emitAck(h.socket, "forum:moderate", {
      forumId: forum.id,
      questionId: question.id,
      action: "dismiss",
    });
    expect(dismissed.question.status).toBe("dismissed");
    const after = await emitAck(v.socket, "forum:join", { forumId: forum.id });
    expect(after.state.forum.highlightedQuestionId).toBeNull();
    for (const s of [h.socket, p.socket, b.socket, v.socket]) s.close();
  });

  it("in examination mode a question is invisible to peers until the host approves it", async () => {
    const { forum, host } = await setupForum(server, { mode: "examination" });
    const asker = await createUser(server, { role: "resident" });
    const peer = await createUser(server, { role: "resident", partyMember: true });
    const h = await joinForum(server, host.client, forum.id);
    const q = await joinForum(server, asker.client, forum.id);
    const p = await joinForum(server, peer.client, forum.id);
    const peerSaw = collect<ForumQuestion>(p.socket, "forum:question");
    const hostSees = nextEvent<ForumQuestion>(h.socket, "forum:question");
    const asked = await emitAck(q.socket, "forum:ask", {
      forumId: forum.id,
      text: "小区停车难什么时候解决？",
      clientId: clientId(),
    });
    expect(asked.question.status).toBe("pending");
    expect((await hostSees).status).toBe("pending");
    await sleep(200);
    expect(peerSaw).toEqual([]);
    const peerJoin = await emitAck(p.socket, "forum:join", { forumId: forum.id });
    expect(peerJoin.state.questions).toEqual([]);
    expect(await emitAck(p.socket, "forum:vote", { forumId: forum.id, questionId: asked.question.id })).toMatchObject({
      ok: false,
      error: { code: "not_found" },
    });
    expect(
      await emitAck(q.socket, "forum:moderate", {
        forumId: forum.id,
        questionId: asked.question.id,
        action: "approve",
      }),
    ).toMatchObject({ ok: false, error: { code: "forbidden" } });
    const askerJoin = await emitAck(q.socket, "forum:join", { forumId: forum.id });
    expect(askerJoin.state.questions.map((x: ForumQuestion) => x.status)).toEqual(["pending"]);

    const arrives = nextEvent<ForumQuestion>(p.socket, "forum:question");
    const approved = await emitAck(h.socket, "forum:moderate", {
      forumId: forum.id,
      questionId: asked.question.id,
      action: "approve",
    });
    expect(approved.question.status).toBe("open");
    expect(await arrives).toMatchObject({ id: asked.question.id, status: "open", text: "小区停车难什么时候解决？" });
    for (const s of [h.socket, q.socket, p.socket]) s.close();
  });
});
