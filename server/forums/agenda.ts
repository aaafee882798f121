import { and, eq, max } from "drizzle-orm";
import type {
  CreateTalk,
  Forum,
  ReorderTalks,
  Talk,
  UpdateForum,
  UpdateGroups,
  UpdateTalk,
} from "../../shared/forums.ts";
import type { UserRow } from "../auth/sessions.ts";
import type { Db, Tx } from "../db/client.ts";
import { conflict, invalidInput, notFound, readOnly } from "../lib/errors.ts";
import type { ForumsContext } from "./live.ts";
import { agendaOpen, requireHost, talkEditable } from "./policy.ts";
import { forumBallotCodes, forumGuests } from "./guestSchema.ts";
import { forums, forumTalks } from "./schema.ts";
import { findForumRow, forumRoom, type ForumRow, getForum, requirePresenters, tellPresenters } from "./service.ts";

/**
 * The host fixes the agenda: the forum's details, deleting it, and editing, deleting and ordering
 * its talks. Every change happens in a transaction that first locks the forum's row, so it cannot
 * interleave with the start of the forum (which changes the status under the same row) — an edit
 * that arrives a moment after the start is judged by the rules of a live forum.
 */

async function lockForum(tx: Tx, forumId: string): Promise<ForumRow> {
  const [row] = await tx.select().from(forums).where(eq(forums.id, forumId)).for("update");
  if (!row) throw notFound("找不到该论坛");
  return row;
}

function requireAgendaOpen(forum: ForumRow): void {
  if (forum.status === "ended") throw readOnly("论坛已结束");
  if (!agendaOpen(forum)) throw conflict("论坛已开始：只能修改尚未进行的发言");
}

export async function updateForum(
  ctx: ForumsContext,
  user: UserRow,
  forumId: string,
  input: UpdateForum,
): Promise<Forum> {
  await ctx.db.transaction(async (tx) => {
    const forum = await lockForum(tx, forumId);
    requireHost(user, forum);
    requireAgendaOpen(forum);
    await tx
      .update(forums)
      .set({
        ...(input.title !== undefined && { title: input.title }),
        ...(input.mode !== undefined && { mode: input.mode }),
        ...(input.startsAt !== undefined && { startsAt: new Date(input.startsAt) }),
        ...(input.theme !== undefined && { theme: input.theme || null }),
      })
      .where(eq(forums.id, forumId));
  });
  const updated = await getForum(ctx.db, forumId);
  broadcastState(ctx, updated);
  return updated;
}

/** A forum that has not started can be withdrawn; its talks, decks and notes go with it. */
export async function deleteForum(ctx: ForumsContext, user: UserRow, forumId: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const forum = await lockForum(tx, forumId);
    requireHost(user, forum);
    requireAgendaOpen(forum);
    await tx.delete(forums).where(eq(forums.id, forumId));
  });
  ctx.io.to(forumRoom(forumId)).emit("forum:deleted", { forumId });
}

export async function updateTalk(
  ctx: ForumsContext,
  user: UserRow,
  forumId: string,
  talkId: string,
  input: UpdateTalk,
): Promise<Talk> {
  if (input.presenterId) await requirePresenters(ctx.db, [{ presenterId: input.presenterId }]);
  // A running forum's stage is written behind; have its owner write it now, so "not yet given" is
  // judged against the talk on stage this moment, not the one of 200 ms ago.
  const [row] = await ctx.db.select({ status: forums.status }).from(forums).where(eq(forums.id, forumId));
  if (row?.status === "live") await ctx.live.exec(forumId, "stage", user, null);
  const before = await ctx.db.transaction(async (tx) => {
    const forum = await lockForum(tx, forumId);
    requireHost(user, forum);
    const [talk] = await tx
      .select()
      .from(forumTalks)
      .where(and(eq(forumTalks.id, talkId), eq(forumTalks.forumId, forumId)))
      .for("update");
    if (!talk) throw notFound("找不到该发言");
    if (forum.status === "ended") throw readOnly("论坛已结束");
    if (!talkEditable(forum, talk)) throw conflict("该发言已经开始或已结束，不能再修改");
    const newPresenter = input.presenterId !== undefined && input.presenterId !== talk.presenterId;
    await tx
      .update(forumTalks)
      .set({
        ...(input.title !== undefined && { title: input.title }),
        ...(input.presenterId !== undefined && { presenterId: input.presenterId }),
        ...(input.capability !== undefined && { capability: input.capability }),
        ...(input.plannedMinutes !== undefined && { plannedMinutes: input.plannedMinutes }),
        // notes are the previous presenter's own; the new presenter starts with none
        ...(newPresenter && { notes: {} }),
      })
      .where(eq(forumTalks.id, talkId));
    return { newPresenter };
  });
  const updated = await getForum(ctx.db, forumId);
  broadcastState(ctx, updated);
  const talk = updated.talks.find((t) => t.id === talkId)!;
  if (before.newPresenter) await tellPresenters(ctx, updated, [talk], user.id);
  return talk;
}

