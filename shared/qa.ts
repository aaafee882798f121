/* Wire contract of the qa feature (老书记问答): REST bodies and Socket.IO events (see DESIGN.md). */
import { z } from "zod";
import { CapabilitySchema, type Capability, type Level, type Role } from "./enums.ts";
import type { AckHandler } from "./errors.ts";
import { IdSchema } from "./ids.ts";
import { LIMITS } from "./limits.ts";

/** Shown to peers instead of the author of a pseudonymous question. */
export const ANONYMOUS_NAME = "匿名社工";

export const QA_LIMITS = {
  tagMax: 20,
  tagsMax: 5,
  reasonMax: 500,
  searchMax: 100,
  pageMax: 50,
  /** how many top-voted unanswered questions an event pulls into its queue by default */
  eventPull: 10,
  eventQueueMax: 100,
} as const;

const TitleSchema = z
  .string()
  .trim()
  .min(2, "标题至少 2 个字")
  .max(LIMITS.titleMax, `标题不超过 ${LIMITS.titleMax} 字`);
const BodySchema = z.string().trim().min(1, "内容不能为空").max(LIMITS.bodyMax, `内容不超过 ${LIMITS.bodyMax} 字`);
const TagSchema = z.string().trim().min(1).max(QA_LIMITS.tagMax, `标签不超过 ${QA_LIMITS.tagMax} 字`);
const TagsSchema = z
  .array(TagSchema)
  .max(QA_LIMITS.tagsMax, `最多 ${QA_LIMITS.tagsMax} 个标签`)
  .transform((tags) => [...new Set(tags)]);
const ReasonSchema = z.string().trim().min(1, "请填写原因").max(QA_LIMITS.reasonMax);

// ---------------------------------------------------------------- REST bodies

/**
 * `POST /api/questions`; `eventId` marks a question asked from the floor of a live event. A floor
 * question needs only its title (someone raising a hand says one sentence); a board question needs
 * a description too.
 */
export const CreateQuestionSchema = z
  .object({
    title: TitleSchema,
    body: z.string().trim().max(LIMITS.bodyMax, `内容不超过 ${LIMITS.bodyMax} 字`).optional(),
    capability: CapabilitySchema.nullish(),
    tags: TagsSchema.optional(),
    anonymous: z.boolean().optional(),
    eventId: IdSchema.optional(),
  })
  .refine((q) => q.eventId || q.body, { message: "内容不能为空", path: ["body"] });
export type CreateQuestion = z.infer<typeof CreateQuestionSchema>;

/** `PATCH /api/questions/:id` (author or admin). */
export const EditQuestionSchema = z
  .object({
    title: TitleSchema.optional(),
    body: BodySchema.optional(),
    capability: CapabilitySchema.nullable().optional(),
    tags: TagsSchema.optional(),
  })
  .refine((v) => Object.keys(v).length > 0, "没有要修改的内容");
export type EditQuestion = z.infer<typeof EditQuestionSchema>;

export const QUESTION_SORTS = ["votes", "newest", "unanswered", "active"] as const;
export const QuestionSortSchema = z.enum(QUESTION_SORTS);
export type QuestionSort = z.infer<typeof QuestionSortSchema>;

/** `GET /api/questions?q=&capability=&tag=&sort=&mine=&limit=&offset=` */
export const ListQuestionsSchema = z.object({
  q: z.string().trim().max(QA_LIMITS.searchMax).optional(),
  capability: CapabilitySchema.optional(),
  tag: TagSchema.optional(),
  sort: QuestionSortSchema.optional(),
  mine: z
    .enum(["1", "true", "0", "false"])
    .optional()
    .transform((v) => v === "1" || v === "true"),
  limit: z.coerce.number().int().min(1).max(QA_LIMITS.pageMax).optional(),
  offset: z.coerce.number().int().min(0).max(10_000).optional(),
});
export type ListQuestions = z.input<typeof ListQuestionsSchema>;
export type ListQuestionsQuery = z.output<typeof ListQuestionsSchema>;

