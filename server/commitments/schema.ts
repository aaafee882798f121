// The table of 承诺事项: what a secretary promised at 现场问政, followed up to their next 述职.
import { date, index, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import type { CommitmentStatus } from "../../shared/commitments.ts";
import { users } from "../auth/schema.ts";
import { forumQuestions, forums } from "../forums/schema.ts";

export const commitments = pgTable(
  "commitments",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    forumId: uuid("forum_id")
      .notNull()
      .references(() => forums.id, { onDelete: "cascade" }),
    /** the question it answers; kept if the question goes (the promise stands on its own) */
    questionId: uuid("question_id").references(() => forumQuestions.id, { onDelete: "set null" }),
    /** the secretary who promised */
    ownerId: uuid("owner_id")
      .notNull()
      .references(() => users.id),
    content: text("content").notNull(),
    dueOn: date("due_on", { mode: "string" }).notNull(),
    status: text("status").$type<CommitmentStatus>().notNull().default("ongoing"),
    note: text("note").notNull().default(""),
    createdBy: uuid("created_by")
      .notNull()
      .references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("commitments_owner_idx").on(t.ownerId, t.dueOn), index("commitments_forum_idx").on(t.forumId)],
);
