import { createHash } from "node:crypto";
import { asc, desc, eq, inArray, sql } from "drizzle-orm";
import * as Y from "yjs";
import type { Db, Tx } from "../db/client.ts";
import { docQuarantine, docUpdates } from "./schema.ts";

/**
 * Where a document's updates live. The Yjs server only loads, appends and compacts through this,
 * so it can be handed another store (as it is handed a relay) without touching the protocol code.
 */
export interface DocStore {
  /**
   * applies the stored updates to `doc` in order; rows that fail are set aside, never fatal. With
   * `keepSnapshot`, a document stored as one compacted row is returned as it is, not applied.
   */
  load(docName: string, doc: Y.Doc, origin: unknown, options?: { keepSnapshot?: boolean }): Promise<LoadedDoc>;
  /** moves rows that failed to apply out of the document's log, into the quarantine */
  setAside(docName: string, bad: { row: StoredRow; error: string }[]): Promise<void>;
  /** stores updates in one commit; resolves with their rows' ids once they are durable */
  append(docName: string, updates: Uint8Array[]): Promise<number[]>;
  /**
   * replaces the rows `ids` by one compacted row holding `folded.state`, in one commit, and resolves
   * with that row's id; the state must hold everything those rows hold
   */
  fold(docName: string, folded: FoldedState, ids: number[]): Promise<number>;
}

/** A document's whole state as a compaction stores it: the update, and the state vector it reaches. */
export interface FoldedState {
  state: Uint8Array;
  stateVector: Uint8Array;
}

/** The state and state vector of a document built in memory (what `fold` stores). */
export function foldedStateOf(doc: Y.Doc): FoldedState {
  return { state: Y.encodeStateAsUpdate(doc), stateVector: Y.encodeStateVector(doc) };
}

/**
 * Rows compactions may delete on the embedded database before the log is vacuumed. PGlite runs no
 * autovacuum: without this, every compacted row stays behind as a dead tuple that each later read
 * of the document wades through (a 105,000-character paper typed one key at a time left 260,000 of
 * them, and its first read after a restart took 120 ms instead of 18). PostgreSQL vacuums itself.
 */
const VACUUM_AFTER_DELETED_ROWS = 20_000;

/** The store on our database: the `doc_updates` log, with its quarantine. */
export function databaseDocStore(
  db: Db,
  kind: "pglite" | "postgres",
  { vacuumAfterDeletedRows = VACUUM_AFTER_DELETED_ROWS } = {},
): DocStore {
  let deletedSinceVacuum = 0;
  return {
    load: (docName, doc, origin, options) => loadDocInto(db, docName, doc, origin, options),
    setAside: (docName, bad) => quarantine(db, docName, bad),
    append: (docName, updates) => appendUpdates(db, docName, updates),
    async fold(docName, folded, ids) {
      const id = await foldRows(db, docName, folded, ids);
      if (kind === "pglite") {
        deletedSinceVacuum += ids.length;
        if (deletedSinceVacuum >= vacuumAfterDeletedRows) {
          deletedSinceVacuum = 0;
          await db.execute(sql`vacuum doc_updates`).catch((error: unknown) => {
            throw new Error("vacuum after compaction failed", { cause: error });
          });
        }
      }
      return id;
    },
  };
}

/** Past this many stored rows a document's log is folded into one snapshot row. */
export const COMPACT_AFTER_ROWS = 500;

export interface StoredRow {
  id: number;
  data: Uint8Array;
  createdAt: Date;
}

/** A document's one compacted row, checked but not applied: see `keepSnapshot`. */
export interface Snapshot extends StoredRow {
  /** as stored with the row; null on a row compacted before state vectors were stored */
  stateVector: Uint8Array | null;
}

export interface LoadedDoc {
  /** the ids of the rows applied (or of the snapshot kept): what the loaded copy may later fold */
  ids: number[];
  bytes: number;
  snapshot?: Snapshot;
  /** rows that failed to apply and were moved to the quarantine */
  quarantined: { id: number; error: string }[];
}

/**
 * Applies stored rows to `doc` one by one inside one transaction. A row that does not decode or
 * throws while applying is set aside instead of failing the whole load: that is what keeps one
 * poisoned row from making a document (and the process) unusable for ever.
 */
