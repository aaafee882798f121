/* Wire contract of the forums feature (书记论坛 / 群众考书记): REST bodies and Socket.IO events (see DESIGN.md). */
import { z } from "zod";
import type { AckHandler } from "./errors.ts";
import { CAPABILITIES, CapabilitySchema, type Role } from "./enums.ts";
import { ClientIdSchema, IdSchema } from "./ids.ts";
import { LIMITS } from "./limits.ts";
import type { Commitment } from "./commitments.ts";

export const FORUM_MODES = ["forum", "examination"] as const;
export const ForumModeSchema = z.enum(FORUM_MODES);
export type ForumMode = z.infer<typeof ForumModeSchema>;

export const FORUM_STATUSES = ["scheduled", "live", "ended"] as const;
export type ForumStatus = (typeof FORUM_STATUSES)[number];

/** 群众考书记 scoring groups: 居民 (everyone not in another group), 党员 (users.partyMember), 同行书记 (role secretary). */
export const SCORE_GROUPS = ["residents", "partyMembers", "secretaries"] as const;
export type ScoreGroup = (typeof SCORE_GROUPS)[number];

export const GroupWeightsSchema = z.object({
  residents: z.number().min(0).max(100),
  partyMembers: z.number().min(0).max(100),
  secretaries: z.number().min(0).max(100),
}).refine((w) => w.residents + w.partyMembers + w.secretaries > 0, "至少一个群体的权重大于 0");
export type GroupWeights = z.infer<typeof GroupWeightsSchema>;
export const EQUAL_WEIGHTS: GroupWeights = { residents: 1, partyMembers: 1, secretaries: 1 };

const TitleSchema = z.string().trim().min(1, "请填写标题").max(LIMITS.titleMax, `标题最多 ${LIMITS.titleMax} 个字`);

export const CreateTalkSchema = z.object({
  title: TitleSchema,
  presenterId: IdSchema,
  capability: CapabilitySchema.optional(),
  plannedMinutes: z.number().int().min(1).max(240).optional(),
});
export type CreateTalk = z.infer<typeof CreateTalkSchema>;

export const CreateForumSchema = z.object({
  title: TitleSchema,
  mode: ForumModeSchema,
  startsAt: z.iso.datetime({ offset: true }),
  theme: z.string().trim().max(500).optional(),
  weights: GroupWeightsSchema.optional(),
  talks: z.array(CreateTalkSchema).max(30).optional(),
  /** the street holding the forum (organisers choose; a street admin's is always their street) */
  streetId: z.string().min(1).max(64).nullable().optional(),
});
export type CreateForum = z.infer<typeof CreateForumSchema>;

/** `PATCH /api/forums/:id` (host, before the start): any of the fields set at creation except the agenda. */
export const UpdateForumSchema = z
  .object({
    title: TitleSchema.optional(),
    mode: ForumModeSchema.optional(),
    startsAt: z.iso.datetime({ offset: true }).optional(),
    theme: z.string().trim().max(500).nullable().optional(),
  })
  .refine((v) => Object.keys(v).length > 0, "没有要修改的内容");
export type UpdateForum = z.infer<typeof UpdateForumSchema>;

/**
 * `PATCH /api/forums/:id/talks/:talkId` (host): before the start any talk; once live, only a talk
 * not yet given (never started and not on stage); never after the end.
 */
export const UpdateTalkSchema = z
  .object({
    title: TitleSchema.optional(),
    presenterId: IdSchema.optional(),
    capability: CapabilitySchema.nullable().optional(),
    plannedMinutes: z.number().int().min(1).max(240).nullable().optional(),
  })
  .refine((v) => Object.keys(v).length > 0, "没有要修改的内容");
export type UpdateTalk = z.infer<typeof UpdateTalkSchema>;

/**
 * The agenda rule both sides apply: a talk can be edited before the start, and once live only while
 * it has not been given (never started, not on stage); nothing changes after the end. Deleting and
 * reordering talks, and editing or deleting the forum, are for before the start only.
 */
