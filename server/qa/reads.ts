import { and, asc, eq, inArray, or, sql, type SQL } from "drizzle-orm";
import type { Answer } from "../../shared/qa.ts";
import { isOrganiser } from "../auth/policy.ts";
import { users } from "../auth/schema.ts";
import type { Db } from "../db/client.ts";
import { notFound } from "../lib/errors.ts";
import { assertCanSee, type Viewer } from "./policy.ts";
import { qaAnswers, qaQuestions } from "./schema.ts";
import { toAnswer, type AnswerRow, type QuestionRow } from "./views.ts";

/**
 * Reading questions and answers as one viewer sees them. Both the board (service.ts) and the live
 * 老书记论坛 (live.ts) read through here, so neither has to import the other for it.
 */

export function questionColumns(viewerId: string) {
  return {
    id: qaQuestions.id,
    title: qaQuestions.title,
    body: qaQuestions.body,
    capability: qaQuestions.capability,
    tags: qaQuestions.tags,
    anonymous: qaQuestions.anonymous,
    votes: qaQuestions.votes,
    answerCount: qaQuestions.answerCount,
    acceptedAnswerId: qaQuestions.acceptedAnswerId,
    hidden: qaQuestions.hidden,
    hiddenReason: qaQuestions.hiddenReason,
    eventId: qaQuestions.eventId,
    createdAt: qaQuestions.createdAt,
    updatedAt: qaQuestions.updatedAt,
    lastActivityAt: qaQuestions.lastActivityAt,
    authorId: qaQuestions.authorId,
    authorName: users.displayName,
    authorRole: users.role,
    authorLevel: users.level,
    voted: sql<boolean>`exists (select 1 from qa_question_votes v where v.question_id = ${qaQuestions.id} and v.user_id = ${viewerId})`,
  };
}

export function answerColumns(viewerId: string) {
  return {
    id: qaAnswers.id,
    questionId: qaAnswers.questionId,
    body: qaAnswers.body,
    votes: qaAnswers.votes,
    hidden: qaAnswers.hidden,
    hiddenReason: qaAnswers.hiddenReason,
    createdAt: qaAnswers.createdAt,
    updatedAt: qaAnswers.updatedAt,
    authorId: qaAnswers.authorId,
    authorName: users.displayName,
    authorRole: users.role,
    authorLevel: users.level,
    authorVeteran: sql<boolean>`'veteran' = any(${users.roles})`,
    voted: sql<boolean>`exists (select 1 from qa_answer_votes v where v.answer_id = ${qaAnswers.id} and v.user_id = ${viewerId})`,
  };
}

/** Hidden questions exist only for admins and their authors. */
export function visibleTo(viewer: Viewer): SQL | undefined {
  if (isOrganiser(viewer)) return undefined;
  return or(eq(qaQuestions.hidden, false), eq(qaQuestions.authorId, viewer.id));
}

export async function loadQuestionRows(db: Db, viewer: Viewer, ids: string[]): Promise<QuestionRow[]> {
  if (ids.length === 0) return [];
  return (await db
    .select(questionColumns(viewer.id))
    .from(qaQuestions)
    .innerJoin(users, eq(users.id, qaQuestions.authorId))
    .where(and(inArray(qaQuestions.id, ids), visibleTo(viewer)))) as QuestionRow[];
}

/** The question row as the viewer may see it, or 404. */
export async function findQuestion(db: Db, viewer: Viewer, id: string): Promise<QuestionRow> {
  const [row] = (await db
    .select(questionColumns(viewer.id))
    .from(qaQuestions)
    .innerJoin(users, eq(users.id, qaQuestions.authorId))
    .where(eq(qaQuestions.id, id))) as QuestionRow[];
  if (!row) throw notFound("找不到该问题");
  assertCanSee(viewer, row);
  return row;
}

export async function listAnswers(db: Db, viewer: Viewer, question: QuestionRow): Promise<Answer[]> {
  const visible = isOrganiser(viewer) ? undefined : or(eq(qaAnswers.hidden, false), eq(qaAnswers.authorId, viewer.id));
  const rows = (await db
    .select(answerColumns(viewer.id))
    .from(qaAnswers)
    .innerJoin(users, eq(users.id, qaAnswers.authorId))
    .where(and(eq(qaAnswers.questionId, question.id), visible))
    .orderBy(asc(qaAnswers.createdAt))) as AnswerRow[];
  const answers = rows.map((row) => toAnswer(viewer, row, question));
  // the accepted answer first, then by votes, then oldest first
  return answers.sort(
    (a, b) => Number(b.accepted) - Number(a.accepted) || b.votes - a.votes || a.createdAt.localeCompare(b.createdAt),
  );
}
