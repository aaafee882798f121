import { and, asc, desc, eq, sql, type SQL } from "drizzle-orm";
import type {
  Answer,
  CreateQuestion,
  EditQuestion,
  ListQuestionsQuery,
  Question,
  QuestionListItem,
  VoteResult,
} from "../../shared/qa.ts";
import { users } from "../auth/schema.ts";
import type { UserRow } from "../auth/sessions.ts";
import type { AppContext } from "../context.ts";
import { type Db, queryRows } from "../db/client.ts";
import { forbidden, invalidInput, notFound } from "../lib/errors.ts";
import { checkText } from "../moderation/service.ts";
import { notify } from "../notifications/service.ts";
import { assertCanAccept, assertCanEdit, assertCanSee, assertCanVote, invitable, type Viewer } from "./policy.ts";
import { qaAnswers, qaAnswerVotes, qaInvites, qaQuestions, qaQuestionVotes } from "./schema.ts";
import { type ParsedQuery, parseQuery, searchVectorLiteral, similarQuery } from "./search.ts";
import { toAnswer, toListItem, toQuestion, type AnswerRow, type QuestionRow } from "./views.ts";
import { answerAcceptedEvidence, eventAnswerEvidence } from "../evidence/facts.ts";
import { recordEvidence, withdrawEvidence } from "../evidence/service.ts";
import { eventsHolding, onAnswerAccepted, onAnswerPosted, onQuestionAsked, onVoteChanged } from "./live.ts";
import { answerColumns, findQuestion, listAnswers, loadQuestionRows, questionColumns, visibleTo } from "./reads.ts";

const questionLink = (id: string) => `/qa/questions/${id}`;

// ---------------------------------------------------------------- reading

export async function getQuestion(ctx: AppContext, viewer: Viewer, id: string) {
  const row = await findQuestion(ctx.db, viewer, id);
  return { question: toQuestion(viewer, row), answers: await listAnswers(ctx.db, viewer, row) };
}

export async function listQuestions(
  ctx: AppContext,
  viewer: Viewer,
  filters: ListQuestionsQuery,
): Promise<{ questions: QuestionListItem[]; hasMore: boolean }> {
  const limit = filters.limit ?? 20;
  const where: (SQL | undefined)[] = [visibleTo(viewer)];
  if (filters.capability) where.push(eq(qaQuestions.capability, filters.capability));
  if (filters.tag) where.push(sql`${filters.tag} = any(${qaQuestions.tags})`);
  if (filters.mine) where.push(eq(qaQuestions.authorId, viewer.id));
  if (filters.sort === "unanswered") where.push(eq(qaQuestions.answerCount, 0));

  const parsed = filters.q ? parseQuery(filters.q) : null;
  if (parsed && !parsed.tsquery) return { questions: [], hasMore: false };
  if (parsed?.tsquery && !filters.sort) {
    const ids = await rankedSearch(ctx.db, and(...where), parsed, limit + 1, filters.offset ?? 0);
    const rows = new Map((await loadQuestionRows(ctx.db, viewer, ids)).map((r) => [r.id, r]));
    const ordered = ids.flatMap((id) => rows.get(id) ?? []);
    return {
      questions: ordered.slice(0, limit).map((row) => toListItem(viewer, row, parsed.terms)),
      hasMore: ordered.length > limit,
    };
  }
  const order: SQL[] = [];
  if (parsed?.tsquery) where.push(sql`${qaQuestions.searchVector} @@ ${parsed.tsquery}::tsquery`);
  switch (filters.sort) {
    case "newest":
    case "unanswered":
      order.push(desc(qaQuestions.createdAt));
      break;
    case "active":
      order.push(desc(qaQuestions.lastActivityAt));
      break;
    default:
      order.push(desc(qaQuestions.votes), desc(qaQuestions.lastActivityAt));
  }
  order.push(desc(qaQuestions.id));

  const rows = (await ctx.db
    .select(questionColumns(viewer.id))
    .from(qaQuestions)
    .innerJoin(users, eq(users.id, qaQuestions.authorId))
    .where(and(...where))
    .orderBy(...order)
    .limit(limit + 1)
    .offset(filters.offset ?? 0)) as QuestionRow[];
  return {
    questions: rows.slice(0, limit).map((row) => toListItem(viewer, row, parsed?.terms)),
    hasMore: rows.length > limit,
  };
}

