import { bigserial, boolean, index, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { bytea } from "../db/types.ts";

/**
 * The append-only log of a Yjs document: every update a client sent, stored before it is relayed.
 * Compaction replaces a long run of rows by one row holding the encoded state.
 */
export const docUpdates = pgTable(
  "doc_updates",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    docName: text("doc_name").notNull(),
    data: bytea("data").notNull(),
    /**
     * written by compaction: the encoded state of a document the server had just built from the
     * rows before it, so it applies cleanly and readers may be answered from it as it is
     */
    compacted: boolean("compacted").notNull().default(false),
    /**
     * a compacted row's state vector and the SHA-256 of its data, written with it: an open checks
     * the digest and sends the vector instead of decoding the row twice (null on older rows)
     */
    stateVector: bytea("state_vector"),
    digest: bytea("digest"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("doc_updates_doc_idx").on(t.docName, t.id)],
);

/**
 * Stored updates that failed to apply when their document was loaded (a poisoned row). They are
 * moved here, out of the document's log, so every later load works; admins list them.
 */
export const docQuarantine = pgTable(
  "doc_quarantine",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    docName: text("doc_name").notNull(),
    data: bytea("data").notNull(),
    error: text("error").notNull(),
    /** when the update was first stored in the document's log */
    storedAt: timestamp("stored_at", { withTimezone: true }).notNull(),
    quarantinedAt: timestamp("quarantined_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("doc_quarantine_doc_idx").on(t.docName, t.id)],
);
