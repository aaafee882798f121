import { index, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { users } from "../auth/schema.ts";

/**
 * The audit log (审计日志): who did what to whom, with the state before and after.
 * Append-only by construction: the only writer is `recordAudit`, and no route updates or deletes rows.
 */
export const auditLog = pgTable(
  "audit_log",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
    /** null for the system itself (start-up steps, imports run from the command line) */
    actorId: uuid("actor_id").references(() => users.id),
    /** a stable dotted name such as `user.create`, `user.password_reset`, `checkin.manual_add` */
    action: text("action").notNull(),
    targetType: text("target_type").notNull(),
    targetId: text("target_id"),
    before: jsonb("before"),
    after: jsonb("after"),
    /** anything else worth keeping: a reason, a file name, a row count */
    meta: jsonb("meta"),
  },
  (t) => [index("audit_log_at_idx").on(t.at), index("audit_log_target_idx").on(t.targetType, t.targetId)],
);
