import type { Flag, Level, Role } from "../../shared/enums.ts";
import { LEVEL_LABELS, ROLE_LABELS } from "../../shared/enums.ts";

/** 身份 cell labels → roles, from the glossary's labels (管理员, 组织部, 街道管理员, 社区书记, …). */
export const ROLE_BY_LABEL = new Map<string, Role>(
  (Object.entries(ROLE_LABELS) as [Role, string][]).map(([role, label]) => [label, role]),
);

export const LEVEL_BY_LABEL = new Map<string, Level>(
  (Object.entries(LEVEL_LABELS) as [Level, string][]).map(([level, label]) => [label, level]),
);

/** The flag columns of the roster; `new_hire` is not one (it is set by organisers, not the file). */
export const FLAG_COLUMNS: { column: "两委" | "后备人选" | "头雁" | "全科社工"; flag: Flag }[] = [
  { column: "两委", flag: "liangwei" },
  { column: "后备人选", flag: "reserve" },
  { column: "头雁", flag: "touyan" },
  { column: "全科社工", flag: "generalist" },
];

/** 身份 lists roles separated by 、 (commas and slashes are forgiven: people type them too). */
export const splitRoles = (cell: string) =>
  cell
    .split(/[、,，/／;；\s]+/)
    .map((part) => part.trim())
    .filter(Boolean);
