/* Wire contract of the studios feature (导师工作室): REST bodies and Socket.IO events (see DESIGN.md). */
import { z } from "zod";
import { CapabilitySchema, STUDIO_KINDS, type StudioKind } from "./enums.ts";
import type { AckHandler } from "./errors.ts";
import { ClientIdSchema, IdSchema } from "./ids.ts";
import { LIMITS } from "./limits.ts";

export const STUDIO_MENTEES_MIN = 2;
export const STUDIO_MENTEES_MAX = 3;
/** a 帮带 studio has one veteran and one or more 后备人选, bounded */
export const BANGDAI_RESERVES_MAX = 10;
/** default terms: a mentor studio runs two years, a 帮带 one year (the organiser may set either) */
export const STUDIO_TERM_YEARS: Record<StudioKind, number> = { mentor: 2, bangdai: 1 };
/** REST history page size */
export const STUDIO_HISTORY_MAX = 100;
/** messages replayed in one `studio:join` acknowledgement; the rest is fetched with `?after=` */
export const STUDIO_REPLAY_MAX = 500;
/** a task is "due soon" (and its mentees notified) this long before its due time */
export const STUDIO_TASK_DUE_SOON_MS = 24 * 3600_000;

const IsoDate = z.iso.datetime({ offset: true });

// ---------- REST ----------

const menteeRule = `每个工作室带教 ${STUDIO_MENTEES_MIN}–${STUDIO_MENTEES_MAX} 名书记`;

export const CreateStudioSchema = z
  .object({
    name: z.string().trim().min(1, "请填写工作室名称").max(LIMITS.titleMax),
    kind: z.enum(STUDIO_KINDS).default("mentor"),
    /** the 社区导师 of a mentor studio, the 老书记 of a 帮带 one */
    mentorId: IdSchema,
    /** the 书记 of a mentor studio (2–3), the 后备人选 of a 帮带 one (1 or more) */
    menteeIds: z.array(IdSchema).min(1, "请选择学员").max(BANGDAI_RESERVES_MAX, `最多 ${BANGDAI_RESERVES_MAX} 人`),
    /** default: now */
    termStartsAt: IsoDate.optional(),
    /** default: two years (mentor) or one year (帮带) after the start */
    termEndsAt: IsoDate.optional(),
    /** the street running the studio (organisers choose; a street admin's is always their street) */
    streetId: z.string().min(1).max(64).nullable().optional(),
  })
  .refine(
    (v) =>
      v.kind !== "mentor" || (v.menteeIds.length >= STUDIO_MENTEES_MIN && v.menteeIds.length <= STUDIO_MENTEES_MAX),
    {
      message: menteeRule,
      path: ["menteeIds"],
    },
  )
  .refine((v) => new Set(v.menteeIds).size === v.menteeIds.length, { message: "学员不能重复", path: ["menteeIds"] })
  .refine((v) => !v.menteeIds.includes(v.mentorId), { message: "导师不能同时是学员", path: ["menteeIds"] })
  .refine((v) => !v.termStartsAt || !v.termEndsAt || Date.parse(v.termEndsAt) > Date.parse(v.termStartsAt), {
    message: "任期结束时间必须晚于开始时间",
    path: ["termEndsAt"],
  });
export type CreateStudio = z.infer<typeof CreateStudioSchema>;

export const StudioMemberSchema = z.object({
  userId: z.string(),
  displayName: z.string(),
  role: z.enum(["mentor", "mentee"]),
  communityId: z.string().nullable(),
  /** highest message seq this member has read */
  readSeq: z.number().int(),
  online: z.boolean(),
  lastSeenAt: z.string().nullable(),
  joinedAt: z.string(),
});
export type StudioMember = z.infer<typeof StudioMemberSchema>;

/** Someone taken out of the studio mid-term: they read what was written up to `leftAt`. */
export const FormerStudioMemberSchema = z.object({
  userId: z.string(),
  displayName: z.string(),
  role: z.enum(["mentor", "mentee"]),
  joinedAt: z.string(),
  leftAt: z.string(),
});
export type FormerStudioMember = z.infer<typeof FormerStudioMemberSchema>;

/** `POST /api/studios/:id/members`: an organiser adds a 书记 (mentor studio) or 后备人选 (帮带) mid-term. */
export const AddStudioMemberSchema = z.object({ userId: IdSchema });
export type AddStudioMember = z.infer<typeof AddStudioMemberSchema>;

