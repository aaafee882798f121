/**
 * A document stored as one compacted row is answered from that row without being built (readers
 * are most opens), and built the moment something must change it. Readers are never sent a row
 * the server did not write itself from a built document.
 */
import { eq } from "drizzle-orm";
import * as encoding from "lib0/encoding";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { CLOSE_CODES } from "../../shared/errors.ts";
import { compactDoc, countRows, listQuarantine } from "../../server/yjs/persistence.ts";
import { docUpdates } from "../../server/yjs/schema.ts";
import { connectDoc, eventually, waitForSync } from "../helpers/clients.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import {
  closedWithin,
  craftDanglingOrigin,
  cutUpdateFrame,
  documentSent,
  openRawDoc,
  syncStep1Frame,
  syncStep1Vectors,
  truncatedSyncStep1,
  updateFrame,
} from "../helpers/yjsFrames.ts";
import { docText, ownerWithProposal, sectionText } from "../proposals/helpers.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

/** A proposal with two paragraphs typed, closed and compacted into one row; and the state after the first. */
async function compactedProposal() {
  const { owner, docName } = await ownerWithProposal(server);
  const writer = connectDoc(server, owner.client, docName);
  await waitForSync(writer.provider);
  const text = sectionText(writer.doc, "背景与问题");
  text.insert(0, "第一段：加装电梯。");
  await server.ctx.yjs.settled();
  const afterFirst = Y.encodeStateAsUpdate(writer.doc);
  text.insert(text.length, "第二段：停车位。");
  await eventually(async () => (await storedText(docName)).includes("第二段"));
  writer.provider.destroy();
  await eventually(() => server.ctx.yjs.openDocuments === 0);
  await compactDoc(server.ctx.db, docName);
  expect(await countRows(server.ctx.db, docName)).toBe(1);
  return { owner, docName, afterFirst };
}

async function storedText(docName: string): Promise<string> {
  const copy = new Y.Doc();
  Y.applyUpdate(copy, await server.ctx.yjs.encodeState(docName));
  return docText(copy);
}

/** An update that decodes but throws while applying, folded into the document's whole state: one row. */
function poisonedState(state: Uint8Array): Uint8Array {
  const known = [...Y.decodeStateVector(Y.encodeStateVectorFromUpdate(state)).keys()][0]!;
  const poisoned = Y.mergeUpdates([state, craftDanglingOrigin(known)]);
  expect(() => Y.decodeUpdate(poisoned)).not.toThrow();
  expect(() => Y.applyUpdate(new Y.Doc(), poisoned)).toThrow();
  return poisoned;
}

describe("a compacted document", () => {
  it("is answered from its row: a new reader and one returning with older state both converge, and a later edit reaches both and is kept", async () => {
    const { owner, docName, afterFirst } = await compactedProposal();

    const fresh = connectDoc(server, owner.client, docName, new Y.Doc());
    const returningDoc = new Y.Doc();
    Y.applyUpdate(returningDoc, afterFirst);
    const returning = connectDoc(server, owner.client, docName, returningDoc);
    await Promise.all([waitForSync(fresh.provider), waitForSync(returning.provider)]);
    expect(docText(fresh.doc)).toContain("第一段：加装电梯。第二段：停车位。");
    await eventually(() => docText(returning.doc).includes("第一段：加装电梯。第二段：停车位。"));

    // the first edit builds the document; it is stored and relayed like any other
    sectionText(fresh.doc, "背景与问题").insert(0, "【修订】");
    await eventually(() => docText(returning.doc).includes("【修订】第一段"));
    fresh.provider.destroy();
    returning.provider.destroy();
    await eventually(() => server.ctx.yjs.openDocuments === 0);
    expect(await storedText(docName)).toContain("【修订】第一段：加装电梯。第二段：停车位。");
  });

  it("is stored with its state vector, which the server's sync step 1 carries as it is", async () => {
    const { owner, docName } = await compactedProposal();
    const [row] = await server.ctx.db.select().from(docUpdates).where(eq(docUpdates.docName, docName));
    expect(row!.compacted).toBe(true);
    expect(row!.digest).toHaveLength(32);
    const vector = Y.encodeStateVectorFromUpdate(row!.data);
    expect(Buffer.from(row!.stateVector!).equals(Buffer.from(vector))).toBe(true);

    const raw = await openRawDoc(server, owner.client.cookie, docName);
    await eventually(() => syncStep1Vectors(raw.received).length === 1);
    expect(Buffer.from(syncStep1Vectors(raw.received)[0]!).equals(Buffer.from(vector))).toBe(true);
    raw.ws.close();
  });

  it("serves a version saved while nobody has it open, and a server change to it is kept", async () => {
    const { owner, docName } = await compactedProposal();
    const id = docName.slice("proposal:".length);
    expect((await owner.client.post(`/api/proposals/${id}/versions`, { name: "压缩之后" })).status).toBe(201);
    const exported = await owner.client.get(`/api/proposals/${id}/export?format=md`);
    expect(String(exported.body)).toContain("第二段：停车位。");
    await server.ctx.yjs.applyServerChange(docName, (doc) => {
      sectionText(doc, "背景与问题").insert(0, "【服务器】");
    });
    expect(await storedText(docName)).toContain("【服务器】第一段");
  });

  it("junk sent to it closes only its sender: a truncated sync step 1, a state vector naming clocks it never had, a cut update", async () => {
    const { owner, docName } = await compactedProposal();
    const reader = connectDoc(server, owner.client, docName, new Y.Doc());
    await waitForSync(reader.provider);

    const truncated = await openRawDoc(server, owner.client.cookie, docName);
    truncated.send(truncatedSyncStep1());
    expect((await truncated.closed).code).toBe(CLOSE_CODES.malformed);

    // a state vector that decodes but claims far more than the document holds: answered, nothing breaks
    const claims = await openRawDoc(server, owner.client.cookie, docName);
    const vector = encoding.createEncoder();
    encoding.writeVarUint(vector, 1);
    encoding.writeVarUint(vector, 123_456);
    encoding.writeVarUint(vector, 2 ** 30);
    claims.send(syncStep1Frame(encoding.toUint8Array(vector)));
    // the server's own sync step 1, then its answer to this one
    await eventually(() => claims.received.length >= 2);
    expect(await closedWithin(claims, 300)).toBeNull();
    claims.ws.close();

    const cut = await openRawDoc(server, owner.client.cookie, docName);
    cut.send(cutUpdateFrame());
    expect((await cut.closed).code).toBe(CLOSE_CODES.malformed);

    expect(reader.provider.wsconnected).toBe(true);
    const later = connectDoc(server, owner.client, docName, new Y.Doc());
    await waitForSync(later.provider);
    expect(docText(later.doc)).toContain("第一段：加装电梯。第二段：停车位。");
    sectionText(later.doc, "背景与问题").insert(0, "【之后】");
    await eventually(() => docText(reader.doc).includes("【之后】第一段"));
    reader.provider.destroy();
    later.provider.destroy();
  });
});

