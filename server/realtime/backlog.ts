import type { Socket } from "socket.io";
import type { Logger } from "../lib/logger.ts";

/**
 * A connection that stops reading is dropped once too much waits for it.
 *
 * Neither Socket.IO nor ws bounds what is queued for a client: what a phone does not read piles up
 * in the server's memory, in engine.io's write buffer and behind the WebSocket. Socket.IO's ping
 * normally ends such a connection within a minute, but the ping sits in the same queue, and a
 * client can answer pings it never read; a hall of such connections, each fed 20 events a second,
 * would grow the server without end. A connection whose backlog passes `maxBytes` is cut; an honest
 * client that was merely slow reconnects and is sent the room's state again.
 *
 * Checked on every packet Socket.IO writes to the client (broadcasts and direct emits alike), so a
 * connection cannot outgrow the limit by more than one packet.
 */

interface EngineConnection {
  writeBuffer: { data?: unknown }[];
  transport: { name: string; socket?: { bufferedAmount?: number; terminate?: () => void } };
  close(discard?: boolean): void;
}

interface ClientInternals {
  conn: EngineConnection;
  writeToEngine?: (packets: unknown, opts: unknown) => void;
  [backlogMark]?: true;
}

const backlogMark = Symbol("backlog");

/**
 * Bytes waiting for the client: in the WebSocket's buffers, and in engine.io's queue. engine.io
 * appends to its queue and replaces it with a new array when it flushes, so the queue is counted
 * incrementally (a connection that stopped reading is not walked whole on every packet).
 */
function backlogMeter(): (conn: EngineConnection) => number {
  let counted: unknown[] | null = null;
  let packets = 0;
  let bytes = 0;
  return (conn) => {
    const queue = conn.writeBuffer;
    if (queue !== counted || queue.length < packets) {
      counted = queue;
      packets = 0;
      bytes = 0;
    }
    for (; packets < queue.length; packets++) {
      // a packet's data is a string or a buffer; its length is enough to bound it
      const data = queue[packets]?.data as { length?: unknown } | undefined;
      if (typeof data?.length === "number") bytes += data.length;
    }
    const ws = conn.transport.name === "websocket" ? (conn.transport.socket?.bufferedAmount ?? 0) : 0;
    return ws + bytes;
  };
}

/** Cuts this socket's connection once more than `maxBytes` wait to be written to it. */
export function dropWhenBacklogged(socket: Socket, maxBytes: number, log: Logger): void {
  const client = socket.client as unknown as ClientInternals;
  if (client[backlogMark] || typeof client.writeToEngine !== "function" || !Array.isArray(client.conn?.writeBuffer))
    return;
  client[backlogMark] = true;
  const write = client.writeToEngine.bind(client);
  const waitingBytes = backlogMeter();
  let dropped = false;
  client.writeToEngine = (packets, opts) => {
    if (dropped) return;
    const conn = client.conn;
    const waiting = waitingBytes(conn);
    if (waiting <= maxBytes) return write(packets, opts);
    dropped = true;
    log.warn({ userId: socket.data.user?.id, waiting }, "socket dropped: it stopped reading");
    // terminate: a close frame would wait behind everything it did not read
    if (conn.transport.socket?.terminate) conn.transport.socket.terminate();
    else conn.close(true);
  };
}