function applyRows(
  doc: Y.Doc,
  rows: StoredRow[],
  origin: unknown,
): { good: StoredRow[]; bad: { row: StoredRow; error: string }[] } {
  const good: StoredRow[] = [];
  const bad: { row: StoredRow; error: string }[] = [];
  doc.transact(() => {
    for (const row of rows) {
      try {
        // Decoding first means a malformed row never touches the document at all.
        Y.decodeUpdate(row.data);
        Y.applyUpdate(doc, row.data, origin);
        good.push(row);
      } catch (error) {
        bad.push({ row, error: error instanceof Error ? error.message : String(error) });
      }
    }
  }, origin);
  return { good, bad };
}

function decodes(update: Uint8Array): boolean {
  try {
    Y.decodeUpdate(update);
    return true;
  } catch {
    return false;
  }
}

/** What a compacted row's digest covers: its data, then its state vector. */
function digestOf(data: Uint8Array, stateVector: Uint8Array): Buffer {
  return createHash("sha256").update(data).update(stateVector).digest();
}

/**
 * Whether a compacted row is still exactly what the server wrote: its digest matches its data and
 * state vector. Hashing the paper's 313 KB state takes under a millisecond where decoding it took
 * 6 ms of every cold open. A row compacted before digests were stored must decode instead.
 */
function intact(row: { data: Uint8Array; stateVector: Uint8Array | null; digest: Uint8Array | null }): boolean {
  if (row.digest && row.stateVector) return digestOf(row.data, row.stateVector).equals(row.digest);
  const storedBeforeDigests = row.digest === null && row.stateVector === null;
  return storedBeforeDigests && decodes(row.data);
}

/** Moves rows out of a document's log into the quarantine, in one transaction. */
async function quarantine(db: Db, docName: string, bad: { row: StoredRow; error: string }[]): Promise<void> {
  if (bad.length === 0) return;
  await db.transaction(async (tx) => {
    await tx
      .insert(docQuarantine)
      .values(
        bad.map(({ row, error }) => ({ docName, data: row.data, error: error.slice(0, 500), storedAt: row.createdAt })),
      );
    await tx.delete(docUpdates).where(
      inArray(
        docUpdates.id,
        bad.map(({ row }) => row.id),
      ),
    );
  });
}

/**
 * Loads a document's snapshot and the updates stored after it into `doc`, in order. Rows that
 * fail are quarantined (and reported to the caller to log), never fatal. With `keepSnapshot`, a
 * document stored as a single row written by compaction is handed back as it is instead: the caller
 * can answer readers from it without building the document. Only such a row: the server encoded it
 * from a document it had just built, so it applies cleanly, while any other row may be one an older
 * version stored without applying it first, which readers must never be sent unchecked.
 */
export async function loadDocInto(
  db: Db,
  docName: string,
  doc: Y.Doc,
  origin: unknown,
  { keepSnapshot = false } = {},
): Promise<LoadedDoc> {
  const rows = await db
    .select({
      id: docUpdates.id,
      data: docUpdates.data,
      createdAt: docUpdates.createdAt,
      compacted: docUpdates.compacted,
      stateVector: docUpdates.stateVector,
      digest: docUpdates.digest,
    })
    .from(docUpdates)
    .where(eq(docUpdates.docName, docName))
    .orderBy(asc(docUpdates.id));
  const [only] = rows;
  if (keepSnapshot && rows.length === 1 && only?.compacted && intact(only)) {
    const { id, data, createdAt, stateVector } = only;
    return { ids: [id], bytes: data.byteLength, snapshot: { id, data, createdAt, stateVector }, quarantined: [] };
  }
  const { good, bad } = applyRows(doc, rows, origin);
  await quarantine(db, docName, bad);
  return {
    ids: good.map((row) => row.id),
    bytes: good.reduce((sum, r) => sum + r.data.byteLength, 0),
    quarantined: bad.map(({ row, error }) => ({ id: row.id, error })),
  };
}

/** A document's stored rows as they are, in order (tests, benchmarks, tools). */
export async function loadDoc(db: Db, docName: string): Promise<{ updates: Uint8Array[]; bytes: number }> {
  const rows = await db
    .select({ data: docUpdates.data })
    .from(docUpdates)
    .where(eq(docUpdates.docName, docName))
    .orderBy(asc(docUpdates.id));
  const updates = rows.map((r) => r.data);
  return { updates, bytes: updates.reduce((sum, u) => sum + u.byteLength, 0) };
}

/**
 * Appends updates in one statement (one commit), so nothing is relayed before it is durable, and
 * returns their ids.
 */