export const StudioSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(STUDIO_KINDS),
  mentorId: z.string(),
  /** the street running the studio; null for a district-level one */
  streetId: z.string().nullable(),
  termStartsAt: z.string(),
  termEndsAt: z.string(),
  /** true once the term has ended: readable, no longer writable */
  readOnly: z.boolean(),
  lastSeq: z.number().int(),
  /** the people in the studio now */
  members: z.array(StudioMemberSchema),
  /** people taken out mid-term */
  formerMembers: z.array(FormerStudioMemberSchema),
  /** set when the viewer has left this studio: they read only up to this instant */
  myLeftAt: z.string().nullable(),
  /** messages by others after my read position (0 for non-members) */
  unread: z.number().int(),
  lastMessage: z
    .object({ seq: z.number().int(), authorName: z.string(), text: z.string(), createdAt: z.string() })
    .nullable(),
  createdAt: z.string(),
});
export type Studio = z.infer<typeof StudioSchema>;

export const HistoryQuerySchema = z.object({
  /** messages with seq < before (newest page when absent) */
  before: z.coerce.number().int().positive().optional(),
  /** messages with seq > after, oldest first (catch-up after a long absence) */
  after: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(STUDIO_HISTORY_MAX).default(50),
});
export type HistoryQuery = z.infer<typeof HistoryQuerySchema>;

/** `GET /api/studios?scope=all`: an admin's overview of every studio (members only, no messages). */
export const StudioListQuerySchema = z.object({ scope: z.enum(["mine", "all"]).default("mine") });

export const SearchQuerySchema = z.object({ q: z.string().trim().min(1, "请输入搜索内容").max(100) });

export const ExportQuerySchema = z.object({
  format: z.enum(["md", "csv"]).default("md"),
  /** inclusive start day / instant */
  from: z.string().min(1).optional(),
  /** inclusive end day / instant */
  to: z.string().min(1).optional(),
});
export type ExportQuery = z.infer<typeof ExportQuerySchema>;

export const AttachmentSchema = z.object({
  id: z.string(),
  name: z.string(),
  mime: z.string(),
  size: z.number().int(),
  isImage: z.boolean(),
  url: z.string(),
});
export type Attachment = z.infer<typeof AttachmentSchema>;

export const MessageRefSchema = z.object({
  id: z.string(),
  seq: z.number().int(),
  authorName: z.string(),
  text: z.string(),
  withdrawn: z.boolean(),
});

export const StudioMessageSchema = z.object({
  id: z.string(),
  studioId: z.string(),
  /** per-studio sequence number: 1, 2, 3 … without gaps, assigned by the database */
  seq: z.number().int(),
  clientId: z.string(),
  authorId: z.string(),
  authorName: z.string(),
  /** `system`: a line the server writes, e.g. 「张丽书记加入了工作室」 */
  kind: z.enum(["text", "task", "system"]),
  /** empty once withdrawn */
  text: z.string(),
  replyTo: MessageRefSchema.nullable(),
  attachment: AttachmentSchema.nullable(),
  taskId: z.string().nullable(),
  /** user ids @mentioned in the text */
  mentions: z.array(z.string()),
  createdAt: z.string(),
  editedAt: z.string().nullable(),
  withdrawnAt: z.string().nullable(),
  pinnedAt: z.string().nullable(),
});
export type StudioMessage = z.infer<typeof StudioMessageSchema>;

export const TASK_STATES = ["assigned", "received", "done"] as const;
export type TaskState = (typeof TASK_STATES)[number];
export const TASK_STATE_LABELS: Record<TaskState, string> = { assigned: "待确认", received: "已收到", done: "已完成" };

export const StudioTaskSchema = z.object({
  id: z.string(),
  studioId: z.string(),
  messageId: z.string().nullable(),
  title: z.string(),
  dueAt: z.string(),
  capability: CapabilitySchema.nullable(),
  createdAt: z.string(),
  states: z.array(
    z.object({
      userId: z.string(),
      displayName: z.string(),
      state: z.enum(TASK_STATES),
      receivedAt: z.string().nullable(),
      doneAt: z.string().nullable(),
    }),
  ),
});
export type StudioTask = z.infer<typeof StudioTaskSchema>;

// ---------- Socket.IO: client → server ----------

export const StudioJoinSchema = z.object({
  studioId: IdSchema,
  /** the highest seq this client holds; everything after it is replayed in order. Absent: the newest page. */
  lastSeq: z.number().int().min(0).optional(),
  /** server time of the previous join: messages edited/withdrawn/pinned since are sent in `changed` */
  changedSince: IsoDate.optional(),
});
export type StudioJoin = z.infer<typeof StudioJoinSchema>;

