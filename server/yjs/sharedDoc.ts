import type { WebSocket } from "ws";
import * as awarenessProtocol from "y-protocols/awareness";
import * as Y from "yjs";
import { CLOSE_CODES } from "../../shared/errors.ts";
import { LIMITS } from "../../shared/limits.ts";
import type { UserRow } from "../auth/sessions.ts";
import type { Logger } from "../lib/logger.ts";
import type { AwarenessBudget } from "./awareness.ts";
import type { DocAccess } from "./docKinds.ts";
import { COMPACT_AFTER_ROWS, type DocStore, foldedStateOf, type Snapshot } from "./persistence.ts";
import type { Outbox } from "./outbox.ts";
import { encodeAwareness, encodeUpdate } from "./protocol.ts";
import type { DocRelay, RelayHandler } from "./relay.ts";

export interface Connection {
  ws: WebSocket;
  user: UserRow;
  sessionId: string;
  access: DocAccess;
  /** awareness client ids this connection announced, removed when it leaves */
  awarenessIds: Set<number>;
  awarenessBudget: AwarenessBudget;
  /** set when the server closes it: frames of it still waiting to be read are dropped */
  refused: boolean;
}

/**
 * Closes a connection from the server's side (a bad frame, access withdrawn, the session ended):
 * nothing more it sent is read. A client closing by itself is different — the edits it sent just
 * before (typing, then leaving the page) arrived whole and are still applied and stored.
 */
export function closeConnection(conn: Connection, code: number, reason: string): void {
  conn.refused = true;
  conn.ws.close(code, reason);
}

const FROM_STORAGE = "storage";
const FROM_RELAY = "relay";
/** Most updates stored in one statement (2 parameters each; PostgreSQL allows 65,535 per statement). */
const MAX_BATCH = 5_000;

/** An edit applied to the document and waiting to be stored; sent on to others only once stored. */
interface QueuedEdit {
  update: Uint8Array;
  from: Connection | null;
  done?: (error?: unknown) => void;
}

/**
 * One document held in memory while anybody has it open.
 *
 * A writer's edit is applied to the document first — so an update that cannot be applied is
 * never stored — and what the document took from it (Yjs emits exactly the integrated part) is
 * queued, stored in one commit, and only then sent to the other connections and processes.
 *
 * A document stored as one compacted row is not built at load: readers are
 * answered from the stored bytes, and the Y.Doc is built from them only when something must read or
 * change it — an edit, a server change, an edit relayed from another process. Most opens are people
 * reading, and building a long document took a quarter of its cold open.
 */
export class SharedDoc {
  /** built from `snapshot` on first need: call materialize() before reading or changing it */
  private readonly doc = new Y.Doc();
  readonly awareness = new awarenessProtocol.Awareness(this.doc);
  readonly conns = new Map<WebSocket, Connection>();
  private storedBytes = 0;
  /** ids of the stored rows whose edits this copy holds: what a compaction may replace */
  private foldable: number[] = [];
  private queue: QueuedEdit[] = [];
  private flushing: Promise<void> | null = null;
  /** the compaction under way, if any: one at a time per document */
  private compacting: Promise<void> | null = null;
  /** the edit being applied right now: its emitted update joins the queue under this sender */
  private applying: { from: Connection | null; done?: (error?: unknown) => void } | null = null;
  /** set once the in-memory copy can no longer be trusted; the server then drops it */
  private broken = false;
  /** the document's one stored row, checked but not yet applied to `doc` */
  private snapshot: Snapshot | null = null;

