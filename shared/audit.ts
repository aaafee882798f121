import { z } from "zod";
import { IdSchema } from "./ids.ts";

/**
 * The audit log (审计日志) on the wire. Actions are stable dotted names; later features add theirs
 * (imports, exports of personal data, manual attendance changes).
 */
export const AUDIT_ACTION_LABELS: Record<string, string> = {
  "user.create": "创建账号",
  "user.password_reset": "重置密码",
  "user.roles": "修改角色",
  "user.flags": "修改身份标记",
  "user.disable": "停用账号",
  "user.enable": "启用账号",
  "user.update": "修改人员信息",
  "account.update": "本人修改资料",
  "account.password_change": "本人修改密码",
  "audit.export": "导出审计日志",
  "user.import": "导入人员名单",
  "user.export": "导出人员名单",
  "user.import_passwords_download": "下载初始密码表",
  "org.street_create": "新增街道",
  "org.street_update": "修改街道",
  "org.street_merge": "合并街道",
  "org.community_create": "新增社区",
  "org.community_update": "修改社区",
  "org.community_merge": "合并社区",
  "org.community_restore": "恢复社区",
  "moderation.words_add": "添加敏感词",
  "moderation.words_import": "导入敏感词",
  "moderation.words_remove": "删除敏感词",
  "studio.member_add": "工作室添加成员",
  "studio.member_remove": "工作室移出成员",
  "forum.authors_view": "查看匿名提问人",
  "commitment.create": "记录承诺事项",
  "commitment.update": "更新承诺事项",
};

/** Filters of the audit screen and its export; dates are inclusive days (YYYY-MM-DD, Beijing time). */
export const AuditQuerySchema = z.object({
  actorId: IdSchema.optional(),
  action: z.string().trim().min(1).max(64).optional(),
  targetId: z.string().trim().min(1).max(64).optional(),
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type AuditQuery = z.infer<typeof AuditQuerySchema>;

export const AuditExportQuerySchema = AuditQuerySchema.omit({ limit: true, offset: true }).extend({
  format: z.enum(["xlsx", "csv"]).default("xlsx"),
});
export type AuditExportQuery = z.infer<typeof AuditExportQuerySchema>;

export interface AuditEntryView {
  id: string;
  at: string;
  actor: { id: string; displayName: string; username: string } | null;
  action: string;
  targetType: string;
  targetId: string | null;
  /** the display name of the person the entry is about, when it is a person */
  targetName: string | null;
  before: unknown;
  after: unknown;
  meta: unknown;
}

/** `GET /api/audit` → the page of entries, newest first, and how many match in all. */
export interface AuditPage {
  entries: AuditEntryView[];
  total: number;
}

/** How long entries are kept at least (等保 2.0 asks for six months). */
export const AUDIT_RETENTION_DAYS = 180;
