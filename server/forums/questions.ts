import { and, eq, sql } from "drizzle-orm";
import type { ForumAsk, ForumModerate, ForumQuestion, ForumVote } from "../../shared/forums.ts";
import type { UserRow } from "../auth/sessions.ts";
import { type AppContext, userRoom } from "../context.ts";
import type { Db } from "../db/client.ts";
import { conflict, forbidden, notFound, readOnly } from "../lib/errors.ts";
import { checkText } from "../moderation/service.ts";
import type { Coalescer } from "./coalesce.ts";
import type { LiveForum } from "./liveForum.ts";
import { canModerate, seesPending } from "./policy.ts";
import { forumQuestions, forumQuestionVotes } from "./schema.ts";
import { forumHostsRoom, forumRoom, type QuestionRow, toQuestion } from "./service.ts";

/** Vote counts change many times a second in a full hall; the count pushed to the room is coalesced. */
const VOTE_PUSH_MS = 100;

const requireNotEnded = (live: LiveForum) => {
  if (live.forum.status === "ended") throw readOnly("论坛已结束，只能查看归档");
};

/**
 * Questions to the presenter: asking, pre-moderation, moderation and upvotes. Runs on the forum's
 * owner; every change is committed before it is applied to the live state and acknowledged.
 */
export class ForumQuestions {
  constructor(
    private readonly ctx: AppContext,
    private readonly pushes: Coalescer,
    /** the forum's state on its owner again, or nothing if it was given up meanwhile */
    private readonly stillLive: (live: LiveForum) => boolean,
  ) {}

  private get db(): Db {
    return this.ctx.db;
  }

  async ask(user: UserRow, live: LiveForum, input: ForumAsk): Promise<ForumQuestion> {
    requireNotEnded(live);
    const existing = live.findByClientId(user.id, input.clientId);
    if (existing) return toQuestion(existing, live.authors.get(user.id), user.id);
    await this.ctx.limits.posting.consume(user.id);
    await checkText(this.ctx, input.text);
    const [row] = await this.db
      .insert(forumQuestions)
      .values({
        forumId: live.forum.id,
        talkId: live.forum.currentTalkId,
        authorId: user.id,
        clientId: input.clientId,
        text: input.text,
        anonymous: input.anonymous ?? false,
        // 群众考书记: the host approves every question before the hall sees it
        status: live.forum.mode === "examination" ? "pending" : "open",
      })
      .onConflictDoNothing()
      .returning();
    if (!row) {
      // the same clientId raced in twice: answer with the one that was stored
      const stored =
        live.findByClientId(user.id, input.clientId) ??
        (await this.storedByClientId(live.forum.id, user.id, input.clientId));
      return toQuestion(stored!, user, user.id);
    }
    live.authors.set(user.id, { id: user.id, displayName: user.displayName, role: user.role });
    live.questions.set(row.id, { row, voters: new Set() });
    this.emitQuestion(live, row, row.status !== "pending");
    return toQuestion(row, user, user.id);
  }

  private async storedByClientId(forumId: string, userId: string, clientId: string) {
    const [row] = await this.db
      .select()
      .from(forumQuestions)
      .where(
        and(
          eq(forumQuestions.forumId, forumId),
          eq(forumQuestions.authorId, userId),
          eq(forumQuestions.clientId, clientId),
        ),
      );
    return row;
  }

  /**
   * Sends a question to those who may see it. Everyone — hosts and admins included — gets the same
   * payload, without the author when the question is anonymous (see `toQuestion`); the asker's own
   * tabs get theirs marked `mine`. A question not yet approved reaches only the hosts' room (and
   * its asker). Each audience's payload is encoded once.
   */
  private emitQuestion(live: LiveForum, row: QuestionRow, toEveryone: boolean): void {
    const forumId = row.forumId;
    const author = live.authors.get(row.authorId);
    const audience = toEveryone ? forumRoom(forumId) : forumHostsRoom(forumId);
    this.ctx.io.to(audience).except(userRoom(row.authorId)).emit("forum:question", toQuestion(row, author));
    this.ctx.io.to(userRoom(row.authorId)).emit("forum:question", toQuestion(row, author, row.authorId));
  }

  private visibleQuestion(user: UserRow, live: LiveForum, questionId: string): QuestionRow {
    const row = live.questions.get(questionId)?.row;
    if (!row) throw notFound("找不到该提问");
    const hidden =
      (row.status === "pending" || row.status === "dismissed") &&
      !seesPending(user, live.forum) &&
      row.authorId !== user.id;
    if (hidden) throw notFound("找不到该提问");
    return row;
  }

