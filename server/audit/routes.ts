import type { Hono } from "hono";
import { AuditExportQuerySchema, AuditQuerySchema } from "../../shared/audit.ts";
import { requireOrganiser } from "../auth/policy.ts";
import type { AppContext } from "../context.ts";
import { type ApiEnv, readQuery } from "../http/env.ts";
import { auditCsv, auditXlsx } from "./export.ts";
import { auditForExport, listAudit } from "./queries.ts";
import { recordAudit } from "./service.ts";

/**
 * Reading the audit log: organisers only, on a screen and as a file. There is deliberately no
 * route that writes, edits or deletes entries — the only writer is `recordAudit`, called by the
 * services whose changes it records (the export below records itself).
 */
export function auditRoutes(api: Hono<ApiEnv>, ctx: AppContext): void {
  api.get("/audit", async (c) => {
    requireOrganiser(c.var.user, "仅组织部或管理员可以查看审计日志");
    return c.json(await listAudit(ctx.db, readQuery(c, AuditQuerySchema)));
  });

  api.get("/audit/export", async (c) => {
    const user = c.var.user;
    requireOrganiser(user, "仅组织部或管理员可以导出审计日志");
    const query = readQuery(c, AuditExportQuerySchema);
    const entries = await auditForExport(ctx.db, query);
    const { format, ...filters } = query;
    await recordAudit(ctx.db, {
      actorId: user.id,
      action: "audit.export",
      targetType: "audit_log",
      meta: { format, filters, rows: entries.length },
    });
    const stamp = new Date().toISOString().slice(0, 10);
    c.header("cache-control", "no-store");
    if (format === "csv") {
      c.header("content-disposition", `attachment; filename*=UTF-8''${encodeURIComponent(`审计日志-${stamp}.csv`)}`);
      return c.body(auditCsv(entries), 200, { "content-type": "text/csv; charset=utf-8" });
    }
    c.header("content-disposition", `attachment; filename*=UTF-8''${encodeURIComponent(`审计日志-${stamp}.xlsx`)}`);
    const bytes = await auditXlsx(entries);
    return c.body(bytes as unknown as ArrayBuffer, 200, {
      "content-type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    });
  });
}