export function isTalkEditable(forum: { status: ForumStatus; currentTalkId: string | null }, talk: { id: string; startedAt: unknown }): boolean {
  if (forum.status === "scheduled") return true;
  if (forum.status === "ended") return false;
  return talk.startedAt === null && forum.currentTalkId !== talk.id;
}

/** `PUT /api/forums/:id/talks/order` (host, before the start): every talk of the agenda exactly once. */
export const ReorderTalksSchema = z.object({
  talkIds: z.array(IdSchema).min(1).max(200),
});
export type ReorderTalks = z.infer<typeof ReorderTalksSchema>;

/** `GET /api/forums/join-origin`: where phones should open the join link (PUBLIC_ORIGIN), if configured. */
export interface JoinOrigin {
  publicOrigin: string | null;
}

/** `PUT /api/forums/:id/weights` (host, before the first round opens) */
export const UpdateWeightsSchema = z.object({ weights: GroupWeightsSchema });

/** `PUT /api/forums/:id/talks/:talkId/notes`: presenter notes keyed by page number ("1", "2", …) */
export const TalkNotesSchema = z.object({
  notes: z.record(z.string().regex(/^\d{1,4}$/), z.string().max(LIMITS.chatTextMax)),
});
export type TalkNotes = z.infer<typeof TalkNotesSchema>;

export const ForumListQuerySchema = z.object({ status: z.enum(FORUM_STATUSES).optional() });

export const ROUND_STATUSES = ["none", "open", "closed"] as const;
export type RoundStatus = (typeof ROUND_STATUSES)[number];

export interface Deck {
  fileName: string;
  size: number;
  pageCount: number | null;
  uploadedAt: string;
  /** where members fetch it (changes with every upload) */
  url: string;
}

export interface Talk {
  id: string;
  forumId: string;
  position: number;
  title: string;
  presenterId: string;
  presenterName: string;
  capability: z.infer<typeof CapabilitySchema> | null;
  plannedMinutes: number | null;
  /** current page (1-based) */
  slide: number;
  startedAt: string | null;
  endedAt: string | null;
  roundStatus: RoundStatus;
  deck: Deck | null;
}

export interface Forum {
  id: string;
  title: string;
  theme: string | null;
  mode: ForumMode;
  status: ForumStatus;
  startsAt: string;
  hostId: string;
  hostName: string;
  /** the street holding the forum; null for a district-level one */
  streetId: string | null;
  weights: GroupWeights;
  currentTalkId: string | null;
  highlightedQuestionId: string | null;
  startedAt: string | null;
  endedAt: string | null;
  createdAt: string;
  talks: Talk[];
}

export interface ForumChatMessage {
  id: string;
  forumId: string;
  clientId: string;
  author: { id: string; displayName: string; role: Role };
  text: string;
  createdAt: string;
}

export const QUESTION_STATUSES = ["pending", "open", "answered", "dismissed"] as const;
export type QuestionStatus = (typeof QUESTION_STATUSES)[number];

export interface ForumQuestion {
  id: string;
  forumId: string;
  talkId: string | null;
  /** the asker's idempotency key; empty for everyone but the asker */
  clientId: string;
  text: string;
  anonymous: boolean;
  /**
   * Always null for an anonymous question, whoever receives it — host, admin, projector, archive,
   * even the asker. Only the moderation view (`ModeratedQuestion`) names the asker.
   */
  author: { id: string; displayName: string; role: Role } | null;
  /** the recipient asked it (lets the asker find their own anonymous question without a name) */
  mine: boolean;
  status: QuestionStatus;
  votes: number;
  /** 现场问政: the host's one-line note of the answer given on stage */
  answerNote: string | null;
  createdAt: string;
}

/** A question in the moderation view (审核/实名): the asker is named even when anonymous. */
export interface ModeratedQuestion extends Omit<ForumQuestion, "author" | "mine"> {
  author: { id: string; displayName: string; role: Role };
}