export async function appendUpdates(db: Db, docName: string, updates: Uint8Array[]): Promise<number[]> {
  if (updates.length === 0) return [];
  const rows = await db
    .insert(docUpdates)
    .values(updates.map((data) => ({ docName, data })))
    .returning({ id: docUpdates.id });
  return rows.map((row) => row.id);
}

/**
 * Replaces exactly the rows `ids` of a document by one compacted row holding `folded.state`, in one
 * transaction: a row is only ever deleted in the commit that stores a state holding it. Two
 * processes folding the same document take turns (deleting overlapping rows in different orders
 * could deadlock); the second finds the rows both held already gone, and both states stay, each whole.
 */
async function foldRows(db: Db, docName: string, folded: FoldedState, ids: number[]): Promise<number> {
  return db.transaction(async (tx) => {
    await lockDoc(tx, docName);
    return replaceRows(tx, docName, folded, ids);
  });
}

/** Holds the document's compaction lock until the transaction ends. */
async function lockDoc(tx: Tx, docName: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${docName}))`);
}

/**
 * Deletes the rows `ids` and inserts the compacted row in their place; returns its id. The ids go
 * as one array parameter, not one parameter each (a fold deletes hundreds, a compaction of a
 * document nobody had open may delete hundreds of thousands).
 */
async function replaceRows(tx: Tx, docName: string, folded: FoldedState, ids: number[]): Promise<number> {
  if (ids.length > 0) {
    const idArray = `{${ids.map((id) => Math.trunc(id)).join(",")}}`;
    await tx
      .delete(docUpdates)
      .where(sql`${docUpdates.docName} = ${docName} and ${docUpdates.id} = any(${idArray}::bigint[])`);
  }
  const [row] = await tx.insert(docUpdates).values(compactedRow(docName, folded)).returning({ id: docUpdates.id });
  return row!.id;
}

/**
 * Folds every stored row of a document into one encoded state, in one transaction, reading them
 * back from the log: for a document nobody has open (tests and benchmarks). An open document folds
 * from its copy in memory instead (`SharedDoc`), which reads nothing back. The state is
 * built by applying the rows to a fresh Y.Doc (linear), never with Y.mergeUpdates over a long
 * list (quadratic). An advisory lock keeps two processes from compacting the same document at once.
 * A row that fails to apply is quarantined rather than folded in.
 */
export async function compactDoc(db: Db, docName: string): Promise<{ before: number; after: number }> {
  return db.transaction(async (tx) => {
    await lockDoc(tx, docName);
    const rows = await tx
      .select({ id: docUpdates.id, data: docUpdates.data, createdAt: docUpdates.createdAt })
      .from(docUpdates)
      .where(eq(docUpdates.docName, docName))
      .orderBy(asc(docUpdates.id));
    if (rows.length <= 1) return { before: rows.length, after: rows.length };
    const doc = new Y.Doc();
    try {
      const { bad } = applyRows(doc, rows, null);
      if (bad.length > 0) {
        await tx.insert(docQuarantine).values(
          bad.map(({ row, error }) => ({
            docName,
            data: row.data,
            error: error.slice(0, 500),
            storedAt: row.createdAt,
          })),
        );
      }
      // Exactly the rows folded in, not "every id up to the last one": a row another writer inserted
      // with a smaller id but committed after the read above is not in the folded state and must stay.
      await replaceRows(
        tx,
        docName,
        foldedStateOf(doc),
        rows.map((row) => row.id),
      );
      return { before: rows.length, after: 1 };
    } finally {
      doc.destroy();
    }
  });
}

/** The row a compaction inserts: the state, marked compacted, with its state vector and their digest. */
function compactedRow(docName: string, { state, stateVector }: FoldedState) {
  return { docName, data: state, compacted: true, stateVector, digest: digestOf(state, stateVector) };
}

export async function countRows(db: Db, docName: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(docUpdates)
    .where(eq(docUpdates.docName, docName));
  return Number(row?.n ?? 0);
}

/** The quarantine, newest first, without the data itself (admins see what and where, not content). */
export function listQuarantine(db: Db, limit = 200) {
  return db
    .select({
      id: docQuarantine.id,
      docName: docQuarantine.docName,
      bytes: sql<number>`octet_length(${docQuarantine.data})::int`,
      error: docQuarantine.error,
      storedAt: docQuarantine.storedAt,
      quarantinedAt: docQuarantine.quarantinedAt,
    })
    .from(docQuarantine)
    .orderBy(desc(docQuarantine.id))
    .limit(limit);
}
