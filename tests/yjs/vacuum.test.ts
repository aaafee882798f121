import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { queryRows } from "../../server/db/client.ts";
import { databaseDocStore, foldedStateOf } from "../../server/yjs/persistence.ts";
import { keystrokes } from "../helpers/yjsFrames.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

async function vacuums(): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    server.ctx.db,
    sql`select coalesce(vacuum_count, 0)::int as n from pg_stat_user_tables where relname = 'doc_updates'`,
  );
  return Number(row?.n ?? 0);
}

describe("the document log after compactions", () => {
  it("is vacuumed on the embedded database once enough compacted rows are dead, and reads back whole", async () => {
    const store = databaseDocStore(server.ctx.db, server.ctx.dbKind, { vacuumAfterDeletedRows: 50 });
    const docName = `vacuum-test-${Date.now()}`;
    const updates = keystrokes(1, 60);
    const before = await vacuums();

    // what an open document folds: the rows it stored, into the state they make together
    const fold = async (ids: number[], upTo: number) => {
      const doc = new Y.Doc();
      for (const update of updates.slice(0, upTo)) Y.applyUpdate(doc, update);
      return store.fold(docName, foldedStateOf(doc), ids);
    };
    const first = await fold(await store.append(docName, updates.slice(0, 30)), 30);
    // 30 dead rows: under the threshold, nothing yet
    if (server.ctx.dbKind === "pglite") expect(await vacuums()).toBe(before);

    await fold([first, ...(await store.append(docName, updates.slice(30)))], 60);
    // 61 dead rows: PGlite has no autovacuum, so the store vacuums; PostgreSQL is left to its own
    if (server.ctx.dbKind === "pglite") expect(await vacuums()).toBe(before + 1);

    const doc = new Y.Doc();
    const loaded = await store.load(docName, doc, null);
    expect(loaded.ids.length).toBe(1);
    expect(doc.getText("t").toString()).toBe(Array.from({ length: 60 }, (_, i) => String(i % 10)).join(""));
  });
});
