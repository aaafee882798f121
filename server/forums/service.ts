import { and, asc, desc, eq, inArray } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import {
  type CreateForum,
  type CreateTalk,
  DEFAULT_GROUPS,
  type Forum,
  type ForumChatMessage,
  type ForumQuestion,
  type ModeratedQuestion,
  type Talk,
} from "../../shared/forums.ts";
import { users } from "../auth/schema.ts";
import type { UserRow } from "../auth/sessions.ts";
import type { AppContext } from "../context.ts";
import type { Db } from "../db/client.ts";
import { conflict, forbidden, invalidInput, notFound, readOnly } from "../lib/errors.ts";
import { notify } from "../notifications/service.ts";
import { activityStreet } from "../auth/policy.ts";
import { recordAudit } from "../audit/service.ts";
import { canCreateForum, reviewsAuthors } from "./policy.ts";
import { forumChat, forumDecks, forumQuestions, forums, forumTalks } from "./schema.ts";

export type ForumRow = typeof forums.$inferSelect;
export type TalkRow = typeof forumTalks.$inferSelect;
export type QuestionRow = typeof forumQuestions.$inferSelect;
type Author = { id: string; displayName: string; role: UserRow["role"] };

/** Socket.IO rooms of a forum: everyone; hosts (see pending questions). No room ever gets anonymous askers' names. */
export const forumRoom = (forumId: string) => `forum:${forumId}`;
export const forumHostsRoom = (forumId: string) => `forum:${forumId}:hosts`;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export async function findForumRow(db: Db, forumId: string): Promise<ForumRow> {
  const [row] = await db.select().from(forums).where(eq(forums.id, forumId));
  if (!row) throw notFound("找不到该论坛");
  return row;
}

export async function findTalkRow(db: Db, forumId: string, talkId: string): Promise<TalkRow> {
  const [row] = await db
    .select()
    .from(forumTalks)
    .where(and(eq(forumTalks.id, talkId), eq(forumTalks.forumId, forumId)));
  if (!row) throw notFound("找不到该发言");
  return row;
}

export async function talkRowsOf(db: Db, forumId: string): Promise<TalkRow[]> {
  return db.select().from(forumTalks).where(eq(forumTalks.forumId, forumId)).orderBy(asc(forumTalks.position));
}

/** Forums with their agendas, shaped for the wire. Deck bytes are never read here. */
export async function loadForums(db: Db, forumRows: ForumRow[]): Promise<Forum[]> {
  if (forumRows.length === 0) return [];
  const ids = forumRows.map((f) => f.id);
  const presenter = alias(users, "presenter");
  const talks = await db
    .select({
      talk: forumTalks,
      presenterName: presenter.displayName,
      deckName: forumDecks.fileName,
      deckSize: forumDecks.size,
      deckPages: forumDecks.pageCount,
      deckAt: forumDecks.uploadedAt,
    })
    .from(forumTalks)
    .innerJoin(presenter, eq(presenter.id, forumTalks.presenterId))
    .leftJoin(forumDecks, eq(forumDecks.talkId, forumTalks.id))
    .where(inArray(forumTalks.forumId, ids))
    .orderBy(asc(forumTalks.position));
  const hosts = await db
    .select({ id: users.id, displayName: users.displayName })
    .from(users)
    .where(inArray(users.id, [...new Set(forumRows.map((f) => f.hostId))]));
  const hostName = new Map(hosts.map((h) => [h.id, h.displayName]));

  return forumRows.map((f) => ({
    id: f.id,
    title: f.title,
    theme: f.theme,
    mode: f.mode,
    status: f.status,
    startsAt: f.startsAt.toISOString(),
    hostId: f.hostId,
    hostName: hostName.get(f.hostId) ?? "",
    streetId: f.streetId,
    groups: f.scoreGroups,
    peerScoring: f.peerScoring,
    currentTalkId: f.currentTalkId,
    highlightedQuestionId: f.highlightedQuestionId,
    startedAt: iso(f.startedAt),
    endedAt: iso(f.endedAt),
    createdAt: f.createdAt.toISOString(),
    talks: talks
      .filter((t) => t.talk.forumId === f.id)
      .map(
        ({ talk, presenterName, deckName, deckSize, deckPages, deckAt }): Talk => ({
          id: talk.id,
          forumId: talk.forumId,
          position: talk.position,
          title: talk.title,
          presenterId: talk.presenterId,
          presenterName,
          capability: talk.capability,
          plannedMinutes: talk.plannedMinutes,
          slide: talk.slide,
          startedAt: iso(talk.startedAt),
          endedAt: iso(talk.endedAt),
          roundStatus: talk.roundStatus,
          deck:
            deckName !== null && deckAt !== null
              ? {
                  fileName: deckName,
                  size: deckSize ?? 0,
                  pageCount: deckPages,
                  uploadedAt: deckAt.toISOString(),
                  url: `/api/forums/${f.id}/talks/${talk.id}/deck?v=${deckAt.getTime()}`,
                }
              : null,
        }),
      ),
  }));
}

