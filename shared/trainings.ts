import { z } from "zod";
import { CapabilitySchema, FlagSchema, RoleSchema } from "./enums.ts";
import { IdSchema } from "./ids.ts";

/** 培训活动: levels, types and the wire contract of trainings, check-in (签到), the ledger and the calendar. */
export const TRAINING_LEVELS = ["district", "street", "community"] as const;
export const TrainingLevelSchema = z.enum(TRAINING_LEVELS);
export type TrainingLevel = z.infer<typeof TrainingLevelSchema>;
export const TRAINING_LEVEL_LABELS: Record<TrainingLevel, string> = {
  district: "区级",
  street: "街道级",
  community: "社区级",
};

/** The plan's kinds of training; the value is the Chinese name the plan uses. */
export const TRAINING_TYPES = [
  "专题培训班",
  "轮训",
  "岗位基本业务知识",
  "社工加油站",
  "特训营",
  "实训",
  "其他",
] as const;
export const TrainingTypeSchema = z.enum(TRAINING_TYPES);
export type TrainingType = z.infer<typeof TrainingTypeSchema>;
/** Hours of this type count towards the new hire's 30 学时. */
export const NEW_HIRE_TRAINING_TYPE: TrainingType = "岗位基本业务知识";
export const NEW_HIRE_REQUIRED_HOURS = 30;

export const TRAINING_LIMITS = {
  titleMax: 120,
  themeMax: 200,
  placeMax: 120,
  hoursMax: 200,
  seriesMonthsMax: 12,
  reasonMax: 200,
};

/** 学时: non-negative, in steps of half an hour. */
export const HoursSchema = z
  .number()
  .min(0)
  .max(TRAINING_LIMITS.hoursMax)
  .refine((h) => Number.isInteger(h * 2), "学时须为 0.5 的整数倍");

const AudienceSchema = z.object({
  roles: z.array(RoleSchema).max(8).default([]),
  flags: z.array(FlagSchema).max(5).default([]),
  streets: z.array(z.string().min(1).max(40)).max(20).default([]),
  communities: z.array(z.string().min(1).max(40)).max(100).default([]),
});
export type Audience = z.infer<typeof AudienceSchema>;

const isoDateTime = z.string().datetime({ offset: true });

export const CreateTrainingSchema = z
  .object({
    title: z.string().trim().min(1, "请填写标题").max(TRAINING_LIMITS.titleMax),
    theme: z.string().trim().max(TRAINING_LIMITS.themeMax).default(""),
    level: TrainingLevelSchema,
    type: TrainingTypeSchema,
    startsAt: isoDateTime,
    endsAt: isoDateTime,
    place: z.string().trim().max(TRAINING_LIMITS.placeMax).default(""),
    hours: HoursSchema,
    capabilities: z.array(CapabilitySchema).max(6).default([]),
    audience: AudienceSchema.default({ roles: [], flags: [], streets: [], communities: [] }),
    /** the street or community that runs it (street/community level) */
    streetId: z.string().min(1).max(40).nullable().default(null),
    communityId: z.string().min(1).max(40).nullable().default(null),
    /** a community's monthly 社工加油站: repeat the same day and time for this many months (1 = just this one) */
    repeatMonthly: z.number().int().min(1).max(TRAINING_LIMITS.seriesMonthsMax).default(1),
  })
  .refine((t) => Date.parse(t.endsAt) > Date.parse(t.startsAt), { message: "结束时间须晚于开始时间", path: ["endsAt"] })
  .refine((t) => t.level === "district" || t.streetId || t.communityId, {
    message: "街道级和社区级培训须选择街道或社区",
    path: ["streetId"],
  })
  .refine((t) => t.repeatMonthly === 1 || t.type === "社工加油站", {
    message: "只有社工加油站可以按月重复",
    path: ["repeatMonthly"],
  });
export type CreateTraining = z.infer<typeof CreateTrainingSchema>;

export interface Training {
  id: string;
  title: string;
  theme: string;
  level: TrainingLevel;
  type: TrainingType;
  startsAt: string;
  endsAt: string;
  place: string;
  hours: number;
  capabilities: z.infer<typeof CapabilitySchema>[];
  audience: Audience;
  streetId: string | null;
  communityId: string | null;
  seriesId: string | null;
  createdBy: string;
  /** whether the viewer may host it (see its check-in code and attendance) */
  canHost: boolean;
}

export const PlanQuerySchema = z.object({
  year: z.coerce.number().int().min(2000).max(2100),
  level: TrainingLevelSchema.optional(),
});

