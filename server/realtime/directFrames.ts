import type { Socket } from "socket.io";

/**
 * Room broadcasts written straight to an idle WebSocket.
 *
 * Socket.IO encodes a room broadcast once and frames it once (`wsPreEncodedFrame`), then hands the
 * same frame to every socket through engine.io's per-socket queue: a packet object, four events,
 * a write callback and a drain per delivery. With 2,000 people in a hall that queue costs about as
 * much again as the write itself (docs/PERFORMANCE.md, forum fan-out). When a socket's queue is
 * empty and its WebSocket idle, nothing can be ahead of the frame, so writing it to the WebSocket
 * directly keeps the order and skips the queue. Anything else (polling, an upgrade in progress, a
 * queue with packets in it, a volatile packet, compression) takes Socket.IO's own path.
 *
 * This leans on two internals that engine.io itself uses for the same frame: the client's
 * `writeToEngine` and ws's `_sender.sendFrame`. If a Socket.IO upgrade renames them, `isSupported`
 * turns the shortcut off and everything goes through Socket.IO as before; the shortcut's test then
 * fails, so the loss does not go unnoticed.
 */

type Frame = Buffer[];
type WriteOptions = { volatile?: boolean; wsPreEncodedFrame?: Frame };

interface EngineTransport {
  name: string;
  writable: boolean;
  socket?: { readyState: number; _sender?: { sendFrame?: (frame: Frame, cb?: () => void) => void } };
  _canSendPreEncodedFrame?: (packet: { options: WriteOptions }) => boolean;
}

interface EngineConnection {
  readyState: string;
  transport: EngineTransport;
  writeBuffer: unknown[];
}

interface ClientInternals {
  conn: EngineConnection;
  writeToEngine?: (packets: unknown, opts: WriteOptions) => void;
  [directMark]?: true;
}

const directMark = Symbol("directFrames");
const WS_OPEN = 1;

/** How many deliveries took the shortcut in this process; the tests read it. */
export const directFrameStats = { direct: 0 };

function isSupported(client: ClientInternals): boolean {
  return typeof client.writeToEngine === "function" && Array.isArray(client.conn?.writeBuffer);
}

function writesDirectly(conn: EngineConnection, opts: WriteOptions): boolean {
  const transport = conn.transport;
  return (
    opts.wsPreEncodedFrame !== undefined &&
    !opts.volatile &&
    conn.readyState === "open" &&
    conn.writeBuffer.length === 0 &&
    transport.name === "websocket" &&
    transport.writable &&
    transport.socket?.readyState === WS_OPEN &&
    transport._canSendPreEncodedFrame?.({ options: opts }) === true
  );
}

/** Lets this socket's connection take the shortcut; once per connection, whatever the namespace. */
export function writeBroadcastsDirectly(socket: Socket): void {
  const client = socket.client as unknown as ClientInternals;
  if (client[directMark] || !isSupported(client)) return;
  client[directMark] = true;
  const throughEngine = client.writeToEngine!.bind(client);
  client.writeToEngine = (packets, opts) => {
    const conn = client.conn;
    if (!writesDirectly(conn, opts)) return throughEngine(packets, opts);
    conn.transport.socket!._sender!.sendFrame!(opts.wsPreEncodedFrame!);
    directFrameStats.direct++;
  };
}