  async moderate(user: UserRow, live: LiveForum, input: ForumModerate): Promise<ForumQuestion> {
    requireNotEnded(live);
    const { forum } = live;
    if (!canModerate(user, forum, live.currentTalk, input.action)) {
      throw forbidden(input.action === "approve" ? "只有主持人可以审核提问" : "只有主持人或当前发言人可以处理提问");
    }
    const row = this.visibleQuestion(user, live, input.questionId);
    const previous = row.status;
    let next = row.status;
    if (input.action === "approve") {
      if (row.status !== "pending") throw conflict("该提问不在待审核状态");
      next = "open";
    } else if (input.action === "dismiss") {
      next = "dismissed";
    } else if (input.action === "answered") {
      // 现场问政: marked answered on stage; marking an answered question again replaces its note
      if (row.status !== "open" && row.status !== "answered")
        throw conflict(row.status === "pending" ? "请先通过审核" : "该提问不能标记为已回答");
      next = "answered";
    } else if (row.status !== "open" && row.status !== "answered") {
      throw conflict("只有已公开的提问可以投到大屏");
    }

    const note = input.action === "answered" && input.note !== undefined ? input.note || null : undefined;
    if (note) await checkText(this.ctx, note);
    if (next !== previous || (note !== undefined && note !== row.answerNote)) {
      // the question's state is kept: committed first, then applied here
      const [updated] = await this.db
        .update(forumQuestions)
        .set({ status: next, ...(note !== undefined ? { answerNote: note } : {}) })
        .where(and(eq(forumQuestions.id, row.id), eq(forumQuestions.status, previous)))
        .returning({ status: forumQuestions.status, answerNote: forumQuestions.answerNote });
      if (!updated) throw conflict("该提问刚被他人处理，请刷新");
      row.status = updated.status;
      row.answerNote = updated.answerNote;
    }
    // The highlighted question is part of the stage: written behind with the page.
    const highlighted = live.forum.highlightedQuestionId;
    const highlightChange =
      input.action === "highlight"
        ? highlighted === row.id
          ? null
          : row.id
        : next === "dismissed" && highlighted === row.id
          ? null
          : undefined;
    if (highlightChange !== undefined) live.setStage({ highlightedQuestionId: highlightChange });

    // Peers learn of a change only to a question they could already see, or one now made public.
    this.emitQuestion(live, row, previous !== "pending" || next === "open");
    if (highlightChange !== undefined) this.ctx.io.to(forumRoom(forum.id)).emit("forum:state", { forum: live.forum });
    return toQuestion(row, live.authors.get(row.authorId), user.id);
  }

  /**
   * Upvote toggle: a second vote by the same person takes the first back. Toggles on one question
   * run one after another (a chain per question), each committed — the vote row and the counter in
   * one transaction — before it is applied to the live count and acknowledged, so the live count,
   * the stored count and the rows agree exactly.
   */
  async vote(
    user: UserRow,
    live: LiveForum,
    input: ForumVote,
  ): Promise<{ questionId: string; votes: number; voted: boolean }> {
    requireNotEnded(live);
    const row = this.visibleQuestion(user, live, input.questionId);
    const question = live.questions.get(row.id)!;
    const key = `vote:${row.id}`;
    const previous = live.chains.get(key) ?? Promise.resolve();
    const turn = previous
      .catch(() => {})
      .then(async () => {
        if (row.status === "dismissed") throw conflict("该提问已被撤下");
        const voted = !question.voters.has(user.id);
        await this.db.transaction(async (tx) => {
          const mine = and(eq(forumQuestionVotes.questionId, row.id), eq(forumQuestionVotes.userId, user.id));
          if (voted) await tx.insert(forumQuestionVotes).values({ questionId: row.id, userId: user.id });
          else await tx.delete(forumQuestionVotes).where(mine);
          await tx
            .update(forumQuestions)
            .set({ votes: sql`${forumQuestions.votes} + ${voted ? 1 : -1}` })
            .where(eq(forumQuestions.id, row.id));
        });
        if (voted) question.voters.add(user.id);
        else question.voters.delete(user.id);
        row.votes = question.voters.size;
        return { questionId: row.id, votes: row.votes, voted };
      });
    live.chains.set(key, turn);
    try {
      return await turn;
    } finally {
      if (live.chains.get(key) === turn) live.chains.delete(key);
      // everyone's count is pushed once per burst, from the live state (exact, never re-read)
      this.pushes.run(`votes:${row.id}`, VOTE_PUSH_MS, async () => {
        if (this.stillLive(live)) this.emitQuestion(live, row, row.status !== "pending");
      });
    }
  }
}
