import { pgTable, text, timestamp } from "drizzle-orm/pg-core";

/** The admin-edited list of sensitive words (stored as typed; matched after normalisation). */
export const sensitiveWords = pgTable("sensitive_words", {
  word: text("word").primaryKey(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});
