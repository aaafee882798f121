import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectSocket, createUser, emitAck, eventually, nextEvent, type TestUser } from "../helpers/clients.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

async function ask(asker: TestUser, extra: Record<string, unknown> = {}) {
  const res = await asker.client.post("/api/questions", {
    title: "社区工作怎么开展比较好",
    body: "想请教一下大家的经验。",
    capability: "service",
    tags: ["经验"],
    ...extra,
  });
  expect(res.status).toBe(201);
  return res.body.question;
}

async function answer(by: TestUser, questionId: string, body = "我的经验是多走访。") {
  const res = await by.client.post(`/api/questions/${questionId}/answers`, { body });
  expect(res.status).toBe(201);
  return res.body.answer;
}

describe("asking and answering", () => {
  it("creates a question, lists it and shows answers with veterans marked", async () => {
    const worker = await createUser(server, { role: "worker" });
    const veteran = await createUser(server, { role: "veteran", displayName: "测试老书记" });
    const question = await ask(worker, { title: "如何组织楼栋长例会" });
    expect(question).toMatchObject({
      title: "如何组织楼栋长例会",
      capability: "service",
      tags: ["经验"],
      mine: true,
      votes: 0,
    });
    const a = await answer(veteran, question.id);
    expect(a.veteran).toBe(true);
    expect(a.author.displayName).toBe("测试老书记");

    const page = await worker.client.get(`/api/questions/${question.id}`);
    expect(page.status).toBe(200);
    expect(page.body.question.answerCount).toBe(1);
    expect(page.body.answers.map((x: { id: string }) => x.id)).toEqual([a.id]);

    const mine = await worker.client.get("/api/questions?mine=1");
    expect(mine.body.questions.map((q: { id: string }) => q.id)).toEqual([question.id]);
  });

  it("rejects bad input with the contract's errors", async () => {
    const worker = await createUser(server);
    expect((await worker.client.post("/api/questions", { title: "x", body: "" })).status).toBe(400);
    expect(
      (await worker.client.post("/api/questions", { title: "好标题", body: "内容", capability: "flying" })).status,
    ).toBe(400);
    const big = await worker.client.post("/api/questions", { title: "好标题", body: "长".repeat(20_001) });
    expect(big.status).toBe(413);
    expect((await worker.client.get("/api/questions/not-a-uuid")).status).toBe(400);
    expect((await worker.client.get(`/api/questions/${crypto.randomUUID()}`)).status).toBe(404);
    const anonymousClient = new (worker.client.constructor as new (url: string) => typeof worker.client)(server.url);
    expect((await anonymousClient.get("/api/questions")).status).toBe(401);
  });

  it("lets only the author (or an admin) edit", async () => {
    const asker = await createUser(server);
    const other = await createUser(server);
    const question = await ask(asker);
    expect((await other.client.patch(`/api/questions/${question.id}`, { title: "别人改的标题" })).status).toBe(403);
    const edited = await asker.client.patch(`/api/questions/${question.id}`, { title: "改过的标题", tags: ["改造"] });
    expect(edited.status).toBe(200);
    expect(edited.body.question).toMatchObject({ title: "改过的标题", tags: ["改造"] });
  });
});

describe("votes", () => {
  it("count once per person: toggling, explicit up twice, and concurrent clicks", async () => {
    const asker = await createUser(server);
    const voter = await createUser(server);
    const second = await createUser(server);
    const question = await ask(asker);
    const url = `/api/questions/${question.id}/vote`;

    expect((await voter.client.post(url)).body).toEqual({ votes: 1, voted: true });
    expect((await voter.client.post(url)).body).toEqual({ votes: 0, voted: false });
    expect((await voter.client.post(url, { up: true })).body).toEqual({ votes: 1, voted: true });
    expect((await voter.client.post(url, { up: true })).body).toEqual({ votes: 1, voted: true });
    await Promise.all(Array.from({ length: 5 }, () => second.client.post(url, { up: true })));
    const after = await asker.client.get(`/api/questions/${question.id}`);
    expect(after.body.question.votes).toBe(2);
    expect(after.body.question.voted).toBe(false);

    const a = await answer(voter, question.id);
    await Promise.all(Array.from({ length: 4 }, () => asker.client.post(`/api/answers/${a.id}/vote`, { up: true })));
    const page = await voter.client.get(`/api/questions/${question.id}`);
    expect(page.body.answers[0].votes).toBe(1);
  });
});

