/**
 * The programme's vocabulary — roles, levels, capabilities, flags and their Chinese labels — with no
 * dependencies, so a page that only shows a label never loads the schema library (see enums.ts).
 */
/** In order of precedence: a person's primary `role` is the first of these they hold. */
export const ROLES = [
  "admin",
  "organiser",
  "street_admin",
  "secretary",
  "mentor",
  "veteran",
  "worker",
  "resident",
] as const;
export type Role = (typeof ROLES)[number];

/** 三层级: 新手 / 骨干 / 中坚 */
export const LEVELS = ["novice", "backbone", "core"] as const;
export type Level = (typeof LEVELS)[number];

/** 六能力 */
export const CAPABILITIES = [
  "service",
  "mobilization",
  "deliberation",
  "projectOps",
  "coordination",
  "innovation",
] as const;
export type Capability = (typeof CAPABILITIES)[number];

/** What a 群众考书记 ballot scores: 六能力 + 总体评价, each 1–5 */
export const SCORE_ITEMS = [...CAPABILITIES, "overall"] as const;
export type ScoreItem = (typeof SCORE_ITEMS)[number];

/** The name a forum gives one of its scoring groups (its id when the forum no longer has it). */
export const groupName = (forum: { groups: { id: string; name: string }[] }, group: string) =>
  forum.groups.find((g) => g.id === group)?.name ?? group;

/** The plan's statuses: 两委成员, 书记后备人选, 头雁计划, 全科社工, 新招聘. */
export const FLAGS = ["liangwei", "reserve", "touyan", "generalist", "new_hire"] as const;
export type Flag = (typeof FLAGS)[number];

export const FLAG_LABELS: Record<Flag, string> = {
  liangwei: "两委成员",
  reserve: "书记后备人选",
  touyan: "头雁计划",
  generalist: "全科社工",
  new_hire: "新招聘",
};

/** The primary role of a set of roles: the first in `ROLES` order. */
export function primaryRole(roles: readonly Role[]): Role {
  return ROLES.find((role) => roles.includes(role)) ?? "resident";
}

export const ROLE_LABELS: Record<Role, string> = {
  admin: "管理员",
  organiser: "组织部",
  street_admin: "街道管理员",
  mentor: "社区导师",
  veteran: "老书记",
  secretary: "社区书记",
  worker: "社区工作者",
  resident: "居民",
};

export const LEVEL_LABELS: Record<Level, string> = {
  novice: "新手",
  backbone: "骨干",
  core: "中坚",
};

export const CAPABILITY_LABELS: Record<Capability, string> = {
  service: "为民服务力",
  mobilization: "居民动员力",
  deliberation: "协商议事力",
  projectOps: "项目运营力",
  coordination: "统筹协调力",
  innovation: "治理创新力",
};

/** The plan's two mentoring forms: 导师工作室 and 老书记"一对一"帮带 of 书记后备人选. */
export const STUDIO_KINDS = ["mentor", "bangdai"] as const;
export type StudioKind = (typeof STUDIO_KINDS)[number];

export const STUDIO_KIND_LABELS: Record<StudioKind, string> = {
  mentor: "导师工作室",
  bangdai: "老书记帮带",
};

/** 承诺事项 status: 进行中 / 已完成 / 未完成 */
export const COMMITMENT_STATUSES = ["ongoing", "done", "missed"] as const;
export type CommitmentStatus = (typeof COMMITMENT_STATUSES)[number];
export const COMMITMENT_STATUS_LABELS: Record<CommitmentStatus, string> = {
  ongoing: "进行中",
  done: "已完成",
  missed: "未完成",
};