/** `GET /api/forums/:id/moderation` (the forum's hosts and organisers; every opening is audited) */
export interface ForumModeration {
  questions: ModeratedQuestion[];
}

/** 六能力 + 总体评价, each 1–5 */
export const SCORE_ITEMS = [...CAPABILITIES, "overall"] as const;
export type ScoreItem = (typeof SCORE_ITEMS)[number];
const Mark = z.number().int().min(1).max(5);
export const BallotScoresSchema = z.object({
  service: Mark,
  mobilization: Mark,
  deliberation: Mark,
  projectOps: Mark,
  coordination: Mark,
  innovation: Mark,
  overall: Mark,
});
export type BallotScores = z.infer<typeof BallotScoresSchema>;

export interface ScoreGroupResult {
  group: ScoreGroup;
  weight: number;
  ballots: number;
  /** mean per item over this group's ballots; null when the group cast none */
  means: Record<ScoreItem, number> | null;
}

/**
 * Aggregates only, never individual ballots. `weighted[item]` = Σ w_g·mean_g[item] / Σ w_g over the
 * groups that cast at least one ballot; `total` is the mean of the seven weighted items.
 */
export interface Scoreboard {
  forumId: string;
  talkId: string;
  roundStatus: RoundStatus;
  ballots: number;
  groups: ScoreGroupResult[];
  weighted: Record<ScoreItem, number> | null;
  total: number | null;
}

export interface PresenceEntry {
  id: string;
  displayName: string;
  role: Role;
}
export interface ForumPresence {
  forumId: string;
  count: number;
  byRole: Partial<Record<Role, number>>;
  users: PresenceEntry[];
}

/** What the viewer may do in this forum (computed by the server's policy). */
export interface ForumViewer {
  isHost: boolean;
  /** presents the current talk */
  isPresenter: boolean;
  /** may open the moderation view (审核/实名), the only place an anonymous asker is named */
  reviewsAuthors: boolean;
  seesPending: boolean;
  scoreGroup: ScoreGroup;
}

/** Everything a client needs after `forum:join` (also used to resync after a reconnect). */
export interface ForumSnapshot {
  forum: Forum;
  viewer: ForumViewer;
  chat: ForumChatMessage[];
  questions: ForumQuestion[];
  /** question ids this viewer has upvoted */
  myVotes: string[];
  /** scoreboards of talks whose round is open or closed */
  scoreboards: Scoreboard[];
  /** this viewer's ballots by talk id */
  myBallots: Record<string, BallotScores>;
  presence: ForumPresence;
}

export interface ForumArchive {
  forum: Forum;
  questions: ForumQuestion[];
  /** 承诺事项 made at this forum */
  commitments: Commitment[];
  chat: ForumChatMessage[];
  scoreboards: Scoreboard[];
}

// ——— Socket.IO payloads (client → server) ———

const ForumRef = { forumId: IdSchema };
export const ForumJoinSchema = z.object(ForumRef);
export type ForumJoin = z.infer<typeof ForumJoinSchema>;

export const ForumControlSchema = z.object({
  ...ForumRef,
  action: z.enum(["start", "next", "end"]),
  /** for start/next: jump to this talk instead of the next one in the agenda */
  talkId: IdSchema.optional(),
  /**
   * for next: the agenda index (0-based, -1 before the first talk) of the talk the sender sees on
   * stage. The server refuses the press when the stage has already moved, so two hosts pressing
   * 下一位 together advance once. The client always sends it; without it the press is not checked.
   */
  expectedIndex: z.number().int().min(-1).max(1000).optional(),
});
export type ForumControl = z.infer<typeof ForumControlSchema>;

export const ForumSlideSchema = z.object({ ...ForumRef, talkId: IdSchema, slide: z.number().int().min(1).max(10_000) });
export type ForumSlide = z.infer<typeof ForumSlideSchema>;

export const ANSWER_NOTE_MAX = 200;