/**
 * Relevance, then votes: tier 0 is a title equal to the query, tier 1 a title containing it,
 * tier 2 a match only in the body or the answers; within a tier, votes then recent activity.
 * Each tier is an indexed sub-query with a LIMIT, so a one-character query matching half the
 * board stops after a page's worth of rows (walking the votes index) instead of ranking every
 * match, while a rare term is answered from the GIN index. Tier 2 is asked only when the title
 * tiers don't fill the page, and as "the best matches anywhere, minus the title ones" — never as
 * `… and not title_vector @@ q`, whose row estimate the planner gets badly wrong when a term
 * occurs mostly in titles. (Method and figures: docs/qa-search.md, docs/PERFORMANCE.md.)
 */
async function rankedSearch(
  db: Db,
  where: SQL | undefined,
  parsed: ParsedQuery,
  limit: number,
  offset: number,
): Promise<string[]> {
  const q = sql`${parsed.tsquery}::tsquery`;
  const exact = parsed.text
    .replace(/^["“”「」『』]+|["“”「」『』]+$/g, "")
    .trim()
    .toLowerCase();
  const w = where ?? sql`true`;
  const k = limit + offset;
  const order = sql`order by votes desc, last_activity_at desc, id desc`;
  // One statement. The third branch's WHERE starts with a condition on the title tiers alone,
  // which PostgreSQL evaluates once ("one-time filter") and skips the branch when it is false.
  // Every title-tier row is also a match anywhere, so k + (title rows) leaves k after removing them.
  const rows = await queryRows<{ id: string }>(
    db,
    sql`with titled as (
      (select id, 0 as tier, votes, last_activity_at from qa_questions
        where ${w} and lower(title) = ${exact} and search_vector @@ ${q} ${order} limit ${k})
      union all
      (select id, 1 as tier, votes, last_activity_at from qa_questions
        where ${w} and title_vector @@ ${q} and lower(title) <> ${exact} ${order} limit ${k})
    ),
    anywhere as (
      select id, 2 as tier, votes, last_activity_at from (
        select id, votes, last_activity_at, title_vector from qa_questions
        where (select count(*) from titled) < ${k} and ${w} and search_vector @@ ${q}
        ${order} limit ${k} + (select count(*) from titled)
      ) best
      where not (title_vector @@ ${q}) and id not in (select id from titled)
    )
    select id from (select * from titled union all select * from anywhere) ranked
    order by tier, votes desc, last_activity_at desc, id desc
    limit ${limit} offset ${offset}`,
  );
  return rows.map((r) => r.id);
}

/** Questions whose titles share the most bigrams with a title being typed. */
export async function similarQuestions(ctx: AppContext, viewer: Viewer, title: string): Promise<QuestionListItem[]> {
  const tsquery = similarQuery(title);
  if (!tsquery) return [];
  const q = sql`${tsquery}::tsquery`;
  const rows = (await ctx.db
    .select(questionColumns(viewer.id))
    .from(qaQuestions)
    .innerJoin(users, eq(users.id, qaQuestions.authorId))
    .where(and(eq(qaQuestions.hidden, false), sql`${qaQuestions.titleVector} @@ ${q}`))
    .orderBy(sql`ts_rank(${qaQuestions.titleVector}, ${q}) desc`, desc(qaQuestions.votes))
    .limit(5)) as QuestionRow[];
  const terms = parseQuery(title).terms.flatMap((run) => {
    const chars = [...run];
    return chars.length < 2 ? [] : chars.slice(0, -1).map((c, i) => c + chars[i + 1]);
  });
  return rows.map((row) => toListItem(viewer, row, terms));
}

