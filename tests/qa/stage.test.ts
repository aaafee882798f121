import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { QaEventState, QaVoteChange } from "../../shared/qa.ts";
import { connectSocket, createUser, emitAck, eventually, type TestUser } from "../helpers/clients.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { runningOrder } from "../../server/qa/live.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

async function ask(asker: TestUser, title: string, extra: Record<string, unknown> = {}) {
  const res = await asker.client.post("/api/questions", { title, body: "请大家出出主意。", ...extra });
  expect(res.status).toBe(201);
  return res.body.question as { id: string; votes: number };
}

async function upvote(voters: TestUser[], questionId: string) {
  for (const v of voters)
    expect((await v.client.post(`/api/questions/${questionId}/vote`, { up: true })).status).toBe(200);
}

const ids = (state: QaEventState) => state.queue.map((i) => i.question.id);

describe("no self-votes", () => {
  it("the asker cannot upvote their own question, nor an answerer their own answer", async () => {
    const asker = await createUser(server);
    const veteran = await createUser(server, { role: "veteran" });
    const q = await ask(asker, "自己给自己点赞可以吗");
    const own = await asker.client.post(`/api/questions/${q.id}/vote`, { up: true });
    expect(own.status).toBe(403);
    expect(own.body.error).toEqual({ code: "self_vote", message: "不能给自己的问题点赞" });

    const a = (await veteran.client.post(`/api/questions/${q.id}/answers`, { body: "不可以。" })).body.answer;
    const ownAnswer = await veteran.client.post(`/api/answers/${a.id}/vote`);
    expect(ownAnswer.status).toBe(403);
    expect(ownAnswer.body.error.code).toBe("self_vote");
    expect(ownAnswer.body.error.message).toBe("不能给自己的回答点赞");

    // others still can, and nothing was counted for the refused ones
    expect((await veteran.client.post(`/api/questions/${q.id}/vote`, { up: true })).body).toEqual({
      votes: 1,
      voted: true,
    });
    expect((await asker.client.post(`/api/answers/${a.id}/vote`, { up: true })).body).toEqual({
      votes: 1,
      voted: true,
    });
    const page = (await asker.client.get(`/api/questions/${q.id}`)).body;
    expect(page.question.votes).toBe(1);
    expect(page.answers[0].votes).toBe(1);
  });
});

describe("floor questions", () => {
  it("need only a title at a live event; a board question still needs a description", async () => {
    const admin = await createUser(server, { role: "admin" });
    const floor = await createUser(server);
    const event = (
      await admin.client.post("/api/qa/events", { title: "现场提问测试", startsAt: new Date().toISOString(), pull: 0 })
    ).body.event;
    const titleOnly = await floor.client.post("/api/questions", { title: "楼道堆物怎么清", eventId: event.id });
    expect(titleOnly.status).toBe(201);
    expect(titleOnly.body.question).toMatchObject({ title: "楼道堆物怎么清", body: "", eventId: event.id });
    const board = await floor.client.post("/api/questions", { title: "没有描述的问题" });
    expect(board.status).toBe(400);
    expect(board.body.error.message).toContain("内容不能为空");
    const state = (await floor.client.get(`/api/qa/events/${event.id}`)).body.state as QaEventState;
    expect(state.queue.map((i) => [i.question.id, i.source])).toEqual([[titleOnly.body.question.id, "floor"]]);
  });
});

describe("live board updates", () => {
  it("votes, answers and acceptance reach a second client's open page", async () => {
    const asker = await createUser(server);
    const voter = await createUser(server);
    const veteran = await createUser(server, { role: "veteran" });
    const watcher = await createUser(server);
    const socket = await connectSocket(server, watcher.client);
    expect((await emitAck(socket, "qa:subscribe", {})).ok).toBe(true);
    const votes: QaVoteChange[] = [];
    const answers: { questionId: string }[] = [];
    const accepted: { questionId: string; acceptedAnswerId: string }[] = [];
    socket.on("qa:vote", (p) => votes.push(p));
    socket.on("qa:answer", (p) => answers.push(p));
    socket.on("qa:accepted", (p) => accepted.push(p));

    const q = await ask(asker, "老旧小区加装电梯怎么协调");
    await upvote([voter], q.id);
    await eventually(() => votes.some((v) => v.target === "question" && v.id === q.id && v.votes === 1));

    const a = (await veteran.client.post(`/api/questions/${q.id}/answers`, { body: "先开议事会，再算分摊。" })).body
      .answer;
    await eventually(() => answers.some((x) => x.questionId === q.id));
    await voter.client.post(`/api/answers/${a.id}/vote`, { up: true });
    await eventually(() =>
      votes.some((v) => v.target === "answer" && v.id === a.id && v.questionId === q.id && v.votes === 1),
    );
    expect((await asker.client.post(`/api/answers/${a.id}/accept`)).status).toBe(200);
    await eventually(() => accepted.some((x) => x.questionId === q.id && x.acceptedAnswerId === a.id));

    // a vote withdrawn is a change too
    await voter.client.post(`/api/questions/${q.id}/vote`, { up: false });
    await eventually(() => votes.some((v) => v.id === q.id && v.votes === 0));
    // the payload carries counts, never who voted
    expect(JSON.stringify(votes)).not.toContain(voter.user.id);
    socket.close();
  });

  it("a hidden question's votes stay quiet", async () => {
    const admin = await createUser(server, { role: "admin" });
    const asker = await createUser(server);
    const voter = await createUser(server);
    const watcher = await createUser(server);
    const q = await ask(asker, "要被隐藏的问题");
    expect((await admin.client.post(`/api/questions/${q.id}/hide`, { reason: "重复" })).status).toBe(200);
    const socket = await connectSocket(server, watcher.client);
    await emitAck(socket, "qa:subscribe", {});
    const votes: QaVoteChange[] = [];
    socket.on("qa:vote", (p) => votes.push(p));
    const visible = await ask(asker, "用来对照的问题");
    await upvote([admin], q.id);
    await upvote([voter], visible.id);
    await eventually(() => votes.some((v) => v.id === visible.id));
    expect(votes.some((v) => v.id === q.id)).toBe(false);
    socket.close();
  });
});

