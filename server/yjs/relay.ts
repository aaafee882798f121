import type { Redis } from "ioredis";

/** `access`: who may open the document changed; each process re-checks its own connections. */
export type RelayKind = "update" | "awareness" | "access";
export type RelayHandler = (kind: RelayKind, data: Uint8Array) => void;

/**
 * Carries document updates and awareness between server processes. Each process stores only the
 * updates its own clients sent; the others apply relayed ones to their in-memory copy.
 */
export interface DocRelay {
  publish(docName: string, kind: RelayKind, data: Uint8Array): void;
  subscribe(docName: string, handler: RelayHandler): Promise<void>;
  /**
   * Stops `handler`, and only it: a document unloaded just as it is opened again has a new copy
   * subscribed under the same name, which the old copy's unsubscribe must leave alone.
   */
  unsubscribe(docName: string, handler: RelayHandler): Promise<void>;
  close(): Promise<void>;
}

/** One process: nothing to relay. */
export const localRelay: DocRelay = {
  publish() {},
  async subscribe() {},
  async unsubscribe() {},
  async close() {},
};

const KIND_BYTE: Record<RelayKind, number> = { update: 0, awareness: 1, access: 2 };
const KIND_OF: RelayKind[] = ["update", "awareness", "access"];

/**
 * Redis pub/sub, one channel per document. Messages carry a process id so a process ignores its
 * own publications, and one leading byte for the kind.
 */
export function redisRelay(pub: Redis, sub: Redis): DocRelay {
  const processId = crypto.randomUUID();
  const origin = Buffer.from(processId);
  const handlers = new Map<string, RelayHandler>();
  const channel = (docName: string) => `yjs:${docName}`;

  sub.on("messageBuffer", (channelBuffer: Buffer, message: Buffer) => {
    const handler = handlers.get(channelBuffer.toString().slice(4));
    if (!handler || message.subarray(0, origin.length).equals(origin)) return;
    const kind = KIND_OF[message[origin.length] ?? -1];
    if (kind) handler(kind, new Uint8Array(message.subarray(origin.length + 1)));
  });

  return {
    publish(docName, kind, data) {
      void pub.publish(channel(docName), Buffer.concat([origin, Buffer.from([KIND_BYTE[kind]]), data]));
    },
    async subscribe(docName, handler) {
      handlers.set(docName, handler);
      await sub.subscribe(channel(docName));
    },
    async unsubscribe(docName, handler) {
      if (handlers.get(docName) !== handler) return;
      handlers.delete(docName);
      // Sent on the connection in order: a later subscribe to the channel still ends subscribed.
      await sub.unsubscribe(channel(docName));
    },
    async close() {
      handlers.clear();
    },
  };
}