  constructor(
    readonly name: string,
    private readonly store: DocStore,
    private readonly relay: DocRelay,
    private readonly outbox: Outbox,
    private readonly log: Logger,
    private readonly hooks: {
      /** the in-memory copy was dropped: forget it, the next connection loads from storage */
      onReset(): void;
      /** another process changed who may open this document */
      onAccessChanged(): void;
      /** a batch of edits was stored (and relayed); the document kind may react, e.g. touch a timestamp */
      afterStore(count: number): void;
    },
  ) {
    // The server has no presence of its own.
    this.awareness.setLocalState(null);
    this.doc.on("update", (update: Uint8Array, origin: unknown) => {
      if (origin === FROM_STORAGE) return;
      if (origin === FROM_RELAY) {
        // Already stored by the process that received it.
        this.broadcast(update, null);
        return;
      }
      this.storedBytes += update.byteLength;
      this.queue.push({ update, from: this.applying?.from ?? null, done: this.applying?.done });
    });
    this.awareness.on(
      "update",
      ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
        const changed = [...added, ...updated, ...removed];
        const conn = origin instanceof Object && "awarenessIds" in origin ? (origin as Connection) : null;
        if (conn) {
          // `updated` too: a client that comes back after leaving is not "added" again.
          for (const id of [...added, ...updated]) conn.awarenessIds.add(id);
          for (const id of removed) conn.awarenessIds.delete(id);
        }
        const update = awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed);
        const message = encodeAwareness(update);
        for (const other of this.conns.values()) this.outbox.send(other.ws, message);
        if (origin !== FROM_RELAY) this.relay.publish(this.name, "awareness", update);
      },
    );
  }

  /**
   * What other processes send about this document. They already checked it; still, nothing from
   * outside may throw out of the subscriber (that would end the process).
   */
  private readonly onRelayed: RelayHandler = (kind, data) => {
    try {
      if (kind === "update") {
        if (this.materialize()) Y.applyUpdate(this.doc, data, FROM_RELAY);
      } else if (kind === "awareness") {
        awarenessProtocol.applyAwarenessUpdate(this.awareness, data, FROM_RELAY);
      } else {
        this.hooks.onAccessChanged();
      }
    } catch (error) {
      this.log.warn({ err: error, doc: this.name, kind }, "relayed document message could not be applied");
    }
  };

  /** Subscribes to other processes first, then loads storage, so no relayed edit falls between. */
  async load(): Promise<void> {
    await this.relay.subscribe(this.name, this.onRelayed);
    const loaded = await this.store.load(this.name, this.doc, FROM_STORAGE, { keepSnapshot: true });
    this.snapshot = loaded.snapshot ?? null;
    if (loaded.quarantined.length > 0) {
      this.log.error(
        { doc: this.name, quarantined: loaded.quarantined },
        "stored updates failed to apply and were quarantined",
      );
    }
    this.storedBytes = loaded.bytes;
    this.foldable = loaded.ids;
  }

  /**
   * Applies a writer's edit (already decoded by the caller) and queues what the document took
   * from it for storage. An edit that throws while applying closes its sender; if it had changed
   * the document before throwing, the in-memory copy is dropped and reloaded from storage.
   */
  submit(update: Uint8Array, from: Connection): void {
    // A client with nothing new (a fresh reader answering the server's sync step 1) changes nothing.
    if (isEmptyUpdate(update) || !this.materialize()) return;
    if (this.storedBytes + update.byteLength > LIMITS.yjsDocumentBytes) {
      closeConnection(from, CLOSE_CODES.tooLarge, "document too large");
      return;
    }
    try {
      this.apply(update, { from });
    } catch (error) {
      this.log.warn(
        { err: error, doc: this.name, userId: from.user.id },
        "yjs update failed to apply; connection closed",
      );
      closeConnection(from, CLOSE_CODES.malformed, "update failed to apply");
      return;
    }
    this.startFlush();
  }

  /**
   * A change made by the server itself (template, restore): `change` runs on a copy of the
   * document, and the difference goes through the same path as a client's edit — applied,
   * stored, then relayed. Resolves once stored.
   */
  applyServerChange(change: (doc: Y.Doc) => void): Promise<void> {
    if (!this.materialize()) return Promise.reject(new Error("document is being reloaded"));
    const copy = new Y.Doc();
    let update: Uint8Array;
    try {
      Y.applyUpdate(copy, Y.encodeStateAsUpdate(this.doc));
      const before = Y.encodeStateVector(copy);
      change(copy);
      update = Y.encodeStateAsUpdate(copy, before);
    } finally {
      copy.destroy();
    }
    return new Promise((resolve, reject) => {
      const done = (error?: unknown) => (error ? reject(error) : resolve());
      try {
        if (!this.apply(update, { from: null, done })) resolve();
      } catch (error) {
        reject(error);
        return;
      }
      this.startFlush();
    });
  }

  /**
   * Builds the document from the snapshot kept since the load, if it was not built yet. Returns
   * false when the copy in memory cannot be used: it was dropped before, or the snapshot failed to
   * apply — then the row is set aside as a failing row is at load, and the copy is dropped so every
   * connection reloads without it.
   */
  private materialize(): boolean {
    const snapshot = this.snapshot;
    if (!snapshot) return !this.broken;
    this.snapshot = null;
    try {
      Y.applyUpdate(this.doc, snapshot.data, FROM_STORAGE);
      return true;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.log.error({ err: error, doc: this.name }, "stored snapshot failed to apply; quarantined");
      this.store
        .setAside(this.name, [{ row: snapshot, error: message }])
        .catch((failure: unknown) => this.log.error({ err: failure, doc: this.name }, "quarantining failed"));
      this.reset("stored snapshot failed to apply");
      return false;
    }
  }

  /** The state vector of the document, for the sync step 1 the server sends each connection. */
  stateVector(): Uint8Array {
    if (!this.snapshot) return Y.encodeStateVector(this.doc);
    // stored with the row; computed once for a row compacted before vectors were stored
    this.snapshot.stateVector ??= Y.encodeStateVectorFromUpdate(this.snapshot.data);
    return this.snapshot.stateVector;
  }

  /** What a peer holding `stateVector` lacks (the sync step 2 answer), without building the document. */
  missingFrom(stateVector: Uint8Array): Uint8Array {
    if (!this.snapshot) return Y.encodeStateAsUpdate(this.doc, stateVector);
    // a peer with nothing gets the stored bytes as they are
    return isEmptyStateVector(stateVector) ? this.snapshot.data : Y.diffUpdate(this.snapshot.data, stateVector);
  }

  /** The whole state, as one update. */
  encodeState(): Uint8Array {
    return this.snapshot ? this.snapshot.data : Y.encodeStateAsUpdate(this.doc);
  }

  /** Applies one update; returns whether anything was queued. Throws when the update fails. */
  private apply(update: Uint8Array, edit: { from: Connection | null; done?: (error?: unknown) => void }): boolean {
    const before = this.queue.length;
    this.applying = edit;
    try {
      Y.applyUpdate(this.doc, update, edit.from ?? "server");
    } catch (error) {
      // What a failing update integrated before it threw is never stored nor relayed. If it
      // integrated nothing, the document is as it was and only the sender notices.
      const partial = this.queue.splice(before);
      if (partial.length > 0) this.reset("an update failed half-way through being applied");
      throw error;
    } finally {
      this.applying = null;
    }
    return this.queue.length > before;
  }

  /** Resolves when every queued edit has been stored and relayed. */
  async settled(): Promise<void> {
    while (this.flushing || this.compacting) await (this.flushing ?? this.compacting);
  }

  /**
   * Starts storing after the current turn of the event loop, not at once: every frame read in
   * this turn (from any connection) has been applied and queued by then, so updates that arrive
   * together share one commit instead of the first going alone and the rest waiting for it.
   * `flushing` is set at once, so `settled()` waits for the deferred store too.
   */
  private startFlush(): void {
    this.flushing ??= new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.flush())
      .finally(() => {
        this.flushing = null;
        // An edit queued between the loop's last check and this callback would otherwise wait
        // for the next edit (and settled() would return without it).
        if (this.queue.length > 0 && !this.broken) this.startFlush();
      });
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0 && !this.broken) {
      const batch = this.queue.splice(0, MAX_BATCH);
      let ids: number[];
      try {
        ids = await this.store.append(
          this.name,
          batch.map((item) => item.update),
        );
      } catch (error) {
        this.log.error({ err: error, doc: this.name }, "storing document updates failed");
        for (const item of [...batch, ...this.queue]) item.done?.(error);
        this.queue = [];
        // The copy in memory is now ahead of storage: drop it. Every client still holds its own
        // edits and sends them again when it reconnects and syncs.
        this.reset("storage failed");
        return;
      }
      this.relayBatch(batch);
      for (const item of batch) item.done?.();
      this.hooks.afterStore(batch.length);
      this.foldable.push(...ids);
      // Housekeeping, not on the edits' path: the next batches are stored and relayed meanwhile.
      // Only while nothing waits to be stored: the copy then holds exactly what is stored, and
      // a fold never stores an edit ahead of its own commit.
      if (this.foldable.length > COMPACT_AFTER_ROWS && this.queue.length === 0 && !this.compacting) {
        this.compacting = this.compact().finally(() => {
          this.compacting = null;
        });
      }
    }
  }

  /**
   * Sends a stored batch on as one merged update rather than one frame per edit: a receiver
   * applies one transaction instead of a burst of them, which is where a busy room's tail latency
   * came from. Every receiver gets the edits of everyone but itself — the connections that
   * wrote nothing in this batch share one frame, and each writer gets the others' edits merged.
   * Other processes get the whole batch, once.
   */
  private relayBatch(batch: QueuedEdit[]): void {
    if (batch.length === 1) {
      const [only] = batch as [QueuedEdit];
      this.broadcast(only.update, only.from);
      this.relay.publish(this.name, "update", only.update);
      return;
    }
    const merged = Y.mergeUpdates(batch.map((item) => item.update));
    const writers = new Set(batch.map((item) => item.from));
    const everyone = encodeUpdate(merged);
    for (const conn of this.conns.values()) {
      if (!writers.has(conn)) this.outbox.send(conn.ws, everyone);
    }
    for (const writer of writers) {
      if (!writer || !this.conns.has(writer.ws)) continue;
      const others = batch.filter((item) => item.from !== writer).map((item) => item.update);
      if (others.length > 0)
        this.outbox.send(writer.ws, encodeUpdate(others.length === 1 ? others[0]! : Y.mergeUpdates(others)));
    }
    this.relay.publish(this.name, "update", merged);
  }

  /**
   * The frame is encoded once and the same bytes go to every receiver (ws adds only its few-byte
   * header per socket and does not copy the payload of an unmasked server frame).
   */
  private broadcast(update: Uint8Array, except: Connection | null): void {
    const message = encodeUpdate(update);
    for (const conn of this.conns.values()) {
      if (conn !== except) this.outbox.send(conn.ws, message);
    }
  }

  /** Drops the in-memory copy: every connection reconnects and syncs against a fresh load. */
  private reset(reason: string): void {
    if (this.broken) return;
    this.broken = true;
    this.log.error({ doc: this.name, reason }, "document reloaded from storage");
    for (const conn of this.conns.values()) closeConnection(conn, CLOSE_CODES.resync, "document reloaded");
    this.hooks.onReset();
  }

  /**
   * Replaces the stored rows this copy holds by one row of its state, encoded from memory: nothing
   * is read back from the log, so the database is held only for one delete and one insert (reading
   * and rebuilding 500 rows held it for 30–100 ms on the embedded database). Rows stored by another
   * process are not in `foldable` and stay; that process folds its own, and a later load folds
   * whatever is left. Runs right after a batch was stored with nothing waiting (see flush), so the
   * state holds no edit that is not stored yet.
   */
  private async compact(): Promise<void> {
    // a copy not built yet, or being dropped, is not the whole of what it would replace
    if (this.snapshot || this.broken) return;
    const ids = this.foldable;
    this.foldable = [];
    try {
      const id = await this.store.fold(this.name, foldedStateOf(this.doc), ids);
      this.foldable.unshift(id);
    } catch (error) {
      this.foldable.unshift(...ids);
      this.log.warn({ err: error, doc: this.name }, "compaction failed; will retry later");
    }
  }

  /** Forgets a connection's presence; the caller destroys the document when it was the last. */
  removeConnection(conn: Connection): void {
    this.conns.delete(conn.ws);
    awarenessProtocol.removeAwarenessStates(this.awareness, [...conn.awarenessIds], null);
  }

  /** Stops the awareness timer and frees memory; must run when the last connection leaves. */
  async destroy(): Promise<void> {
    await this.settled();
    await this.relay.unsubscribe(this.name, this.onRelayed).catch(() => {});
    this.awareness.destroy();
    this.doc.destroy();
  }
}

/** The V1 encoding of an update with no structs and no deletions (a peer with nothing to add). */
function isEmptyUpdate(update: Uint8Array): boolean {
  return update.byteLength === 2 && update[0] === 0 && update[1] === 0;
}

/** The encoding of an empty state vector (a peer that holds nothing yet). */
function isEmptyStateVector(stateVector: Uint8Array): boolean {
  return stateVector.byteLength === 1 && stateVector[0] === 0;
}