// ---------------------------------------------------------------- search index

/** Rebuilds a question's search vector from its title, body and visible answers. */
export async function reindexQuestion(db: Db, questionId: string): Promise<void> {
  const [question] = await db
    .select({ title: qaQuestions.title, body: qaQuestions.body })
    .from(qaQuestions)
    .where(eq(qaQuestions.id, questionId));
  if (!question) return;
  const answers = await db
    .select({ body: qaAnswers.body })
    .from(qaAnswers)
    .where(and(eq(qaAnswers.questionId, questionId), eq(qaAnswers.hidden, false)))
    .orderBy(asc(qaAnswers.createdAt));
  const literal = searchVectorLiteral([
    { text: question.title, weight: "A" },
    { text: question.body, weight: "B" },
    ...answers.map((a) => ({ text: a.body, weight: "C" as const })),
  ]);
  await db
    .update(qaQuestions)
    .set({
      searchVector: sql`${literal}::tsvector`,
      titleVector: sql`${searchVectorLiteral([{ text: question.title, weight: "A" }])}::tsvector`,
      answerCount: sql`(select count(*)::int from qa_answers a where a.question_id = ${questionId} and not a.hidden)`,
    })
    .where(eq(qaQuestions.id, questionId));
}

// ---------------------------------------------------------------- writing

export async function askQuestion(ctx: AppContext, viewer: Viewer, input: CreateQuestion): Promise<Question> {
  await ctx.limits.posting.consume(viewer.id);
  await checkText(ctx, input.title, input.body ?? "", ...(input.tags ?? []));
  if (input.eventId) await assertEventOpenForFloor(ctx.db, input.eventId);
  const [created] = await ctx.db
    .insert(qaQuestions)
    .values({
      authorId: viewer.id,
      title: input.title,
      body: input.body ?? "",
      capability: input.capability ?? null,
      tags: input.tags ?? [],
      anonymous: input.anonymous ?? false,
      eventId: input.eventId ?? null,
    })
    .returning({ id: qaQuestions.id });
  await reindexQuestion(ctx.db, created!.id);
  const row = await findQuestion(ctx.db, viewer, created!.id);
  await onQuestionAsked(ctx, row);
  return toQuestion(viewer, row);
}

async function assertEventOpenForFloor(db: Db, eventId: string) {
  const rows = await db.execute(sql`select status from qa_events where id = ${eventId}`);
  const list = (Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows) as { status: string }[];
  if (!list[0]) throw notFound("找不到该场老书记论坛");
  if (list[0].status === "ended") throw invalidInput("本场论坛已结束，请直接在问答板提问");
}

export async function editQuestion(
  ctx: AppContext,
  viewer: Viewer,
  id: string,
  input: EditQuestion,
): Promise<Question> {
  const row = await findQuestion(ctx.db, viewer, id);
  assertCanEdit(viewer, row);
  await checkText(ctx, input.title ?? "", input.body ?? "", ...(input.tags ?? []));
  await ctx.db
    .update(qaQuestions)
    .set({
      ...(input.title !== undefined && { title: input.title }),
      ...(input.body !== undefined && { body: input.body }),
      ...(input.capability !== undefined && { capability: input.capability }),
      ...(input.tags !== undefined && { tags: input.tags }),
      updatedAt: new Date(),
      lastActivityAt: new Date(),
    })
    .where(eq(qaQuestions.id, id));
  await reindexQuestion(ctx.db, id);
  return toQuestion(viewer, await findQuestion(ctx.db, viewer, id));
}

