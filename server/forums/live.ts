import { and, eq } from "drizzle-orm";
import type { Role } from "../../shared/enums.ts";
import type {
  Forum,
  ForumChat,
  ForumChatMessage,
  ForumControl,
  ForumPresence,
  ForumSlide,
  ForumSnapshot,
  ForumViewer,
  Scoreboard,
} from "../../shared/forums.ts";
import type { UserRow } from "../auth/sessions.ts";
import type { AppContext } from "../context.ts";
import type { Db } from "../db/client.ts";
import { conflict, forbidden, invalidInput, notFound } from "../lib/errors.ts";
import { checkText } from "../moderation/service.ts";
import { notify } from "../notifications/service.ts";
import { Coalescer } from "./coalesce.ts";
import { canPresent, isCurrentPresenter, isHost, requireHost, scoreGroupOf, seesAuthors, seesPending } from "./policy.ts";
import { ForumQuestions } from "./questions.ts";
import { forumBallots, forumChat, forumDecks, forumQuestions, forumQuestionVotes, forums, forumTalks } from "./schema.ts";
import { ForumScoring } from "./scoring.ts";
import {
  authorsOf,
  broadcastState,
  chatHistory,
  findForumRow,
  forumRoom,
  type ForumRow,
  getForum,
  questionsFor,
  requireLive,
  requireNotEnded,
  talkRowsOf,
  toChatMessage,
} from "./service.ts";

const PRESENCE_PUSH_MS = 250;
/** The list is for the side panel; the count and the per-role figures are always exact. */
const PRESENCE_LIST_MAX = 100;
const PRESENCE_REUSE_MS = 2000;

export function viewerOf(user: UserRow, forum: Forum | ForumRow): ForumViewer {
  const talks = "talks" in forum ? forum.talks : [];
  const current = talks.find((t) => t.id === forum.currentTalkId);
  return {
    isHost: isHost(user, forum),
    isPresenter: isCurrentPresenter(user, forum, current),
    seesAuthors: seesAuthors(user),
    seesPending: seesPending(user, forum),
    scoreGroup: scoreGroupOf(user),
  };
}

/**
 * The rules of a running forum: joining, presence, the agenda, slides and chat; questions and scoring
 * have their own classes. One per server process; the only state here is timers for coalesced pushes.
 */
export class ForumLive {
  private readonly pushes: Coalescer;
  readonly questions: ForumQuestions;
  readonly scoring: ForumScoring;

  constructor(private readonly ctx: AppContext) {
    this.pushes = new Coalescer((err, key) => ctx.log.error({ err, key }, "forum push failed"));
    this.questions = new ForumQuestions(ctx, this.pushes);
    this.scoring = new ForumScoring(ctx, this.pushes);
  }

  private get db(): Db {
    return this.ctx.db;
  }

  stop(): void {
    this.pushes.stop();
    this.presenceCounts.clear();
    this.presenceSeen.clear();
  }

  // ——— joining, presence ———

  async snapshot(user: UserRow, forumId: string): Promise<ForumSnapshot> {
    const forum = await getForum(this.db, forumId);
    const viewer = viewerOf(user, forum);
    const [chat, questions, votes, scoreboards, ballots, presence] = await Promise.all([
      chatHistory(this.db, forumId),
      questionsFor(this.db, forumId, { userId: user.id, seesAuthors: viewer.seesAuthors, seesPending: viewer.seesPending }),
      this.db
        .select({ questionId: forumQuestionVotes.questionId })
        .from(forumQuestionVotes)
        .innerJoin(forumQuestions, eq(forumQuestions.id, forumQuestionVotes.questionId))
        .where(and(eq(forumQuestions.forumId, forumId), eq(forumQuestionVotes.userId, user.id))),
      this.scoring.scoreboards(forum),
      this.db
        .select({ talkId: forumBallots.talkId, scores: forumBallots.scores })
        .from(forumBallots)
        .where(and(eq(forumBallots.forumId, forumId), eq(forumBallots.userId, user.id))),
      this.recentPresence(forumId),
    ]);
    return {
      forum,
      viewer,
      chat,
      questions,
      myVotes: votes.map((v) => v.questionId),
      scoreboards,
      myBallots: Object.fromEntries(ballots.map((b) => [b.talkId, b.scores])),
      presence,
    };
  }

