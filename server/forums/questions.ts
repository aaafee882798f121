import { and, eq, sql } from "drizzle-orm";
import type { Role } from "../../shared/enums.ts";
import type { ForumAsk, ForumModerate, ForumQuestion, ForumVote } from "../../shared/forums.ts";
import type { UserRow } from "../auth/sessions.ts";
import { type AppContext, userRoom } from "../context.ts";
import type { Db } from "../db/client.ts";
import { conflict, forbidden, notFound } from "../lib/errors.ts";
import { checkText } from "../moderation/service.ts";
import type { Coalescer } from "./coalesce.ts";
import { canModerate, seesAuthors, seesPending } from "./policy.ts";
import { forumQuestions, forumQuestionVotes, forums } from "./schema.ts";
import {
  authorsOf,
  broadcastState,
  findForumRow,
  forumAdminsRoom,
  forumHostsRoom,
  forumRoom,
  type ForumRow,
  getForum,
  type QuestionRow,
  requireNotEnded,
  talkRowsOf,
  toQuestion,
} from "./service.ts";

/** Vote counts change many times a second in a full hall; the count pushed to the room is coalesced. */
const VOTE_PUSH_MS = 100;

/** Questions to the presenter: asking, pre-moderation, moderation and upvotes. */
export class ForumQuestions {
  constructor(
    private readonly ctx: AppContext,
    private readonly pushes: Coalescer,
  ) {}

  private get db(): Db {
    return this.ctx.db;
  }


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
      // The question's row lock puts toggles on one question in a line, so a double click flips twice.
      await tx.select({ id: forumQuestions.id }).from(forumQuestions).where(eq(forumQuestions.id, row.id)).for("update");
      const mine = and(eq(forumQuestionVotes.questionId, row.id), eq(forumQuestionVotes.userId, user.id));
      const [existing] = await tx.select({ questionId: forumQuestionVotes.questionId }).from(forumQuestionVotes).where(mine);
      if (existing) await tx.delete(forumQuestionVotes).where(mine);
      else await tx.insert(forumQuestionVotes).values({ questionId: row.id, userId: user.id });
      const [q] = await tx
        .update(forumQuestions)
        .set({ votes: sql`${forumQuestions.votes} + ${existing ? -1 : 1}` })
        .where(eq(forumQuestions.id, row.id))
        .returning({ votes: forumQuestions.votes });
      return { votes: q!.votes, voted: !existing };
    });
    // The count everyone sees is read after the burst settles, so out-of-order replies can't leave it stale.
    this.pushes.run(`votes:${row.id}`, VOTE_PUSH_MS, async () => {
      const [fresh] = await this.db.select().from(forumQuestions).where(eq(forumQuestions.id, row.id));
      if (!fresh) return;
      const authors = await authorsOf(this.db, [fresh.authorId]);
      this.emitQuestion(fresh, authors.get(fresh.authorId), fresh.status !== "pending");
    });
    return { questionId: row.id, ...result };
  }
}