export async function postAnswer(ctx: AppContext, viewer: Viewer, questionId: string, body: string): Promise<Answer> {
  const question = await findQuestion(ctx.db, viewer, questionId);
  await ctx.limits.posting.consume(viewer.id);
  await checkText(ctx, body);
  const created = await ctx.db.transaction(async (tx) => {
    const [answer] = await tx
      .insert(qaAnswers)
      .values({ questionId, authorId: viewer.id, body })
      .returning({ id: qaAnswers.id, createdAt: qaAnswers.createdAt });
    // answering a question queued at a 老书记论坛 while it is live is 成长档案 evidence
    for (const event of await eventsHolding(tx, questionId)) {
      if (event.status !== "live") continue;
      await recordEvidence(tx, eventAnswerEvidence(question, event.id, viewer.id, answer!.createdAt));
    }
    return answer;
  });
  await ctx.db.update(qaQuestions).set({ lastActivityAt: new Date() }).where(eq(qaQuestions.id, questionId));
  await reindexQuestion(ctx.db, questionId);
  const answerRow = await findAnswerRow(ctx.db, viewer, created!.id);
  if (question.authorId !== viewer.id) {
    await notify(ctx, {
      userId: question.authorId,
      kind: "question_answered",
      title: "你的问题有了新回答",
      body: question.title,
      link: questionLink(questionId),
    });
  }
  await onAnswerPosted(ctx, question, answerRow);
  return toAnswer(viewer, answerRow, question);
}

async function findAnswerRow(db: Db, viewer: Viewer, id: string): Promise<AnswerRow> {
  const [row] = (await db
    .select(answerColumns(viewer.id))
    .from(qaAnswers)
    .innerJoin(users, eq(users.id, qaAnswers.authorId))
    .where(eq(qaAnswers.id, id))) as AnswerRow[];
  if (!row) throw notFound("找不到该回答");
  return row;
}

/** The answer and its question, both as the viewer may see them (404 otherwise). */
export async function findAnswer(db: Db, viewer: Viewer, id: string) {
  const row = await findAnswerRow(db, viewer, id);
  assertCanSee(viewer, row);
  const question = await findQuestion(db, viewer, row.questionId);
  return { row, question };
}

export async function editAnswer(ctx: AppContext, viewer: Viewer, id: string, body: string): Promise<Answer> {
  const { row, question } = await findAnswer(ctx.db, viewer, id);
  assertCanEdit(viewer, row);
  await checkText(ctx, body);
  await ctx.db.update(qaAnswers).set({ body, updatedAt: new Date() }).where(eq(qaAnswers.id, id));
  await reindexQuestion(ctx.db, row.questionId);
  return toAnswer(viewer, await findAnswerRow(ctx.db, viewer, id), question);
}

/**
 * One vote per person: the (target, user) primary key makes a second insert a no-op, and the
 * count is recomputed from the rows, so concurrent requests can never count a person twice.
 * Without `up` the vote toggles; with it, the call is idempotent.
 */
export async function voteQuestion(ctx: AppContext, viewer: Viewer, id: string, up?: boolean): Promise<VoteResult> {
  const question = await findQuestion(ctx.db, viewer, id);
  assertCanVote(viewer, question, "question");
  const key = and(eq(qaQuestionVotes.questionId, id), eq(qaQuestionVotes.userId, viewer.id));
  const wantUp = up ?? (await ctx.db.select().from(qaQuestionVotes).where(key)).length === 0;
  if (wantUp) await ctx.db.insert(qaQuestionVotes).values({ questionId: id, userId: viewer.id }).onConflictDoNothing();
  else await ctx.db.delete(qaQuestionVotes).where(key);
  const [row] = await ctx.db
    .update(qaQuestions)
    .set({ votes: sql`(select count(*)::int from qa_question_votes v where v.question_id = ${id})` })
    .where(eq(qaQuestions.id, id))
    .returning({ votes: qaQuestions.votes });
  await onVoteChanged(ctx, question, { target: "question", id, questionId: id, votes: row!.votes });
  return { votes: row!.votes, voted: wantUp };
}

