import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EvidenceKind } from "../../shared/evidence.ts";
import type { BallotScores } from "../../shared/forums.ts";
import { backfillEvidence } from "../../server/evidence/backfill.ts";
import { evidence } from "../../server/evidence/schema.ts";
import { createFeatures } from "../../server/features.ts";
import { checkins } from "../../server/trainings/schema.ts";
import { createUser, emitAck, eventually } from "../helpers/clients.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { hallGuest, joinForum, setupForum } from "../forums/helpers.ts";
import { ownerWithProposal } from "../proposals/helpers.ts";
import { createStudio, joinStudio } from "../studios/helpers.ts";
import { createTraining } from "../trainings/helpers.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

const itemsOf = (userId: string, kind: EvidenceKind) =>
  server.ctx.db
    .select()
    .from(evidence)
    .where(and(eq(evidence.userId, userId), eq(evidence.kind, kind)));
const all = (n: number): BallotScores => ({
  service: n,
  mobilization: n,
  deliberation: n,
  projectOps: n,
  coordination: n,
  innovation: n,
  overall: n,
});
let ids = 0;
const clientId = () => `growth-${process.pid}-${Date.now()}-${++ids}`;

describe("each fact writes its evidence once", () => {
  it("a training attended: one item with the hours and the training's capabilities, however often the code is scanned", async () => {
    const organiser = await createUser(server, { role: "organiser" });
    const worker = await createUser(server, { roles: ["worker"], communityId: "wuxing" });
    const training = await createTraining(organiser.client, { hours: 3, capabilities: ["service", "deliberation"] });
    const { code } = (await organiser.client.get(`/api/checkins/training/${training.id}`)).body.board;
    expect((await worker.client.post("/api/checkins", { code })).status).toBe(201);
    expect((await worker.client.post("/api/checkins", { code })).status).toBe(200);
    const items = await itemsOf(worker.user.id, "attended");
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      sourceKind: "training",
      sourceId: training.id,
      capabilities: ["service", "deliberation"],
      detail: { hours: 3 },
    });

    // a host taking the attendance back takes its evidence too
    const removed = await organiser.client.request(
      "DELETE",
      `/api/checkins/training/${training.id}/attendees/${worker.user.id}`,
      { reason: "误签" },
    );
    expect(removed.status).toBe(200);
    expect(await itemsOf(worker.user.id, "attended")).toHaveLength(0);
  });

  it("a talk scored at 群众考书记: one item with the weighted total and the six averages when the round closes", async () => {
    const { forum, host, presenterA, talkA } = await setupForum(server, { mode: "examination" });
    const h = await joinForum(server, host.client, forum.id);
    // a resident of the hall scores with a printed ballot code (accounts other than 同行书记 don't score)
    const r = await hallGuest(server, host.client, forum.id);
    await emitAck(h.socket, "forum:control", { forumId: forum.id, action: "start" });
    await emitAck(h.socket, "forum:round", { forumId: forum.id, talkId: talkA.id, action: "open" });
    expect(
      (
        await emitAck(r.socket, "forum:score", {
          forumId: forum.id,
          talkId: talkA.id,
          scores: { ...all(4), innovation: 5 },
        })
      ).ok,
    ).toBe(true);
    expect((await emitAck(h.socket, "forum:round", { forumId: forum.id, talkId: talkA.id, action: "close" })).ok).toBe(
      true,
    );
    // the talk then ends (write-behind) and the forum ends: still one item, still scored
    await emitAck(h.socket, "forum:control", { forumId: forum.id, action: "next" });
    await emitAck(h.socket, "forum:control", { forumId: forum.id, action: "end" });
    const items = (await eventually(async () => {
      const rows = await itemsOf(presenterA.user.id, "talk_given");
      return rows.length ? rows : null;
    }))!;
    expect(items).toHaveLength(1);
    // total = mean of the seven weighted items = (4×5 + 5 + 4)/7 = 29/7 = 4.14 → ×20 = 82.8
    expect(items[0]!.score).toBe(82.8);
    expect(items[0]!.capabilities).toHaveLength(6);
    expect(items[0]!.detail).toMatchObject({ forumId: forum.id, capabilityScores: { service: 80, innovation: 100 } });
    h.socket.close();
    r.socket.close();
  });

  it("a studio task completed: one item with the task's capability; pinned guidance reaches each mentee", async () => {
    const { studio, mentor, mentees } = await createStudio(server, { menteeCount: 2 });
    const m = await joinStudio(server, mentor, studio.id);
    const a = await joinStudio(server, mentees[0]!, studio.id);
    const dueAt = new Date(Date.now() + 86_400_000).toISOString();
    const assigned = await emitAck(m.socket, "studio:task", {
      studioId: studio.id,
      title: "走访十户居民",
      dueAt,
      capability: "mobilization",
      clientId: clientId(),
    });
    expect(assigned.ok).toBe(true);
    for (let i = 0; i < 2; i++) {
      expect(
        (await emitAck(a.socket, "studio:taskState", { studioId: studio.id, taskId: assigned.task.id, state: "done" }))
          .ok,
      ).toBe(true);
    }
    const done = await itemsOf(mentees[0]!.user.id, "task_completed");
    expect(done).toHaveLength(1);
    expect(done[0]).toMatchObject({
      sourceId: assigned.task.id,
      capabilities: ["mobilization"],
      title: "走访十户居民",
    });
    expect(await itemsOf(mentees[1]!.user.id, "task_completed")).toHaveLength(0);

    const sent = await emitAck(m.socket, "studio:send", {
      studioId: studio.id,
      text: "议事前先把楼栋意见摸清楚",
      clientId: clientId(),
    });
    expect(
      (await emitAck(m.socket, "studio:pin", { studioId: studio.id, messageId: sent.message.id, pinned: true })).ok,
    ).toBe(true);
    for (const mentee of mentees) expect(await itemsOf(mentee.user.id, "guidance_received")).toHaveLength(1);
    expect(await itemsOf(mentor.user.id, "guidance_received")).toHaveLength(0);
    m.socket.close();
    a.socket.close();
  });

  it("a proposal submitted and approved: one item each, the approval with the mean review score on 0–100", async () => {
    const admin = await createUser(server, { role: "admin" });
    const reviewer = await createUser(server, { role: "mentor" });
    const { owner, proposal } = await ownerWithProposal(server);
    const base = `/api/proposals/${proposal.id}`;
    expect((await admin.client.post(`${base}/reviewers`, { userId: reviewer.user.id })).status).toBe(200);
    expect((await owner.client.post(`${base}/submit`)).status).toBe(200);
    const scores = { innovation: 5, feasibility: 4, capability: 4, budget: 3, outcome: 4 };
    expect((await reviewer.client.post(`${base}/reviews`, { scores, comment: "" })).status).toBe(201);
    expect((await admin.client.post(`${base}/approve`)).status).toBe(200);
    expect(await itemsOf(owner.user.id, "proposal_submitted")).toHaveLength(1);
    const approved = await itemsOf(owner.user.id, "proposal_approved");
    expect(approved).toHaveLength(1);
    // 20 of 25 → 80
    expect(approved[0]).toMatchObject({
      score: 80,
      capabilities: ["projectOps", "innovation"],
      detail: { meanTotal: 20, reviews: 1 },
    });
  });

  it("an answer accepted: one item for its author; accepting another moves it", async () => {
    const asker = await createUser(server);
    const veteran = await createUser(server, { role: "veteran" });
    const other = await createUser(server, { role: "veteran" });
    const q = await asker.client.post("/api/questions", {
      title: "如何组织楼栋议事会？",
      body: "第一次组织，想请教流程",
      capability: "deliberation",
    });
    expect(q.status).toBe(201);
    const first = (await veteran.client.post(`/api/questions/${q.body.question.id}/answers`, { body: "先摸底再开会" }))
      .body.answer;
    const second = (await other.client.post(`/api/questions/${q.body.question.id}/answers`, { body: "请社区律师列席" }))
      .body.answer;
    expect((await asker.client.post(`/api/answers/${first.id}/accept`)).status).toBe(200);
    expect((await asker.client.post(`/api/answers/${first.id}/accept`)).status).toBe(200);
    const items = await itemsOf(veteran.user.id, "answer_accepted");
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ sourceId: first.id, capabilities: ["deliberation"] });
    expect((await asker.client.post(`/api/answers/${second.id}/accept`)).status).toBe(200);
    expect(await itemsOf(veteran.user.id, "answer_accepted")).toHaveLength(0);
    expect(await itemsOf(other.user.id, "answer_accepted")).toHaveLength(1);
  });
});

