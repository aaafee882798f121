import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type {
  BallotScores,
  Forum,
  ForumAsk,
  ForumChat,
  ForumChatMessage,
  ForumControl,
  ForumModerate,
  ForumPresence,
  ForumQuestion,
  ForumRound,
  ForumScore,
  ForumSlide,
  ForumSnapshot,
  ForumViewer,
  ForumVote,
  Scoreboard,
} from "../../shared/forums.ts";
import type { Role } from "../../shared/enums.ts";
import type { UserRow } from "../auth/sessions.ts";
import { type AppContext, userRoom } from "../context.ts";
import type { Db } from "../db/client.ts";
import { conflict, forbidden, invalidInput, notFound } from "../lib/errors.ts";
import { checkText } from "../moderation/index.ts";
import { canModerate, canPresent, isCurrentPresenter, isHost, requireHost, scoreGroupOf, seesAuthors, seesPending } from "./policy.ts";
import { forumBallots, forumChat, forumDecks, forumQuestions, forumQuestionVotes, forums, forumTalks } from "./schema.ts";
import { computeScoreboard } from "./scoreboard.ts";
import {
  authorsOf,
  broadcastState,
  chatHistory,
  findForumRow,
  findTalkRow,
  forumAdminsRoom,
  forumHostsRoom,
  forumRoom,
  type ForumRow,
  getForum,
  type QuestionRow,
  questionsFor,
  requireLive,
  requireNotEnded,
  talkRowsOf,
  toChatMessage,
  toQuestion,
  type TalkRow,
} from "./service.ts";

/** Vote counts and scoreboards change many times a second in a full hall; pushes are coalesced. */
const VOTE_PUSH_MS = 100;
const SCOREBOARD_PUSH_MS = 200;
const PRESENCE_PUSH_MS = 250;
/** The list is for the side panel; the count and the per-role figures are always exact. */
const PRESENCE_LIST_MAX = 100;

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