export async function voteAnswer(ctx: AppContext, viewer: Viewer, id: string, up?: boolean): Promise<VoteResult> {
  const { row: answer, question } = await findAnswer(ctx.db, viewer, id);
  assertCanVote(viewer, answer, "answer");
  const key = and(eq(qaAnswerVotes.answerId, id), eq(qaAnswerVotes.userId, viewer.id));
  const wantUp = up ?? (await ctx.db.select().from(qaAnswerVotes).where(key)).length === 0;
  if (wantUp) await ctx.db.insert(qaAnswerVotes).values({ answerId: id, userId: viewer.id }).onConflictDoNothing();
  else await ctx.db.delete(qaAnswerVotes).where(key);
  const [row] = await ctx.db
    .update(qaAnswers)
    .set({ votes: sql`(select count(*)::int from qa_answer_votes v where v.answer_id = ${id})` })
    .where(eq(qaAnswers.id, id))
    .returning({ votes: qaAnswers.votes });
  if (!answer.hidden)
    await onVoteChanged(ctx, question, { target: "answer", id, questionId: question.id, votes: row!.votes });
  return { votes: row!.votes, voted: wantUp };
}

/** The asker (or an admin) accepts one answer; accepting another replaces it. */
export async function acceptAnswer(ctx: AppContext, viewer: Viewer, answerId: string) {
  const { row, question } = await findAnswer(ctx.db, viewer, answerId);
  assertCanAccept(viewer, question);
  if (row.hidden) throw invalidInput("已隐藏的回答不能被采纳");
  const now = new Date();
  await ctx.db.transaction(async (tx) => {
    const [before] = await tx
      .select({ acceptedAnswerId: qaQuestions.acceptedAnswerId })
      .from(qaQuestions)
      .where(eq(qaQuestions.id, question.id))
      .for("update");
    await tx
      .update(qaQuestions)
      .set({ acceptedAnswerId: answerId, lastActivityAt: now })
      .where(eq(qaQuestions.id, question.id));
    if (before?.acceptedAnswerId === answerId) return;
    // The accepted answer is its author's 成长档案 evidence; accepting another one moves it.
    if (before?.acceptedAnswerId) {
      const [previous] = await tx
        .select({ authorId: qaAnswers.authorId })
        .from(qaAnswers)
        .where(eq(qaAnswers.id, before.acceptedAnswerId));
      if (previous)
        await withdrawEvidence(
          tx,
          answerAcceptedEvidence({ id: before.acceptedAnswerId, authorId: previous.authorId }, question, now),
        );
    }
    await recordEvidence(tx, answerAcceptedEvidence({ id: answerId, authorId: row.authorId }, question, now));
  });
  await onAnswerAccepted(ctx, question, answerId);
  if (question.acceptedAnswerId !== answerId && row.authorId !== viewer.id) {
    await notify(ctx, {
      userId: row.authorId,
      kind: "answer_accepted",
      title: "你的回答被采纳了",
      body: question.title,
      link: questionLink(question.id),
    });
  }
  return getQuestion(ctx, viewer, question.id);
}

/** Invite a 老书记 (or a mentor) to answer; each person is invited to a question once. */
export async function inviteToAnswer(
  ctx: AppContext,
  viewer: Viewer & Pick<UserRow, "displayName">,
  questionId: string,
  userId: string,
) {
  const question = await findQuestion(ctx.db, viewer, questionId);
  if (question.hidden) throw invalidInput("已隐藏的问题不能邀请回答");
  const [invitee] = await ctx.db.select().from(users).where(eq(users.id, userId));
  if (!invitee) throw notFound("找不到该用户");
  if (!invitable(invitee)) throw invalidInput("只能邀请老书记或社区导师回答");
  if (invitee.id === viewer.id) throw forbidden("不能邀请自己");
  const inserted = await ctx.db
    .insert(qaInvites)
    .values({ questionId, userId, invitedBy: viewer.id })
    .onConflictDoNothing()
    .returning();
  if (inserted.length > 0) {
    await notify(ctx, {
      userId,
      kind: "answer_invited",
      title: `${viewer.displayName}邀请你回答问题`,
      body: question.title,
      link: questionLink(questionId),
    });
  }
  return { invited: true, alreadyInvited: inserted.length === 0 };
}
