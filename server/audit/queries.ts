import { and, count, desc, eq, gte, lt, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { AuditEntryView, AuditExportQuery, AuditQuery } from "../../shared/audit.ts";
import { users } from "../auth/schema.ts";
import type { Db } from "../db/client.ts";
import { auditLog } from "./schema.ts";

/** The most rows one export carries; narrower filters get the rest. */
export const AUDIT_EXPORT_MAX = 50_000;

/** Dates on the screen are Beijing calendar days: [from 00:00, to+1 00:00) in UTC+8. */
const dayStart = (day: string) => new Date(`${day}T00:00:00+08:00`);
const nextDayStart = (day: string) => new Date(dayStart(day).getTime() + 24 * 60 * 60 * 1000);

function filters(query: Omit<AuditQuery, "limit" | "offset">): SQL | undefined {
  const parts: SQL[] = [];
  if (query.actorId) parts.push(eq(auditLog.actorId, query.actorId));
  if (query.action) parts.push(eq(auditLog.action, query.action));
  if (query.targetId) parts.push(eq(auditLog.targetId, query.targetId));
  if (query.from) parts.push(gte(auditLog.at, dayStart(query.from)));
  if (query.to) parts.push(lt(auditLog.at, nextDayStart(query.to)));
  return parts.length ? and(...parts) : undefined;
}

async function select(db: Db, where: SQL | undefined, limit: number, offset: number): Promise<AuditEntryView[]> {
  const actor = alias(users, "actor");
  const target = alias(users, "target");
  const rows = await db
    .select({
      entry: auditLog,
      actorName: actor.displayName,
      actorUsername: actor.username,
      targetName: target.displayName,
    })
    .from(auditLog)
    .leftJoin(actor, eq(actor.id, auditLog.actorId))
    // target ids are text (not every target is a person); only a user target names someone
    .leftJoin(target, and(eq(auditLog.targetType, "user"), sql`${target.id}::text = ${auditLog.targetId}`))
    .where(where)
    .orderBy(desc(auditLog.at), desc(auditLog.id))
    .limit(limit)
    .offset(offset);
  return rows.map(({ entry, actorName, actorUsername, targetName }) => ({
    id: entry.id,
    at: entry.at.toISOString(),
    actor: entry.actorId ? { id: entry.actorId, displayName: actorName ?? "", username: actorUsername ?? "" } : null,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId,
    targetName: targetName ?? null,
    before: entry.before,
    after: entry.after,
    meta: entry.meta,
  }));
}

export async function listAudit(db: Db, query: AuditQuery): Promise<{ entries: AuditEntryView[]; total: number }> {
  const where = filters(query);
  const [{ total } = { total: 0 }] = await db.select({ total: count() }).from(auditLog).where(where);
  return { entries: await select(db, where, query.limit, query.offset), total: Number(total) };
}

export function auditForExport(db: Db, query: AuditExportQuery): Promise<AuditEntryView[]> {
  return select(db, filters(query), AUDIT_EXPORT_MAX, 0);
}