  /** Who is in the forum's room, on every server process, one entry per person. */
  async presence(forumId: string): Promise<ForumPresence> {
    const sockets = await this.ctx.io.in(forumRoom(forumId)).fetchSockets();
    const people = new Map<string, { id: string; displayName: string; role: Role }>();
    for (const s of sockets) {
      const u = s.data.user;
      if (u && !people.has(u.id)) people.set(u.id, { id: u.id, displayName: u.displayName, role: u.role });
    }
    const users = [...people.values()].sort((a, b) => a.role.localeCompare(b.role) || a.displayName.localeCompare(b.displayName, "zh-CN"));
    const byRole: Partial<Record<Role, number>> = {};
    for (const u of users) byRole[u.role] = (byRole[u.role] ?? 0) + 1;
    // A projector hall can hold hundreds; the list is for the side panel, the count is exact.
    return { forumId, count: users.length, byRole, users: users.slice(0, PRESENCE_LIST_MAX) };
  }

  private readonly presenceCounts = new Map<string, number>();
  private readonly presenceSeen = new Map<string, { at: number; presence: ForumPresence }>();

  /**
   * Presence for a join snapshot. Counting the room visits every socket in it, so in a join wave of
   * N people a fresh count per join would cost N²; a count up to 2 s old is used instead — the push
   * this join schedules brings everyone the exact figure moments later.
   */
  private async recentPresence(forumId: string): Promise<ForumPresence> {
    const seen = this.presenceSeen.get(forumId);
    if (seen && Date.now() - seen.at < PRESENCE_REUSE_MS) return seen.presence;
    return this.presence(forumId);
  }

  /**
   * Presence goes to everyone in the room, so in a full hall a join wave would otherwise cost
   * N pushes to N people: the push waits longer the bigger the room (about 1 ms per person, ≤ 2 s).
   */
  schedulePresence(forumId: string): void {
    const size = this.presenceCounts.get(forumId) ?? 0;
    this.pushes.run(`presence:${forumId}`, Math.min(2000, Math.max(PRESENCE_PUSH_MS, size)), async () => {
      const presence = await this.presence(forumId);
      if (presence.count === 0) this.presenceCounts.delete(forumId);
      else this.presenceCounts.set(forumId, presence.count);
      if (presence.count === 0) this.presenceSeen.delete(forumId);
      else this.presenceSeen.set(forumId, { at: Date.now(), presence });
      this.ctx.io.to(forumRoom(forumId)).emit("forum:presence", presence);
    });
  }

  // ——— running the agenda ———

  async control(user: UserRow, input: ForumControl): Promise<Forum> {
    const forum = await findForumRow(this.db, input.forumId);
    requireHost(user, forum);
    const talks = await talkRowsOf(this.db, forum.id);
    const now = new Date();
    const frozen: Scoreboard[] = [];

    if (input.action === "start") {
      if (forum.status !== "scheduled") throw conflict(forum.status === "live" ? "论坛已经开始" : "论坛已结束");
      const first = input.talkId ? talks.find((t) => t.id === input.talkId) : talks[0];
      if (input.talkId && !first) throw notFound("找不到该发言");
      await this.db.transaction(async (tx) => {
        const started = await tx
          .update(forums)
          .set({ status: "live", startedAt: now, currentTalkId: first?.id ?? null })
          .where(and(eq(forums.id, forum.id), eq(forums.status, "scheduled")))
          .returning({ id: forums.id });
        if (started.length === 0) throw conflict("论坛已经开始");
        if (first) await tx.update(forumTalks).set({ startedAt: now, slide: 1 }).where(eq(forumTalks.id, first.id));
      });
    } else if (input.action === "next") {
      requireLive(forum);
      const current = talks.find((t) => t.id === forum.currentTalkId);
      const target = input.talkId
        ? talks.find((t) => t.id === input.talkId)
        : talks.find((t) => t.position > (current?.position ?? 0));
      if (!target) throw input.talkId ? notFound("找不到该发言") : conflict("已经是最后一个发言");
      if (target.id === current?.id) throw conflict("该发言正在进行");
      if (current) {
        if (current.roundStatus === "open") frozen.push(await this.scoring.closeRound(forum, current));
        await this.db.update(forumTalks).set({ endedAt: now }).where(eq(forumTalks.id, current.id));
      }
      await this.db.update(forumTalks).set({ startedAt: now, endedAt: null }).where(eq(forumTalks.id, target.id));
      await this.db
        .update(forums)
        .set({ currentTalkId: target.id, highlightedQuestionId: null })
        .where(eq(forums.id, forum.id));
    } else {
      requireLive(forum);
      for (const talk of talks) if (talk.roundStatus === "open") frozen.push(await this.scoring.closeRound(forum, talk));
      if (forum.currentTalkId) {
        await this.db.update(forumTalks).set({ endedAt: now }).where(eq(forumTalks.id, forum.currentTalkId));
      }
      await this.db
        .update(forums)
        .set({ status: "ended", endedAt: now, highlightedQuestionId: null })
        .where(eq(forums.id, forum.id));
    }

    const updated = await getForum(this.db, forum.id);
    broadcastState(this.ctx, updated);
    if (input.action === "start") {
      // presenters who are not in the room yet learn that their forum has begun
      for (const presenterId of new Set(updated.talks.map((t) => t.presenterId))) {
        if (presenterId === user.id) continue;
        await notify(this.ctx, { userId: presenterId, kind: "forum_starting", title: `「${updated.title}」已开始`, link: `/forums/${updated.id}` }).catch(
          (err) => this.ctx.log.error({ err }, "forum start notification failed"),
        );
      }
    }
    for (const board of frozen) this.ctx.io.to(forumRoom(forum.id)).emit("forum:scoreboard", board);
    return updated;
  }