describe("accepting an answer", () => {
  it("is allowed to the asker and an admin only, and notifies the answerer", async () => {
    const asker = await createUser(server);
    const veteran = await createUser(server, { role: "veteran" });
    const stranger = await createUser(server, { role: "secretary" });
    const admin = await createUser(server, { role: "admin" });
    const question = await ask(asker);
    const first = await answer(veteran, question.id, "第一个回答");
    const second = await answer(stranger, question.id, "第二个回答");

    const veteranSocket = await connectSocket(server, veteran.client);
    const bell = nextEvent(veteranSocket, "notification:new");

    const refused = await stranger.client.post(`/api/answers/${first.id}/accept`);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe("forbidden");

    const accepted = await asker.client.post(`/api/answers/${first.id}/accept`);
    expect(accepted.status).toBe(200);
    expect(accepted.body.question.acceptedAnswerId).toBe(first.id);
    expect(accepted.body.answers[0]).toMatchObject({ id: first.id, accepted: true });
    expect(await bell).toMatchObject({ kind: "answer_accepted", link: `/qa/questions/${question.id}` });
    veteranSocket.close();

    const byAdmin = await admin.client.post(`/api/answers/${second.id}/accept`);
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.body.question.acceptedAnswerId).toBe(second.id);

    const board = await veteran.client.get("/api/qa/leaderboard");
    const row = board.body.leaders.find((l: { user: { id: string } }) => l.user.id === stranger.user.id);
    expect(row).toMatchObject({ acceptedCount: 1, answerCount: 1 });
  });

  it("notifies the asker of a new answer and an invited veteran", async () => {
    const asker = await createUser(server);
    const veteran = await createUser(server, { role: "veteran" });
    const worker = await createUser(server);
    const question = await ask(asker);
    const askerSocket = await connectSocket(server, asker.client);
    const veteranSocket = await connectSocket(server, veteran.client);
    const answered = nextEvent(askerSocket, "notification:new");
    await answer(worker, question.id);
    expect(await answered).toMatchObject({ kind: "question_answered", body: question.title });

    const invited = nextEvent(veteranSocket, "notification:new");
    const res = await asker.client.post(`/api/questions/${question.id}/invite`, { userId: veteran.user.id });
    expect(res.body).toEqual({ invited: true, alreadyInvited: false });
    expect(await invited).toMatchObject({
      kind: "answer_invited",
      title: `${asker.user.displayName}邀请你回答问题`,
      link: `/qa/questions/${question.id}`,
    });
    expect(
      (await asker.client.post(`/api/questions/${question.id}/invite`, { userId: veteran.user.id })).body
        .alreadyInvited,
    ).toBe(true);
    expect((await asker.client.post(`/api/questions/${question.id}/invite`, { userId: worker.user.id })).status).toBe(
      400,
    );

    const profile = await asker.client.get(`/api/qa/users/${worker.user.id}/profile`);
    expect(profile.body.profile).toMatchObject({
      answerCount: 1,
      acceptedCount: 0,
      capabilities: [{ capability: "service", answers: 1 }],
    });
    askerSocket.close();
    veteranSocket.close();
  });
});

