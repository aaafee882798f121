// Tables of 现场评议: people in the hall who vote and ask without an account (see docs/SECURITY.md).
import { index, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { forums } from "./schema.ts";

/**
 * A guest of one forum: one voter, from a printed code or from a device that joined by the venue
 * QR. Guests are not users: no normal route, room or document knows them.
 */
export const forumGuests = pgTable(
  "forum_guests",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    forumId: uuid("forum_id")
      .notNull()
      .references(() => forums.id, { onDelete: "cascade" }),
    /** the scoring group, fixed for good: by the code, or the device's first choice */
    scoreGroup: text("score_group").notNull(),
    mechanism: text("mechanism", { enum: ["printed", "venue"] }).notNull(),
    /** venue guests: SHA-256 of the token the device keeps, so it comes back as the same voter */
    deviceTokenHash: text("device_token_hash").unique(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("forum_guests_forum_idx").on(t.forumId, t.scoreGroup)],
);

/** Printed single-use codes: each becomes one guest the first time it is used. */
export const forumBallotCodes = pgTable(
  "forum_ballot_codes",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    forumId: uuid("forum_id")
      .notNull()
      .references(() => forums.id, { onDelete: "cascade" }),
    code: text("code").notNull().unique(),
    scoreGroup: text("score_group").notNull(),
    guestId: uuid("guest_id")
      .unique()
      .references(() => forumGuests.id, { onDelete: "set null" }),
    createdBy: uuid("created_by").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    usedAt: timestamp("used_at", { withTimezone: true }),
  },
  (t) => [index("forum_ballot_codes_forum_idx").on(t.forumId)],
);

/** A guest's browser session: like a user session, only the SHA-256 of the cookie token is kept. */
export const forumGuestSessions = pgTable(
  "forum_guest_sessions",
  {
    id: text("id").primaryKey(),
    guestId: uuid("guest_id")
      .notNull()
      .references(() => forumGuests.id, { onDelete: "cascade" }),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("forum_guest_sessions_guest_idx").on(t.guestId)],
);
