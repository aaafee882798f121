import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import WebSocket from "ws";
import * as Y from "yjs";
import type { ServerLike } from "./clients.ts";

/** A raw /yjs/ connection: sends hand-made frames and records what comes back and how it closes. */
export interface RawDocSocket {
  ws: WebSocket;
  received: Uint8Array[];
  closed: Promise<{ code: number; reason: string }>;
  send(frame: Uint8Array): void;
}

export function openRawDoc(
  server: ServerLike,
  cookie: string,
  docName: string,
  timeoutMs = 10_000,
): Promise<RawDocSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/yjs/${docName}`, { headers: cookie ? { cookie } : {} });
  const received: Uint8Array[] = [];
  ws.on("message", (data: Buffer) => received.push(new Uint8Array(data)));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on("close", (code, reason) => resolve({ code, reason: reason.toString() }));
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("raw /yjs/ connection did not open")), timeoutMs);
    ws.once("open", () => {
      clearTimeout(timer);
      resolve({ ws, received, closed, send: (frame) => ws.readyState === ws.OPEN && ws.send(frame) });
    });
    ws.once("unexpected-response", (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    ws.once("error", reject);
  });
}

/** Resolves with the close, or null if the connection is still open after `ms`. */
export function closedWithin(raw: RawDocSocket, ms: number): Promise<{ code: number; reason: string } | null> {
  return Promise.race([raw.closed, new Promise<null>((r) => setTimeout(() => r(null), ms))]);
}

function frame(write: (e: encoding.Encoder) => void): Uint8Array {
  const e = encoding.createEncoder();
  write(e);
  return encoding.toUint8Array(e);
}

/** A y-websocket sync "update" message carrying `update` as is. */
export const updateFrame = (update: Uint8Array) =>
  frame((e) => {
    encoding.writeVarUint(e, 0);
    encoding.writeVarUint(e, 2);
    encoding.writeVarUint8Array(e, update);
  });

/** A y-websocket sync step 1 carrying `stateVector` as is. */
export const syncStep1Frame = (stateVector: Uint8Array) =>
  frame((e) => {
    encoding.writeVarUint(e, 0);
    encoding.writeVarUint(e, 0);
    encoding.writeVarUint8Array(e, stateVector);
  });

/** A real edit cut short: its struct stream ends half-way. */
export function cutUpdateFrame(): Uint8Array {
  const source = new Y.Doc();
  source.getText("t").insert(0, "一段被截断的编辑内容");
  const update = Y.encodeStateAsUpdate(source);
  return updateFrame(update.slice(0, update.length - 6));
}

/** A sync step 1 whose state vector claims more bytes than follow. */
export const truncatedSyncStep1 = () =>
  frame((e) => {
    encoding.writeVarUint(e, 0);
    encoding.writeVarUint(e, 0);
    encoding.writeVarUint(e, 50);
    encoding.writeUint8(e, 1);
  });

/** An awareness message for one client whose state is the given text (JSON or not). */
export const awarenessFrame = (clientId: number, clock: number, stateText: string) =>
  frame((e) => {
    encoding.writeVarUint(e, 1);
    const inner = encoding.createEncoder();
    encoding.writeVarUint(inner, 1);
    encoding.writeVarUint(inner, clientId);
    encoding.writeVarUint(inner, clock);
    encoding.writeVarString(inner, stateText);
    encoding.writeVarUint8Array(e, encoding.toUint8Array(inner));
  });

/**
 * A one-item update (V1 layout, written by hand) from a new client: the item's left origin is a
 * real item of the document, its right origin names the new client's own clock 3, which never
 * exists. Yjs decodes it fine and throws while integrating it.
 */
export function craftDanglingOrigin(knownClient: number): Uint8Array {
  const e = encoding.createEncoder();
  const client = 987_654_321;
  encoding.writeVarUint(e, 1); // one client
  encoding.writeVarUint(e, 1); // one struct
  encoding.writeVarUint(e, client);
  encoding.writeVarUint(e, 0); // first clock
  encoding.writeUint8(e, 0x80 | 0x40 | 4); // has origin, has right origin, ContentString
  encoding.writeVarUint(e, knownClient);
  encoding.writeVarUint(e, 0);
  encoding.writeVarUint(e, client);
  encoding.writeVarUint(e, 3);
  encoding.writeVarString(e, "XYZ");
  encoding.writeVarUint(e, 0); // empty delete set
  return encoding.toUint8Array(e);
}

/** `count` keystrokes by one client into the text "t", each its own update (clock i carries the i-th character). */
export function keystrokes(clientId: number, count: number): Uint8Array[] {
  const doc = new Y.Doc();
  doc.clientID = clientId;
  const updates: Uint8Array[] = [];
  doc.on("update", (u: Uint8Array) => updates.push(u));
  for (let i = 0; i < count; i++) doc.getText("t").insert(i, String(i % 10));
  doc.destroy();
  return updates;
}

/** The payloads of the sync messages of the given kinds among `frames`, in order (0: sync step 1, 1: sync step 2, 2: update). */
function syncPayloads(frames: Uint8Array[], kinds: readonly number[]): Uint8Array[] {
  const payloads: Uint8Array[] = [];
  for (const frame of frames) {
    const decoder = decoding.createDecoder(frame);
    if (decoding.readVarUint(decoder) !== 0 || !kinds.includes(decoding.readVarUint(decoder))) continue;
    payloads.push(decoding.readVarUint8Array(decoder));
  }
  return payloads;
}

/** The state vectors carried by the sync step 1 messages among `frames`, in order. */
export const syncStep1Vectors = (frames: Uint8Array[]): Uint8Array[] => syncPayloads(frames, [0]);

/** The updates carried by the sync "update" messages among `frames`, in order (other messages skipped). */
export const syncUpdates = (frames: Uint8Array[]): Uint8Array[] => syncPayloads(frames, [2]);

/** The document as a connection was sent it: its sync step 2 answers and every update since. */
export function documentSent(frames: Uint8Array[]): Y.Doc {
  const doc = new Y.Doc();
  for (const payload of syncPayloads(frames, [1, 2])) Y.applyUpdate(doc, payload);
  return doc;
}
