import type { Answer, HighlightPart, QaAuthor, Question, QuestionListItem } from "../../shared/qa.ts";
import { ANONYMOUS_NAME } from "../../shared/qa.ts";
import type { Capability, Level, Role } from "../../shared/enums.ts";
import { renderMarkdown } from "./markdown.ts";
import { canSeeAuthor, type Viewer } from "./policy.ts";
import { excerpt, highlight } from "./search.ts";

/**
 * Shapes rows into what a given viewer may see. This is where pseudonymity is enforced: for a
 * peer, a pseudonymous question carries neither the author's id nor name — not even in a field
 * the UI ignores.
 */

export interface AuthorRow {
  authorId: string;
  authorName: string;
  authorRole: Role;
  authorLevel: Level;
  /** holds the veteran role (whatever their primary role): their answers carry the 老书记 badge */
  authorVeteran?: boolean;
}

export interface QuestionRow extends AuthorRow {
  id: string;
  title: string;
  body: string;
  capability: Capability | null;
  tags: string[];
  anonymous: boolean;
  votes: number;
  answerCount: number;
  acceptedAnswerId: string | null;
  hidden: boolean;
  hiddenReason: string | null;
  eventId: string | null;
  createdAt: Date;
  updatedAt: Date;
  lastActivityAt: Date;
  voted: boolean;
}

export interface AnswerRow extends AuthorRow {
  id: string;
  questionId: string;
  body: string;
  votes: number;
  hidden: boolean;
  hiddenReason: string | null;
  createdAt: Date;
  updatedAt: Date;
  voted: boolean;
}

/** A viewer who is nobody in particular: what a broadcast to a room may carry. */
export const PEER: Viewer = { id: "00000000-0000-0000-0000-000000000000", roles: ["worker"], streetId: null };

const iso = (d: Date | string) => (d instanceof Date ? d : new Date(d)).toISOString();

function author(viewer: Viewer, row: AuthorRow, anonymous: boolean): QaAuthor {
  if (!canSeeAuthor(viewer, { authorId: row.authorId, anonymous })) {
    return { id: null, displayName: ANONYMOUS_NAME, role: null, level: null, anonymous: true };
  }
  return { id: row.authorId, displayName: row.authorName, role: row.authorRole, level: row.authorLevel, anonymous };
}

function questionBase(viewer: Viewer, row: QuestionRow) {
  return {
    id: row.id,
    title: row.title,
    capability: row.capability,
    tags: row.tags ?? [],
    anonymous: row.anonymous,
    author: author(viewer, row, row.anonymous),
    mine: row.authorId === viewer.id,
    votes: Number(row.votes),
    voted: Boolean(row.voted),
    answerCount: Number(row.answerCount),
    acceptedAnswerId: row.acceptedAnswerId,
    hidden: row.hidden,
    hiddenReason: row.hidden ? row.hiddenReason : null,
    eventId: row.eventId,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
    lastActivityAt: iso(row.lastActivityAt),
  };
}

export function toQuestion(viewer: Viewer, row: QuestionRow): Question {
  return { ...questionBase(viewer, row), body: row.body, bodyHtml: renderMarkdown(row.body) };
}

export function toListItem(viewer: Viewer, row: QuestionRow, terms?: string[]): QuestionListItem {
  const item: QuestionListItem = { ...questionBase(viewer, row), excerpt: excerpt(row.body, terms ?? []) };
  if (terms?.length) {
    item.highlight = { title: highlight(row.title, terms), excerpt: highlight(item.excerpt, terms) as HighlightPart[] };
  }
  return item;
}

/**
 * The asker answering their own pseudonymous question stays pseudonymous there, or the answer
 * would give them away.
 */
export function toAnswer(
  viewer: Viewer,
  row: AnswerRow,
  question: { authorId: string; anonymous: boolean; acceptedAnswerId: string | null },
): Answer {
  const anonymous = question.anonymous && row.authorId === question.authorId;
  const shown = author(viewer, row, anonymous);
  return {
    id: row.id,
    questionId: row.questionId,
    body: row.body,
    bodyHtml: renderMarkdown(row.body),
    author: shown,
    veteran: shown.role !== null && Boolean(row.authorVeteran ?? row.authorRole === "veteran"),
    mine: row.authorId === viewer.id,
    votes: Number(row.votes),
    voted: Boolean(row.voted),
    accepted: question.acceptedAnswerId === row.id,
    hidden: row.hidden,
    hiddenReason: row.hidden ? row.hiddenReason : null,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}