/** Before the start only; the remaining talks close up so positions stay 1…n. */
export async function deleteTalk(ctx: ForumsContext, user: UserRow, forumId: string, talkId: string): Promise<Forum> {
  await ctx.db.transaction(async (tx) => {
    const forum = await lockForum(tx, forumId);
    requireHost(user, forum);
    requireAgendaOpen(forum);
    const removed = await tx
      .delete(forumTalks)
      .where(and(eq(forumTalks.id, talkId), eq(forumTalks.forumId, forumId)))
      .returning({ id: forumTalks.id });
    if (removed.length === 0) throw notFound("找不到该发言");
    const rest = await tx
      .select({ id: forumTalks.id })
      .from(forumTalks)
      .where(eq(forumTalks.forumId, forumId))
      .orderBy(forumTalks.position);
    for (const [i, t] of rest.entries())
      await tx
        .update(forumTalks)
        .set({ position: i + 1 })
        .where(eq(forumTalks.id, t.id));
  });
  const updated = await getForum(ctx.db, forumId);
  broadcastState(ctx, updated);
  return updated;
}

/** Before the start only; the order must name every talk of the agenda exactly once. */
export async function reorderTalks(
  ctx: ForumsContext,
  user: UserRow,
  forumId: string,
  input: ReorderTalks,
): Promise<Forum> {
  await ctx.db.transaction(async (tx) => {
    const forum = await lockForum(tx, forumId);
    requireHost(user, forum);
    requireAgendaOpen(forum);
    const talks = await tx.select({ id: forumTalks.id }).from(forumTalks).where(eq(forumTalks.forumId, forumId));
    const known = new Set(talks.map((t) => t.id));
    const given = new Set(input.talkIds);
    if (
      given.size !== input.talkIds.length ||
      given.size !== known.size ||
      input.talkIds.some((id) => !known.has(id))
    ) {
      throw invalidInput("新的顺序必须恰好包含议程中的全部发言");
    }
    for (const [i, id] of input.talkIds.entries())
      await tx
        .update(forumTalks)
        .set({ position: i + 1 })
        .where(eq(forumTalks.id, id));
  });
  const updated = await getForum(ctx.db, forumId);
  broadcastState(ctx, updated);
  return updated;
}

export async function addTalk(ctx: ForumsContext, user: UserRow, forumId: string, input: CreateTalk): Promise<Talk> {
  const forum = await findForumRow(ctx.db, forumId);
  requireHost(user, forum);
  if (forum.status === "ended") throw readOnly("论坛已结束");
  await requirePresenters(ctx.db, [input]);
  const [{ last } = { last: 0 }] = await ctx.db
    .select({ last: max(forumTalks.position) })
    .from(forumTalks)
    .where(eq(forumTalks.forumId, forumId));
  const [row] = await ctx.db
    .insert(forumTalks)
    .values({
      forumId,
      position: (last ?? 0) + 1,
      title: input.title,
      presenterId: input.presenterId,
      capability: input.capability ?? null,
      plannedMinutes: input.plannedMinutes ?? null,
    })
    .returning({ id: forumTalks.id });
  const updated = await getForum(ctx.db, forumId);
  await broadcastState(ctx, updated);
  const talk = updated.talks.find((t) => t.id === row!.id)!;
  await tellPresenters(ctx, updated, [talk], user.id);
  return talk;
}

/**
 * The scoring groups, their weights and whether 同行书记 score. A group that printed codes or venue
 * guests already belong to can't be removed (their ballots would stop counting).
 */
export async function updateGroups(
  ctx: ForumsContext,
  user: UserRow,
  forumId: string,
  input: UpdateGroups,
): Promise<Forum> {
  const forum = await findForumRow(ctx.db, forumId);
  requireHost(user, forum);
  if (forum.status === "ended") throw readOnly("论坛已结束");
  const kept = new Set(input.groups.map((g) => g.id));
  const inUse = await groupsInUse(ctx.db, forumId);
  const dropped = [...inUse].filter((g) => !kept.has(g));
  if (dropped.length) throw conflict("已有选票码或现场观众属于该群体，不能删除");
  await ctx.db
    .update(forums)
    .set({ scoreGroups: input.groups, peerScoring: input.peerScoring })
    .where(eq(forums.id, forumId));
  const updated = await getForum(ctx.db, forumId);
  await broadcastState(ctx, updated);
  return updated;
}

/** Groups that printed codes or venue guests belong to: they can't be removed from the forum. */
async function groupsInUse(db: Db, forumId: string): Promise<Set<string>> {
  const [codes, guests] = await Promise.all([
    db
      .selectDistinct({ g: forumBallotCodes.scoreGroup })
      .from(forumBallotCodes)
      .where(eq(forumBallotCodes.forumId, forumId)),
    db.selectDistinct({ g: forumGuests.scoreGroup }).from(forumGuests).where(eq(forumGuests.forumId, forumId)),
  ]);
  return new Set([...codes, ...guests].map((r) => r.g));
}

/**
 * After a REST change to a forum's agenda (talks, decks, weights): the forum's owner merges it into
 * the live state — whose stage may be newer than the database — and pushes the result to the room.
 */
export async function broadcastState(ctx: ForumsContext, forum: Forum): Promise<void> {
  // awaited by the routes, so once a REST change is answered the live state (and every join) has it
  await ctx.live
    .announceAgenda(forum.id)
    .catch((err) => ctx.log.error({ err, forumId: forum.id }, "forum agenda push failed"));
}
