import { describe, expect, it } from "vitest";
import { ApiClient, connectSocket, createUser, emitAck, nextEvent } from "../helpers/clients.ts";
import { twoProcesses } from "./setup.ts";

// its own pair of processes: this file kills one of them
const procs = twoProcesses();

/** the promise in docs/forums.md, plus an allowance for timers on this loaded test machine */
const LOSS_BOUND_MS = 500 + 700;

describe("the process that owns a running forum crashes", () => {
  it("the other process takes the forum over: acknowledged changes are all there, page turns at most 500 ms behind", async () => {
    const host = await createUser(procs.onA, { role: "secretary" });
    const viewer = await createUser(procs.onA, { role: "resident" });
    const created = await host.client.post("/api/forums", {
      title: "接管测试",
      mode: "forum",
      startsAt: new Date().toISOString(),
      talks: [{ title: "发言", presenterId: host.user.id }],
    });
    const forumId = created.body.forum.id as string;
    const talkId = created.body.forum.talks[0].id as string;

    // the first command reaches A, so A owns the forum
    const onA = await connectSocket(procs.onA, host.client);
    expect((await emitAck(onA, "forum:join", { forumId })).ok).toBe(true);
    expect((await emitAck(onA, "forum:control", { forumId, action: "start" })).ok).toBe(true);
    const chat = await emitAck(onA, "forum:chat", { forumId, text: "接管前的话", clientId: `takeover-${forumId}` });
    expect(chat.ok).toBe(true);
    const asked = await emitAck(onA, "forum:ask", { forumId, text: "接管前的问题", clientId: `takeover-q-${forumId}` });
    expect((await emitAck(onA, "forum:vote", { forumId, questionId: asked.question.id })).votes).toBe(1);
    expect((await emitAck(onA, "forum:slide", { forumId, talkId, slide: 4 })).ok).toBe(true);
    await new Promise((r) => setTimeout(r, LOSS_BOUND_MS + 300));
    const ackedAt = new Map<number, number>();
    for (let page = 5; page <= 20; page++) {
      expect((await emitAck(onA, "forum:slide", { forumId, talkId, slide: page })).ok).toBe(true);
      ackedAt.set(page, Date.now());
    }
    const killedAt = Date.now();
    await procs.a.stop("SIGKILL");
    onA.close();

    const viewerOnB = new ApiClient(procs.b.url);
    viewerOnB.cookie = viewer.client.cookie;
    const onB = await connectSocket(procs.onB, viewerOnB);
    const joined = await emitAck(onB, "forum:join", { forumId }, 20_000);
    expect(joined.ok).toBe(true);
    expect(joined.state.chat.map((m: { text: string }) => m.text)).toEqual(["接管前的话"]);
    expect(joined.state.questions.map((q: { votes: number }) => q.votes)).toEqual([1]);
    const page = joined.state.forum.talks[0].slide as number;
    const mustHave = Math.max(4, ...[...ackedAt].filter(([, at]) => killedAt - at > LOSS_BOUND_MS).map(([p]) => p));
    expect(page).toBeGreaterThanOrEqual(mustHave);
    expect(page).toBeLessThanOrEqual(20);

    // the host carries on through B
    const hostOnB = new ApiClient(procs.b.url);
    hostOnB.cookie = host.client.cookie;
    const h = await connectSocket(procs.onB, hostOnB);
    expect((await emitAck(h, "forum:join", { forumId })).ok).toBe(true);
    const seen = nextEvent(onB, "forum:slide");
    expect((await emitAck(h, "forum:slide", { forumId, talkId, slide: page + 1 })).ok).toBe(true);
    expect((await seen).slide).toBe(page + 1);
    for (const s of [onB, h]) s.close();
  }, 90_000);
});