export interface StudioJoinResult {
  studio: Studio;
  /** seq > lastSeq in order (or the newest page) */
  messages: StudioMessage[];
  /** false when more than STUDIO_REPLAY_MAX were missed: fetch the rest with `?after=` */
  complete: boolean;
  /** older messages edited, withdrawn or (un)pinned since `changedSince` */
  changed: StudioMessage[];
  pins: StudioMessage[];
  tasks: StudioTask[];
  /** pass back as `changedSince` on the next join */
  serverTime: string;
}

export const StudioSendSchema = z
  .object({
    studioId: IdSchema,
    text: z.string().max(LIMITS.chatTextMax, `消息最多 ${LIMITS.chatTextMax} 字`),
    clientId: ClientIdSchema,
    replyTo: IdSchema.optional(),
    attachmentId: IdSchema.optional(),
  })
  .refine((v) => v.text.trim().length > 0 || v.attachmentId, { message: "消息不能为空", path: ["text"] });
export type StudioSend = z.infer<typeof StudioSendSchema>;

export const StudioEditSchema = z.object({
  studioId: IdSchema,
  messageId: IdSchema,
  text: z.string().trim().min(1, "消息不能为空").max(LIMITS.chatTextMax, `消息最多 ${LIMITS.chatTextMax} 字`),
});
export type StudioEdit = z.infer<typeof StudioEditSchema>;

export const StudioMessageRefSchema = z.object({ studioId: IdSchema, messageId: IdSchema });
export const StudioPinSchema = z.object({ studioId: IdSchema, messageId: IdSchema, pinned: z.boolean() });

export const StudioTypingSchema = z.object({ studioId: IdSchema, typing: z.boolean().default(true) });
export const StudioReadSchema = z.object({ studioId: IdSchema, seq: z.number().int().min(0) });
export const StudioLeaveSchema = z.object({ studioId: IdSchema });

export const StudioAssignTaskSchema = z.object({
  studioId: IdSchema,
  title: z.string().trim().min(1, "请填写任务").max(LIMITS.titleMax),
  dueAt: IsoDate,
  capability: CapabilitySchema.optional(),
  clientId: ClientIdSchema,
});
export type StudioAssignTask = z.infer<typeof StudioAssignTaskSchema>;

export const StudioTaskStateSchema = z.object({
  studioId: IdSchema,
  taskId: IdSchema,
  state: z.enum(["received", "done"]),
});

/** Events the client sends (each with an acknowledgement callback). */
export interface StudioClientEvents {
  "studio:join": AckHandler<StudioJoin, StudioJoinResult>;
  "studio:leave": AckHandler<z.infer<typeof StudioLeaveSchema>>;
  "studio:send": AckHandler<z.input<typeof StudioSendSchema>, { message: StudioMessage }>;
  "studio:edit": AckHandler<StudioEdit, { message: StudioMessage }>;
  "studio:withdraw": AckHandler<z.infer<typeof StudioMessageRefSchema>, { message: StudioMessage }>;
  "studio:pin": AckHandler<z.infer<typeof StudioPinSchema>, { message: StudioMessage }>;
  "studio:typing": AckHandler<z.input<typeof StudioTypingSchema>>;
  "studio:read": AckHandler<z.infer<typeof StudioReadSchema>, { seq: number }>;
  "studio:task": AckHandler<StudioAssignTask, { message: StudioMessage; task: StudioTask }>;
  "studio:taskState": AckHandler<z.infer<typeof StudioTaskStateSchema>, { task: StudioTask }>;
}

// ---------- Socket.IO: server → client ----------

export interface StudioServerEvents {
  /** a new committed message */
  "studio:message": (payload: { studioId: string; message: StudioMessage }) => void;
  /** a message was edited, withdrawn, pinned or unpinned */
  "studio:update": (payload: { studioId: string; message: StudioMessage }) => void;
  "studio:typing": (payload: { studioId: string; userId: string; displayName: string; typing: boolean }) => void;
  "studio:read": (payload: { studioId: string; userId: string; seq: number }) => void;
  "studio:presence": (payload: {
    studioId: string;
    userId: string;
    online: boolean;
    lastSeenAt: string | null;
  }) => void;
  /** a task was assigned or a mentee's state changed */
  "studio:task": (payload: { studioId: string; task: StudioTask }) => void;
}
