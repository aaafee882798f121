/* Wire contract of the forums feature (书记论坛 / 群众考书记): REST bodies and Socket.IO events (see DESIGN.md). */
import { z } from "zod";
import type { AckHandler } from "./errors.ts";
import { CapabilitySchema, type Role } from "./enums.ts";
import { ClientIdSchema, IdSchema } from "./ids.ts";
import { LIMITS } from "./limits.ts";
import type { Commitment } from "./commitments.ts";
import type { ScoreItem } from "./vocabulary.ts";

export const FORUM_MODES = ["forum", "examination"] as const;
export const ForumModeSchema = z.enum(FORUM_MODES);
export type ForumMode = z.infer<typeof ForumModeSchema>;

export const FORUM_STATUSES = ["scheduled", "live", "ended"] as const;
export type ForumStatus = (typeof FORUM_STATUSES)[number];

/**
 * 群众考书记 scoring groups, per forum: each has a name and a weight. The hall's groups are scored by
 * guests holding a ballot code (现场评议); `secretaries` (同行书记) is scored by signed-in secretaries,
 * and only when the host allows it (`peerScoring`). Nobody else signed in scores.
 */
export const PEER_GROUP = "secretaries";
export const ScoreGroupIdSchema = z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,31}$/, "群体标识只能是字母和数字");
export type ScoreGroup = string;

export const ScoreGroupDefSchema = z.object({
  id: ScoreGroupIdSchema,
  name: z.string().trim().min(1, "请填写群体名称").max(20, "群体名称最多 20 个字"),
  weight: z.number().min(0).max(100),
});
export type ScoreGroupDef = z.infer<typeof ScoreGroupDefSchema>;

export const ScoreGroupsSchema = z
  .array(ScoreGroupDefSchema)
  .min(2)
  .max(8)
  .refine((groups) => new Set(groups.map((g) => g.id)).size === groups.length, "群体不能重复")
  .refine((groups) => groups.some((g) => g.id === PEER_GROUP), "必须保留同行书记一组（是否计分由主持人决定）")
  .refine((groups) => groups.reduce((sum, g) => sum + g.weight, 0) > 0, "至少一个群体的权重大于 0");

/** The plan's groups: 党员、居民代表、列席企业及群众代表, plus 同行书记 when the host allows it. */
export const DEFAULT_GROUPS: ScoreGroupDef[] = [
  { id: "party", name: "党员代表", weight: 1 },
  { id: "residentReps", name: "居民代表", weight: 1 },
  { id: "enterprise", name: "列席企业代表", weight: 1 },
  { id: "public", name: "群众代表", weight: 1 },
  { id: PEER_GROUP, name: "同行书记", weight: 1 },
];

/** How a ballot came in: a printed single-use code, the venue QR on the projector, or a secretary's account. */
export const BALLOT_MECHANISMS = ["printed", "venue", "account"] as const;
export type BallotMechanism = (typeof BALLOT_MECHANISMS)[number];
export const BALLOT_MECHANISM_LABELS: Record<BallotMechanism, string> = {
  printed: "纸质选票码",
  venue: "现场扫码",
  account: "账号",
};

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
  groups: ScoreGroupsSchema.optional(),
  /** 同行书记 (signed-in secretaries) score too */
  peerScoring: z.boolean().optional(),
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
export function isTalkEditable(
  forum: { status: ForumStatus; currentTalkId: string | null },
  talk: { id: string; startedAt: unknown },
): boolean {
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

/** `PUT /api/forums/:id/groups` (host, until the end): the groups with their weights, and whether 同行书记 score */
export const UpdateGroupsSchema = z.object({ groups: ScoreGroupsSchema, peerScoring: z.boolean() });
export type UpdateGroups = z.infer<typeof UpdateGroupsSchema>;

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
  /** scoring groups (群众考书记) with their weights */
  groups: ScoreGroupDef[];
  /** signed-in secretaries score as 同行书记 */
  peerScoring: boolean;
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

// SCORE_ITEMS and groupName live in vocabulary.ts, which has no dependencies: a phone scoring a
// talk needs them, not the schemas (zod) of this file.
export { groupName, SCORE_ITEMS, type ScoreItem } from "./vocabulary.ts";
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
  name: string;
  weight: number;
  ballots: number;
  /** how this group's ballots came in */
  byMechanism: Record<BallotMechanism, number>;
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
  /** the group this viewer scores in; null when they don't score (staff, or 同行书记 not allowed) */
  scoreGroup: ScoreGroup | null;
  /** a guest of the hall (现场评议): no account, bound to this forum */
  isGuest: boolean;
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

// in limits.ts (no zod there), so the audience view that caps its input doesn't load the schemas
export { ANSWER_NOTE_MAX } from "./limits.ts";
import { ANSWER_NOTE_MAX } from "./limits.ts";

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

// ——— 现场评议: ballot codes and guests ———

/** A code as printed and typed: 10 letters and digits without look-alikes. */
export const BallotCodeSchema = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-HJ-NP-Z2-9]{10}$/, "选票码格式不对");

/** `POST /api/forums/:id/ballot-codes` (host): N single-use printed codes for one group. */
export const GenerateCodesSchema = z.object({ group: ScoreGroupIdSchema, count: z.number().int().min(1).max(500) });
export type GenerateCodes = z.infer<typeof GenerateCodesSchema>;

/** `PUT /api/forums/:id/venue` (host): voters allowed per group through the venue QR (0 closes a group). */
export const VenueCapsSchema = z.object({ caps: z.record(ScoreGroupIdSchema, z.number().int().min(0).max(5000)) });
export type VenueCaps = z.infer<typeof VenueCapsSchema>;

/** `POST /api/guest/code`: open a guest session with a printed code. */
export const RedeemCodeSchema = z.object({ code: BallotCodeSchema });

/** `POST /api/guest/venue/:venueCode`: a device joins through the venue QR; its first group is final. */
export const VenueJoinSchema = z.object({
  group: ScoreGroupIdSchema.optional(),
  /** the token this device was given on its first join (kept in the browser) */
  deviceToken: z
    .string()
    .regex(/^[a-z2-7]{32}$/)
    .optional(),
});
export type VenueJoin = z.infer<typeof VenueJoinSchema>;

export interface BallotCode {
  id: string;
  code: string;
  group: ScoreGroup;
  used: boolean;
}

/** What the host sees of the venue QR: its code and, per group, the cap and how many devices took it. */
export interface VenueState {
  code: string | null;
  caps: Record<ScoreGroup, number>;
  taken: Record<ScoreGroup, number>;
}

/** `GET /api/forums/:id/ballot-codes` (host) */
export interface BallotCodesView {
  codes: BallotCode[];
  venue: VenueState;
}

/** `GET /api/guest/venue/:venueCode` (anyone with the QR): the groups a device may still pick. */
export interface VenueInfo {
  forumId: string;
  forumTitle: string;
  status: ForumStatus;
  groups: { id: ScoreGroup; name: string; remaining: number }[];
}

/** `GET /api/guest`: the guest session of this browser. */
export interface GuestView {
  id: string;
  forumId: string;
  forumTitle: string;
  group: ScoreGroup;
  groupName: string;
  mechanism: "printed" | "venue";
}

/** `GET /api/forums/:id/archive?format=`: the archive as JSON, Markdown or the scores as CSV. */
export const ArchiveQuerySchema = z.object({ format: z.enum(["json", "md", "csv"]).default("json") });
