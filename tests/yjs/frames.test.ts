import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { CLOSE_CODES } from "../../shared/errors.ts";
import { docUpdates } from "../../server/yjs/schema.ts";
import { countRows } from "../../server/yjs/persistence.ts";
import { connectDoc, createUser, eventually, upgradeStatus, waitForSync } from "../helpers/clients.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import {
  awarenessFrame,
  craftDanglingOrigin,
  cutUpdateFrame,
  openRawDoc,
  truncatedSyncStep1,
  updateFrame,
} from "../helpers/yjsFrames.ts";
import { addMember, docText, ownerWithProposal, sectionText } from "../proposals/helpers.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

/** The process is alive and its doors still work: health answers and a co-editor's edit arrives. */
async function stillServing(owner: Parameters<typeof connectDoc>[1], docName: string) {
  expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
  const a = connectDoc(server, owner, docName);
  const b = connectDoc(server, owner, docName);
  await Promise.all([waitForSync(a.provider), waitForSync(b.provider)]);
  sectionText(a.doc, "服务对象").insert(0, "仍在服务");
  await eventually(() => sectionText(b.doc, "服务对象").toString().startsWith("仍在服务"));
  a.provider.destroy();
  b.provider.destroy();
}

describe("a malformed /yjs/ frame closes only its own connection (finding 1)", () => {
  it("a viewer's awareness state that is not JSON closes that viewer with 4400; the process and a co-editor carry on", async () => {
    const { owner, proposal, docName } = await ownerWithProposal(server);
    const viewer = await addMember(server, owner, proposal.id, "viewer");
    const editor = connectDoc(server, owner.client, docName);
    await waitForSync(editor.provider);
    const raw = await openRawDoc(server, viewer.client.cookie, docName);
    raw.send(awarenessFrame(4242, 1, "{not json"));
    expect((await raw.closed).code).toBe(CLOSE_CODES.malformed);
    // the open editor never noticed
    expect(editor.provider.wsconnected).toBe(true);
    editor.provider.destroy();
    await stillServing(owner.client, docName);
  });

  it("a truncated sync step 1 and a truncated update close the sender with 4400; nothing is stored", async () => {
    const { owner, proposal, docName } = await ownerWithProposal(server);
    const editor = await addMember(server, owner, proposal.id, "editor");
    const rowsBefore = await countRows(server.ctx.db, docName);

    const first = await openRawDoc(server, editor.client.cookie, docName);
    first.send(truncatedSyncStep1());
    expect((await first.closed).code).toBe(CLOSE_CODES.malformed);

    const second = await openRawDoc(server, editor.client.cookie, docName);
    second.send(cutUpdateFrame());
    expect((await second.closed).code).toBe(CLOSE_CODES.malformed);

    await server.ctx.yjs.settled();
    expect(await countRows(server.ctx.db, docName)).toBe(rowsBefore);
    await stillServing(owner.client, docName);
  });

  it("a malformed /yjs/ path answers 404, not 500 (finding 8)", async () => {
    const { owner } = await ownerWithProposal(server);
    expect(await upgradeStatus(server, "/yjs/%E0%A4%A", owner.client.cookie)).toBe(404);
    expect(await upgradeStatus(server, "/yjs/proposal:%E0%A4%A", owner.client.cookie)).toBe(404);
  });
});

describe("a document cannot be poisoned (finding 2)", () => {
  it("a stored row that fails to apply is quarantined on load: the document opens, exports and saves a version; admins see the row", async () => {
    const { owner, proposal, docName } = await ownerWithProposal(server);
    const a = connectDoc(server, owner.client, docName);
    await waitForSync(a.provider);
    sectionText(a.doc, "背景与问题").insert(0, "中毒之前写下的内容");
    await eventually(async () => {
      const copy = new Y.Doc();
      Y.applyUpdate(copy, await server.ctx.yjs.encodeState(docName));
      return docText(copy).includes("中毒之前写下的内容");
    });
    a.provider.destroy();
    await eventually(() => server.ctx.yjs.openDocuments === 0);

    // What the old server did: a broken update went into the log before it was applied.
    const poison = new Uint8Array([1, 1, 200, 150, 3, 0, 4, 9, 9]);
    await server.ctx.db.insert(docUpdates).values({ docName, data: poison });

    const b = connectDoc(server, owner.client, docName);
    await waitForSync(b.provider);
    expect(docText(b.doc)).toContain("中毒之前写下的内容");
    b.provider.destroy();

    const exported = await owner.client.get(`/api/proposals/${proposal.id}/export?format=md`);
    expect(exported.status).toBe(200);
    expect(String(exported.body)).toContain("中毒之前写下的内容");
    expect((await owner.client.post(`/api/proposals/${proposal.id}/versions`, { name: "中毒之后" })).status).toBe(201);

    const stored = await server.ctx.db.select().from(docUpdates).where(eq(docUpdates.docName, docName));
    expect(stored.some((r) => Buffer.from(r.data).equals(Buffer.from(poison)))).toBe(false);

    const admin = await createUser(server, { role: "admin" });
    const listed = await admin.client.get("/api/documents/quarantine");
    expect(listed.status).toBe(200);
    expect(listed.body.quarantined.find((q: { docName: string }) => q.docName === docName)).toMatchObject({
      docName,
      bytes: poison.length,
    });
    expect((await owner.client.get("/api/documents/quarantine")).status).toBe(403);
  });

  it("an editor's update that decodes but breaks while applying is neither stored nor relayed", async () => {
    const { owner, proposal, docName } = await ownerWithProposal(server);
    const editor = await addMember(server, owner, proposal.id, "editor");
    const watcher = connectDoc(server, owner.client, docName);
    await waitForSync(watcher.provider);
    const seen: Uint8Array[] = [];
    watcher.doc.on("update", (u: Uint8Array, origin: unknown) => origin === watcher.provider && seen.push(u));

    // An item whose left origin names a clock of a known client that does not exist: it decodes,
    // and Yjs throws while integrating it.
    const known = [...Y.decodeStateVector(Y.encodeStateVector(watcher.doc)).keys()][0]!;
    const bad = craftDanglingOrigin(known);
    expect(() => Y.decodeUpdate(bad)).not.toThrow();
    const rowsBefore = await countRows(server.ctx.db, docName);
    const raw = await openRawDoc(server, editor.client.cookie, docName);
    raw.send(updateFrame(bad));
    expect((await raw.closed).code).toBe(CLOSE_CODES.malformed);
    expect(watcher.provider.wsconnected).toBe(true);
    await server.ctx.yjs.settled();
    expect(await countRows(server.ctx.db, docName)).toBe(rowsBefore);
    expect(seen).toEqual([]);
    watcher.provider.destroy();
    await stillServing(owner.client, docName);
  });
});
