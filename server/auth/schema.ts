import { boolean, index, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { communities } from "../org/schema.ts";

export const users = pgTable("users", {
  id: uuid("id").primaryKey().defaultRandom(),
  username: text("username").notNull().unique(),
  displayName: text("display_name").notNull(),
  passwordHash: text("password_hash").notNull(),
  role: text("role", { enum: ["admin", "mentor", "veteran", "secretary", "worker", "resident"] })
    .notNull()
    .default("resident"),
  level: text("level", { enum: ["novice", "backbone", "core"] })
    .notNull()
    .default("novice"),
  communityId: text("community_id").references(() => communities.id),
  partyMember: boolean("party_member").notNull().default(false),
  disabled: boolean("disabled").notNull().default(false),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

/** Lucia-style sessions: `id` is the SHA-256 of the cookie token, never the token itself. */
export const sessions = pgTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("sessions_user_idx").on(t.userId)],
);
