/**
 * (a) Real typing histories replayed through the server, one update per keystroke, then a new
 * client cold-loads the document. Traces: automerge-paper (josephg/editing-traces, CC BY 4.0 —
 * Martin Kleppmann writing a paper; read in place from ../shared/data/editing-traces/) and a
 * generated Chinese one. Figures: replay rate, bytes stored before/after compaction, cold load.
 */
import os from "node:os";
import * as Y from "yjs";
import { compactDoc, loadDoc } from "../server/yjs/persistence.ts";
import { connectDoc, waitForSync } from "../tests/helpers/clients.ts";
import { sectionText } from "../tests/proposals/helpers.ts";
import { report, summarize } from "./lib.ts";
import { chineseTrace, ownerAndProposal, readTrace, startBenchServer, until, type BenchServer } from "./proposal-lib.ts";

const COLD_LOADS = 5;
const WINDOW = 10_000;
const SECTION = "背景与问题";

async function replay(server: BenchServer, name: string, patches: [number, number, string][][], endContent: string) {
  const { client, docName } = await ownerAndProposal(server);
  const writer = connectDoc(server as never, client, docName);
  const observer = connectDoc(server as never, client, docName);
  await Promise.all([waitForSync(writer.provider), waitForSync(observer.provider)]);
  const text = sectionText(writer.doc, SECTION);
  const seen = sectionText(observer.doc, SECTION);
  let sentBytes = 0;
  writer.doc.on("update", (u: Uint8Array) => (sentBytes += u.byteLength));

  const started = performance.now();
  for (let i = 0; i < patches.length; i++) {
    writer.doc.transact(() => {
      for (const [pos, del, ins] of patches[i]!) {
        if (del > 0) text.delete(pos, del);
        if (ins) text.insert(pos, ins);
      }
    });
    // Pace by windows: the observer must have received (so the server has stored) what was sent.
    if (i % WINDOW === WINDOW - 1) {
      const want = text.length;
      await until(() => seen.length === want, 120_000, "observer to catch up");
    }
  }
  await until(() => seen.toString() === text.toString(), 120_000, "observer to converge");
  const replayMs = performance.now() - started;
  await server.ctx.yjs.settled();
  if (text.toString() !== endContent) throw new Error(`${name}: replayed text differs from endContent`);

  writer.provider.destroy();
  observer.provider.destroy();
  await until(() => server.ctx.yjs.openDocuments === 0, 30_000, "document unload");
  const storedBefore = await loadDoc(server.ctx.db, docName);
  await compactDoc(server.ctx.db, docName);
  const storedAfter = await loadDoc(server.ctx.db, docName);

  // The server's share of a cold load: read the rows and apply them to a fresh Y.Doc.
  const serverLoads: number[] = [];
  for (let i = 0; i < COLD_LOADS; i++) {
    const t0 = performance.now();
    const stored = await loadDoc(server.ctx.db, docName);
    const d = new Y.Doc();
    for (const u of stored.updates) Y.applyUpdate(d, u);
    serverLoads.push(performance.now() - t0);
    d.destroy();
  }
  const loads: number[] = [];
  for (let i = 0; i < COLD_LOADS; i++) {
    const t0 = performance.now();
    const fresh = connectDoc(server as never, client, docName, new Y.Doc());
    await waitForSync(fresh.provider, 30_000);
    loads.push(performance.now() - t0);
    if (sectionText(fresh.doc, SECTION).toString() !== endContent) throw new Error(`${name}: cold load differs`);
    fresh.provider.destroy();
    await until(() => server.ctx.yjs.openDocuments === 0, 30_000, "document unload");
  }
  const s = summarize(loads);
  return {
    trace: name,
    updates: patches.length,
    replay_s: Math.round(replayMs / 100) / 10,
    updates_per_s: Math.round(patches.length / (replayMs / 1000)),
    sent_update_bytes: sentBytes,
    stored_rows_before: storedBefore.updates.length,
    stored_bytes_before: storedBefore.bytes,
    stored_bytes_after: storedAfter.bytes,
    final_chars: endContent.length,
    cold_load_p50_ms: Math.round(s.p50 * 10) / 10,
    cold_load_max_ms: Math.round(s.max * 10) / 10,
    server_read_and_apply_p50_ms: Math.round(summarize(serverLoads).p50 * 10) / 10,
  };
}

const server = await startBenchServer();
try {
  const paper = readTrace<{ startContent: string; endContent: string; txns: { patches: [number, number, string][] }[] }>("automerge-paper.json.gz");
  if (paper.startContent) throw new Error("expected an empty start");
  const rows = [];
  rows.push(await replay(server, "automerge-paper", paper.txns.map((t) => t.patches), paper.endContent));
  const zh = chineseTrace(20_000);
  rows.push(await replay(server, "generated Chinese (IME commits)", zh.patches.map((p) => [p]), zh.endContent));
  report("proposal-trace", { goal_cold_load_ms: 100, machine_load_average_1min: Math.round(os.loadavg()[0]! * 10) / 10, note: "stored_bytes_before = every update row as received; after = one compacted snapshot" }, rows);
} finally {
  await server.dispose();
}
process.exit(0);