describe("pseudonymous questions", () => {
  it("hide the author from peers in every API response, not from the author or admins", async () => {
    const asker = await createUser(server, { displayName: "不愿具名的社工" });
    const peer = await createUser(server);
    const admin = await createUser(server, { role: "admin" });
    const question = await ask(asker, { anonymous: true, title: "匿名提问的测试标题" });
    await answer(asker, question.id, "补充一下情况：楼里有三户反对。");

    const leaks = (body: unknown) => {
      const text = JSON.stringify(body);
      return text.includes(asker.user.id) || text.includes("不愿具名的社工");
    };
    const peerViews = [
      await peer.client.get(`/api/questions/${question.id}`),
      await peer.client.get("/api/questions?sort=newest&limit=50"),
      await peer.client.get(`/api/questions?q=${encodeURIComponent("匿名提问")}`),
      await peer.client.get(`/api/questions/similar?title=${encodeURIComponent("匿名提问的测试")}`),
    ];
    for (const view of peerViews) {
      expect(view.status).toBe(200);
      expect(JSON.stringify(view.body)).toContain(question.id);
      expect(leaks(view.body)).toBe(false);
    }
    const peerPage = peerViews[0]!.body;
    expect(peerPage.question.author).toEqual({
      id: null,
      displayName: "匿名社工",
      role: null,
      level: null,
      anonymous: true,
    });
    expect(peerPage.answers[0].author.displayName).toBe("匿名社工");

    const own = await asker.client.get(`/api/questions/${question.id}`);
    expect(own.body.question.author).toMatchObject({ id: asker.user.id, displayName: "不愿具名的社工" });
    const seenByAdmin = await admin.client.get(`/api/questions/${question.id}`);
    expect(seenByAdmin.body.question.author).toMatchObject({ id: asker.user.id, displayName: "不愿具名的社工" });

    // the live board push is a peer view too
    const socket = await connectSocket(server, peer.client);
    await emitAck(socket, "qa:subscribe", {});
    const pushed = nextEvent(socket, "qa:question");
    await ask(asker, { anonymous: true, title: "又一个匿名问题" });
    expect(leaks(await pushed)).toBe(false);
    socket.close();
  });
});

