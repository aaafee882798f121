import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WebSocket } from "ws";
import * as Y from "yjs";
import { createLogger } from "../../server/lib/logger.ts";
import { COMPACT_AFTER_ROWS, type DocStore, databaseDocStore, loadDoc } from "../../server/yjs/persistence.ts";
import { localRelay } from "../../server/yjs/relay.ts";
import { docUpdates } from "../../server/yjs/schema.ts";
import { Outbox } from "../../server/yjs/outbox.ts";
import { type Connection, SharedDoc } from "../../server/yjs/sharedDoc.ts";
import { eventually } from "../helpers/clients.ts";
import { keystrokes, syncUpdates } from "../helpers/yjsFrames.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

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
    refused: false,
    received,
  };
}

/** The client ids whose edits reached a connection, frame by frame. */
function writersSeen(conn: { received: Uint8Array[] }): number[][] {
  return syncUpdates(conn.received).map((update) =>
    [...new Set(Y.decodeUpdate(update).structs.map((s) => s.id.client))].sort((a, b) => a - b),
  );
}

/** One keystroke by `clientId`, as its editor would send it. */
const keystroke = (clientId: number) => keystrokes(clientId, 1)[0]!;

async function openDoc(store: DocStore, name = `compaction-test-${crypto.randomUUID()}`) {
  const log = createLogger("silent");
  const shared = new SharedDoc(name, store, localRelay, new Outbox(1_000_000, log), log, {
    onReset() {},
    onAccessChanged() {},
    afterStore() {},
  });
  await shared.load();
  return shared;
}

describe("compacting a document's log", () => {
  it("a compaction runs beside the edits: an edit made while it runs is stored and relayed without waiting for it", async () => {
    const real = databaseDocStore(server.ctx.db, server.ctx.dbKind);
    let releaseCompaction!: () => void;
    const compactionHeld = new Promise<void>((resolve) => {
      releaseCompaction = resolve;
    });
    let compactions = 0;
    const store: DocStore = {
      ...real,
      async fold(docName, state, ids) {
        compactions += 1;
        await compactionHeld;
        return real.fold(docName, state, ids);
      },
    };
    const shared = await openDoc(store);
    const writer = fakeConnection("writer");
    const observer = fakeConnection("observer");
    shared.conns.set(writer.ws, writer);
    shared.conns.set(observer.ws, observer);

    // one more row than the log holds before it is folded
    for (let i = 0; i <= COMPACT_AFTER_ROWS; i++) shared.submit(keystroke(1000 + i), writer);
    await eventually(() => compactions === 1);
    const framesBefore = observer.received.length;
    shared.submit(keystroke(3000), writer);
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

  it("folds only the rows its copy holds: a row another process stored meanwhile stays, and a reload is whole", async () => {
    const store = databaseDocStore(server.ctx.db, server.ctx.dbKind);
    const shared = await openDoc(store);
    const writer = fakeConnection("writer");
    shared.conns.set(writer.ws, writer);
    // stored by another process after this one loaded the document, and not (yet) relayed here
    const elsewhere = keystroke(7000);
    const [elsewhereId] = await store.append(shared.name, [elsewhere]);

    for (let i = 0; i <= COMPACT_AFTER_ROWS; i++) shared.submit(keystroke(1000 + i), writer);
    await shared.settled();

    const rows = await server.ctx.db
      .select({ id: docUpdates.id, compacted: docUpdates.compacted })
      .from(docUpdates)
      .where(eq(docUpdates.docName, shared.name))
      .orderBy(asc(docUpdates.id));
    expect(rows).toEqual([
      { id: elsewhereId, compacted: false },
      { id: expect.any(Number), compacted: true },
    ]);
    const reloaded = new Y.Doc();
    await store.load(shared.name, reloaded, null);
    expect(reloaded.getText("t").length).toBe(COMPACT_AFTER_ROWS + 2);
    await shared.destroy();
  });

  it("two processes' copies folding the same loaded rows keep every edit, whichever commits first", async () => {
    const store = databaseDocStore(server.ctx.db, server.ctx.dbKind);
    const name = `compaction-test-${crypto.randomUUID()}`;
    await store.append(name, keystrokes(6000, 20));
    const [first, second] = [await openDoc(store, name), await openDoc(store, name)] as const;
    const [a, b] = [fakeConnection("a"), fakeConnection("b")];
    first.conns.set(a.ws, a);
    second.conns.set(b.ws, b);

    for (let i = 0; i <= COMPACT_AFTER_ROWS; i++) {
      first.submit(keystroke(10_000 + i), a);
      second.submit(keystroke(20_000 + i), b);
    }
    await Promise.all([first.settled(), second.settled()]);

    const { updates } = await loadDoc(server.ctx.db, name);
    // the 20 rows both loaded are gone once; each copy left one row of its state
    expect(updates.length).toBe(2);
    const reloaded = new Y.Doc();
    for (const update of updates) Y.applyUpdate(reloaded, update);
    expect(reloaded.getText("t").length).toBe(20 + 2 * (COMPACT_AFTER_ROWS + 1));
    await Promise.all([first.destroy(), second.destroy()]);
  });
});