describe("rows readers are never sent unchecked", () => {
  it("a single row not written by compaction is built before anyone is answered: a poisoned one is quarantined", async () => {
    const { owner, docName } = await compactedProposal();
    const [row] = await server.ctx.db.select().from(docUpdates).where(eq(docUpdates.docName, docName));
    const poisoned = poisonedState(row!.data);
    // what an older server could have stored: the row as it came, not marked as compacted
    await server.ctx.db.update(docUpdates).set({ data: poisoned, compacted: false }).where(eq(docUpdates.id, row!.id));

    const reader = connectDoc(server, owner.client, docName, new Y.Doc());
    await waitForSync(reader.provider);
    expect(docText(reader.doc)).not.toContain("XYZ");
    reader.provider.destroy();
    const quarantined = await listQuarantine(server.ctx.db);
    expect(quarantined.filter((q) => q.docName === docName)).toHaveLength(1);
  });

  it("a compacted row changed after the server wrote it is built before anyone is answered: a poisoned one is quarantined", async () => {
    const { owner, docName } = await compactedProposal();
    const [row] = await server.ctx.db.select().from(docUpdates).where(eq(docUpdates.docName, docName));
    // still marked compacted, with the state vector and digest written for the bytes it had
    await server.ctx.db
      .update(docUpdates)
      .set({ data: poisonedState(row!.data) })
      .where(eq(docUpdates.id, row!.id));

    // a reader sends nothing: without the digest it would have been sent the row as it is (it decodes)
    const raw = await openRawDoc(server, owner.client.cookie, docName);
    raw.send(syncStep1Frame(Y.encodeStateVector(new Y.Doc())));
    await eventually(() => raw.received.length >= 2);
    expect(docText(documentSent(raw.received))).not.toContain("XYZ");
    raw.ws.close();
    await eventually(async () => (await listQuarantine(server.ctx.db)).some((q) => q.docName === docName));
  });

  it("a compacted row stored before digests that fails when the document is built is quarantined, its editors reload, and the document opens again", async () => {
    const { owner, docName } = await compactedProposal();
    const [row] = await server.ctx.db.select().from(docUpdates).where(eq(docUpdates.docName, docName));
    // what an older server wrote: compacted, no state vector, no digest; it decodes, so it is sent unbuilt
    await server.ctx.db
      .update(docUpdates)
      .set({ data: poisonedState(row!.data), stateVector: null, digest: null })
      .where(eq(docUpdates.id, row!.id));

    // a raw editor reads without applying; its edit makes the server build the document
    const raw = await openRawDoc(server, owner.client.cookie, docName);
    const edit = new Y.Doc();
    edit.getText("scratch").insert(0, "编辑");
    raw.send(updateFrame(Y.encodeStateAsUpdate(edit)));
    expect((await raw.closed).code).toBe(CLOSE_CODES.resync);
    await eventually(async () => (await listQuarantine(server.ctx.db)).some((q) => q.docName === docName));
    await eventually(() => server.ctx.yjs.openDocuments === 0);

    const reader = connectDoc(server, owner.client, docName, new Y.Doc());
    await waitForSync(reader.provider);
    expect(docText(reader.doc)).not.toContain("XYZ");
    reader.provider.destroy();
  });
});