export async function getForum(db: Db, forumId: string): Promise<Forum> {
  const [forum] = await loadForums(db, [await findForumRow(db, forumId)]);
  return forum!;
}

/** Live first, then upcoming (soonest first), then past (latest first). */
export async function listForums(db: Db): Promise<Forum[]> {
  const rows = await db.select().from(forums).orderBy(desc(forums.startsAt)).limit(200);
  const rank = { live: 0, scheduled: 1, ended: 2 } as const;
  rows.sort(
    (a, b) =>
      rank[a.status] - rank[b.status] ||
      (a.status === "scheduled"
        ? a.startsAt.getTime() - b.startsAt.getTime()
        : b.startsAt.getTime() - a.startsAt.getTime()),
  );
  return loadForums(db, rows);
}

export async function requirePresenters(db: Db, talks: Pick<CreateTalk, "presenterId">[]): Promise<void> {
  const ids = [...new Set(talks.map((t) => t.presenterId))];
  if (ids.length === 0) return;
  const found = await db.select({ id: users.id }).from(users).where(inArray(users.id, ids));
  if (found.length !== ids.length) throw invalidInput("发言人不存在");
}

export async function createForum(ctx: AppContext, user: UserRow, input: CreateForum): Promise<Forum> {
  if (!canCreateForum(user)) throw forbidden("只有组织部、街道管理员和社区书记可以创建论坛");
  const streetId = activityStreet(user, input.streetId);
  const talks = input.talks ?? [];
  await requirePresenters(ctx.db, talks);
  const forumId = await ctx.db.transaction(async (tx) => {
    const [forum] = await tx
      .insert(forums)
      .values({
        title: input.title,
        theme: input.theme || null,
        mode: input.mode,
        startsAt: new Date(input.startsAt),
        hostId: user.id,
        streetId,
        scoreGroups: input.groups ?? DEFAULT_GROUPS,
        peerScoring: input.peerScoring ?? false,
      })
      .returning({ id: forums.id });
    if (talks.length) {
      await tx.insert(forumTalks).values(
        talks.map((t, i) => ({
          forumId: forum!.id,
          position: i + 1,
          title: t.title,
          presenterId: t.presenterId,
          capability: t.capability ?? null,
          plannedMinutes: t.plannedMinutes ?? null,
        })),
      );
    }
    return forum!.id;
  });
  const forum = await getForum(ctx.db, forumId);
  await tellPresenters(ctx, forum, forum.talks, user.id);
  return forum;
}

/** Each presenter put on an agenda by someone else hears of it (bell and push). */
export async function tellPresenters(ctx: AppContext, forum: Forum, talks: Talk[], byUserId: string): Promise<void> {
  for (const talk of talks) {
    if (talk.presenterId === byUserId) continue;
    await notify(ctx, {
      userId: talk.presenterId,
      kind: "forum_talk",
      title: `您被安排在「${forum.title}」发言`,
      body: `发言题目：${talk.title}。可在会场上传 PDF 演示文稿和演讲备注。`,
      link: `/forums/${forum.id}`,
    }).catch((err) => ctx.log.error({ err }, "forum presenter notification failed")); // the forum exists either way
  }
}

// ——— chat and question shaping ———

export async function authorsOf(db: Pick<Db, "select">, ids: string[]): Promise<Map<string, Author>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await db
    .select({ id: users.id, displayName: users.displayName, role: users.role })
    .from(users)
    .where(inArray(users.id, unique));
  const found = new Map(rows.map((r) => [r.id, r]));
  // an author with no account is a guest of the hall (现场评议)
  for (const id of unique)
    if (!found.has(id)) found.set(id, { id, displayName: "现场观众", role: "guest" as Author["role"] });
  return found;
}

export function toChatMessage(row: typeof forumChat.$inferSelect, author: Author): ForumChatMessage {
  return {
    id: row.id,
    forumId: row.forumId,
    clientId: row.clientId,
    author: { id: author.id, displayName: author.displayName, role: author.role },
    text: row.text,
    createdAt: row.createdAt.toISOString(),
  };
}

