import { z } from "zod";

/** Roles, levels and capabilities from the district's programme (glossary in DESIGN.md). */
export const ROLES = ["admin", "mentor", "veteran", "secretary", "worker", "resident"] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

/** 三层级: 新手 / 骨干 / 中坚 */
export const LEVELS = ["novice", "backbone", "core"] as const;
export const LevelSchema = z.enum(LEVELS);
export type Level = z.infer<typeof LevelSchema>;

/** 六能力 */
export const CAPABILITIES = [
  "service",
  "mobilization",
  "deliberation",
  "projectOps",
  "coordination",
  "innovation",
] as const;
export const CapabilitySchema = z.enum(CAPABILITIES);
export type Capability = z.infer<typeof CapabilitySchema>;

export const ROLE_LABELS: Record<Role, string> = {
  admin: "管理员",
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