/** The rules of a running forum. One per server process; state here is only timers for coalesced pushes. */
export class ForumLive {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly ctx: AppContext) {}

  private get db(): Db {
    return this.ctx.db;
  }

  stop(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.presenceCounts.clear();
  }

  /** Runs `push` once, `delayMs` after the first request in a burst. */
  private coalesce(key: string, delayMs: number, push: () => Promise<void>): void {
    if (this.timers.has(key)) return;
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        push().catch((err) => this.ctx.log.error({ err, key }, "forum push failed"));
      }, delayMs),
    );
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
      this.scoreboards(forum),
      this.db
        .select({ talkId: forumBallots.talkId, scores: forumBallots.scores })
        .from(forumBallots)
        .where(and(eq(forumBallots.forumId, forumId), eq(forumBallots.userId, user.id))),
      this.presence(forumId),
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

  /**
   * Presence goes to everyone in the room, so in a full hall a join wave would otherwise cost
   * N pushes to N people: the push waits longer the bigger the room (about 1 ms per person, ≤ 2 s).
   */
  schedulePresence(forumId: string): void {
    const size = this.presenceCounts.get(forumId) ?? 0;
    this.coalesce(`presence:${forumId}`, Math.min(2000, Math.max(PRESENCE_PUSH_MS, size)), async () => {
      const presence = await this.presence(forumId);
      if (presence.count === 0) this.presenceCounts.delete(forumId);
      else this.presenceCounts.set(forumId, presence.count);
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
        if (current.roundStatus === "open") frozen.push(await this.closeRound(forum, current));
        await this.db.update(forumTalks).set({ endedAt: now }).where(eq(forumTalks.id, current.id));
      }
      await this.db.update(forumTalks).set({ startedAt: now, endedAt: null }).where(eq(forumTalks.id, target.id));
      await this.db
        .update(forums)
        .set({ currentTalkId: target.id, highlightedQuestionId: null })
        .where(eq(forums.id, forum.id));
    } else {
      requireLive(forum);
      for (const talk of talks) if (talk.roundStatus === "open") frozen.push(await this.closeRound(forum, talk));
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
    for (const board of frozen) this.ctx.io.to(forumRoom(forum.id)).emit("forum:scoreboard", board);
    return updated;
  }

  async slide(user: UserRow, input: ForumSlide): Promise<{ slide: number }> {
    const forum = await findForumRow(this.db, input.forumId);
    const talk = await findTalkRow(this.db, forum.id, input.talkId);
    if (!canPresent(user, forum, talk)) throw forbidden("只有当前发言人或主持人可以翻页");
    requireLive(forum);
    if (forum.currentTalkId !== talk.id) throw conflict("该发言不是当前发言");
    const [deck] = await this.db
      .select({ pageCount: forumDecks.pageCount })
      .from(forumDecks)
      .where(eq(forumDecks.talkId, talk.id));
    if (deck?.pageCount && input.slide > deck.pageCount) throw invalidInput(`该演示文稿只有 ${deck.pageCount} 页`);
    await this.db.update(forumTalks).set({ slide: input.slide }).where(eq(forumTalks.id, talk.id));
    this.ctx.io.to(forumRoom(forum.id)).emit("forum:slide", { forumId: forum.id, talkId: talk.id, slide: input.slide });
    return { slide: input.slide };
  }

  // ——— chat ———

  async chat(user: UserRow, input: ForumChat): Promise<ForumChatMessage> {
    const forum = await findForumRow(this.db, input.forumId);
    requireNotEnded(forum);
    const existing = await this.findChat(forum.id, user.id, input.clientId);
    // A retried send answers with the line already stored and is not shown again.
    if (existing) return existing;
    await this.ctx.limits.posting.consume(user.id);
    await checkText(this.ctx, input.text);
    const [row] = await this.db
      .insert(forumChat)
      .values({ forumId: forum.id, authorId: user.id, clientId: input.clientId, text: input.text })
      .onConflictDoNothing()
      .returning();
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

  // ——— questions ———

  async ask(user: UserRow, input: ForumAsk): Promise<ForumQuestion> {
    const forum = await findForumRow(this.db, input.forumId);
    requireNotEnded(forum);
    const mine = { userId: user.id, seesAuthors: seesAuthors(user) };
    const existing = await this.findQuestionByClientId(forum.id, user.id, input.clientId);
    if (existing) return toQuestion(existing, user, mine);
    await this.ctx.limits.posting.consume(user.id);
    await checkText(this.ctx, input.text);
    const [row] = await this.db
      .insert(forumQuestions)
      .values({
        forumId: forum.id,
        talkId: forum.currentTalkId,
        authorId: user.id,
        clientId: input.clientId,
        text: input.text,
        anonymous: input.anonymous ?? false,
        // 群众考书记: the host approves every question before the hall sees it
        status: forum.mode === "examination" ? "pending" : "open",
      })
      .onConflictDoNothing()
      .returning();
    if (!row) return toQuestion((await this.findQuestionByClientId(forum.id, user.id, input.clientId))!, user, mine);
    this.emitQuestion(row, user, row.status !== "pending");
    return toQuestion(row, user, mine);
  }

  private async findQuestionByClientId(forumId: string, userId: string, clientId: string) {
    const [row] = await this.db
      .select()
      .from(forumQuestions)
      .where(and(eq(forumQuestions.forumId, forumId), eq(forumQuestions.authorId, userId), eq(forumQuestions.clientId, clientId)));
    return row ?? null;
  }

  /**
   * Sends a question to those who may see it, shaped per audience: admins get the author of an
   * anonymous question, everyone else gets `author: null`. A question not yet approved reaches
   * only the hosts' room (and its author's own tabs).
   */
  private emitQuestion(row: QuestionRow, author: { id: string; displayName: string; role: Role } | undefined, toEveryone: boolean): void {
    const forumId = row.forumId;
    const peers = toQuestion(row, author, { seesAuthors: false });
    const admins = toQuestion(row, author, { seesAuthors: true });
    const audience = toEveryone ? forumRoom(forumId) : forumHostsRoom(forumId);
    this.ctx.io.to(audience).except([forumAdminsRoom(forumId), userRoom(row.authorId)]).emit("forum:question", peers);
    this.ctx.io.to(forumAdminsRoom(forumId)).emit("forum:question", admins);
    this.ctx.io.to(userRoom(row.authorId)).except(forumAdminsRoom(forumId)).emit("forum:question", admins);
  }

  private async visibleQuestion(user: UserRow, forum: ForumRow, questionId: string): Promise<QuestionRow> {
    const [row] = await this.db
      .select()
      .from(forumQuestions)
      .where(and(eq(forumQuestions.id, questionId), eq(forumQuestions.forumId, forum.id)));
    if (!row) throw notFound("找不到该提问");
    const hidden = (row.status === "pending" || row.status === "dismissed") && !seesPending(user, forum) && row.authorId !== user.id;
    if (hidden) throw notFound("找不到该提问");
    return row;
  }

  async moderate(user: UserRow, input: ForumModerate): Promise<ForumQuestion> {
    const forum = await findForumRow(this.db, input.forumId);
    requireNotEnded(forum);
    const talks = await talkRowsOf(this.db, forum.id);
    const current = talks.find((t) => t.id === forum.currentTalkId);
    if (!canModerate(user, forum, current, input.action)) {
      throw forbidden(input.action === "approve" ? "只有主持人可以审核提问" : "只有主持人或当前发言人可以处理提问");
    }
    const row = await this.visibleQuestion(user, forum, input.questionId);
    const previous = row.status;
    let next = row.status;
    if (input.action === "approve") {
      if (row.status !== "pending") throw conflict("该提问不在待审核状态");
      next = "open";
    } else if (input.action === "dismiss") {
      next = "dismissed";
    } else if (input.action === "answered") {
      if (row.status !== "open") throw conflict(row.status === "pending" ? "请先通过审核" : "该提问不能标记为已回答");
      next = "answered";
    } else if (row.status !== "open" && row.status !== "answered") {
      throw conflict("只有已公开的提问可以投到大屏");
    }

    if (next !== previous) {
      const [updated] = await this.db
        .update(forumQuestions)
        .set({ status: next })
        .where(and(eq(forumQuestions.id, row.id), eq(forumQuestions.status, previous)))
        .returning();
      if (!updated) throw conflict("该提问刚被他人处理，请刷新");
      Object.assign(row, updated);
    }
    const highlightChange =
      input.action === "highlight"
        ? forum.highlightedQuestionId === row.id
          ? null
          : row.id
        : next === "dismissed" && forum.highlightedQuestionId === row.id
          ? null
          : undefined;
    if (highlightChange !== undefined) {
      await this.db.update(forums).set({ highlightedQuestionId: highlightChange }).where(eq(forums.id, forum.id));
    }

    const authors = await authorsOf(this.db, [row.authorId]);
    // Peers learn of a change only to a question they could already see, or one now made public.
    this.emitQuestion(row, authors.get(row.authorId), previous !== "pending" || next === "open");
    if (highlightChange !== undefined) broadcastState(this.ctx, await getForum(this.db, forum.id));
    return toQuestion(row, authors.get(row.authorId), { seesAuthors: seesAuthors(user), userId: user.id });
  }

  /** Upvote toggle: a second vote by the same person takes the first back. Count and rows change together. */
  async vote(user: UserRow, input: ForumVote): Promise<{ questionId: string; votes: number; voted: boolean }> {
    const forum = await findForumRow(this.db, input.forumId);
    requireNotEnded(forum);
    const row = await this.visibleQuestion(user, forum, input.questionId);
    if (row.status === "dismissed") throw conflict("该提问已被撤下");
    const result = await this.db.transaction(async (tx) => {
      const added = await tx
        .insert(forumQuestionVotes)
        .values({ questionId: row.id, userId: user.id })
        .onConflictDoNothing()
        .returning({ questionId: forumQuestionVotes.questionId });
      if (added.length) {
        const [q] = await tx
          .update(forumQuestions)
          .set({ votes: sql`${forumQuestions.votes} + 1` })
          .where(eq(forumQuestions.id, row.id))
          .returning({ votes: forumQuestions.votes });
        return { votes: q!.votes, voted: true };
      }
      const removed = await tx
        .delete(forumQuestionVotes)
        .where(and(eq(forumQuestionVotes.questionId, row.id), eq(forumQuestionVotes.userId, user.id)))
        .returning({ questionId: forumQuestionVotes.questionId });
      const [q] = await tx
        .update(forumQuestions)
        .set({ votes: sql`${forumQuestions.votes} - ${removed.length}` })
        .where(eq(forumQuestions.id, row.id))
        .returning({ votes: forumQuestions.votes });
      return { votes: q!.votes, voted: false };
    });
    // The count everyone sees is read after the burst settles, so out-of-order replies can't leave it stale.
    this.coalesce(`votes:${row.id}`, VOTE_PUSH_MS, async () => {
      const [fresh] = await this.db.select().from(forumQuestions).where(eq(forumQuestions.id, row.id));
      if (!fresh) return;
      const authors = await authorsOf(this.db, [fresh.authorId]);
      this.emitQuestion(fresh, authors.get(fresh.authorId), fresh.status !== "pending");
    });
    return { questionId: row.id, ...result };
  }

  // ——— 群众考书记 scoring ———

  async round(user: UserRow, input: ForumRound): Promise<Scoreboard> {
    const forum = await findForumRow(this.db, input.forumId);
    requireHost(user, forum);
    if (forum.mode !== "examination") throw invalidInput("只有群众考书记模式可以评分");
    requireLive(forum);
    const talk = await findTalkRow(this.db, forum.id, input.talkId);
    let board: Scoreboard;
    if (input.action === "open") {
      const opened = await this.db
        .update(forumTalks)
        .set({ roundStatus: "open" })
        .where(and(eq(forumTalks.id, talk.id), eq(forumTalks.roundStatus, "none")))
        .returning({ id: forumTalks.id });
      if (!opened.length) throw conflict(talk.roundStatus === "open" ? "评分已经开始" : "该发言的评分已结束");
      board = await this.liveScoreboard(forum, { ...talk, roundStatus: "open" });
    } else {
      if (talk.roundStatus !== "open") throw conflict("评分尚未开始或已结束");
      board = await this.closeRound(forum, talk);
    }
    broadcastState(this.ctx, await getForum(this.db, forum.id));
    this.ctx.io.to(forumRoom(forum.id)).emit("forum:scoreboard", board);
    return board;
  }

  /**
   * Closes a round and freezes its result. The status change takes the talk's row lock, so a ballot
   * either committed before (and is counted) or sees the round closed (and is refused).
   */
  private async closeRound(forum: ForumRow, talk: TalkRow): Promise<Scoreboard> {
    return this.db.transaction(async (tx) => {
      const closed = await tx
        .update(forumTalks)
        .set({ roundStatus: "closed" })
        .where(and(eq(forumTalks.id, talk.id), eq(forumTalks.roundStatus, "open")))
        .returning({ id: forumTalks.id });
      if (!closed.length) throw conflict("评分尚未开始或已结束");
      const ballots = await tx
        .select({ scoreGroup: forumBallots.scoreGroup, scores: forumBallots.scores })
        .from(forumBallots)
        .where(eq(forumBallots.talkId, talk.id));
      const board = computeScoreboard({ forumId: forum.id, talkId: talk.id, roundStatus: "closed" }, forum.weights, ballots);
      await tx.update(forumTalks).set({ frozenScoreboard: board }).where(eq(forumTalks.id, talk.id));
      return board;
    });
  }

  private async liveScoreboard(forum: { id: string; weights: ForumRow["weights"] }, talk: Pick<TalkRow, "id" | "roundStatus">): Promise<Scoreboard> {
    const ballots = await this.db
      .select({ scoreGroup: forumBallots.scoreGroup, scores: forumBallots.scores })
      .from(forumBallots)
      .where(eq(forumBallots.talkId, talk.id));
    return computeScoreboard({ forumId: forum.id, talkId: talk.id, roundStatus: talk.roundStatus }, forum.weights, ballots);
  }

  /** Scoreboards of every talk that has had a round: frozen ones as stored, open ones computed now. */
  async scoreboards(forum: Forum): Promise<Scoreboard[]> {
    const talkIds = forum.talks.filter((t) => t.roundStatus !== "none").map((t) => t.id);
    if (!talkIds.length) return [];
    const rows = await this.db.select().from(forumTalks).where(inArray(forumTalks.id, talkIds)).orderBy(asc(forumTalks.position));
    return Promise.all(
      rows.map((t) =>
        t.roundStatus === "closed" && t.frozenScoreboard ? Promise.resolve(t.frozenScoreboard) : this.liveScoreboard(forum, t),
      ),
    );
  }

  async score(user: UserRow, input: ForumScore): Promise<{ scores: BallotScores }> {
    const forum = await findForumRow(this.db, input.forumId);
    if (forum.mode !== "examination") throw invalidInput("只有群众考书记模式可以评分");
    const talk = await findTalkRow(this.db, forum.id, input.talkId);
    if (talk.presenterId === user.id) throw forbidden("不能给自己的发言评分");
    await this.db.transaction(async (tx) => {
      // FOR SHARE waits for a closing round to commit, then sees it closed.
      const [locked] = await tx
        .select({ roundStatus: forumTalks.roundStatus })
        .from(forumTalks)
        .where(eq(forumTalks.id, talk.id))
        .for("share");
      if (locked?.roundStatus !== "open") throw conflict(locked?.roundStatus === "closed" ? "评分已结束，结果已锁定" : "评分尚未开始");
      await tx
        .insert(forumBallots)
        .values({ talkId: talk.id, userId: user.id, forumId: forum.id, scoreGroup: scoreGroupOf(user), scores: input.scores })
        .onConflictDoUpdate({
          target: [forumBallots.talkId, forumBallots.userId],
          set: { scores: input.scores, scoreGroup: scoreGroupOf(user), updatedAt: new Date() },
        });
    });
    this.coalesce(`scores:${talk.id}`, SCOREBOARD_PUSH_MS, async () => {
      const [fresh] = await this.db.select().from(forumTalks).where(eq(forumTalks.id, talk.id));
      const [freshForum] = await this.db.select().from(forums).where(eq(forums.id, forum.id));
      // once closed, the frozen board was already pushed by the close
      if (!fresh || !freshForum || fresh.roundStatus !== "open") return;
      this.ctx.io.to(forumRoom(forum.id)).emit("forum:scoreboard", await this.liveScoreboard(freshForum, fresh));
    });
    return { scores: input.scores };
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

