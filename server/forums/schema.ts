// Tables of the forums feature (书记论坛 / 群众考书记).
import {
  boolean,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uuid,
} from "drizzle-orm/pg-core";
import type { BallotMechanism, BallotScores, ScoreGroupDef, Scoreboard } from "../../shared/forums.ts";
import { users } from "../auth/schema.ts";
import { streets } from "../org/schema.ts";
import { bytea } from "../db/types.ts";
import { storedFiles } from "../files/schema.ts";

export const forums = pgTable(
  "forums",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    title: text("title").notNull(),
    theme: text("theme"),
    mode: text("mode", { enum: ["forum", "examination"] }).notNull(),
    status: text("status", { enum: ["scheduled", "live", "ended"] })
      .notNull()
      .default("scheduled"),
    startsAt: timestamp("starts_at", { withTimezone: true }).notNull(),
    /** the creator hosts the forum (admins may too) */
    hostId: uuid("host_id")
      .notNull()
      .references(() => users.id),
    /** 群众考书记 scoring groups with their weights */
    scoreGroups: jsonb("score_groups").$type<ScoreGroupDef[]>().notNull().default([]),
    /** signed-in secretaries score as 同行书记 */
    peerScoring: boolean("peer_scoring").notNull().default(false),
    /** the code in the projector's venue QR (现场扫码); null until the host opens it */
    venueCode: text("venue_code").unique(),
    /** voters allowed per group through the venue QR */
    venueCaps: jsonb("venue_caps").$type<Record<string, number>>().notNull().default({}),
    /** the street holding the forum; null for district-level ones (see auth/policy.ts) */
    streetId: text("street_id").references(() => streets.id),
    currentTalkId: uuid("current_talk_id"),
    highlightedQuestionId: uuid("highlighted_question_id"),
    startedAt: timestamp("started_at", { withTimezone: true }),
    endedAt: timestamp("ended_at", { withTimezone: true }),
    /** 学时 set by the host; with it, attending counts in the training ledger */
    hours: numeric("hours", { precision: 5, scale: 1, mode: "number" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("forums_starts_idx").on(t.startsAt)],
);

export const forumTalks = pgTable(
  "forum_talks",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    forumId: uuid("forum_id")
      .notNull()
      .references(() => forums.id, { onDelete: "cascade" }),
    position: integer("position").notNull(),
    title: text("title").notNull(),
    presenterId: uuid("presenter_id")
      .notNull()
      .references(() => users.id),
    capability: text("capability", {
      enum: ["service", "mobilization", "deliberation", "projectOps", "coordination", "innovation"],
    }),
    plannedMinutes: integer("planned_minutes"),
    slide: integer("slide").notNull().default(1),
    startedAt: timestamp("started_at", { withTimezone: true }),
    endedAt: timestamp("ended_at", { withTimezone: true }),
    roundStatus: text("round_status", { enum: ["none", "open", "closed"] })
      .notNull()
      .default("none"),
    /** the scoreboard as it stood when the round closed; never recomputed afterwards */
    frozenScoreboard: jsonb("frozen_scoreboard").$type<Scoreboard>(),
    /** presenter notes keyed by page number, shown to the presenter and host only */
    notes: jsonb("notes").$type<Record<string, string>>().notNull().default({}),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("forum_talks_forum_idx").on(t.forumId, t.position)],
);

/**
 * A talk's slide deck: metadata here, bytes in the file store (server/files) under `fileSha256`.
 * `data` only holds bytes written before the file store existed, until the start-up move takes them out.
 */
export const forumDecks = pgTable("forum_decks", {
  talkId: uuid("talk_id")
    .primaryKey()
    .references(() => forumTalks.id, { onDelete: "cascade" }),
  fileName: text("file_name").notNull(),
  size: integer("size").notNull(),
  pageCount: integer("page_count"),
  fileSha256: text("file_sha256").references(() => storedFiles.sha256),
  data: bytea("data"),
  uploadedBy: uuid("uploaded_by")
    .notNull()
    .references(() => users.id),
  uploadedAt: timestamp("uploaded_at", { withTimezone: true }).notNull().defaultNow(),
});

export const forumChat = pgTable(
  "forum_chat",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    forumId: uuid("forum_id")
      .notNull()
      .references(() => forums.id, { onDelete: "cascade" }),
    authorId: uuid("author_id")
      .notNull()
      .references(() => users.id),
    /** the sender's idempotency key: a retried send returns the line already stored */
    clientId: text("client_id").notNull(),
    text: text("text").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique("forum_chat_client_uq").on(t.forumId, t.authorId, t.clientId),
    index("forum_chat_forum_idx").on(t.forumId, t.createdAt),
  ],
);

export const forumQuestions = pgTable(
  "forum_questions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    forumId: uuid("forum_id")
      .notNull()
      .references(() => forums.id, { onDelete: "cascade" }),
    /** the talk that was current when the question was asked */
    talkId: uuid("talk_id").references(() => forumTalks.id, { onDelete: "set null" }),
    /** a user, or a guest of the hall (forum_guests): no foreign key, as guests have no account */
    authorId: uuid("author_id").notNull(),
    clientId: text("client_id").notNull(),
    text: text("text").notNull(),
    anonymous: boolean("anonymous").notNull().default(false),
    status: text("status", { enum: ["pending", "open", "answered", "dismissed"] }).notNull(),
    /** kept equal to the number of forum_question_votes rows, changed in the same transaction */
    votes: integer("votes").notNull().default(0),
    /** 现场问政: the host's one-line note of the answer given on stage */
    answerNote: text("answer_note"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique("forum_questions_client_uq").on(t.forumId, t.authorId, t.clientId),
    index("forum_questions_forum_idx").on(t.forumId),
  ],
);

export const forumQuestionVotes = pgTable(
  "forum_question_votes",
  {
    questionId: uuid("question_id")
      .notNull()
      .references(() => forumQuestions.id, { onDelete: "cascade" }),
    /** a user or a guest (see forumQuestions.authorId) */
    userId: uuid("user_id").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.questionId, t.userId] }), index("forum_question_votes_user_idx").on(t.userId)],
);

/** One ballot per voter (a secretary's account or a guest's code) per talk; changeable while the talk's round is open. */
export const forumBallots = pgTable(
  "forum_ballots",
  {
    talkId: uuid("talk_id")
      .notNull()
      .references(() => forumTalks.id, { onDelete: "cascade" }),
    /** a secretary's user id or a guest's id (forum_guests) */
    userId: uuid("user_id").notNull(),
    forumId: uuid("forum_id")
      .notNull()
      .references(() => forums.id, { onDelete: "cascade" }),
    /** the voter's group when the ballot was cast */
    scoreGroup: text("score_group").notNull(),
    mechanism: text("mechanism").$type<BallotMechanism>().notNull().default("account"),
    scores: jsonb("scores").$type<BallotScores>().notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.talkId, t.userId] })],
);
