// Tables of the studios feature (导师工作室).
import { sql } from "drizzle-orm";
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
import { users } from "../auth/schema.ts";
import { streets } from "../org/schema.ts";
import { bytea } from "../db/types.ts";
import { storedFiles } from "../files/schema.ts";
import { STUDIO_KINDS } from "../../shared/vocabulary.ts";

export const studios = pgTable("studios", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull(),
  /** 导师工作室 (`mentor`: a 社区导师 with 2–3 书记) or 老书记帮带 (`bangdai`: a veteran with 后备人选) */
  kind: text("kind", { enum: STUDIO_KINDS }).notNull().default("mentor"),
  mentorId: uuid("mentor_id")
    .notNull()
    .references(() => users.id),
  termStartsAt: timestamp("term_starts_at", { withTimezone: true }).notNull(),
  termEndsAt: timestamp("term_ends_at", { withTimezone: true }).notNull(),
  /**
   * The per-studio message counter. A send increments it with UPDATE … RETURNING in the same
   * transaction as the insert: the row lock orders concurrent senders on every server process and
   * a rolled-back send gives its number back, so seqs have no gaps.
   */
  lastSeq: integer("last_seq").notNull().default(0),
  createdBy: uuid("created_by").references(() => users.id),
  /** the street that runs the studio; null for district-level ones (see auth/policy.ts) */
  streetId: text("street_id").references(() => streets.id),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

export const studioMembers = pgTable(
  "studio_members",
  {
    studioId: uuid("studio_id")
      .notNull()
      .references(() => studios.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    role: text("role", { enum: ["mentor", "mentee"] }).notNull(),
    /** read position: the highest seq this member has seen */
    readSeq: integer("read_seq").notNull().default(0),
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }),
    joinedAt: timestamp("joined_at", { withTimezone: true }).notNull().defaultNow(),
    /**
     * Set when an organiser takes the person out mid-term; the row stays, so the leaver keeps reading
     * what was written up to this instant and nothing after it. Cleared if they are added back.
     */
    leftAt: timestamp("left_at", { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.studioId, t.userId] }), index("studio_members_user_idx").on(t.userId)],
);

export const studioAttachments = pgTable(
  "studio_attachments",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    studioId: uuid("studio_id")
      .notNull()
      .references(() => studios.id, { onDelete: "cascade" }),
    uploaderId: uuid("uploader_id")
      .notNull()
      .references(() => users.id),
    name: text("name").notNull(),
    /** detected from the content, never taken from the client */
    mime: text("mime").notNull(),
    size: integer("size").notNull(),
    /** the bytes, in the file store (server/files) */
    fileSha256: text("file_sha256").references(() => storedFiles.sha256),
    /** bytes written before the file store existed, until the start-up move takes them out */
    data: bytea("data"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("studio_attachments_studio_idx").on(t.studioId)],
);

export const studioMessages = pgTable(
  "studio_messages",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    studioId: uuid("studio_id")
      .notNull()
      .references(() => studios.id, { onDelete: "cascade" }),
    seq: integer("seq").notNull(),
    /** the sender's idempotency key: a retry returns the message already stored */
    clientId: text("client_id").notNull(),
    authorId: uuid("author_id")
      .notNull()
      .references(() => users.id),
    kind: text("kind", { enum: ["text", "task", "system"] })
      .notNull()
      .default("text"),
    text: text("text").notNull(),
    replyToId: uuid("reply_to_id"),
    attachmentId: uuid("attachment_id").references(() => studioAttachments.id),
    taskId: uuid("task_id"),
    mentions: jsonb("mentions").$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    editedAt: timestamp("edited_at", { withTimezone: true }),
    withdrawnAt: timestamp("withdrawn_at", { withTimezone: true }),
    pinnedAt: timestamp("pinned_at", { withTimezone: true }),
    /** last edit, withdrawal or (un)pin: lets a rejoining client catch up on changes to old messages */
    changedAt: timestamp("changed_at", { withTimezone: true }),
  },
  (t) => [
    unique("studio_messages_seq_uq").on(t.studioId, t.seq),
    unique("studio_messages_client_uq").on(t.studioId, t.clientId),
    index("studio_messages_changed_idx").on(t.studioId, t.changedAt),
  ],
);

export const studioTasks = pgTable(
  "studio_tasks",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    studioId: uuid("studio_id")
      .notNull()
      .references(() => studios.id, { onDelete: "cascade" }),
    messageId: uuid("message_id"),
    title: text("title").notNull(),
    dueAt: timestamp("due_at", { withTimezone: true }).notNull(),
    capability: text("capability"),
    createdBy: uuid("created_by")
      .notNull()
      .references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    /** set once the "due soon" reminders went out (claimed atomically by one process) */
    dueSoonNotified: boolean("due_soon_notified").notNull().default(false),
  },
  (t) => [index("studio_tasks_studio_idx").on(t.studioId), index("studio_tasks_due_idx").on(t.dueAt)],
);

export const studioTaskStates = pgTable(
  "studio_task_states",
  {
    taskId: uuid("task_id")
      .notNull()
      .references(() => studioTasks.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    state: text("state", { enum: ["assigned", "received", "done"] })
      .notNull()
      .default("assigned"),
    receivedAt: timestamp("received_at", { withTimezone: true }),
    doneAt: timestamp("done_at", { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.taskId, t.userId] })],
);
