import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectSocket, createUser, emitAck, eventually } from "../helpers/clients.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import type { QaEventState } from "../../shared/qa.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

describe("季度老书记论坛 (live event)", () => {
  it("is driven by socket clients and leaves answered questions on the board", async () => {
    const admin = await createUser(server, { role: "admin" });
    const veteran = await createUser(server, { role: "veteran", displayName: "现场老书记" });
    const asker = await createUser(server);
    const floor = await createUser(server);
    const watcher = await createUser(server);

    // beforehand: a much-upvoted unanswered question, and one the host will add by hand
    const top = (
      await asker.client.post("/api/questions", { title: "网格化管理怎么落到楼栋", body: "楼栋长积极性不高。" })
    ).body.question;
    const extra = (await asker.client.post("/api/questions", { title: "社区社会组织怎么培育", body: "缺场地缺经费。" }))
      .body.question;
    const voters = await Promise.all(Array.from({ length: 6 }, () => createUser(server)));
    await Promise.all(voters.map((v) => v.client.post(`/api/questions/${top.id}/vote`, { up: true })));

    expect(
      (await asker.client.post("/api/qa/events", { title: "不是管理员", startsAt: new Date().toISOString() })).status,
    ).toBe(403);
    const created = await admin.client.post("/api/qa/events", {
      title: "第一季度老书记论坛",
      startsAt: new Date(Date.now() + 3600_000).toISOString(),
      pull: 1,
    });
    expect(created.status).toBe(201);
    const eventId: string = created.body.event.id;
    expect(created.body.state.queue[0]).toMatchObject({ question: { id: top.id }, source: "pulled" });

    const host = await connectSocket(server, admin.client);
    const live = await connectSocket(server, watcher.client);
    const events: QaEventState[] = [];
    const questions: { question: { id: string; title: string }; eventId: string | null }[] = [];
    const answers: { answer: { body: string; veteran: boolean }; questionId: string }[] = [];
    live.on("qa:event", ({ state }) => events.push(state));
    live.on("qa:question", (p) => questions.push(p));
    live.on("qa:answer", (p) => answers.push(p));
    const subscribed = await emitAck(live, "qa:subscribe", { eventId });
    expect(subscribed.ok).toBe(true);
    expect(subscribed.state.event).toMatchObject({ title: "第一季度老书记论坛", status: "scheduled" });

    // the host adds a question and reorders the queue
    const added = await emitAck(host, "qa:queueAdd", { eventId, questionId: extra.id });
    expect(added.ok).toBe(true);
    expect(added.state.queue.at(-1)).toMatchObject({ question: { id: extra.id }, source: "added" });
    expect((await emitAck(host, "qa:queueAdd", { eventId, questionId: extra.id })).error.code).toBe("conflict");
    const order: string[] = added.state.queue.map((i: { question: { id: string } }) => i.question.id);
    const reordered = [extra.id, ...order.filter((id) => id !== extra.id)];
    expect((await emitAck(host, "qa:reorder", { eventId, questionIds: reordered.slice(1) })).error.code).toBe(
      "invalid_input",
    );
    const afterReorder = await emitAck(host, "qa:reorder", { eventId, questionIds: reordered });
    expect(afterReorder.state.queue.map((i: { question: { id: string } }) => i.question.id)).toEqual(reordered);
    await eventually(() => events.at(-1)?.queue[0]?.question.id === extra.id);

    // only an admin hosts
    expect((await emitAck(live, "qa:control", { eventId, action: "start" })).error.code).toBe("forbidden");
    const started = await emitAck(host, "qa:control", { eventId, action: "start" });
    expect(started.state.event).toMatchObject({ status: "live", currentQuestionId: extra.id });
    await eventually(() => events.at(-1)?.event.status === "live");

    // a veteran answers the current question: the live page sees it arrive
    await veteran.client.post(`/api/questions/${extra.id}/answers`, { body: "先从兴趣类社会组织培育起。" });
    await eventually(() => answers.some((a) => a.questionId === extra.id && a.answer.veteran));
    await eventually(() => events.at(-1)?.currentAnswers.length === 1);
    expect(events.at(-1)!.currentAnswers[0]!.author.displayName).toBe("现场老书记");

    // a question from the floor joins the queue
    const fromFloor = await floor.client.post("/api/questions", {
      title: "现场提问：楼道堆物怎么清",
      body: "劝了多次不听。",
      eventId,
    });
    expect(fromFloor.status).toBe(201);
    await eventually(() =>
      questions.some((q) => q.question.id === fromFloor.body.question.id && q.eventId === eventId),
    );
    await eventually(() =>
      events.at(-1)?.queue.some((i) => i.question.id === fromFloor.body.question.id && i.source === "floor"),
    );

    // next question, answered too
    const next = await emitAck(host, "qa:control", { eventId, action: "next" });
    expect(next.state.event.currentQuestionId).toBe(reordered[1]);
    await emitAck(host, "qa:control", { eventId, action: "current", questionId: top.id });
    await veteran.client.post(`/api/questions/${top.id}/answers`, { body: "楼栋长要给荣誉也给实惠。" });
    await eventually(() => events.at(-1)?.currentAnswers.some((a) => a.body === "楼栋长要给荣誉也给实惠。"));

    const ended = await emitAck(host, "qa:control", { eventId, action: "end" });
    expect(ended.state.event.status).toBe("ended");
    const summary = ended.state.summary;
    expect(summary.answered).toBe(2);
    expect(summary.total).toBe(ended.state.queue.length);
    expect(summary.unanswered).toBe(summary.total - 2);
    await eventually(() => events.at(-1)?.event.status === "ended");

    // afterwards everything stays on the board: answered ones with their answers, the rest open
    const board = await watcher.client.get(`/api/questions/${top.id}`);
    expect(board.body.question.answerCount).toBe(1);
    expect(board.body.answers[0].veteran).toBe(true);
    const open = await watcher.client.get(`/api/questions/${fromFloor.body.question.id}`);
    expect(open.body.question).toMatchObject({ answerCount: 0, eventId });
    const summaryPage = await watcher.client.get(`/api/qa/events/${eventId}`);
    expect(summaryPage.body.state.summary).toEqual(summary);

    // no more floor questions or control after the end
    expect((await floor.client.post("/api/questions", { title: "会后提问", body: "还能提吗", eventId })).status).toBe(
      400,
    );
    expect((await emitAck(host, "qa:control", { eventId, action: "start" })).ok).toBe(false);
    host.close();
    live.close();
  });

  it("refuses an unknown event", async () => {
    const user = await createUser(server);
    const socket = await connectSocket(server, user.client);
    const res = await emitAck(socket, "qa:subscribe", { eventId: crypto.randomUUID() });
    expect(res).toMatchObject({ ok: false, error: { code: "not_found" } });
    socket.close();
  });
});