/** `GET /api/questions/similar?title=` — questions whose titles look like a title being typed. */
export const SimilarQuestionsSchema = z.object({ title: z.string().trim().max(LIMITS.titleMax) });

/** `POST /api/questions/:id/answers`, `PATCH /api/answers/:id` */
export const AnswerBodySchema = z.object({ body: BodySchema });
export type AnswerBody = z.infer<typeof AnswerBodySchema>;

/** `POST /api/questions/:id/vote`, `POST /api/answers/:id/vote`: without `up` the vote toggles. */
export const VoteSchema = z.object({ up: z.boolean().optional() });
export type Vote = z.infer<typeof VoteSchema>;

/** report (any user), hide/restore (admin) */
export const ReasonBodySchema = z.object({ reason: ReasonSchema });
export type ReasonBody = z.infer<typeof ReasonBodySchema>;

/** `POST /api/questions/:id/invite` */
export const InviteSchema = z.object({ userId: IdSchema });

/** `POST /api/qa/events` (admin) */
export const CreateEventSchema = z.object({
  title: TitleSchema,
  startsAt: z.iso.datetime({ offset: true }),
  /** how many top-voted unanswered questions to pull into the queue now */
  pull: z.number().int().min(0).max(QA_LIMITS.eventQueueMax).optional(),
  /** the street holding the event; omitted or null for a district-level one */
  streetId: z.string().min(1).max(64).nullable().optional(),
});
export type CreateEvent = z.infer<typeof CreateEventSchema>;

// ---------------------------------------------------------------- objects

export interface QaAuthor {
  /** null for a pseudonymous question seen by a peer */
  id: string | null;
  displayName: string;
  role: Role | null;
  level: Level | null;
  anonymous: boolean;
}

/** A run of text, `hit` when it matches the search: render as text, never as HTML. */
export interface HighlightPart {
  text: string;
  hit: boolean;
}

export interface Question {
  id: string;
  title: string;
  body: string;
  /** body rendered from Markdown on the server (raw HTML escaped, unsafe links dropped) */
  bodyHtml: string;
  capability: Capability | null;
  tags: string[];
  anonymous: boolean;
  author: QaAuthor;
  /** the viewer asked it */
  mine: boolean;
  votes: number;
  /** the viewer upvoted it */
  voted: boolean;
  answerCount: number;
  acceptedAnswerId: string | null;
  hidden: boolean;
  hiddenReason: string | null;
  eventId: string | null;
  createdAt: string;
  updatedAt: string;
  lastActivityAt: string;
}

export interface QuestionListItem extends Omit<Question, "body" | "bodyHtml"> {
  excerpt: string;
  highlight?: { title: HighlightPart[]; excerpt: HighlightPart[] };
}

