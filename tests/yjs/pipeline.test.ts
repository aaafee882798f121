import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WebSocket } from "ws";
import * as Y from "yjs";
import { createLogger } from "../../server/lib/logger.ts";
import { COMPACT_AFTER_ROWS, type DocStore, databaseDocStore, loadDoc } from "../../server/yjs/persistence.ts";
import { localRelay } from "../../server/yjs/relay.ts";
import { type Connection, SharedDoc } from "../../server/yjs/sharedDoc.ts";
import { eventually } from "../helpers/clients.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

/** The database's store, with each append held until the test lets it finish (or fail). */
function heldStore() {
  const real = databaseDocStore(server.ctx.db, server.ctx.dbKind);
  const appends: { updates: number; release: (failure?: Error) => void; stored: Promise<void> }[] = [];
  const store: DocStore = {
    ...real,
    append(docName, updates) {
      let release!: (failure?: Error) => void;
      const gate = new Promise<Error | undefined>((resolve) => {
        release = resolve;
      });
      // the commit itself runs at once; only its acknowledgement waits for the gate
      const committed = real.append(docName, updates);
      const stored = Promise.all([committed, gate]).then(([, failure]) => {
        if (failure) throw failure;
      });
      appends.push({ updates: updates.length, release, stored });
      return stored;
    },
  };
  return { store, appends };
}

/** A connection whose socket records what it is sent. */
function fakeConnection(name: string): Connection & { received: Uint8Array[] } {
  const received: Uint8Array[] = [];
  const ws = { OPEN: 1, readyState: 1, send: (m: Uint8Array) => received.push(m), close() {} };
  return {
    ws: ws as unknown as WebSocket,
    user: { id: name } as Connection["user"],
    sessionId: name,
    access: "write",
    awarenessIds: new Set(),
    awarenessBudget: {} as Connection["awarenessBudget"],
    received,
  };
}

/** One keystroke by `clientId`, as the update its editor would send. */
function keystroke(clientId: number, text: string): Uint8Array {
  const doc = new Y.Doc();
  doc.clientID = clientId;
  let update: Uint8Array = new Uint8Array();
  doc.on("update", (u: Uint8Array) => {
    update = u;
  });
  doc.getText("t").insert(0, text);
  return update;
}

/** The client ids whose edits reached a connection, frame by frame. */
function writersSeen(conn: { received: Uint8Array[] }): number[][] {
  // a sync "update" frame is [0, 2, length, update]; the update's structs name their writers
  return conn.received.map((frame) => {
    const update = frame.subarray(2 + (frame[2]! < 128 ? 1 : 2));
    return [...new Set(Y.decodeUpdate(update).structs.map((s) => s.id.client))].sort((a, b) => a - b);
  });
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

async function openDoc(store: DocStore) {
  let resets = 0;
  const shared = new SharedDoc(`pipeline-test-${crypto.randomUUID()}`, store, localRelay, createLogger("silent"), {
    onReset: () => resets++,
    onAccessChanged() {},
    afterStore() {},
  });
  await shared.load();
  return { shared, resets: () => resets };
}

describe("commits of one document overlap, relays keep their order", () => {
  it("a second batch commits while the first is still being stored, and is relayed only after it", async () => {
    const { store, appends } = heldStore();
    const { shared } = await openDoc(store);
    const writer = fakeConnection("writer");
    const observer = fakeConnection("observer");
    shared.conns.set(writer.ws, writer);
    shared.conns.set(observer.ws, observer);

    shared.submit(keystroke(101, "一"), writer);
    await eventually(() => appends.length === 1);
    shared.submit(keystroke(102, "二"), writer);
    // the second batch's commit starts without waiting for the first one's
    await eventually(() => appends.length === 2);
    appends[1]!.release();
    await appends[1]!.stored;
    await nextTurn();
    expect(observer.received).toHaveLength(0);

    appends[0]!.release();
    await shared.settled();
    expect(writersSeen(observer)).toEqual([[101], [102]]);
    // a writer is not sent its own edits
    expect(writer.received).toHaveLength(0);
    await shared.destroy();
  });

  it("when an earlier commit fails, nothing after it is relayed either, each change learns why, and the copy is dropped", async () => {
    const { store, appends } = heldStore();
    const { shared, resets } = await openDoc(store);
    const observer = fakeConnection("observer");
    shared.conns.set(observer.ws, observer);

    const first = shared.applyServerChange((doc) => doc.getText("t").insert(0, "甲"));
    await eventually(() => appends.length === 1);
    const second = shared.applyServerChange((doc) => doc.getText("t").insert(0, "乙"));
    await eventually(() => appends.length === 2);
    appends[1]!.release();
    appends[0]!.release(new Error("disk full"));

    await expect(first).rejects.toThrow("disk full");
    await expect(second).rejects.toThrow("document reloaded");
    await shared.settled();
    expect(observer.received).toHaveLength(0);
    expect(resets()).toBe(1);
    await shared.destroy();
  });

  it("a compaction runs beside the edits: an edit made while it runs is stored and relayed without waiting for it", async () => {
    const real = databaseDocStore(server.ctx.db, server.ctx.dbKind);
    let releaseCompaction!: () => void;
    const compactionHeld = new Promise<void>((resolve) => {
      releaseCompaction = resolve;
    });
    let compactions = 0;
    const store: DocStore = {
      ...real,
      async compact(docName) {
        compactions += 1;
        await compactionHeld;
        return real.compact(docName);
      },
    };
    const { shared } = await openDoc(store);
    const writer = fakeConnection("writer");
    const observer = fakeConnection("observer");
    shared.conns.set(writer.ws, writer);
    shared.conns.set(observer.ws, observer);

    // one more row than the log holds before it is folded
    for (let i = 0; i <= COMPACT_AFTER_ROWS; i++) shared.submit(keystroke(1000 + i, "字"), writer);
    await eventually(() => compactions === 1);
    const framesBefore = observer.received.length;
    shared.submit(keystroke(3000, "后"), writer);
    await eventually(() => observer.received.length > framesBefore);
    expect(writersSeen(observer).at(-1)).toEqual([3000]);

    releaseCompaction();
    await shared.settled();
    expect(compactions).toBe(1);
    // folded into one row, and the edit made meanwhile kept (before or after the fold)
    const { updates } = await loadDoc(server.ctx.db, shared.name);
    expect(updates.length).toBeLessThanOrEqual(2);
    const reloaded = new Y.Doc();
    for (const update of updates) Y.applyUpdate(reloaded, update);
    expect(reloaded.getText("t").length).toBe(COMPACT_AFTER_ROWS + 2);
    await shared.destroy();
  });

  it("with four commits under way the rest wait and go as one batch, in order", async () => {
    const { store, appends } = heldStore();
    const { shared } = await openDoc(store);
    const writer = fakeConnection("writer");
    const observer = fakeConnection("observer");
    shared.conns.set(writer.ws, writer);
    shared.conns.set(observer.ws, observer);

    for (let i = 0; i < 4; i++) {
      shared.submit(keystroke(200 + i, String(i)), writer);
      await eventually(() => appends.length === i + 1);
    }
    shared.submit(keystroke(204, "4"), writer);
    await nextTurn();
    shared.submit(keystroke(205, "5"), writer);
    await nextTurn();
    await nextTurn();
    expect(appends).toHaveLength(4);

    for (const append of appends) append.release();
    await eventually(() => appends.length === 5);
    expect(appends[4]!.updates).toBe(2);
    appends[4]!.release();
    await shared.settled();
    expect(writersSeen(observer)).toEqual([[200], [201], [202], [203], [204, 205]]);
    await shared.destroy();
  });
});
