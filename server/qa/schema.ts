// Tables of the qa feature (老书记问答).
import { sql } from "drizzle-orm";
import {
  boolean,
  customType,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { users } from "../auth/schema.ts";

/** PostgreSQL's `tsvector`; written as a literal built by qa/search.ts, never by to_tsvector(). */
const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });

export const qaQuestions = pgTable(
  "qa_questions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    authorId: uuid("author_id")
      .notNull()
      .references(() => users.id),
    title: text("title").notNull(),
    body: text("body").notNull(),
    capability: text("capability", {
      enum: ["service", "mobilization", "deliberation", "projectOps", "coordination", "innovation"],
    }),
    tags: text("tags").array().notNull().default(sql`'{}'::text[]`),
    anonymous: boolean("anonymous").notNull().default(false),
    votes: integer("votes").notNull().default(0),
    /** visible answers */
    answerCount: integer("answer_count").notNull().default(0),
    acceptedAnswerId: uuid("accepted_answer_id"),
    hidden: boolean("hidden").notNull().default(false),
    hiddenReason: text("hidden_reason"),
    /** asked from the floor of this live event */
    eventId: uuid("event_id"),
    /** title (weight A), body (B) and visible answers (C) as character unigrams and bigrams */
    searchVector: tsvector("search_vector").notNull().default(sql`''::tsvector`),
    /** the title alone, for the "matches in the title" relevance tier and similar titles */
    titleVector: tsvector("title_vector").notNull().default(sql`''::tsvector`),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    lastActivityAt: timestamp("last_activity_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("qa_questions_search_idx").using("gin", t.searchVector),
    index("qa_questions_title_search_idx").using("gin", t.titleVector),
    index("qa_questions_title_lower_idx").on(sql`lower(${t.title})`),
    index("qa_questions_created_idx").on(t.createdAt),
    index("qa_questions_tags_idx").using("gin", t.tags),
    index("qa_questions_author_idx").on(t.authorId),
    index("qa_questions_votes_idx").on(t.votes),
    index("qa_questions_activity_idx").on(t.lastActivityAt),
  ],
);

export const qaAnswers = pgTable(
  "qa_answers",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    questionId: uuid("question_id")
      .notNull()
      .references(() => qaQuestions.id, { onDelete: "cascade" }),
    authorId: uuid("author_id")
      .notNull()
      .references(() => users.id),
    body: text("body").notNull(),
    votes: integer("votes").notNull().default(0),
    hidden: boolean("hidden").notNull().default(false),
    hiddenReason: text("hidden_reason"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("qa_answers_question_idx").on(t.questionId), index("qa_answers_author_idx").on(t.authorId)],
);

/** One row per person and question: the primary key is what makes a vote count once. */
export const qaQuestionVotes = pgTable(
  "qa_question_votes",
  {
    questionId: uuid("question_id")
      .notNull()
      .references(() => qaQuestions.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.questionId, t.userId] })],
);

export const qaAnswerVotes = pgTable(
  "qa_answer_votes",
  {
    answerId: uuid("answer_id")
      .notNull()
      .references(() => qaAnswers.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.answerId, t.userId] })],
);

export const qaInvites = pgTable(
  "qa_invites",
  {
    questionId: uuid("question_id")
      .notNull()
      .references(() => qaQuestions.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    invitedBy: uuid("invited_by")
      .notNull()
      .references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.questionId, t.userId] })],
);

export const qaReports = pgTable(
  "qa_reports",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    targetType: text("target_type", { enum: ["question", "answer"] }).notNull(),
    targetId: uuid("target_id").notNull(),
    questionId: uuid("question_id")
      .notNull()
      .references(() => qaQuestions.id, { onDelete: "cascade" }),
    reporterId: uuid("reporter_id")
      .notNull()
      .references(() => users.id),
    reason: text("reason").notNull(),
    /** set when an admin hides or restores the target */
    resolvedAt: timestamp("resolved_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("qa_reports_once_idx").on(t.targetId, t.reporterId),
    index("qa_reports_open_idx").on(t.resolvedAt),
  ],
);

/** Append-only trail of moderation: who hid, restored or reported what, and why. */
export const qaAudit = pgTable(
  "qa_audit",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    actorId: uuid("actor_id")
      .notNull()
      .references(() => users.id),
    action: text("action", { enum: ["hide", "restore", "report"] }).notNull(),
    targetType: text("target_type", { enum: ["question", "answer"] }).notNull(),
    targetId: uuid("target_id").notNull(),
    reason: text("reason").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("qa_audit_target_idx").on(t.targetId), index("qa_audit_created_idx").on(t.createdAt)],
);

/** 季度老书记论坛 */
export const qaEvents = pgTable("qa_events", {
  id: uuid("id").primaryKey().defaultRandom(),
  title: text("title").notNull(),
  startsAt: timestamp("starts_at", { withTimezone: true }).notNull(),
  status: text("status", { enum: ["scheduled", "live", "ended"] })
    .notNull()
    .default("scheduled"),
  hostId: uuid("host_id")
    .notNull()
    .references(() => users.id),
  currentQuestionId: uuid("current_question_id"),
  /** once the host orders the queue by hand it stays so; until then it follows the votes */
  orderedByHost: boolean("ordered_by_host").notNull().default(false),
  startedAt: timestamp("started_at", { withTimezone: true }),
  endedAt: timestamp("ended_at", { withTimezone: true }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

export const qaEventItems = pgTable(
  "qa_event_items",
  {
    eventId: uuid("event_id")
      .notNull()
      .references(() => qaEvents.id, { onDelete: "cascade" }),
    questionId: uuid("question_id")
      .notNull()
      .references(() => qaQuestions.id, { onDelete: "cascade" }),
    position: integer("position").notNull(),
    source: text("source", { enum: ["pulled", "added", "floor"] }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.questionId] }), index("qa_event_items_question_idx").on(t.questionId)],
);