export const ForumModerateSchema = z.object({
  ...ForumRef,
  questionId: IdSchema,
  action: z.enum(["approve", "dismiss", "answered", "highlight"]),
  /** with `answered` (现场问政): one line on what was answered; sent again on an answered question, it replaces the note */
  note: z
    .string()
    .trim()
    .max(ANSWER_NOTE_MAX, `答复要点最多 ${ANSWER_NOTE_MAX} 个字`)
    .refine((v) => !/[\r\n]/.test(v), "答复要点只写一行")
    .optional(),
});
export type ForumModerate = z.infer<typeof ForumModerateSchema>;

export const ForumRoundSchema = z.object({ ...ForumRef, talkId: IdSchema, action: z.enum(["open", "close"]) });
export type ForumRound = z.infer<typeof ForumRoundSchema>;

const PostText = z.string().trim().min(1, "内容不能为空").max(LIMITS.chatTextMax, `最多 ${LIMITS.chatTextMax} 个字`);
export const ForumChatSchema = z.object({ ...ForumRef, text: PostText, clientId: ClientIdSchema });
export type ForumChat = z.infer<typeof ForumChatSchema>;

export const ForumAskSchema = z.object({
  ...ForumRef,
  text: PostText,
  anonymous: z.boolean().optional(),
  clientId: ClientIdSchema,
});
export type ForumAsk = z.infer<typeof ForumAskSchema>;

export const ForumVoteSchema = z.object({ ...ForumRef, questionId: IdSchema });
export type ForumVote = z.infer<typeof ForumVoteSchema>;

export const ForumScoreSchema = z.object({ ...ForumRef, talkId: IdSchema, scores: BallotScoresSchema });
export type ForumScore = z.infer<typeof ForumScoreSchema>;

/** Events the client sends (each with an acknowledgement callback). */
export interface ForumClientEvents {
  "forum:join": AckHandler<ForumJoin, { state: ForumSnapshot }>;
  /** stop receiving the forum's events (leaving the page); also happens on disconnect */
  "forum:leave": AckHandler<ForumJoin>;
  "forum:control": AckHandler<ForumControl, { forum: Forum }>;
  "forum:slide": AckHandler<ForumSlide, { slide: number }>;
  "forum:moderate": AckHandler<ForumModerate, { question: ForumQuestion }>;
  "forum:round": AckHandler<ForumRound, { scoreboard: Scoreboard }>;
  "forum:chat": AckHandler<ForumChat, { message: ForumChatMessage }>;
  "forum:ask": AckHandler<ForumAsk, { question: ForumQuestion }>;
  "forum:vote": AckHandler<ForumVote, { questionId: string; votes: number; voted: boolean }>;
  "forum:score": AckHandler<ForumScore, { scores: BallotScores }>;
}

/** Events the server pushes. */
/** File types a deck may be uploaded as; Office decks are converted to PDF on the server. */
export const DECK_EXTENSIONS = ["pdf", "ppt", "pptx", "odp"] as const;

/**
 * Sent to the uploader only, while the server works on an uploaded Office deck: waiting for the
 * converter, then converting. The upload's own response says when it is done or why it failed.
 */
export interface DeckProgress {
  forumId: string;
  talkId: string;
  step: "queued" | "converting";
}

export interface ForumServerEvents {
  "forum:deckProgress": (payload: DeckProgress) => void;
  /** agenda, status, current talk, round states, highlighted question changed */
  "forum:state": (payload: { forum: Forum }) => void;
  "forum:slide": (payload: { forumId: string; talkId: string; slide: number }) => void;
  "forum:chat": (payload: ForumChatMessage) => void;
  /** a new or changed question, already shaped for the recipient (author hidden unless allowed) */
  "forum:question": (payload: ForumQuestion) => void;
  "forum:scoreboard": (payload: Scoreboard) => void;
  "forum:presence": (payload: ForumPresence) => void;
  /** the host withdrew the forum before it started */
  "forum:deleted": (payload: { forumId: string }) => void;
}

export const SCORE_GROUP_LABELS: Record<ScoreGroup, string> = {
  residents: "居民群众",
  partyMembers: "党员",
  secretaries: "同行书记",
};
