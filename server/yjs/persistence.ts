import { and, asc, eq, lte, sql } from "drizzle-orm";
import * as Y from "yjs";
import type { Db } from "../db/client.ts";
import { docUpdates } from "./schema.ts";

/** Past this many stored rows a document's log is folded into one snapshot row. */
export const COMPACT_AFTER_ROWS = 500;

export interface StoredDoc {
  updates: Uint8Array[];
  bytes: number;
}

/** Reads a document's snapshot and the updates stored after it, in order. */
export async function loadDoc(db: Db, docName: string): Promise<StoredDoc> {
  const rows = await db
    .select({ data: docUpdates.data })
    .from(docUpdates)
    .where(eq(docUpdates.docName, docName))
    .orderBy(asc(docUpdates.id));
  const updates = rows.map((r) => r.data);
  return { updates, bytes: updates.reduce((sum, u) => sum + u.byteLength, 0) };
}

/** Appends updates in one statement (one commit), so nothing is relayed before it is durable. */
export async function appendUpdates(db: Db, docName: string, updates: Uint8Array[]): Promise<void> {
  if (updates.length === 0) return;
  await db.insert(docUpdates).values(updates.map((data) => ({ docName, data })));
}

/**
 * Folds every stored row of a document into one encoded state, in one transaction. The state is
 * built by applying the rows to a fresh Y.Doc (linear), never with Y.mergeUpdates over a long
 * list (quadratic). An advisory lock keeps two processes from compacting the same document at once.
 */
export async function compactDoc(db: Db, docName: string): Promise<{ before: number; after: number }> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${docName}))`);
    const rows = await tx
      .select({ id: docUpdates.id, data: docUpdates.data })
      .from(docUpdates)
      .where(eq(docUpdates.docName, docName))
      .orderBy(asc(docUpdates.id));
    if (rows.length <= 1) return { before: rows.length, after: rows.length };
    const doc = new Y.Doc();
    try {
      doc.transact(() => {
        for (const row of rows) Y.applyUpdate(doc, row.data);
      });
      const state = Y.encodeStateAsUpdate(doc);
      const lastId = rows[rows.length - 1]!.id;
      await tx.delete(docUpdates).where(and(eq(docUpdates.docName, docName), lte(docUpdates.id, lastId)));
      await tx.insert(docUpdates).values({ docName, data: state });
      return { before: rows.length, after: 1 };
    } finally {
      doc.destroy();
    }
  });
}

export async function countRows(db: Db, docName: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(docUpdates)
    .where(eq(docUpdates.docName, docName));
  return Number(row?.n ?? 0);
}