  async slide(user: UserRow, input: ForumSlide): Promise<{ slide: number }> {
    // One read for the forum, the talk and its deck's length: a page turn is on the hot path of
    // every viewer, so it pays one round trip before the write, not three.
    const [found] = await this.db
      .select({ forum: forums, talk: forumTalks, pageCount: forumDecks.pageCount })
      .from(forums)
      .leftJoin(forumTalks, and(eq(forumTalks.forumId, forums.id), eq(forumTalks.id, input.talkId)))
      .leftJoin(forumDecks, eq(forumDecks.talkId, forumTalks.id))
      .where(eq(forums.id, input.forumId));
    if (!found) throw notFound("找不到该论坛");
    const { forum, talk, pageCount } = found;
    if (!talk) throw notFound("找不到该发言");
    if (!canPresent(user, forum, talk)) throw forbidden("只有当前发言人或主持人可以翻页");
    requireLive(forum);
    if (forum.currentTalkId !== talk.id) throw conflict("该发言不是当前发言");
    if (pageCount && input.slide > pageCount) throw invalidInput(`该演示文稿只有 ${pageCount} 页`);
    await this.db.update(forumTalks).set({ slide: input.slide }).where(eq(forumTalks.id, talk.id));
    this.ctx.io.to(forumRoom(forum.id)).emit("forum:slide", { forumId: forum.id, talkId: talk.id, slide: input.slide });
    return { slide: input.slide };
  }

  // ——— chat ———

  async chat(user: UserRow, input: ForumChat): Promise<ForumChatMessage> {
    const forum = await findForumRow(this.db, input.forumId);
    requireNotEnded(forum);
    await this.ctx.limits.posting.consume(user.id);
    await checkText(this.ctx, input.text);
    const [row] = await this.db
      .insert(forumChat)
      .values({ forumId: forum.id, authorId: user.id, clientId: input.clientId, text: input.text })
      .onConflictDoNothing()
      .returning();
    // A retried send (same clientId) answers with the line already stored and is not shown again.
    if (!row) return (await this.findChat(forum.id, user.id, input.clientId))!;
    const message = toChatMessage(row, user);
    this.ctx.io.to(forumRoom(forum.id)).emit("forum:chat", message);
    return message;
  }

  private async findChat(forumId: string, userId: string, clientId: string): Promise<ForumChatMessage | null> {
    const [row] = await this.db
      .select()
      .from(forumChat)
      .where(and(eq(forumChat.forumId, forumId), eq(forumChat.authorId, userId), eq(forumChat.clientId, clientId)));
    if (!row) return null;
    const authors = await authorsOf(this.db, [row.authorId]);
    return toChatMessage(row, authors.get(row.authorId)!);
  }
}

const instances = new WeakMap<AppContext, ForumLive>();
export function forumLive(ctx: AppContext): ForumLive {
  let live = instances.get(ctx);
  if (!live) {
    live = new ForumLive(ctx);
    instances.set(ctx, live);
  }
  return live;
}

