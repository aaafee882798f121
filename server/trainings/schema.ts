// Tables of the trainings feature (培训活动, 签到, the iCalendar feed's tokens).
import { sql } from "drizzle-orm";
import { index, integer, jsonb, numeric, pgTable, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import type { Capability } from "../../shared/enums.ts";
import type { ActivityKind, Audience, TrainingLevel, TrainingType } from "../../shared/trainings.ts";
import { users } from "../auth/schema.ts";
import { communities, streets } from "../org/schema.ts";

export const trainings = pgTable(
  "trainings",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    title: text("title").notNull(),
    theme: text("theme").notNull().default(""),
    level: text("level").$type<TrainingLevel>().notNull(),
    type: text("type").$type<TrainingType>().notNull(),
    startsAt: timestamp("starts_at", { withTimezone: true }).notNull(),
    endsAt: timestamp("ends_at", { withTimezone: true }).notNull(),
    place: text("place").notNull().default(""),
    /** 学时 */
    hours: numeric("hours", { precision: 5, scale: 1, mode: "number" }).notNull(),
    capabilities: text("capabilities").array().$type<Capability[]>().notNull().default(sql`'{}'::text[]`),
    audience: jsonb("audience").$type<Audience>().notNull(),
    /** the street (or community) that runs it; decides which street admin may manage it */
    streetId: text("street_id").references(() => streets.id),
    communityId: text("community_id").references(() => communities.id),
    /** the trainings of one monthly 社工加油站 series share this id */
    seriesId: uuid("series_id"),
    createdBy: uuid("created_by")
      .notNull()
      .references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("trainings_starts_idx").on(t.startsAt), index("trainings_street_idx").on(t.streetId)],
);

/**
 * One person attended one activity (a training, a forum or a 老书记论坛 event). The 学时 are read
 * from the activity when the ledger is computed, so correcting an activity's hours corrects
 * everyone's total.
 */
export const checkins = pgTable(
  "checkins",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    kind: text("kind").$type<ActivityKind>().notNull(),
    activityId: uuid("activity_id").notNull(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    source: text("source", { enum: ["code", "manual"] }).notNull(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique("checkins_once_uq").on(t.kind, t.activityId, t.userId), index("checkins_user_idx").on(t.userId)],
);

/** The key every process derives check-in codes from; created once, on first start. */
export const checkinKeys = pgTable("checkin_keys", {
  id: integer("id").primaryKey(),
  secret: text("secret").notNull(),
});

/** A person's iCalendar feed token; only its SHA-256 is kept, so the table cannot be replayed. */
export const calendarTokens = pgTable("calendar_tokens", {
  userId: uuid("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  tokenHash: text("token_hash").notNull().unique(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});
