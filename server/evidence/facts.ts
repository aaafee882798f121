// The evidence each feature's fact becomes. Features build their item here and pass it to
// recordEvidence in the transaction that makes the fact, so every kind is shaped in one place and
// the start-up backfill (backfill.ts) can be checked against it.
import { CAPABILITIES, type Capability } from "../../shared/enums.ts";
import type { EvidenceItem } from "./service.ts";

/** Scores are kept on one 0–100 scale so the profile can average them across kinds. */
export const TALK_MARK_MAX = 5;
/** a proposal review: five criteria marked 1–5 */
export const REVIEW_TOTAL_MAX = 25;
/** Writing a 党建创新项目 shows running a project and innovating. */
export const PROPOSAL_CAPABILITIES: Capability[] = ["projectOps", "innovation"];

const ATTENDED_SOURCE = { training: "training", forum: "forum", qa_event: "event" } as const;
const clip = (text: string, max = 60) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
const to100 = (value: number, max: number) => Math.round((value / max) * 10_000) / 100;

/** A check-in to a training, a forum or a 老书记论坛 event. */
export function attendedEvidence(
  activity: {
    kind: "training" | "forum" | "qa_event";
    id: string;
    title: string;
    hours: number | null;
    capabilities: Capability[];
  },
  userId: string,
  at: Date,
): EvidenceItem {
  return {
    userId,
    kind: "attended",
    sourceKind: ATTENDED_SOURCE[activity.kind],
    sourceId: activity.id,
    at,
    title: activity.title,
    capabilities: activity.capabilities,
    detail: { hours: activity.hours },
  };
}

/**
 * A talk given. With a 群众考书记 result (`board` with a total), the score is the weighted total on
 * 0–100 (marks are 1–5, so ×20) and each of the six capability averages is kept the same way in
 * `detail.capabilityScores`; such a talk shows all six capabilities. A talk without a result shows
 * its own capability, if it has one.
 */
export function talkEvidence(
  talk: { id: string; forumId: string; title: string; presenterId: string; capability: Capability | null },
  at: Date,
  board: { total: number | null; weighted: Record<string, number> | null; ballots: number } | null,
): EvidenceItem {
  const scored = board?.total != null && board.weighted;
  return {
    userId: talk.presenterId,
    kind: "talk_given",
    sourceKind: "forum_talk",
    sourceId: talk.id,
    at,
    title: talk.title,
    capabilities: scored ? [...CAPABILITIES] : talk.capability ? [talk.capability] : [],
    score: scored ? to100(board.total!, TALK_MARK_MAX) : null,
    detail: {
      forumId: talk.forumId,
      ...(scored
        ? {
            total: board.total,
            ballots: board.ballots,
            capabilityScores: Object.fromEntries(
              CAPABILITIES.map((c) => [c, to100(board.weighted![c] ?? 0, TALK_MARK_MAX)]),
            ),
          }
        : {}),
    },
  };
}

export function taskEvidence(
  task: { id: string; studioId: string; title: string; capability: Capability | null },
  userId: string,
  at: Date,
): EvidenceItem {
  return {
    userId,
    kind: "task_completed",
    sourceKind: "studio_task",
    sourceId: task.id,
    at,
    title: task.title,
    capabilities: task.capability ? [task.capability] : [],
    detail: { studioId: task.studioId },
  };
}

/** A message the mentor pinned, received by each mentee of the studio. */
export function guidanceEvidence(
  message: { id: string; studioId: string; text: string },
  menteeIds: string[],
  at: Date,
): EvidenceItem[] {
  return menteeIds.map((userId) => ({
    userId,
    kind: "guidance_received" as const,
    sourceKind: "studio_message" as const,
    sourceId: message.id,
    at,
    title: clip(message.text),
    detail: { studioId: message.studioId },
  }));
}

/** Submitted (first time) for each writer of the proposal: the owner and its editors. */
export function proposalSubmittedEvidence(
  proposal: { id: string; title: string },
  writerIds: string[],
  at: Date,
): EvidenceItem[] {
  return [...new Set(writerIds)].map((userId) => ({
    userId,
    kind: "proposal_submitted" as const,
    sourceKind: "proposal" as const,
    sourceId: proposal.id,
    at,
    title: proposal.title,
    capabilities: PROPOSAL_CAPABILITIES,
  }));
}

/** Approved, with the mean review total of the last round on 0–100 (null when nobody scored it). */
export function proposalApprovedEvidence(
  proposal: { id: string; title: string },
  writerIds: string[],
  at: Date,
  review: { meanTotal: number; reviews: number } | null,
): EvidenceItem[] {
  return [...new Set(writerIds)].map((userId) => ({
    userId,
    kind: "proposal_approved" as const,
    sourceKind: "proposal" as const,
    sourceId: proposal.id,
    at,
    title: proposal.title,
    capabilities: PROPOSAL_CAPABILITIES,
    score: review ? to100(review.meanTotal, REVIEW_TOTAL_MAX) : null,
    detail: review ? { meanTotal: review.meanTotal, reviews: review.reviews } : {},
  }));
}

export function answerAcceptedEvidence(
  answer: { id: string; authorId: string },
  question: { id: string; title: string; capability: Capability | null },
  at: Date,
): EvidenceItem {
  return {
    userId: answer.authorId,
    kind: "answer_accepted",
    sourceKind: "qa_answer",
    sourceId: answer.id,
    at,
    title: question.title,
    capabilities: question.capability ? [question.capability] : [],
    detail: { questionId: question.id },
  };
}

/** An answer to a question queued at a live 老书记论坛; one per answerer and question. */
export function eventAnswerEvidence(
  question: { id: string; title: string; capability: Capability | null },
  eventId: string,
  answererId: string,
  at: Date,
): EvidenceItem {
  return {
    userId: answererId,
    kind: "event_question_answered",
    sourceKind: "qa_event_question",
    sourceId: question.id,
    at,
    title: question.title,
    capabilities: question.capability ? [question.capability] : [],
    detail: { questionId: question.id, eventId },
  };
}