/** A worker's check-in to a training written behind the services' back (as a seed or an import writes it): no evidence yet. */
async function attendedAroundServices() {
  const organiser = await createUser(server, { role: "organiser" });
  const worker = await createUser(server, { roles: ["worker"], communityId: "wuxing" });
  const training = await createTraining(organiser.client, { hours: 2 });
  await server.ctx.db
    .insert(checkins)
    .values({ kind: "training", activityId: training.id, userId: worker.user.id, source: "manual" });
  expect(await itemsOf(worker.user.id, "attended")).toHaveLength(0);
  return { worker, training };
}

describe("the backfill", () => {
  it("derives nothing new when run again: counts are equal after two runs", async () => {
    const { worker } = await attendedAroundServices();
    await backfillEvidence(server.ctx.db);
    // a count other files' writes cannot move: on PostgreSQL, CI runs the files side by side on one
    // database, and a second run's zero above already says nothing new was derived anywhere
    const count = async () =>
      (await server.ctx.db.select({ id: evidence.id }).from(evidence).where(eq(evidence.userId, worker.user.id)))
        .length;
    const afterFirst = await count();
    expect(await itemsOf(worker.user.id, "attended")).toHaveLength(1);
    expect(await backfillEvidence(server.ctx.db)).toBe(0);
    expect(await count()).toBe(afterFirst);
  });

  // A fresh demo's 成长档案 are full on the first visit: what the demo seeds wrote is derived while
  // seeding, not by the rescan some seconds after each start. (The database may be shared with
  // other test files, so the facts are this test's own rather than the demo's.)
  it("is the last seed step, so it derives the records of what the seeds before it wrote", async () => {
    const last = createFeatures()
      .filter((feature) => feature.seed)
      .at(-1);
    expect(last?.name).toBe("evidence");
    const { worker, training } = await attendedAroundServices();
    await last?.seed?.(server.ctx.db, {});
    expect((await itemsOf(worker.user.id, "attended")).map((item) => item.sourceId)).toEqual([training.id]);
  });
});
