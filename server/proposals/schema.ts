import {
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uuid,
} from "drizzle-orm/pg-core";
import type { ReviewScores } from "../../shared/proposals.ts";
import { users } from "../auth/schema.ts";
import { bytea } from "../db/types.ts";
import { communities } from "../org/schema.ts";

/** 党建创新项目. The content lives in the Yjs document `proposal:<id>` (doc_updates). */
export const proposals = pgTable(
  "proposals",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    title: text("title").notNull(),
    communityId: text("community_id")
      .notNull()
      .references(() => communities.id),
    ownerId: uuid("owner_id")
      .notNull()
      .references(() => users.id),
    status: text("status", { enum: ["draft", "submitted", "in_review", "returned", "approved"] })
      .notNull()
      .default("draft"),
    round: integer("round").notNull().default(0),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("proposals_community_idx").on(t.communityId, t.status)],
);

export const proposalMembers = pgTable(
  "proposal_members",
  {
    proposalId: uuid("proposal_id")
      .notNull()
      .references(() => proposals.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role", { enum: ["editor", "viewer"] }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.proposalId, t.userId] }), index("proposal_members_user_idx").on(t.userId)],
);

export const proposalReviewers = pgTable(
  "proposal_reviewers",
  {
    proposalId: uuid("proposal_id")
      .notNull()
      .references(() => proposals.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.proposalId, t.userId] }), index("proposal_reviewers_user_idx").on(t.userId)],
);

/** Named snapshots: `Y.encodeStateAsUpdate` of the document at that moment. */
export const proposalVersions = pgTable(
  "proposal_versions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    proposalId: uuid("proposal_id")
      .notNull()
      .references(() => proposals.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    round: integer("round"),
    createdBy: uuid("created_by")
      .notNull()
      .references(() => users.id),
    snapshot: bytea("snapshot").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("proposal_versions_proposal_idx").on(t.proposalId, t.createdAt)],
);

/** Comment threads: a root carries the anchor (Yjs relative positions, base64); replies a parent. */
export const proposalComments = pgTable(
  "proposal_comments",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    proposalId: uuid("proposal_id")
      .notNull()
      .references(() => proposals.id, { onDelete: "cascade" }),
    parentId: uuid("parent_id"),
    authorId: uuid("author_id")
      .notNull()
      .references(() => users.id),
    body: text("body").notNull(),
    anchorStart: text("anchor_start"),
    anchorEnd: text("anchor_end"),
    quote: text("quote"),
    resolved: boolean("resolved").notNull().default(false),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("proposal_comments_proposal_idx").on(t.proposalId, t.createdAt)],
);

/** 评比 scores: one per reviewer per submission round (a second submit replaces the first). */
export const proposalReviews = pgTable(
  "proposal_reviews",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    proposalId: uuid("proposal_id")
      .notNull()
      .references(() => proposals.id, { onDelete: "cascade" }),
    round: integer("round").notNull(),
    reviewerId: uuid("reviewer_id")
      .notNull()
      .references(() => users.id),
    scores: jsonb("scores").$type<ReviewScores>().notNull(),
    comment: text("comment").notNull().default(""),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique("proposal_reviews_round_reviewer").on(t.proposalId, t.round, t.reviewerId)],
);
