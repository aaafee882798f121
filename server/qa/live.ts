import { and, asc, desc, eq, inArray, ne, notInArray, sql } from "drizzle-orm";
import type {
  CreateEvent,
  QaControl,
  QaEvent,
  QaEventState,
  QaQueueAdd,
  QaReorder,
  QaVoteChange,
} from "../../shared/qa.ts";
import { QA_LIMITS } from "../../shared/qa.ts";
import { users } from "../auth/schema.ts";
import type { AppContext } from "../context.ts";
import type { Db } from "../db/client.ts";
import { conflict, invalidInput, notFound } from "../lib/errors.ts";
import { activityStreet } from "../auth/policy.ts";
import { assertCanHost, type Viewer } from "./policy.ts";
import { qaEventItems, qaEvents, qaQuestions } from "./schema.ts";
import { findQuestion, listAnswers, loadQuestionRows } from "./reads.ts";
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
    orderedByHost: row.orderedByHost,
    startedAt: row.startedAt?.toISOString() ?? null,
    endedAt: row.endedAt?.toISOString() ?? null,
  };
}

async function queueItems(db: Db, eventId: string) {
  return db.select().from(qaEventItems).where(eq(qaEventItems.eventId, eventId)).orderBy(asc(qaEventItems.position));
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
  // shown in running order even if the stored positions lag (e.g. a queue written by the seed)
  const ordered = runningOrder(items, event, (id) => byId.get(id)?.votes ?? 0);
  const queue = ordered.flatMap((item) => {
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

type Item = { questionId: string; position: number };

/**
 * The queue in the order it runs: until the host orders it by hand, the questions still to come
 * (after the one on stage) follow the votes, most first, equal votes keeping their stored order.
 */
export function runningOrder<T extends Item>(
  items: T[],
  event: { orderedByHost: boolean; status: string; currentQuestionId: string | null },
  votesOf: (questionId: string) => number,
): T[] {
  const stored = [...items].sort((a, b) => a.position - b.position);
  if (event.orderedByHost || event.status === "ended") return stored;
  const at = stored.findIndex((i) => i.questionId === event.currentQuestionId);
  const toCome = stored
    .slice(at + 1)
    .sort((a, b) => votesOf(b.questionId) - votesOf(a.questionId) || a.position - b.position);
  return [...stored.slice(0, at + 1), ...toCome];
}

/**
 * Until the host orders the queue by hand, the questions still to come follow the votes (most
 * first; equal votes keep their order, so floor questions stay first come, first served). Those
 * already discussed and the one on stage keep their places. The event's row is locked first, so
 * two re-sorts triggered by votes at the same moment run one after the other and the later one
 * sees both votes.
 */
export async function followVotes(db: Db, eventId: string): Promise<void> {
  await db.transaction(async (tx) => {
    const [event] = await tx.select().from(qaEvents).where(eq(qaEvents.id, eventId)).for("update");
    if (!event || event.orderedByHost || event.status === "ended") return;
    const items = await tx
      .select()
      .from(qaEventItems)
      .where(eq(qaEventItems.eventId, eventId))
      .orderBy(asc(qaEventItems.position));
    if (items.length < 2) return;
    const votes = new Map(
      (
        await tx
          .select({ id: qaQuestions.id, votes: qaQuestions.votes })
          .from(qaQuestions)
          .where(
            inArray(
              qaQuestions.id,
              items.map((i) => i.questionId),
            ),
          )
      ).map((q) => [q.id, q.votes]),
    );
    const sorted = runningOrder(items, event, (id) => votes.get(id) ?? 0);
    const positions = items.map((i) => i.position);
    for (const [i, item] of sorted.entries()) {
      if (item.position === positions[i]) continue;
      await tx
        .update(qaEventItems)
        .set({ position: positions[i]! })
        .where(and(eq(qaEventItems.eventId, eventId), eq(qaEventItems.questionId, item.questionId)));
    }
  });
}

/** Events still to come or running whose queue holds the question. */
export async function eventsHolding(db: Db, questionId: string): Promise<EventRow[]> {
  const rows = await db
    .select({ event: qaEvents })
    .from(qaEventItems)
    .innerJoin(qaEvents, eq(qaEvents.id, qaEventItems.eventId))
    .where(and(eq(qaEventItems.questionId, questionId), ne(qaEvents.status, "ended")));
  return rows.map((r) => r.event);
}

/** The top-voted unanswered questions on the board that the queue doesn't hold yet. */
export async function pullTopUnanswered(
  ctx: AppContext,
  viewer: Viewer,
  eventId: string,
  count: number = QA_LIMITS.eventPull,
) {
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
    await followVotes(ctx.db, eventId);
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
  if (input.action === "start" || input.action === "next") await followVotes(ctx.db, input.eventId);
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
    case "sortByVotes":
      patch.orderedByHost = false;
      break;
    case "end":
      patch.status = "ended";
      patch.endedAt = new Date();
      patch.currentQuestionId = null;
      break;
  }
  await ctx.db.update(qaEvents).set(patch).where(eq(qaEvents.id, input.eventId));
  if (input.action === "sortByVotes") await followVotes(ctx.db, input.eventId);
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
  if (
    given.size !== input.questionIds.length ||
    given.size !== queued.size ||
    [...given].some((id) => !queued.has(id))
  ) {
    throw invalidInput("新的顺序必须恰好包含队列中的全部问题");
  }
  await ctx.db.transaction(async (tx) => {
    for (const [i, questionId] of input.questionIds.entries()) {
      await tx
        .update(qaEventItems)
        .set({ position: i + 1 })
        .where(and(eq(qaEventItems.eventId, input.eventId), eq(qaEventItems.questionId, questionId)));
    }
    // from now on the votes no longer move the queue ("按票数排序" hands it back)
    await tx.update(qaEvents).set({ orderedByHost: true }).where(eq(qaEvents.id, input.eventId));
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
  await followVotes(ctx.db, input.eventId);
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
    await followVotes(ctx.db, row.eventId);
    ctx.io.to(eventRoom(row.eventId)).emit("qa:question", { question, eventId: row.eventId });
    await broadcastEvent(ctx, row.eventId);
  }
}

/** A new answer: to the board, and to every event (not ended) whose queue holds the question. */
export async function onAnswerPosted(ctx: AppContext, question: QuestionRow, row: AnswerRow): Promise<void> {
  if (question.hidden) return;
  const answer = toAnswer(PEER, row, question);
  ctx.io.to(boardRoom).emit("qa:answer", { answer, questionId: question.id });
  for (const { id } of await eventsHolding(ctx.db, question.id)) {
    ctx.io.to(eventRoom(id)).emit("qa:answer", { answer, questionId: question.id });
    await broadcastEvent(ctx, id);
  }
}

/**
 * A vote count changed: open lists and question pages update the figure; an event whose queue
 * holds the question re-sorts what is still to come and pushes its state. Hidden questions stay
 * quiet (the board room is everyone).
 */
export async function onVoteChanged(ctx: AppContext, question: QuestionRow, change: QaVoteChange): Promise<void> {
  if (question.hidden) return;
  ctx.io.to(boardRoom).emit("qa:vote", change);
  for (const event of await eventsHolding(ctx.db, question.id)) {
    if (change.target === "question") await followVotes(ctx.db, event.id);
    // an answer's votes matter to an event only while its question is on stage
    if (change.target === "question" || event.currentQuestionId === question.id) await broadcastEvent(ctx, event.id);
  }
}

/** An answer was accepted: open pages mark it, and events holding the question show it. */
export async function onAnswerAccepted(ctx: AppContext, question: QuestionRow, answerId: string): Promise<void> {
  if (question.hidden) return;
  ctx.io.to(boardRoom).emit("qa:accepted", { questionId: question.id, acceptedAnswerId: answerId });
  for (const event of await eventsHolding(ctx.db, question.id)) await broadcastEvent(ctx, event.id);
}

/** Subscribing to an event checks that it exists and answers the viewer's view of it. */
export async function subscribeState(ctx: AppContext, viewer: Viewer, eventId: string) {
  return eventState(ctx, viewer, eventId);
}
