import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type RawData, type WebSocket } from "ws";
import * as awarenessProtocol from "y-protocols/awareness";
import type * as Y from "yjs";
import { CLOSE_CODES } from "../../shared/errors.ts";
import { LIMITS } from "../../shared/limits.ts";
import { handshake, HandshakeError } from "../auth/handshake.ts";
import type { SessionStore, UserRow } from "../auth/sessions.ts";
import { AppError } from "../lib/errors.ts";
import type { Logger } from "../lib/logger.ts";
import { type DocAccess, type DocKind, parseDocName } from "./docKinds.ts";
import { type AwarenessEntry, AwarenessBudget, sanitizeAwareness } from "./awareness.ts";
import {
  decodeMessage,
  encodeAwarenessStates,
  encodeSyncStep1,
  encodeSyncStep2,
  type IncomingMessage as Message,
  MalformedFrame,
} from "./protocol.ts";
import type { DocRelay } from "./relay.ts";
import type { DocStore } from "./persistence.ts";
import { Outbox } from "./outbox.ts";
import { closeConnection, type Connection, SharedDoc } from "./sharedDoc.ts";

const PING_INTERVAL_MS = 30_000;

interface OpenDoc {
  shared: SharedDoc;
  ready: Promise<void>;
  /** server-side changes in progress: the document stays loaded while > 0 */
  holds: number;
}

/** Why an upgrade is refused before the WebSocket handshake: an HTTP status and its reason. */
class UpgradeRefused extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
  ) {
    super(reason);
    this.name = "UpgradeRefused";
  }
}

const HANDSHAKE_REASONS = {
  forbidden_origin: "Forbidden origin",
  unauthorized: "Unauthorized",
  password_change_required: "Password change required",
} as const;

/**
 * The y-websocket door at /yjs/<docName>. An upgrade passes four steps in order — parse the name,
 * authenticate the cookie, authorize with the document's kind, load — and any step refuses with
 * a plain HTTP status before the handshake. Edits are then stored, applied and relayed by SharedDoc.
 */