/**
 * Every question payload that leaves the server — socket pushes, join snapshots, acks, the archive
 * and its exports — is built here, and an anonymous question never carries its author: not to the
 * host, not to an admin driving the projector, not even to the asker (who learns it is theirs from
 * `mine`). Only `toModeratedQuestion`, for the audited moderation view, names the asker.
 */
export function toQuestion(row: QuestionRow, author: Author | undefined, viewerId?: string): ForumQuestion {
  const mine = viewerId !== undefined && viewerId === row.authorId;
  return {
    id: row.id,
    forumId: row.forumId,
    talkId: row.talkId,
    // the idempotency key is the asker's business only (a client could pick one that gives them away)
    clientId: mine ? row.clientId : "",
    text: row.text,
    anonymous: row.anonymous,
    author: !row.anonymous && author ? { id: author.id, displayName: author.displayName, role: author.role } : null,
    mine,
    status: row.status,
    votes: row.votes,
    answerNote: row.answerNote,
    createdAt: row.createdAt.toISOString(),
  };
}

/** The moderation view's shape: the asker named, anonymous or not (see `moderationView`). */
export function toModeratedQuestion(row: QuestionRow, author: Author): ModeratedQuestion {
  const { mine: _mine, author: _hidden, ...question } = toQuestion(row, author);
  return { ...question, author: { id: author.id, displayName: author.displayName, role: author.role } };
}

export const CHAT_HISTORY = 200;

export async function chatHistory(db: Db, forumId: string, limit = CHAT_HISTORY): Promise<ForumChatMessage[]> {
  const rows = await db
    .select()
    .from(forumChat)
    .where(eq(forumChat.forumId, forumId))
    .orderBy(desc(forumChat.createdAt), desc(forumChat.id))
    .limit(limit);
  rows.reverse();
  const authors = await authorsOf(
    db,
    rows.map((r) => r.authorId),
  );
  return rows.map((r) => toChatMessage(r, authors.get(r.authorId)!));
}

/**
 * The questions a viewer may see: everything for the host (pending and dismissed included); for
 * everyone else the open and answered ones plus their own pending questions.
 */
export async function questionsFor(
  db: Db,
  forumId: string,
  viewer: { userId: string; seesPending: boolean },
): Promise<ForumQuestion[]> {
  const rows = await db
    .select()
    .from(forumQuestions)
    .where(eq(forumQuestions.forumId, forumId))
    .orderBy(asc(forumQuestions.createdAt));
  const visible = viewer.seesPending
    ? rows
    : rows.filter(
        (r) =>
          r.status === "open" || r.status === "answered" || (r.status === "pending" && r.authorId === viewer.userId),
      );
  const authors = await authorsOf(
    db,
    visible.filter((r) => !r.anonymous).map((r) => r.authorId),
  );
  return visible.map((r) => toQuestion(r, authors.get(r.authorId), viewer.userId));
}

/**
 * The moderation view (审核/实名): every question of the forum with its asker named. Only the
 * forum's hosts and organisers open it, and each opening is written to the audit log in the same
 * transaction as the read, so no name is handed out unrecorded.
 */
export async function moderationView(ctx: AppContext, user: UserRow, forumId: string): Promise<ModeratedQuestion[]> {
  const forum = await findForumRow(ctx.db, forumId);
  if (!reviewsAuthors(user, forum)) throw forbidden("只有本场主持人和组织部、街道管理员可以查看提问人");
  return ctx.db.transaction(async (tx) => {
    const rows = await tx
      .select()
      .from(forumQuestions)
      .where(eq(forumQuestions.forumId, forumId))
      .orderBy(asc(forumQuestions.createdAt));
    const authors = await authorsOf(
      tx,
      rows.map((r) => r.authorId),
    );
    await recordAudit(tx, {
      actorId: user.id,
      action: "forum.authors_view",
      targetType: "forum",
      targetId: forumId,
      meta: { questions: rows.length, anonymous: rows.filter((r) => r.anonymous).length },
    });
    return rows.flatMap((r) => {
      const author = authors.get(r.authorId);
      return author ? [toModeratedQuestion(r, author)] : [];
    });
  });
}

export function requireNotEnded(forum: ForumRow): void {
  if (forum.status === "ended") throw readOnly("论坛已结束，只能查看归档");
}

export function requireLive(forum: ForumRow): void {
  if (forum.status !== "live") throw conflict(forum.status === "ended" ? "论坛已结束" : "论坛尚未开始");
}
