// The evidence table of the 成长档案: one row per fact about one person.
import { sql } from "drizzle-orm";
import { index, jsonb, numeric, pgTable, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import type { Capability } from "../../shared/enums.ts";
import type { EvidenceKind, EvidenceSource } from "../../shared/evidence.ts";
import { users } from "../auth/schema.ts";

/**
 * Written by the feature that owns the fact, in the transaction that makes it, through
 * `recordEvidence`. One fact counts once: the unique key makes a repeated write (a retried request,
 * the start-up backfill) a no-op.
 */
export const evidence = pgTable(
  "evidence",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    kind: text("kind").$type<EvidenceKind>().notNull(),
    sourceKind: text("source_kind").$type<EvidenceSource>().notNull(),
    sourceId: text("source_id").notNull(),
    /** when it happened (the check-in, the acceptance, the approval), not when the row was written */
    at: timestamp("at", { withTimezone: true }).notNull(),
    /** a short Chinese line for the timeline, e.g. the training's or proposal's title */
    title: text("title").notNull(),
    capabilities: text("capabilities").array().$type<Capability[]>().notNull().default(sql`'{}'::text[]`),
    /** the item's score where it has one: a talk's weighted total, a proposal's review score (0–100) */
    score: numeric("score", { precision: 6, scale: 2, mode: "number" }),
    /** kind-specific detail, e.g. a talk's six capability averages or a training's hours */
    detail: jsonb("detail").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique("evidence_once_uq").on(t.userId, t.kind, t.sourceKind, t.sourceId),
    index("evidence_user_at_idx").on(t.userId, t.at),
    index("evidence_at_idx").on(t.at),
  ],
);