export interface Answer {
  id: string;
  questionId: string;
  body: string;
  bodyHtml: string;
  author: QaAuthor;
  /** the author is a 老书记 */
  veteran: boolean;
  mine: boolean;
  votes: number;
  voted: boolean;
  accepted: boolean;
  hidden: boolean;
  hiddenReason: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface VoteResult {
  votes: number;
  voted: boolean;
}

export interface QaReport {
  id: string;
  targetType: "question" | "answer";
  targetId: string;
  questionId: string;
  reason: string;
  reporter: { id: string; displayName: string };
  excerpt: string;
  hidden: boolean;
  createdAt: string;
}

export interface QaAuditEntry {
  id: string;
  action: "hide" | "restore" | "report";
  targetType: "question" | "answer";
  targetId: string;
  reason: string;
  actor: { id: string; displayName: string };
  createdAt: string;
}

export interface VeteranProfile {
  user: { id: string; displayName: string; role: Role; level: Level };
  answerCount: number;
  acceptedCount: number;
  /** answers per capability of the questions answered */
  capabilities: { capability: Capability; answers: number; accepted: number }[];
  recentAnswers: { id: string; questionId: string; questionTitle: string; accepted: boolean; createdAt: string }[];
}

export interface LeaderboardEntry {
  user: { id: string; displayName: string; role: Role; level: Level };
  acceptedCount: number;
  answerCount: number;
}

export const QA_EVENT_STATUSES = ["scheduled", "live", "ended"] as const;
export type QaEventStatus = (typeof QA_EVENT_STATUSES)[number];

export interface QaEvent {
  id: string;
  title: string;
  startsAt: string;
  status: QaEventStatus;
  host: { id: string; displayName: string };
  /** the street holding the event; null for a district-level one */
  streetId: string | null;
  currentQuestionId: string | null;
  /** false: the questions still to come follow the votes; true: the host has put them in order */
  orderedByHost: boolean;
  startedAt: string | null;
  endedAt: string | null;
}

export interface QaEventQueueItem {
  question: QuestionListItem;
  position: number;
  source: "pulled" | "added" | "floor";
}

export interface QaEventSummary {
  total: number;
  answered: number;
  unanswered: number;
}

/** Everything the live page shows. */
export interface QaEventState {
  event: QaEvent;
  queue: QaEventQueueItem[];
  /** answers to the current question, oldest first */
  currentAnswers: Answer[];
  summary: QaEventSummary;
}

// ---------------------------------------------------------------- Socket.IO

export const QaSubscribeSchema = z.object({ eventId: IdSchema.optional() });
export type QaSubscribe = z.infer<typeof QaSubscribeSchema>;

export const QaControlSchema = z.discriminatedUnion("action", [
  z.object({ eventId: IdSchema, action: z.literal("start") }),
  z.object({ eventId: IdSchema, action: z.literal("next") }),
  z.object({ eventId: IdSchema, action: z.literal("end") }),
  z.object({ eventId: IdSchema, action: z.literal("current"), questionId: IdSchema }),
  /** hand the order of the questions still to come back to the votes */
  z.object({ eventId: IdSchema, action: z.literal("sortByVotes") }),
]);
export type QaControl = z.infer<typeof QaControlSchema>;

/** Host: put the queue in this order (must name exactly the queued questions). */
export const QaReorderSchema = z.object({
  eventId: IdSchema,
  questionIds: z.array(IdSchema).max(QA_LIMITS.eventQueueMax),
});
export type QaReorder = z.infer<typeof QaReorderSchema>;

/** Host: add a question from the board to the end of the queue. */
export const QaQueueAddSchema = z.object({ eventId: IdSchema, questionId: IdSchema });
export type QaQueueAdd = z.infer<typeof QaQueueAddSchema>;

export interface QaClientEvents {
  /** without eventId: the whole board's new questions and answers; with it: one live event */
  "qa:subscribe": AckHandler<QaSubscribe, { state: QaEventState | null }>;
  "qa:unsubscribe": AckHandler<QaSubscribe, object>;
  "qa:control": AckHandler<QaControl, { state: QaEventState }>;
  "qa:reorder": AckHandler<QaReorder, { state: QaEventState }>;
  "qa:queueAdd": AckHandler<QaQueueAdd, { state: QaEventState }>;
}

export interface QaServerEvents {
  /** a new question (board), or a question asked from the floor (event room) */
  "qa:question": (payload: { question: QuestionListItem; eventId: string | null }) => void;
  "qa:answer": (payload: { answer: Answer; questionId: string }) => void;
  "qa:event": (payload: { state: QaEventState }) => void;
  /** a vote count changed (the count only: who voted is nobody else's business) */
  "qa:vote": (payload: QaVoteChange) => void;
  /** the asker (or an admin) accepted an answer */
  "qa:accepted": (payload: { questionId: string; acceptedAnswerId: string }) => void;
}

export interface QaVoteChange {
  target: "question" | "answer";
  id: string;
  questionId: string;
  votes: number;
}

/** `POST /api/qa/events/:id/pull` (host): how many top unanswered questions to take; the body may be left out */
export const QaPullSchema = z.object({ count: z.number().int().min(1).max(QA_LIMITS.eventQueueMax).optional() });

/** `GET /api/qa/audit` (admin): one post's trail, or all */
export const QaAuditQuerySchema = z.object({ targetId: IdSchema.optional() });
