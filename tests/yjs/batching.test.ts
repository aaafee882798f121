import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { CLOSE_CODES } from "../../shared/errors.ts";
import { eventually } from "../helpers/clients.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import {
  closedWithin,
  keystrokes,
  openRawDoc,
  type RawDocSocket,
  syncUpdates,
  updateFrame,
} from "../helpers/yjsFrames.ts";
import { addMember, ownerWithProposal } from "../proposals/helpers.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

/** The clocks of `clientId`'s structs in an update, in order. */
function clocksOf(update: Uint8Array, clientId: number): number[] {
  return Y.decodeUpdate(update)
    .structs.filter((s) => s.id.client === clientId)
    .map((s) => s.id.clock);
}

/** The updates relayed to a raw connection so far (sync "update" messages), in arrival order. */
const relayedUpdates = (raw: RawDocSocket) => syncUpdates(raw.received);

/** A document's stored rows in order, with the transaction that inserted each (PostgreSQL's xmin). */
async function storedRows(docName: string): Promise<{ data: Uint8Array; xmin: string }[]> {
  const result = await server.ctx.db.execute(
    sql`select data, xmin::text as xmin from doc_updates where doc_name = ${docName} order by id`,
  );
  const rows = ((result as { rows?: unknown[] }).rows ?? (result as unknown[])) as { data: Uint8Array; xmin: string }[];
  return rows.map((r) => ({ data: new Uint8Array(r.data), xmin: String(r.xmin) }));
}

describe("updates that arrive together are stored together, each before it is relayed", () => {
  it("many updates sent at once are all stored and relayed in the order sent, in fewer commits than frames", async () => {
    const { owner, proposal, docName } = await ownerWithProposal(server);
    const editor = await addMember(server, owner, proposal.id, "editor");
    const observer = await openRawDoc(server, owner.client.cookie, docName);
    const writer = await openRawDoc(server, editor.client.cookie, docName);
    const CLIENT = 7001;
    const N = 60;
    const updates = keystrokes(CLIENT, N);
    for (const u of updates) writer.send(updateFrame(u));

    // eventually() returns once the check is truthy, so the list is there.
    const relayed = (await eventually(() => {
      const got = relayedUpdates(observer).filter((u) => clocksOf(u, CLIENT).length > 0);
      return got.flatMap((u) => clocksOf(u, CLIENT)).length >= N ? got : null;
    }))!;
    // Relayed in the order sent, each exactly once.
    expect(relayed.flatMap((u) => clocksOf(u, CLIENT))).toEqual([...Array(N).keys()]);
    // Edits stored together went on together: fewer frames than edits.
    expect(relayed.length).toBeLessThan(N);
    // The last one has been relayed, so every one is already durable — in the same order.
    const rows = (await storedRows(docName)).filter((r) => clocksOf(r.data, CLIENT).length > 0);
    expect(rows.flatMap((r) => clocksOf(r.data, CLIENT))).toEqual([...Array(N).keys()]);
    // Frames that reached the server together shared commits.
    expect(new Set(rows.map((r) => r.xmin)).size).toBeLessThan(N);
    // The writer is not echoed its own edits, and stays connected.
    expect(relayedUpdates(writer).filter((u) => clocksOf(u, CLIENT).length > 0)).toHaveLength(0);
    expect(await closedWithin(writer, 100)).toBeNull();
    writer.ws.close();
    observer.ws.close();
  });

  it("two writers typing at once each get the other's edits, never their own, and an observer gets both", async () => {
    const { owner, proposal, docName } = await ownerWithProposal(server);
    const editor = await addMember(server, owner, proposal.id, "editor");
    const observer = await openRawDoc(server, owner.client.cookie, docName);
    const a = await openRawDoc(server, owner.client.cookie, docName);
    const b = await openRawDoc(server, editor.client.cookie, docName);
    const A = 7004;
    const B = 7005;
    const N = 30;
    const fromA = keystrokes(A, N);
    const fromB = keystrokes(B, N);
    for (let i = 0; i < N; i++) {
      a.send(updateFrame(fromA[i]!));
      b.send(updateFrame(fromB[i]!));
    }
    const all = [...Array(N).keys()];
    const clocks = (raw: RawDocSocket, client: number) => relayedUpdates(raw).flatMap((u) => clocksOf(u, client));
    await eventually(() => clocks(observer, A).length >= N && clocks(observer, B).length >= N);
    await eventually(() => clocks(a, B).length >= N && clocks(b, A).length >= N);
    expect(clocks(observer, A)).toEqual(all);
    expect(clocks(observer, B)).toEqual(all);
    expect(clocks(a, B)).toEqual(all);
    expect(clocks(b, A)).toEqual(all);
    expect(clocks(a, A)).toEqual([]);
    expect(clocks(b, B)).toEqual([]);
    for (const raw of [observer, a, b]) raw.ws.close();
  });

  it("a bad frame among others' costs only its sender: the rest are stored and relayed, the sender's later frames are not read", async () => {
    const { owner, proposal, docName } = await ownerWithProposal(server);
    const editor = await addMember(server, owner, proposal.id, "editor");
    const observer = await openRawDoc(server, owner.client.cookie, docName);
    const good = await openRawDoc(server, owner.client.cookie, docName);
    const bad = await openRawDoc(server, editor.client.cookie, docName);
    const GOOD = 7002;
    const BAD = 7003;
    const goodUpdates = keystrokes(GOOD, 20);
    const badUpdates = keystrokes(BAD, 2);
    const truncated = goodUpdates[0]!.slice(0, goodUpdates[0]!.length - 3);

    // Interleaved in one go: the bad sender's first edit, then its broken frame, then one more.
    for (let i = 0; i < 10; i++) good.send(updateFrame(goodUpdates[i]!));
    bad.send(updateFrame(badUpdates[0]!));
    bad.send(updateFrame(truncated));
    bad.send(updateFrame(badUpdates[1]!));
    for (let i = 10; i < 20; i++) good.send(updateFrame(goodUpdates[i]!));

    expect((await bad.closed).code).toBe(CLOSE_CODES.malformed);
    const relayed = (await eventually(() => {
      const got = relayedUpdates(observer);
      return got.flatMap((u) => clocksOf(u, GOOD)).length >= 20 ? got : null;
    }))!;
    await server.ctx.yjs.settled();
    expect(relayed.flatMap((u) => clocksOf(u, GOOD))).toEqual([...Array(20).keys()]);
    // What the bad sender sent before its broken frame went through; what came after was never read.
    expect(relayed.flatMap((u) => clocksOf(u, BAD))).toEqual([0]);
    const rows = await storedRows(docName);
    expect(rows.flatMap((r) => clocksOf(r.data, GOOD))).toEqual([...Array(20).keys()]);
    expect(rows.flatMap((r) => clocksOf(r.data, BAD))).toEqual([0]);
    expect(await closedWithin(good, 100)).toBeNull();
    good.ws.close();
    observer.ws.close();
  });
});
