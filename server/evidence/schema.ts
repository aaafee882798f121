// The evidence table of the 成长档案: one row per fact about one person.
import { sql } from "drizzle-orm";
import { index, jsonb, numeric, pgTable, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import type { Capability, Level } from "../../shared/enums.ts";
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

/** A change of a person's 三层级 level, with who made it, why, and the evidence it rests on. */
export const levelChanges = pgTable(
  "level_changes",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    fromLevel: text("from_level").$type<Level>().notNull(),
    toLevel: text("to_level").$type<Level>().notNull(),
    changedBy: uuid("changed_by")
      .notNull()
      .references(() => users.id),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
    reason: text("reason").notNull(),
    /** evidence rows the decision cites (kept as ids: an item withdrawn later leaves a dangling id, shown as gone) */
    evidenceIds: uuid("evidence_ids").array().notNull().default(sql`'{}'::uuid[]`),
  },
  (t) => [index("level_changes_user_idx").on(t.userId, t.at)],
);

/** A mentor's (or organiser's) assessment note on a person's growth. */
export const assessmentNotes = pgTable(
  "assessment_notes",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    authorId: uuid("author_id")
      .notNull()
      .references(() => users.id),
    body: text("body").notNull(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("assessment_notes_user_idx").on(t.userId, t.at)],
);
