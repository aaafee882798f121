import { and, eq } from "drizzle-orm";
import type { Forum, ReorderTalks, Talk, UpdateForum, UpdateTalk } from "../../shared/forums.ts";
import type { UserRow } from "../auth/sessions.ts";
import type { AppContext } from "../context.ts";
import type { Db } from "../db/client.ts";
import { conflict, invalidInput, notFound, readOnly } from "../lib/errors.ts";
import { agendaOpen, requireHost, talkEditable } from "./policy.ts";
import { forums, forumTalks } from "./schema.ts";
import { broadcastState, forumRoom, type ForumRow, getForum, requirePresenters, tellPresenters } from "./service.ts";

/**
 * The host fixes the agenda: the forum's details, deleting it, and editing, deleting and ordering
 * its talks. Every change happens in a transaction that first locks the forum's row, so it cannot
 * interleave with the start of the forum (which changes the status under the same row) — an edit
 * that arrives a moment after the start is judged by the rules of a live forum.
 */

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

async function lockForum(tx: Tx, forumId: string): Promise<ForumRow> {
  const [row] = await tx.select().from(forums).where(eq(forums.id, forumId)).for("update");
  if (!row) throw notFound("找不到该论坛");
  return row;
}

function requireAgendaOpen(forum: ForumRow): void {
  if (forum.status === "ended") throw readOnly("论坛已结束");
  if (!agendaOpen(forum)) throw conflict("论坛已开始：只能修改尚未进行的发言");
}

export async function updateForum(ctx: AppContext, user: UserRow, forumId: string, input: UpdateForum): Promise<Forum> {
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
export async function deleteForum(ctx: AppContext, user: UserRow, forumId: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const forum = await lockForum(tx, forumId);
    requireHost(user, forum);
    requireAgendaOpen(forum);
    await tx.delete(forums).where(eq(forums.id, forumId));
  });
  ctx.io.to(forumRoom(forumId)).emit("forum:deleted", { forumId });
}

export async function updateTalk(ctx: AppContext, user: UserRow, forumId: string, talkId: string, input: UpdateTalk): Promise<Talk> {
  if (input.presenterId) await requirePresenters(ctx.db, [{ presenterId: input.presenterId }]);
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
export async function deleteTalk(ctx: AppContext, user: UserRow, forumId: string, talkId: string): Promise<Forum> {
  await ctx.db.transaction(async (tx) => {
    const forum = await lockForum(tx, forumId);
    requireHost(user, forum);
    requireAgendaOpen(forum);
    const removed = await tx
      .delete(forumTalks)
      .where(and(eq(forumTalks.id, talkId), eq(forumTalks.forumId, forumId)))
      .returning({ id: forumTalks.id });
    if (removed.length === 0) throw notFound("找不到该发言");
    const rest = await tx.select({ id: forumTalks.id }).from(forumTalks).where(eq(forumTalks.forumId, forumId)).orderBy(forumTalks.position);
    for (const [i, t] of rest.entries()) await tx.update(forumTalks).set({ position: i + 1 }).where(eq(forumTalks.id, t.id));
  });
  const updated = await getForum(ctx.db, forumId);
  broadcastState(ctx, updated);
  return updated;
}

/** Before the start only; the order must name every talk of the agenda exactly once. */
export async function reorderTalks(ctx: AppContext, user: UserRow, forumId: string, input: ReorderTalks): Promise<Forum> {
  await ctx.db.transaction(async (tx) => {
    const forum = await lockForum(tx, forumId);
    requireHost(user, forum);
    requireAgendaOpen(forum);
    const talks = await tx.select({ id: forumTalks.id }).from(forumTalks).where(eq(forumTalks.forumId, forumId));
    const known = new Set(talks.map((t) => t.id));
    const given = new Set(input.talkIds);
    if (given.size !== input.talkIds.length || given.size !== known.size || input.talkIds.some((id) => !known.has(id))) {
      throw invalidInput("新的顺序必须恰好包含议程中的全部发言");
    }
    for (const [i, id] of input.talkIds.entries()) await tx.update(forumTalks).set({ position: i + 1 }).where(eq(forumTalks.id, id));
  });
  const updated = await getForum(ctx.db, forumId);
  broadcastState(ctx, updated);
  return updated;
}
