import type { WebSocket } from "ws";
import type { Logger } from "../lib/logger.ts";

export type ConnectionLabel = { doc: string; userId: string };

/**
 * Writes to document connections, and cuts one that stopped reading.
 *
 * ws queues whatever a client does not read in the server's memory; the 30 s ping would end such a
 * connection, but a client can answer pings it never read. So a connection with more than
 * `maxUnsentBytes` waiting is terminated (a close frame would wait behind the rest). A connection
 * may hold a whole document on top of that — the answer to its sync step 1 is the document itself
 * — counted once at its largest, so asking again and again does not raise the limit.
 */
export class Outbox {
  private readonly wholeDocument = new WeakMap<WebSocket, number>();
  /** which document and user a connection is, for the log line when it is cut */
  private readonly labels = new WeakMap<WebSocket, ConnectionLabel>();

  constructor(
    private readonly maxUnsentBytes: number,
    private readonly log: Logger,
  ) {}

  /** Names a connection once, as it opens, so that cutting it says whose it was. */
  label(ws: WebSocket, label: ConnectionLabel): void {
    this.labels.set(ws, label);
  }

  send(ws: WebSocket, message: Uint8Array): void {
    if (ws.readyState !== ws.OPEN) return;
    const allowed = this.maxUnsentBytes + (this.wholeDocument.get(ws) ?? 0);
    if (ws.bufferedAmount > allowed) {
      this.log.warn(
        { waiting: ws.bufferedAmount, ...this.labels.get(ws) },
        "document connection dropped: it stopped reading",
      );
      ws.terminate();
      return;
    }
    ws.send(message);
  }

  /** The answer to a sync step 1: may be the whole document. */
  sendWhole(ws: WebSocket, message: Uint8Array): void {
    this.wholeDocument.set(ws, Math.max(this.wholeDocument.get(ws) ?? 0, message.byteLength));
    this.send(ws, message);
  }
}
