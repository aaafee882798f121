import type { WebSocket } from "ws";
import * as awarenessProtocol from "y-protocols/awareness";
import * as Y from "yjs";
import { CLOSE_CODES } from "../../shared/errors.ts";
import { LIMITS } from "../../shared/limits.ts";
import type { UserRow } from "../auth/sessions.ts";
import type { Db } from "../db/client.ts";
import type { Logger } from "../lib/logger.ts";
import type { DocAccess } from "./docKinds.ts";
import { appendUpdates, COMPACT_AFTER_ROWS, compactDoc, loadDoc } from "./persistence.ts";
import { encodeAwareness, encodeUpdate } from "./protocol.ts";
import type { DocRelay } from "./relay.ts";

export interface Connection {
  ws: WebSocket;
  user: UserRow;
  sessionId: string;
  access: DocAccess;
  /** awareness client ids this connection announced, removed when it leaves */
  awarenessIds: Set<number>;
}

const FROM_STORAGE = "storage";
/** Most updates stored in one statement (2 parameters each; PostgreSQL allows 65,535 per statement). */
const MAX_BATCH = 5_000;
const FROM_RELAY = "relay";

/**
 * One document held in memory while anybody has it open. Incoming edits go through a queue:
 * stored in one commit, then applied and relayed, so an edit anyone has seen is never lost.
 */
export class SharedDoc {
  readonly doc = new Y.Doc();
  readonly awareness = new awarenessProtocol.Awareness(this.doc);
  readonly conns = new Map<WebSocket, Connection>();
  private storedBytes = 0;
  private storedRows = 0;
  private queue: { update: Uint8Array; from: Connection | null; done?: (error?: unknown) => void }[] = [];
  private flushing: Promise<void> | null = null;

  constructor(
    readonly name: string,
    private readonly db: Db,
    private readonly relay: DocRelay,
    private readonly log: Logger,
  ) {
    // The server has no presence of its own.
    this.awareness.setLocalState(null);
    this.doc.on("update", (update: Uint8Array, origin: unknown) => {
      const message = encodeUpdate(update);
      for (const conn of this.conns.values()) {
        if (conn !== origin) send(conn.ws, message);
      }
      if (origin !== FROM_RELAY && origin !== FROM_STORAGE) this.relay.publish(this.name, "update", update);
    });
    this.awareness.on(
      "update",
      ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
        const changed = [...added, ...updated, ...removed];
        const conn = origin instanceof Object && "awarenessIds" in origin ? (origin as Connection) : null;
        if (conn) {
          for (const id of added) conn.awarenessIds.add(id);
          for (const id of removed) conn.awarenessIds.delete(id);
        }
        const update = awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed);
        const message = encodeAwareness(update);
        for (const other of this.conns.values()) send(other.ws, message);
        if (origin !== FROM_RELAY) this.relay.publish(this.name, "awareness", update);
      },
    );
  }

  /** Subscribes to other processes first, then loads storage, so no relayed edit falls between. */
  async load(): Promise<void> {
    await this.relay.subscribe(this.name, (kind, data) => {
      if (kind === "update") Y.applyUpdate(this.doc, data, FROM_RELAY);
      else awarenessProtocol.applyAwarenessUpdate(this.awareness, data, FROM_RELAY);
    });
    const stored = await loadDoc(this.db, this.name);
    this.doc.transact(() => {
      for (const update of stored.updates) Y.applyUpdate(this.doc, update);
    }, FROM_STORAGE);
    this.storedBytes = stored.bytes;
    this.storedRows = stored.updates.length;
  }

  /** Queues an edit from a writer; it is stored before anyone else sees it. */
  submit(update: Uint8Array, from: Connection): void {
    // An empty update (every client's sync-step-2 answer when it has nothing new) is not stored.
    if (update.byteLength === 2 && update[0] === 0 && update[1] === 0) return;
    if (this.storedBytes + update.byteLength > LIMITS.yjsDocumentBytes) {
      from.ws.close(CLOSE_CODES.tooLarge, "document too large");
      return;
    }
    this.storedBytes += update.byteLength;
    this.queue.push({ update, from });
    this.flushing ??= this.flush().finally(() => {
      this.flushing = null;
    });
  }

  /**
   * A change made by the server itself (template, restore): `change` runs on a copy of the
   * document, and the difference goes through the same queue as a client's edit — stored, then
   * applied and relayed. Resolves once stored and applied.
   */
  applyServerChange(change: (doc: Y.Doc) => void): Promise<void> {
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
      this.storedBytes += update.byteLength;
      this.queue.push({ update, from: null, done: (error) => (error ? reject(error) : resolve()) });
      this.flushing ??= this.flush().finally(() => {
        this.flushing = null;
      });
    });
  }

  /** Resolves when every queued edit has been stored and relayed. */
  async settled(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      try {
        await appendUpdates(
          this.db,
          this.name,
          batch.map((item) => item.update),
        );
      } catch (error) {
        // Not stored means not applied: the senders reconnect and sync again from their copy.
        this.log.error({ err: error, doc: this.name }, "storing document updates failed");
        for (const item of batch) {
          item.from?.ws.close(1011, "storage failed");
          item.done?.(error);
        }
        continue;
      }
      for (const item of batch) {
        Y.applyUpdate(this.doc, item.update, item.from);
        item.done?.();
      }
      this.storedRows += batch.length;
      if (this.storedRows > COMPACT_AFTER_ROWS) await this.compact();
    }
  }

  private async compact(): Promise<void> {
    try {
      const result = await compactDoc(this.db, this.name);
      this.storedRows = result.after;
    } catch (error) {
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
    await this.relay.unsubscribe(this.name).catch(() => {});
    this.awareness.destroy();
    this.doc.destroy();
  }
}

export function send(ws: WebSocket, message: Uint8Array): void {
  if (ws.readyState === ws.OPEN) ws.send(message);
}
