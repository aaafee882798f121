import { sql } from "drizzle-orm";
import { boolean, date, index, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import type { Flag, Role } from "../../shared/enums.ts";
import { communities, streets } from "../org/schema.ts";

export const users = pgTable("users", {
  id: uuid("id").primaryKey().defaultRandom(),
  username: text("username").notNull().unique(),
  displayName: text("display_name").notNull(),
  passwordHash: text("password_hash").notNull(),
  /** the primary role, derived from `roles` on every write (see primaryRole) */
  role: text("role").$type<Role>().notNull().default("resident"),
  /** every role the person holds; permission checks read this set */
  roles: text("roles").array().$type<Role[]>().notNull().default(sql`'{resident}'::text[]`),
  flags: text("flags").array().$type<Flag[]>().notNull().default(sql`'{}'::text[]`),
  level: text("level", { enum: ["novice", "backbone", "core"] })
    .notNull()
    .default("novice"),
  communityId: text("community_id").references(() => communities.id),
  partyMember: boolean("party_member").notNull().default(false),
  /** the street a street admin manages */
  streetId: text("street_id").references(() => streets.id),
  phone: text("phone"),
  /** 入职日期 (YYYY-MM-DD) */
  hireDate: date("hire_date", { mode: "string" }),
  /** set by an initial or temporary password; cleared by the person's own password change */
  mustChangePassword: boolean("must_change_password").notNull().default(false),
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
