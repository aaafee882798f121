import type { Db } from "../db/client.ts";
import { auditLog } from "./schema.ts";

export interface AuditEntry {
  actorId: string | null;
  action: string;
  targetType: string;
  targetId?: string | null;
  before?: unknown;
  after?: unknown;
  meta?: unknown;
}

/**
 * Appends one entry. Pass the transaction that makes the change, so the change and its record
 * commit together or not at all. Never pass passwords or other secrets in `before`/`after`/`meta`.
 */
export async function recordAudit(db: Pick<Db, "insert">, entry: AuditEntry): Promise<void> {
  await db.insert(auditLog).values({
    actorId: entry.actorId,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId ?? null,
    before: entry.before ?? null,
    after: entry.after ?? null,
    meta: entry.meta ?? null,
  });
}
