import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { ApiClient, connectSocket, createUser, emitAck, eventually, type TestSocket } from "../helpers/clients.ts";
import { twoProcesses } from "./setup.ts";

const procs = twoProcesses();

/** The same signed-in person, talking to process B instead of A (as a load balancer would route them). */
function viaB(client: ApiClient): ApiClient {
  const other = new ApiClient(procs.b.url);
  other.cookie = client.cookie;
  return other;
}

async function liveForum(talks = 1) {
  const host = await createUser(procs.onA, { role: "secretary" });
  const created = await host.client.post("/api/forums", {
    title: "跨进程现场",
    mode: "forum",
    startsAt: new Date().toISOString(),
    talks: Array.from({ length: talks }, (_, i) => ({ title: `发言${i + 1}`, presenterId: host.user.id })),
  });
  expect(created.status).toBe(201);
  return {
    host,
    forumId: created.body.forum.id as string,
    talkIds: created.body.forum.talks.map((t: { id: string }) => t.id) as string[],
  };
}

describe("a running forum's live state across two processes", () => {
  it("a page turn made on either process is seen by a join on the other at once", async () => {
    const { host, forumId, talkIds } = await liveForum();
    const talkId = talkIds[0]!;
    const onA = await connectSocket(procs.onA, host.client);
    const onB = await connectSocket(procs.onB, viaB(host.client));
    expect((await emitAck(onA, "forum:join", { forumId })).ok).toBe(true);
    expect((await emitAck(onA, "forum:control", { forumId, action: "start" })).ok).toBe(true);

    const sockets: TestSocket[] = [onA, onB];
    for (let page = 2; page <= 6; page++) {
      const turner = page % 2 ? onB : onA;
      const otherServer = page % 2 ? procs.onA : procs.onB;
      const viewer = await createUser(procs.onA, { role: "resident" });
      expect((await emitAck(turner, "forum:slide", { forumId, talkId, slide: page })).ok).toBe(true);
      // right after the ack, long before any write-behind: the join on the other process sees the page
      const joiner = await connectSocket(otherServer, otherServer === procs.onB ? viaB(viewer.client) : viewer.client);
      sockets.push(joiner);
      const joined = await emitAck(joiner, "forum:join", { forumId });
      expect(joined.state.forum.talks[0].slide).toBe(page);
    }
    for (const s of sockets) s.close();
  });

  it("votes cast through both processes add up exactly", async () => {
    const { host, forumId } = await liveForum();
    const hostSocket = await connectSocket(procs.onA, host.client);
    expect((await emitAck(hostSocket, "forum:join", { forumId })).ok).toBe(true);
    expect((await emitAck(hostSocket, "forum:control", { forumId, action: "start" })).ok).toBe(true);
    const questionIds: string[] = [];
    for (let q = 0; q < 3; q++) {
      const asked = await emitAck(hostSocket, "forum:ask", {
        forumId,
        text: `跨进程问题${q}`,
        clientId: `scale-vote-${forumId}-${q}`,
      });
      questionIds.push(asked.question.id);
    }

    const voters = await Promise.all(Array.from({ length: 24 }, () => createUser(procs.onA, { role: "resident" })));
    const sockets = await Promise.all(
      voters.map((v, i) => (i % 2 ? connectSocket(procs.onB, viaB(v.client)) : connectSocket(procs.onA, v.client))),
    );
    await Promise.all(sockets.map((s) => emitAck(s, "forum:join", { forumId })));
    // every voter votes on every question at once, through their own process; every third takes one vote back
    const expected = [0, 0, 0];
    const casts = sockets.flatMap((s, i) => questionIds.map((questionId, q) => ({ s, i, q, questionId })));
    const acks = await Promise.all(
      casts.map(({ s, questionId }) => emitAck(s, "forum:vote", { forumId, questionId }, 20_000)),
    );
    expect(acks.every((a) => a.ok && a.voted)).toBe(true);
    for (const { q } of casts) expected[q]! += 1;
    const takeBacks = casts.filter(({ i, q }) => i % 3 === 0 && q === i % questionIds.length);
    const back = await Promise.all(
      takeBacks.map(({ s, questionId }) => emitAck(s, "forum:vote", { forumId, questionId }, 20_000)),
    );
    expect(back.every((a) => a.ok && !a.voted)).toBe(true);
    for (const { q } of takeBacks) expected[q]! -= 1;

    for (const server of [procs.onA, procs.onB]) {
      const viewer = await createUser(procs.onA, { role: "resident" });
      const s = await connectSocket(server, server === procs.onB ? viaB(viewer.client) : viewer.client);
      const joined = await emitAck(s, "forum:join", { forumId });
      const counts = questionIds.map((id) => joined.state.questions.find((q: { id: string }) => q.id === id).votes);
      expect(counts).toEqual(expected);
      s.close();
    }
    // the stored counters and the vote rows agree with the live counts
    const stored = await procs.database.db.execute(sql`
      select q.id, q.votes, (select count(*)::int from forum_question_votes v where v.question_id = q.id) as rows
      from forum_questions q where q.forum_id = ${forumId}`);
    const rows = (Array.isArray(stored) ? stored : (stored as { rows: unknown[] }).rows) as {
      id: string;
      votes: number;
      rows: number;
    }[];
    expect(questionIds.map((id) => rows.find((r) => r.id === id)).map((r) => [r!.votes, r!.rows])).toEqual(
      expected.map((n) => [n, n]),
    );
    for (const s of [hostSocket, ...sockets]) s.close();
  });

  it("two hosts on different processes pressing 下一位 together advance once", async () => {
    const { host, forumId, talkIds } = await liveForum(3);
    const admin = await createUser(procs.onA, { role: "admin" });
    const onA = await connectSocket(procs.onA, host.client);
    const onB = await connectSocket(procs.onB, viaB(admin.client));
    for (const s of [onA, onB]) expect((await emitAck(s, "forum:join", { forumId })).ok).toBe(true);
    expect((await emitAck(onA, "forum:control", { forumId, action: "start" })).ok).toBe(true);
    const statesOnB: { forum: { currentTalkId: string } }[] = [];
    onB.on("forum:state", (p) => statesOnB.push(p as never));
    const acks = await Promise.all([
      emitAck(onA, "forum:control", { forumId, action: "next", expectedIndex: 0 }),
      emitAck(onB, "forum:control", { forumId, action: "next", expectedIndex: 0 }),
    ]);
    expect(acks.filter((a) => a.ok)).toHaveLength(1);
    expect(acks.find((a) => !a.ok)!.error.code).toBe("stale_agenda");
    await eventually(() => statesOnB.at(-1)?.forum.currentTalkId === talkIds[1]);
    const joined = await emitAck(onB, "forum:join", { forumId });
    expect(joined.state.forum.currentTalkId).toBe(talkIds[1]);
    for (const s of [onA, onB]) s.close();
  });
});