export class YjsServer {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: LIMITS.yjsMessageBytes * 4 });
  private readonly docs = new Map<string, OpenDoc>();
  private readonly alive = new WeakMap<WebSocket, boolean>();
  private readonly kinds = new Map<string, DocKind>();
  private readonly pingTimer: NodeJS.Timeout;
  private readonly outbox: Outbox;

  constructor(
    private readonly deps: {
      store: DocStore;
      sessions: SessionStore;
      log: Logger;
      relay: DocRelay;
      publicOrigin?: string;
      /** what may wait to be written to one connection before it is cut (see Outbox) */
      maxUnsentBytes: number;
    },
  ) {
    this.outbox = new Outbox(deps.maxUnsentBytes, deps.log);
    this.pingTimer = setInterval(() => this.pingAll(), PING_INTERVAL_MS);
    this.pingTimer.unref();
  }

  registerKind(kind: DocKind): void {
    this.kinds.set(kind.prefix, kind);
  }

  /** Number of documents held in memory (for tests and benchmarks). */
  get openDocuments(): number {
    return this.docs.size;
  }

  async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    try {
      const docName = this.parseName(req);
      const { user, sessionId } = await this.authenticate(req);
      const access = await this.authorize(user, docName);
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        void this.connect(ws, docName, user, sessionId, access);
      });
    } catch (error) {
      const refusal = toRefusal(error, this.deps.log);
      refuse(socket, refusal.status, refusal.reason);
    }
  }

  private parseName(req: IncomingMessage): string {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    let docName: string;
    try {
      docName = decodeURIComponent(path.slice("/yjs/".length));
    } catch {
      // A broken %-escape names no document.
      throw new UpgradeRefused(404, "Unknown document");
    }
    const parsed = parseDocName(docName);
    if (!parsed || !this.kinds.has(parsed.prefix)) throw new UpgradeRefused(404, "Unknown document");
    return docName;
  }

  private async authenticate(req: IncomingMessage): Promise<{ user: UserRow; sessionId: string }> {
    const { origin, host, cookie } = req.headers;
    const { user, session } = await handshake(this.deps.sessions, { origin, host, cookie }, this.deps.publicOrigin);
    return { user, sessionId: session.id };
  }

  private async authorize(user: UserRow, docName: string): Promise<DocAccess> {
    const kind = this.kinds.get(parseDocName(docName)!.prefix)!;
    const access = await kind.access(user, docName);
    if (!access) throw new UpgradeRefused(403, "Forbidden");
    return access;
  }

  private async connect(
    ws: WebSocket,
    docName: string,
    user: UserRow,
    sessionId: string,
    access: DocAccess,
  ): Promise<void> {
    const conn: Connection = {
      ws,
      user,
      sessionId,
      access,
      awarenessIds: new Set(),
      awarenessBudget: new AwarenessBudget(),
      refused: false,
    };
    this.alive.set(ws, true);
    this.outbox.label(ws, { doc: docName, userId: user.id });
    ws.on("pong", () => this.alive.set(ws, true));
    ws.on("error", (error) => this.deps.log.warn({ err: error, doc: docName }, "yjs socket error"));

    // The connection counts from the first moment, so a neighbour leaving during the load cannot
    // unload the document under it; its messages wait in order until the load is done. The chain
    // never rejects: whatever one frame does ends at `receive`, never at the process's top level.
    const { shared, ready } = this.open(docName);
    shared.conns.set(ws, conn);
    let chain = ready.catch(() => {});
    ws.on("message", (data: RawData, isBinary: boolean) => {
      chain = chain.then(() => this.receive(shared, conn, toBytes(data), isBinary));
    });
    ws.on("close", () => {
      chain = chain
        .then(() => this.disconnect(shared, conn))
        .catch((error) => this.deps.log.error({ err: error, doc: docName }, "yjs disconnect failed"));
    });

    try {
      await ready;
    } catch (error) {
      this.deps.log.error({ err: error, doc: docName }, "loading document failed");
      closeConnection(conn, 1011, "load failed");
      return;
    }
    this.outbox.send(ws, encodeSyncStep1(shared.stateVector()));
    const states = [...shared.awareness.getStates().keys()];
    if (states.length > 0) this.outbox.send(ws, encodeAwarenessStates(shared.awareness, states));
  }

  /** One frame from one connection: decoded completely, then handled; a bad one closes only this connection. */
  private receive(shared: SharedDoc, conn: Connection, data: Uint8Array, isBinary: boolean): void {
    // Frames queued behind the one that closed this connection are not read; those of a client
    // that closed by itself are (they arrived whole, and it may have left right after typing).
    if (conn.refused || !shared.conns.has(conn.ws)) return;
    if (!isBinary || data.byteLength > LIMITS.yjsMessageBytes) {
      closeConnection(conn, CLOSE_CODES.tooLarge, "message too large");
      return;
    }
    try {
      this.handleMessage(shared, conn, decodeMessage(data));
    } catch (error) {
      const malformed = error instanceof MalformedFrame;
      this.deps.log.warn(
        { err: error, doc: shared.name, userId: conn.user.id, bytes: data.byteLength },
        malformed ? "malformed yjs frame; connection closed" : "yjs frame failed; connection closed",
      );
      closeConnection(
        conn,
        malformed ? CLOSE_CODES.malformed : 1011,
        malformed ? "malformed message" : "internal error",
      );
    }
  }

  private handleMessage(shared: SharedDoc, conn: Connection, message: Message): void {
    switch (message.type) {
      case "syncStep1":
        this.outbox.sendWhole(conn.ws, encodeSyncStep2(shared.missingFrom(message.stateVector)));
        break;
      case "update":
        // Readers' edits are dropped silently: they still receive everyone else's.
        if (conn.access === "write") shared.submit(message.update, conn);
        break;
      case "awareness":
        this.receiveAwareness(shared, conn, message.entries);
        break;
      case "queryAwareness":
        this.outbox.send(conn.ws, encodeAwarenessStates(shared.awareness, [...shared.awareness.getStates().keys()]));
        break;
    }
  }

  /**
   * Presence: readers may show theirs too, but each state is capped, rate-limited, may only speak
   * for the connection's own client ids, and carries the session's name and colour.
   */
  private receiveAwareness(shared: SharedDoc, conn: Connection, entries: AwarenessEntry[]): void {
    const states = shared.awareness.getStates();
    const verdict = sanitizeAwareness(entries, conn.user, conn.awarenessIds, (id) => states.has(id));
    if (!verdict.ok) {
      this.deps.log.warn(
        { doc: shared.name, userId: conn.user.id, reason: verdict.reason },
        "awareness update refused; connection closed",
      );
      closeConnection(
        conn,
        verdict.reason === "too_large" ? CLOSE_CODES.tooLarge : CLOSE_CODES.malformed,
        `awareness ${verdict.reason}`,
      );
      return;
    }
    // Only the connection's own presence counts against its budget (echoes of others' do not).
    if (!verdict.update) return;
    if (!conn.awarenessBudget.take()) {
      // A client that keeps going far past the budget is not a cursor moving: cut it off.
      if (conn.awarenessBudget.refused > LIMITS.awarenessPerSecond * 5)
        closeConnection(conn, CLOSE_CODES.rateLimited, "too many presence updates");
      return;
    }
    awarenessProtocol.applyAwarenessUpdate(shared.awareness, verdict.update, conn);
  }

  /** One SharedDoc per document name, created at once and loaded in the background. */
  private open(docName: string): OpenDoc {
    let entry = this.docs.get(docName);
    if (!entry) {
      const shared: SharedDoc = new SharedDoc(docName, this.deps.store, this.deps.relay, this.outbox, this.deps.log, {
        onReset: () => this.evict(shared),
        onAccessChanged: () => void this.recheck(docName),
        afterStore: () => this.afterStore(docName),
      });
      entry = { shared, ready: shared.load(), holds: 0 };
      entry.ready.catch(() => {});
      this.docs.set(docName, entry);
    }
    return entry;
  }

  private afterStore(docName: string): void {
    const kind = this.kinds.get(parseDocName(docName)?.prefix ?? "");
    kind
      ?.afterStore?.(docName)
      .catch((error) => this.deps.log.warn({ err: error, doc: docName }, "after-store hook failed"));
  }

  /** Forgets a document whose in-memory copy was dropped; the next open loads it afresh. */
  private evict(shared: SharedDoc): void {
    if (this.docs.get(shared.name)?.shared === shared) this.docs.delete(shared.name);
    shared
      .destroy()
      .catch((error) => this.deps.log.warn({ err: error, doc: shared.name }, "destroying a reset document failed"));
  }

  private async disconnect(shared: SharedDoc, conn: Connection): Promise<void> {
    shared.removeConnection(conn);
    await this.unloadIfIdle(shared);
  }

  /**
   * Unloads a document nobody has open, once what it queued is stored. Until then it stays the
   * document's copy: a connection arriving meanwhile joins it, where loading storage afresh would
   * miss the edits still on their way there.
   */
  private async unloadIfIdle(shared: SharedDoc): Promise<void> {
    const idle = () => {
      const entry = this.docs.get(shared.name);
      return shared.conns.size === 0 && entry?.shared === shared && entry.holds === 0;
    };
    if (!idle()) return;
    await shared.settled();
    if (!idle()) return;
    this.docs.delete(shared.name);
    await shared.destroy();
  }

  /**
   * Applies a change made by the server (e.g. restoring a version) to a document, whether or not
   * anyone has it open: it is stored like a client's edit, then relayed to every open connection.
   */
  async applyServerChange(docName: string, change: (doc: Y.Doc) => void): Promise<void> {
    const entry = this.open(docName);
    entry.holds += 1;
    try {
      await entry.ready;
      await entry.shared.applyServerChange(change);
    } finally {
      entry.holds -= 1;
      await this.unloadIfIdle(entry.shared);
    }
  }

  /** The current state of a document: from memory when open, else from storage. */
  async encodeState(docName: string): Promise<Uint8Array> {
    const entry = this.open(docName);
    entry.holds += 1;
    try {
      await entry.ready;
      await entry.shared.settled();
      return entry.shared.encodeState();
    } finally {
      entry.holds -= 1;
      await this.unloadIfIdle(entry.shared);
    }
  }

  /**
   * Who may open a document changed (membership, status): every process re-asks the document's
   * kind for each of its open connections — this one at once, the others through the relay.
   */
  async refreshAccess(docName: string): Promise<void> {
    this.deps.relay.publish(docName, "access", new Uint8Array(0));
    await this.recheck(docName);
  }

  /**
   * A user's authority changed (role, roles): the fresh row replaces the one each of their open
   * connections was opened with, and access is asked again — a demoted writer becomes a reader
   * or is closed. Called on every process (see AppContext.authorityChanged).
   */
  async refreshUser(user: UserRow): Promise<void> {
    const names = new Set<string>();
    for (const { shared } of this.docs.values()) {
      for (const conn of shared.conns.values()) {
        if (conn.user.id !== user.id) continue;
        conn.user = user;
        names.add(shared.name);
      }
    }
    for (const name of names) await this.recheck(name, user.id);
  }

  private async recheck(docName: string, onlyUserId?: string): Promise<void> {
    const shared = this.docs.get(docName)?.shared;
    if (!shared) return;
    const kind = this.kinds.get(parseDocName(docName)!.prefix)!;
    for (const conn of [...shared.conns.values()]) {
      if (onlyUserId && conn.user.id !== onlyUserId) continue;
      const access = await kind.access(conn.user, docName).catch(() => null);
      if (!access) {
        closeConnection(conn, CLOSE_CODES.forbidden, "access withdrawn");
        continue;
      }
      // A writer made a reader stays open read-only (its edits are dropped from now on); a reader
      // made a writer is let write, and the client reconnects to sync what it holds (collab.ts).
      conn.access = access;
    }
  }

  /** Closes the document connections opened with one session (logout). */
  async disconnectSession(sessionId: string): Promise<void> {
    for (const { shared } of this.docs.values()) {
      for (const conn of shared.conns.values()) {
        if (conn.sessionId === sessionId) closeConnection(conn, CLOSE_CODES.unauthorized, "session ended");
      }
    }
  }

  /** Closes every document connection of a user (logout everywhere, disabled account). */
  async disconnectUser(userId: string): Promise<void> {
    for (const { shared } of this.docs.values()) {
      for (const conn of shared.conns.values()) {
        if (conn.user.id === userId) closeConnection(conn, CLOSE_CODES.unauthorized, "session ended");
      }
    }
  }

  /** Waits until every received edit is stored (graceful shutdown, tests). */
  async settled(): Promise<void> {
    for (const { shared } of this.docs.values()) await shared.settled();
  }

  async close(): Promise<void> {
    clearInterval(this.pingTimer);
    for (const { shared } of this.docs.values()) {
      for (const conn of shared.conns.values()) conn.refused = true;
    }
    await this.settled().catch(() => {});
    for (const ws of this.wss.clients) ws.close(CLOSE_CODES.goingAway, "server shutting down");
    for (const [name, { shared }] of this.docs) {
      this.docs.delete(name);
      await shared.destroy();
    }
    this.wss.close();
  }

  private pingAll(): void {
    for (const ws of this.wss.clients) {
      if (this.alive.get(ws) === false) {
        ws.terminate();
        continue;
      }
      this.alive.set(ws, false);
      ws.ping();
    }
  }
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function toRefusal(error: unknown, log: Logger): { status: number; reason: string } {
  if (error instanceof UpgradeRefused) return error;
  if (error instanceof HandshakeError) return { status: error.status, reason: HANDSHAKE_REASONS[error.code] };
  if (error instanceof AppError) return { status: error.status, reason: error.message };
  log.error({ err: error }, "yjs upgrade failed");
  return { status: 500, reason: "Internal error" };
}

/** Answers an upgrade with a plain HTTP status and closes the socket. */
export function refuse(socket: Duplex, status: number, reason: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = reason;
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
