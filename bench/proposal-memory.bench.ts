/**
 * (c) Server memory after 500 proposal documents are opened (synced, one edit each) and closed
 * returns to its baseline: documents nobody has open are unloaded. Server in this process; heap
 * measured after a forced GC, with a warm-up round first so code and caches count in the baseline.
 */
import os from "node:os";
import v8 from "node:v8";
import vm from "node:vm";
import { connectDoc, waitForSync } from "../tests/helpers/clients.ts";
import { sectionText } from "../tests/proposals/helpers.ts";
import { report } from "./lib.ts";
import { ownerAndProposal, startBenchServer, until } from "./proposal-lib.ts";

process.setMaxListeners(0);
v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

const DOCS = 500;
const BATCH = 25;

async function settle(): Promise<{ heapMB: number; rssMB: number }> {
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 50));
  }
  const m = process.memoryUsage();
  return { heapMB: Math.round((m.heapUsed / 2 ** 20) * 10) / 10, rssMB: Math.round((m.rss / 2 ** 20) * 10) / 10 };
}

const server = await startBenchServer();
try {
  const { client } = await ownerAndProposal(server);
  // Proposals (rows + template documents) are created first: their rows are data, not open documents.
  const names: string[] = [];
  for (let i = 0; i < DOCS + BATCH; i++) {
    const res = await client.post("/api/proposals", { title: `内存测试${i}`, communityId: "wuxing" });
    names.push(`proposal:${res.body.proposal.id}`);
  }
  const openClose = async (batch: string[]) => {
    const conns = batch.map((name) => connectDoc(server as never, client, name));
    await Promise.all(conns.map((c) => waitForSync(c.provider, 30_000)));
    for (const c of conns) sectionText(c.doc, "项目目标").insert(0, "打开过");
    await server.ctx.yjs.settled();
    for (const c of conns) {
      c.provider.destroy();
      c.doc.destroy();
    }
    await until(() => server.ctx.yjs.openDocuments === 0, 30_000, "unload");
  };
  await openClose(names.slice(DOCS)); // warm-up
  const baseline = await settle();
  let peakOpen = 0;
  const t0 = performance.now();
  for (let i = 0; i < DOCS; i += BATCH) {
    const batch = names.slice(i, i + BATCH);
    const conns = batch.map((name) => connectDoc(server as never, client, name));
    await Promise.all(conns.map((c) => waitForSync(c.provider, 30_000)));
    peakOpen = Math.max(peakOpen, server.ctx.yjs.openDocuments);
    for (const c of conns) sectionText(c.doc, "项目目标").insert(0, "打开过");
    await server.ctx.yjs.settled();
    for (const c of conns) {
      c.provider.destroy();
      c.doc.destroy();
    }
  }
  await until(() => server.ctx.yjs.openDocuments === 0, 30_000, "unload");
  const seconds = (performance.now() - t0) / 1000;
  const after = await settle();
  report("proposal-memory", {
    documents: DOCS,
    machine_load_average_1min: Math.round(os.loadavg()[0]! * 10) / 10,
    open_at_once: peakOpen,
    seconds: Math.round(seconds * 10) / 10,
    open_after: server.ctx.yjs.openDocuments,
    baseline_heap_mb: baseline.heapMB,
    after_heap_mb: after.heapMB,
    heap_delta_mb: Math.round((after.heapMB - baseline.heapMB) * 10) / 10,
    baseline_rss_mb: baseline.rssMB,
    after_rss_mb: after.rssMB,
    note: "client providers run in the same process; heap after forced GC",
  });
} finally {
  await server.dispose();
}
process.exit(0);