describe("the live queue", () => {
  it("follows the votes until the host orders it by hand; the question on stage keeps its place", async () => {
    const admin = await createUser(server, { role: "admin" });
    const asker = await createUser(server);
    const voters = await Promise.all(Array.from({ length: 4 }, () => createUser(server)));
    const few = await ask(asker, "一票的问题");
    const many = await ask(asker, "三票的问题");
    const some = await ask(asker, "两票的问题");
    await upvote(voters.slice(0, 1), few.id);
    await upvote(voters.slice(0, 3), many.id);
    await upvote(voters.slice(0, 2), some.id);

    const eventId = (
      await admin.client.post("/api/qa/events", { title: "排序测试", startsAt: new Date().toISOString(), pull: 0 })
    ).body.event.id;
    const host = await connectSocket(server, admin.client);
    const audience = await connectSocket(server, voters[3]!.client);
    const pushed: QaEventState[] = [];
    audience.on("qa:event", ({ state }) => pushed.push(state));
    await emitAck(audience, "qa:subscribe", { eventId });

    // added in the "wrong" order, they come out sorted by votes
    for (const q of [few, many, some])
      expect((await emitAck(host, "qa:queueAdd", { eventId, questionId: q.id })).ok).toBe(true);
    let state = (await emitAck(host, "qa:subscribe", { eventId })).state as QaEventState;
    expect(ids(state)).toEqual([many.id, some.id, few.id]);
    expect(state.event.orderedByHost).toBe(false);

    // a floor question with no votes goes last; votes lift it, and the audience sees the new order
    const floor = await ask(voters[3]!, "现场：四票的问题", { eventId });
    await upvote(voters.slice(0, 3), floor.id);
    await upvote([asker], floor.id);
    await eventually(() => pushed.at(-1)?.queue[0]?.question.id === floor.id);
    expect(ids(pushed.at(-1)!)).toEqual([floor.id, many.id, some.id, few.id]);

    // live: the question on stage stays where it is even when another overtakes it
    await emitAck(host, "qa:control", { eventId, action: "start" });
    await upvote([admin, voters[3]!, voters[1]!], few.id);
    state = (await emitAck(host, "qa:subscribe", { eventId })).state;
    expect(state.event.currentQuestionId).toBe(floor.id);
    expect(ids(state)).toEqual([floor.id, few.id, many.id, some.id]);

    // the host's order wins from then on
    const byHand = [floor.id, some.id, many.id, few.id];
    expect((await emitAck(host, "qa:reorder", { eventId, questionIds: byHand })).state.event.orderedByHost).toBe(true);
    await upvote([voters[3]!], many.id);
    state = (await emitAck(host, "qa:subscribe", { eventId })).state;
    expect(ids(state)).toEqual(byHand);

    // …until the host hands it back to the votes (many 4 and few 4 keep the host's order between them, some 2)
    const resorted = await emitAck(host, "qa:control", { eventId, action: "sortByVotes" });
    expect(resorted.state.event.orderedByHost).toBe(false);
    expect(ids(resorted.state)).toEqual([floor.id, many.id, few.id, some.id]);
    host.close();
    audience.close();
  });
});

describe("runningOrder", () => {
  const items = [
    { questionId: "a", position: 1 },
    { questionId: "b", position: 2 },
    { questionId: "c", position: 3 },
    { questionId: "d", position: 4 },
  ];
  const votes: Record<string, number> = { a: 0, b: 1, c: 5, d: 1 };
  const order = (event: { orderedByHost: boolean; status: string; currentQuestionId: string | null }) =>
    runningOrder(items, event, (id) => votes[id]!).map((i) => i.questionId);

  it("sorts what is still to come by votes, ties in stored order, and leaves the rest alone", () => {
    expect(order({ orderedByHost: false, status: "scheduled", currentQuestionId: null })).toEqual(["c", "b", "d", "a"]);
    expect(order({ orderedByHost: false, status: "live", currentQuestionId: "b" })).toEqual(["a", "b", "c", "d"]);
    expect(order({ orderedByHost: false, status: "live", currentQuestionId: "a" })).toEqual(["a", "c", "b", "d"]);
    expect(order({ orderedByHost: true, status: "live", currentQuestionId: "a" })).toEqual(["a", "b", "c", "d"]);
    expect(order({ orderedByHost: false, status: "ended", currentQuestionId: null })).toEqual(["a", "b", "c", "d"]);
  });
});