describe("Markdown", () => {
  it("renders safely: no script, no javascript: link, no event-handler attribute", async () => {
    const asker = await createUser(server);
    const body = [
      "**加粗**和[正常链接](https://example.org)",
      "<script>alert('x')</script>",
      "[点我](javascript:alert(1)) [再点](JaVaScRiPt:alert(2))",
      '<img src=x onerror="alert(3)">',
      '<a href="#" onclick="alert(4)">链接</a>',
    ].join("\n\n");
    const question = await ask(asker, { body });
    const html: string = question.bodyHtml;
    expect(html).toContain("<strong>加粗</strong>");
    expect(html).toContain('href="https://example.org"');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/href="\s*javascript:/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toMatch(/<a [^>]*onclick/i);
    expect(html).toContain("&lt;script&gt;");

    const a = await answer(asker, question.id, "<svg onload=alert(1)>[x](javascript:void(0))");
    expect(a.bodyHtml).not.toMatch(/<svg/i);
    expect(a.bodyHtml).not.toMatch(/href="javascript:/i);
  });
});

describe("moderation", () => {
  it("hidden posts are visible only to admins and the author; restore brings them back; all audited", async () => {
    const asker = await createUser(server);
    const peer = await createUser(server);
    const admin = await createUser(server, { role: "admin" });
    const question = await ask(asker, { title: "将被隐藏的问题" });
    const a = await answer(peer, question.id, "将被隐藏的回答");

    expect((await peer.client.post(`/api/questions/${question.id}/report`, { reason: "广告" })).status).toBe(200);
    const reports = await admin.client.get("/api/qa/reports");
    expect(reports.body.reports.some((r: { targetId: string }) => r.targetId === question.id)).toBe(true);
    expect((await peer.client.get("/api/qa/reports")).status).toBe(403);

    expect((await peer.client.post(`/api/questions/${question.id}/hide`, { reason: "试图隐藏" })).status).toBe(403);
    expect((await admin.client.post(`/api/questions/${question.id}/hide`, { reason: "" })).status).toBe(400);
    expect((await admin.client.post(`/api/questions/${question.id}/hide`, { reason: "含广告" })).status).toBe(200);

    expect((await peer.client.get(`/api/questions/${question.id}`)).status).toBe(404);
    const peerList = await peer.client.get("/api/questions?sort=newest&limit=50");
    expect(peerList.body.questions.some((q: { id: string }) => q.id === question.id)).toBe(false);
    const own = await asker.client.get(`/api/questions/${question.id}`);
    expect(own.body.question).toMatchObject({ hidden: true, hiddenReason: "含广告" });
    expect((await admin.client.get(`/api/questions/${question.id}`)).body.question.hidden).toBe(true);

    expect((await admin.client.post(`/api/questions/${question.id}/restore`, { reason: "误判" })).status).toBe(200);
    expect((await peer.client.get(`/api/questions/${question.id}`)).status).toBe(200);

    // answers: hidden from peers, still there for their author and admins
    expect((await admin.client.post(`/api/answers/${a.id}/hide`, { reason: "不实信息" })).status).toBe(200);
    const askerView = await asker.client.get(`/api/questions/${question.id}`);
    expect(askerView.body.answers).toEqual([]);
    expect(askerView.body.question.answerCount).toBe(0);
    const authorView = await peer.client.get(`/api/questions/${question.id}`);
    expect(authorView.body.answers[0]).toMatchObject({ id: a.id, hidden: true, hiddenReason: "不实信息" });
    expect((await asker.client.post(`/api/answers/${a.id}/vote`)).status).toBe(404);
    const search = await asker.client.get(`/api/questions?q=${encodeURIComponent("将被隐藏的回答")}`);
    expect(search.body.questions).toEqual([]);

    const audit = await admin.client.get(`/api/qa/audit?targetId=${question.id}`);
    expect(audit.body.entries.map((e: { action: string; reason: string }) => `${e.action}:${e.reason}`)).toEqual([
      "restore:误判",
      "hide:含广告",
      "report:广告",
    ]);
  });

  it("refuses sensitive words and limits how fast one person posts", async () => {
    const admin = await createUser(server, { role: "admin" });
    const word = `违禁测试词${Date.now().toString(36)}`;
    expect((await admin.client.post("/api/moderation/words", { words: [word] })).status).toBe(201);
    try {
      const asker = await createUser(server);
      const spaced = [...word].join(" ");
      const blocked = await asker.client.post("/api/questions", { title: "正常标题", body: `这里有${spaced}` });
      expect(blocked.status).toBe(400);
      expect(blocked.body.error.code).toBe("blocked_content");
      const question = await ask(asker);
      const blockedAnswer = await asker.client.post(`/api/questions/${question.id}/answers`, { body: word });
      expect(blockedAnswer.body.error.code).toBe("blocked_content");
    } finally {
      await admin.client.delete(`/api/moderation/words/${encodeURIComponent(word)}`);
    }

    const limited = await startTestServer({ POST_LIMIT_PER_MINUTE: "2" });
    try {
      const user = await createUser(limited);
      const post = () => user.client.post("/api/questions", { title: "限流测试", body: "内容" });
      expect((await post()).status).toBe(201);
      expect((await post()).status).toBe(201);
      const third = await post();
      expect(third.status).toBe(429);
      expect(third.body.error.code).toBe("rate_limited");
    } finally {
      await limited.close();
    }
  });
});

describe("live board", () => {
  it("pushes new answers to subscribers of the board", async () => {
    const asker = await createUser(server);
    const watcher = await createUser(server);
    const question = await ask(asker);
    const socket = await connectSocket(server, watcher.client);
    expect(await emitAck(socket, "qa:subscribe", {})).toEqual({ ok: true, state: null });
    const pushed = nextEvent(socket, "qa:answer");
    await answer(asker, question.id, "实时推送的回答");
    const payload = await pushed;
    expect(payload.questionId).toBe(question.id);
    expect(payload.answer.body).toBe("实时推送的回答");
    const bad = await emitAck(socket, "qa:subscribe", { eventId: "nope" });
    expect(bad.ok).toBe(false);
    expect(bad.error.code).toBe("invalid_input");
    await eventually(() => socket.connected);
    socket.close();
  });
});
