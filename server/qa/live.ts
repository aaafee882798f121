import { and, asc, desc, eq, ne, notInArray, sql } from "drizzle-orm";
import type { CreateEvent, QaControl, QaEvent, QaEventState, QaQueueAdd, QaReorder } from "../../shared/qa.ts";
import { QA_LIMITS } from "../../shared/qa.ts";
import { users } from "../auth/schema.ts";
import type { AppContext } from "../context.ts";
import type { Db } from "../db/client.ts";
import { conflict, invalidInput, notFound } from "../lib/errors.ts";
import { activityStreet } from "../auth/policy.ts";
import { assertCanHost, type Viewer } from "./policy.ts";
import { qaEventItems, qaEvents, qaQuestions } from "./schema.ts";
import { findQuestion, listAnswers, loadQuestionRows } from "./service.ts";
import { PEER, toAnswer, toListItem, type AnswerRow, type QuestionRow } from "./views.ts";

/**
 * 季度老书记论坛: scheduled events with a queue of board questions, driven live by a host.
 * Questions and answers of an event are ordinary board questions, so everything stays on the
 * board afterwards; the event only orders them and tracks the one being discussed.
 */

/** Everyone looking at the board (or a question page) for new questions and answers. */
export const boardRoom = "qa:board";
export const eventRoom = (eventId: string) => `qa:event:${eventId}`;

type EventRow = typeof qaEvents.$inferSelect;

async function findEvent(db: Db, id: string): Promise<EventRow & { hostName: string }> {
  const [row] = await db
    .select({ event: qaEvents, hostName: users.displayName })
    .from(qaEvents)
    .innerJoin(users, eq(users.id, qaEvents.hostId))
    .where(eq(qaEvents.id, id));
  if (!row) throw notFound("找不到该场老书记论坛");
  return { ...row.event, hostName: row.hostName };
}

function toEvent(row: EventRow & { hostName: string }): QaEvent {
  return {
    id: row.id,
    title: row.title,
    startsAt: row.startsAt.toISOString(),
    status: row.status,
    host: { id: row.hostId, displayName: row.hostName },
    streetId: row.streetId,
    currentQuestionId: row.currentQuestionId,
    startedAt: row.startedAt?.toISOString() ?? null,
    endedAt: row.endedAt?.toISOString() ?? null,
  };
}

async function queueItems(db: Db, eventId: string) {
  return db
    .select()
    .from(qaEventItems)
    .where(eq(qaEventItems.eventId, eventId))
    .orderBy(asc(qaEventItems.position));
}