// ---------------- check-in (签到)

/** What one can check in to: a training, a forum or a 老书记论坛 event with 学时. */
export const ACTIVITY_KINDS = ["training", "forum", "qa_event"] as const;
export const ActivityKindSchema = z.enum(ACTIVITY_KINDS);
export type ActivityKind = z.infer<typeof ActivityKindSchema>;
export const ACTIVITY_KIND_LABELS: Record<ActivityKind, string> = {
  training: "培训",
  forum: "书记论坛",
  qa_event: "老书记论坛",
};

/** A check-in code: kind letter, activity id, period number, MAC (see server/trainings/codes.ts). */
export const CheckinCodeSchema = z
  .string()
  .trim()
  .max(120)
  .regex(/^[tfq]\.[0-9a-f]{32}\.[0-9]{1,12}\.[a-z2-7]{16}$/, "签到码无效");
export const CheckinBodySchema = z.object({ code: z.string().max(200) });

export const ManualAttendanceSchema = z.object({
  userId: IdSchema,
  reason: z.string().trim().min(1, "请填写原因").max(TRAINING_LIMITS.reasonMax),
});
export const RemoveAttendanceSchema = z.object({
  reason: z.string().trim().min(1, "请填写原因").max(TRAINING_LIMITS.reasonMax),
});
export const SetHoursSchema = z.object({ hours: HoursSchema.nullable() });

export interface Checkin {
  id: string;
  kind: ActivityKind;
  activityId: string;
  userId: string;
  displayName: string;
  at: string;
  source: "code" | "manual";
}

/** What the host screen shows: the current code and who is in. */
export interface CheckinBoard {
  kind: ActivityKind;
  activityId: string;
  title: string;
  hours: number | null;
  opensAt: string;
  closesAt: string;
  open: boolean;
  /** null when closed or without 学时 */
  code: string | null;
  /** the code's successor appears at this time */
  rotatesAt: string | null;
  checkins: Checkin[];
}

export const WatchCheckinsSchema = z.object({ kind: ActivityKindSchema, activityId: IdSchema });
export type WatchCheckins = z.infer<typeof WatchCheckinsSchema>;

export interface CheckinClientEvents {
  /** host only: join the live attendance of one activity */
  "checkin:watch": (
    payload: WatchCheckins,
    ack: (res: import("./errors.ts").Ack<{ board: CheckinBoard }>) => void,
  ) => void;
  "checkin:unwatch": (payload: WatchCheckins, ack: (res: import("./errors.ts").Ack) => void) => void;
}
export interface CheckinServerEvents {
  /** someone checked in or was added or removed by hand */
  "checkin:changed": (payload: {
    kind: ActivityKind;
    activityId: string;
    added?: Checkin;
    removedUserId?: string;
  }) => void;
}

// ---------------- ledger (培训台账)

export const LedgerQuerySchema = z.object({
  year: z.coerce.number().int().min(2000).max(2100),
  streetId: z.string().min(1).max(40).optional(),
  communityId: z.string().min(1).max(40).optional(),
  format: z.enum(["json", "xlsx"]).default("json"),
});
export type LedgerQuery = z.infer<typeof LedgerQuerySchema>;

export interface LedgerRow {
  user: {
    id: string;
    displayName: string;
    communityId: string;
    communityName: string;
    streetId: string;
    streetName: string;
    flags: z.infer<typeof FlagSchema>[];
    hireDate: string | null;
  };
  required: number;
  done: number;
  missing: number;
  /** null when the person is not a new hire in this period */
  newHireRequired: number | null;
  newHireDone: number | null;
  newHireDeadline: string | null;
  sessions: number;
}

// ---------------- calendar

export const CalendarQuerySchema = z.object({
  from: isoDateTime,
  to: isoDateTime,
});
export interface CalendarItem {
  kind: ActivityKind;
  id: string;
  title: string;
  startsAt: string;
  endsAt: string;
  place: string;
  hours: number | null;
  /** 区级/街道级/社区级 and the type, for trainings */
  level: TrainingLevel | null;
  type: TrainingType | null;
}

/** `GET /api/checkins/:kind/:id/candidates?q=`: people to add by hand, found by name. */
export const AttendeeSearchQuerySchema = z.object({ q: z.string().trim().min(1).max(40) });

/** `GET /api/reports/training/me?year=`: one calendar year of the account page's own ledger line. */
export const YearQuerySchema = z.object({ year: z.coerce.number().int().min(2000).max(2100) });
