// Tables of the file store: metadata always, bytes only in the chunked mode (see store.ts).
import { bigint, index, integer, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { bytea } from "../db/types.ts";

/**
 * One row per distinct content, named by its SHA-256. Decks and attachments point here; a row
 * nobody points to is deleted (with its bytes) once `touchedAt` is older than the grace period.
 */
export const storedFiles = pgTable(
  "stored_files",
  {
    sha256: text("sha256").primaryKey(),
    size: bigint("size", { mode: "number" }).notNull(),
    /** set on every upload of this content, so a re-upload restarts the grace period */
    touchedAt: timestamp("touched_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("stored_files_touched_idx").on(t.touchedAt)],
);

/**
 * The bytes of a file in the chunked mode (PostgreSQL without FILES_DIR): at most 1 MB a row, so
 * no query ever carries a whole deck. Unused on PGlite, whose bytes live under DATA_DIR/files.
 */
export const fileChunks = pgTable(
  "file_chunks",
  {
    sha256: text("sha256")
      .notNull()
      .references(() => storedFiles.sha256, { onDelete: "cascade" }),
    seq: integer("seq").notNull(),
    data: bytea("data").notNull(),
  },
  (t) => [primaryKey({ columns: [t.sha256, t.seq] })],
);