/** The live page's state as `viewer` may see it (hidden questions drop out for peers). */
export async function eventState(ctx: AppContext, viewer: Viewer, eventId: string): Promise<QaEventState> {
  const event = await findEvent(ctx.db, eventId);
  const items = await queueItems(ctx.db, eventId);
  const rows = await loadQuestionRows(
    ctx.db,
    viewer,
    items.map((i) => i.questionId),
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  const queue = items.flatMap((item) => {
    const row = byId.get(item.questionId);
    return row ? [{ question: toListItem(viewer, row), position: item.position, source: item.source }] : [];
  });
  const current = event.currentQuestionId ? byId.get(event.currentQuestionId) : undefined;
  const currentAnswers = current ? await listAnswers(ctx.db, viewer, current) : [];
  const answered = queue.filter((i) => i.question.answerCount > 0).length;
  return {
    event: toEvent(event),
    queue,
    currentAnswers,
    summary: { total: queue.length, answered, unanswered: queue.length - answered },
  };
}

/** Pushes the peer view of the state to everyone on the live page. */
export async function broadcastEvent(ctx: AppContext, eventId: string): Promise<QaEventState> {
  const state = await eventState(ctx, PEER, eventId);
  ctx.io.to(eventRoom(eventId)).emit("qa:event", { state });
  return state;
}

async function appendToQueue(db: Db, eventId: string, questionIds: string[], source: "pulled" | "added" | "floor") {
  if (questionIds.length === 0) return;
  const [{ max } = { max: 0 }] = await db
    .select({ max: sql<number>`coalesce(max(${qaEventItems.position}), 0)::int` })
    .from(qaEventItems)
    .where(eq(qaEventItems.eventId, eventId));
  await db
    .insert(qaEventItems)
    .values(questionIds.map((questionId, i) => ({ eventId, questionId, position: Number(max) + i + 1, source })))
    .onConflictDoNothing();
}

/** The top-voted unanswered questions on the board that the queue doesn't hold yet. */
export async function pullTopUnanswered(ctx: AppContext, viewer: Viewer, eventId: string, count: number = QA_LIMITS.eventPull) {
  const event = await findEvent(ctx.db, eventId);
  assertCanHost(viewer, event.streetId);
  if (event.status === "ended") throw invalidInput("本场论坛已结束");
  const queued = (await queueItems(ctx.db, eventId)).map((i) => i.questionId);
  const room = Math.max(0, Math.min(count, QA_LIMITS.eventQueueMax - queued.length));
  if (room > 0) {
    const top = await ctx.db
      .select({ id: qaQuestions.id })
      .from(qaQuestions)
      .where(
        and(
          eq(qaQuestions.hidden, false),
          eq(qaQuestions.answerCount, 0),
          queued.length ? notInArray(qaQuestions.id, queued) : undefined,
        ),
      )
      .orderBy(desc(qaQuestions.votes), asc(qaQuestions.createdAt))
      .limit(room);
    await appendToQueue(
      ctx.db,
      eventId,
      top.map((t) => t.id),
      "pulled",
    );
  }
  return broadcastEvent(ctx, eventId).then(() => eventState(ctx, viewer, eventId));
}

export async function createEvent(ctx: AppContext, viewer: Viewer, input: CreateEvent): Promise<QaEventState> {
  const streetId = activityStreet(viewer, input.streetId);
  assertCanHost(viewer, streetId);
  const [created] = await ctx.db
    .insert(qaEvents)
    .values({ title: input.title, startsAt: new Date(input.startsAt), hostId: viewer.id, streetId })
    .returning({ id: qaEvents.id });
  return pullTopUnanswered(ctx, viewer, created!.id, input.pull ?? QA_LIMITS.eventPull);
}

export async function listEvents(ctx: AppContext): Promise<QaEvent[]> {
  const rows = await ctx.db
    .select({ event: qaEvents, hostName: users.displayName })
    .from(qaEvents)
    .innerJoin(users, eq(users.id, qaEvents.hostId))
    .orderBy(desc(qaEvents.startsAt))
    .limit(50);
  return rows.map((r) => toEvent({ ...r.event, hostName: r.hostName }));
}

export async function controlEvent(ctx: AppContext, viewer: Viewer, input: QaControl): Promise<QaEventState> {
  const event = await findEvent(ctx.db, input.eventId);
  assertCanHost(viewer, event.streetId);
  if (event.status === "ended") throw invalidInput("本场论坛已结束");
  const items = await queueItems(ctx.db, input.eventId);
  const patch: Partial<EventRow> = {};
  switch (input.action) {
    case "start":
      if (event.status === "live") throw conflict("论坛已经开始");
      patch.status = "live";
      patch.startedAt = new Date();
      patch.currentQuestionId = items[0]?.questionId ?? null;
      break;
    case "next": {
      if (event.status !== "live") throw invalidInput("论坛尚未开始");
      const at = items.findIndex((i) => i.questionId === event.currentQuestionId);
      const next = items[at + 1];
      if (!next) throw invalidInput("已经是最后一个问题");
      patch.currentQuestionId = next.questionId;
      break;
    }
    case "current":
      if (event.status !== "live") throw invalidInput("论坛尚未开始");
      if (!items.some((i) => i.questionId === input.questionId)) throw invalidInput("该问题不在本场队列中");
      patch.currentQuestionId = input.questionId;
      break;
    case "end":
      patch.status = "ended";
      patch.endedAt = new Date();
      patch.currentQuestionId = null;
      break;
  }
  await ctx.db.update(qaEvents).set(patch).where(eq(qaEvents.id, input.eventId));
  await broadcastEvent(ctx, input.eventId);
  return eventState(ctx, viewer, input.eventId);
}

export async function reorderQueue(ctx: AppContext, viewer: Viewer, input: QaReorder): Promise<QaEventState> {
  const event = await findEvent(ctx.db, input.eventId);
  assertCanHost(viewer, event.streetId);
  if (event.status === "ended") throw invalidInput("本场论坛已结束");
  const items = await queueItems(ctx.db, input.eventId);
  const queued = new Set(items.map((i) => i.questionId));
  const given = new Set(input.questionIds);
  if (given.size !== input.questionIds.length || given.size !== queued.size || [...given].some((id) => !queued.has(id))) {
    throw invalidInput("新的顺序必须恰好包含队列中的全部问题");
  }
  await ctx.db.transaction(async (tx) => {
    for (const [i, questionId] of input.questionIds.entries()) {
      await tx
        .update(qaEventItems)
        .set({ position: i + 1 })
        .where(and(eq(qaEventItems.eventId, input.eventId), eq(qaEventItems.questionId, questionId)));
    }
  });
  await broadcastEvent(ctx, input.eventId);
  return eventState(ctx, viewer, input.eventId);
}

export async function addToQueue(ctx: AppContext, viewer: Viewer, input: QaQueueAdd): Promise<QaEventState> {
  const event = await findEvent(ctx.db, input.eventId);
  assertCanHost(viewer, event.streetId);
  if (event.status === "ended") throw invalidInput("本场论坛已结束");
  const question = await findQuestion(ctx.db, viewer, input.questionId);
  if (question.hidden) throw invalidInput("已隐藏的问题不能加入队列");
  const items = await queueItems(ctx.db, input.eventId);
  if (items.some((i) => i.questionId === input.questionId)) throw conflict("该问题已在队列中");
  if (items.length >= QA_LIMITS.eventQueueMax) throw invalidInput("队列已满");
  await appendToQueue(ctx.db, input.eventId, [input.questionId], "added");
  await broadcastEvent(ctx, input.eventId);
  return eventState(ctx, viewer, input.eventId);
}

// ---------------------------------------------------------------- hooks from the board

/** A new question: to the board, and — asked from the floor — into its event's queue. */
export async function onQuestionAsked(ctx: AppContext, row: QuestionRow): Promise<void> {
  const question = toListItem(PEER, row);
  ctx.io.to(boardRoom).emit("qa:question", { question, eventId: row.eventId });
  if (row.eventId) {
    await appendToQueue(ctx.db, row.eventId, [row.id], "floor");
    ctx.io.to(eventRoom(row.eventId)).emit("qa:question", { question, eventId: row.eventId });
    await broadcastEvent(ctx, row.eventId);
  }
}

/** A new answer: to the board, and to every event (not ended) whose queue holds the question. */
export async function onAnswerPosted(ctx: AppContext, question: QuestionRow, row: AnswerRow): Promise<void> {
  if (question.hidden) return;
  const answer = toAnswer(PEER, row, question);
  ctx.io.to(boardRoom).emit("qa:answer", { answer, questionId: question.id });
  const events = await ctx.db
    .select({ id: qaEvents.id })
    .from(qaEventItems)
    .innerJoin(qaEvents, eq(qaEvents.id, qaEventItems.eventId))
    .where(and(eq(qaEventItems.questionId, question.id), ne(qaEvents.status, "ended")));
  for (const { id } of events) {
    ctx.io.to(eventRoom(id)).emit("qa:answer", { answer, questionId: question.id });
    await broadcastEvent(ctx, id);
  }
}

/** Subscribing to an event checks that it exists and answers the viewer's view of it. */
export async function subscribeState(ctx: AppContext, viewer: Viewer, eventId: string) {
  return eventState(ctx, viewer, eventId);
}
