/**
 * (a) Real typing histories replayed through the server, one update per keystroke, then a new
 * client opens the compacted document. Traces: automerge-paper (josephg/editing-traces, CC BY 4.0 —
 * Martin Kleppmann writing a paper; read in place from ../shared/data/editing-traces/) and a
 * generated Chinese one. Figures: replay rate, bytes stored before/after compaction, and the open:
 * cold (after a server restart: nothing of the document in memory, the embedded database's pages
 * too), split into the server's part (read the row, check its digest) and the client's (apply), and
 * beside it the same open with the document still in memory (the baseline). The opening client runs
 * in a process of its own (proposal-trace.client.ts), as a reader's browser does.
 *
 *   node --import tsx bench/proposal-trace.bench.ts                 # figures (quiet machine only)
 *   BENCH_SMOKE=1 node --import tsx bench/proposal-trace.bench.ts   # trace prefixes, 2 opens each: checks that it works
 *   BENCH_PG=1 …                                                    # on PostgreSQL, a database of its own (dropped after)
 */
import { fork } from "node:child_process";
import * as Y from "yjs";
import { compactDoc, databaseDocStore, loadDoc } from "../server/yjs/persistence.ts";
import { connectDoc, waitForSync } from "../tests/helpers/clients.ts";
import type { OpenAnswer, OpenRequest } from "./proposal-trace.client.ts";
import { sectionText } from "../tests/proposals/helpers.ts";
import { loadAverage, report, summarize } from "./lib.ts";
import {
  chineseTrace,
  ownerAndProposal,
  readTrace,
  startBenchServer,
  until,
  type BenchServer,
} from "./proposal-lib.ts";

const SMOKE = process.env.BENCH_SMOKE === "1";
const OPENS = SMOKE ? 2 : 9;
const WINDOW = 10_000;
const SECTION = "背景与问题";

const ms = (x: number) => Math.round(x * 10) / 10;

/** The text a list of patches makes from an empty one (the expected end of a trace prefix). */
function textAfter(patches: [number, number, string][][]): string {
  let text = "";
  for (const txn of patches) for (const [pos, del, ins] of txn) text = text.slice(0, pos) + ins + text.slice(pos + del);
  return text;
}

async function replay(
  reader: ReaderProcess,
  server: BenchServer,
  name: string,
  patches: [number, number, string][][],
  endContent: string,
): Promise<{ row: Record<string, unknown>; server: BenchServer }> {
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

  // One fresh client's open, from connecting to synced, checked against the trace's end; and when
  // the client began applying what it was sent (its first transaction): the server's part and the
  // network's end there, the client's apply after it. The client runs in a process of its own.
  const answered: number[] = [];
  const open = async (): Promise<number> => {
    const opened = await reader.open({
      type: "open",
      port: server.port,
      cookie: client.cookie,
      docName,
      section: SECTION,
      expected: endContent,
    });
    if (opened.differs) throw new Error(`${name}: the opened document differs`);
    answered.push(opened.applying);
    return opened.took;
  };

  // One open first, not counted: the reader's own code gets compiled, as in a browser tab that has
  // the app loaded already (a fresh process's first open is mostly that).
  await open();
  answered.length = 0;
  await until(() => server.ctx.yjs.openDocuments === 0, 30_000, "document unload");

  // Cold: each open follows a restart, so the server loads the document from storage.
  const cold: number[] = [];
  for (let i = 0; i < OPENS; i++) {
    server = await server.restart();
    cold.push(await open());
    await until(() => server.ctx.yjs.openDocuments === 0, 30_000, "document unload");
  }
  // The same cold open in parts, after restarts of its own (a read warms the database's cache):
  // the server's, as it answers a reader from the one compacted row — read the row with its state
  // vector and digest, and check the digest (the vector is the server's sync step 1, the row itself
  // the sync step 2) —; what the check cost before rows carried a digest (decoding the row in full)
  // and the vector (computed from the row), shown for comparison; building the document from the
  // row, which the server does only when someone edits (the first edit pays it); then the client's,
  // applying the row to an empty Y.Doc as the provider does on sync step 2.
  const parts = {
    load: [] as number[],
    decode: [] as number[],
    vector: [] as number[],
    build: [] as number[],
    client: [] as number[],
  };
  for (let i = 0; i < OPENS; i++) {
    server = await server.restart();
    const store = databaseDocStore(server.ctx.db, server.ctx.dbKind);
    const t0 = performance.now();
    const { snapshot } = await store.load(docName, new Y.Doc(), null, { keepSnapshot: true });
    const t1 = performance.now();
    if (!snapshot?.stateVector) throw new Error(`${name}: expected one compacted row with its state vector`);
    const state = snapshot.data;
    Y.decodeUpdate(state);
    const t2 = performance.now();
    Y.encodeStateVectorFromUpdate(state);
    const t3 = performance.now();
    const d = new Y.Doc();
    Y.applyUpdate(d, state);
    const t4 = performance.now();
    const c = new Y.Doc();
    Y.applyUpdate(c, state);
    const t5 = performance.now();
    parts.load.push(t1 - t0);
    parts.decode.push(t2 - t1);
    parts.vector.push(t3 - t2);
    parts.build.push(t4 - t3);
    parts.client.push(t5 - t4);
    d.destroy();
    c.destroy();
  }
  // Baseline: the document still in memory (another connection holds it open), so an open is
  // authentication, authorization and the sync from the in-memory copy.
  const holder = connectDoc(server as never, client, docName, new Y.Doc());
  await waitForSync(holder.provider, 30_000);
  const cached: number[] = [];
  for (let i = 0; i < OPENS; i++) cached.push(await open());
  holder.provider.destroy();
  await until(() => server.ctx.yjs.openDocuments === 0, 30_000, "document unload");

  const p50 = (xs: number[]) => ms(summarize(xs).p50);
  return {
    server,
    row: {
      trace: name,
      updates: patches.length,
      replay_s: Math.round(replayMs / 100) / 10,
      updates_per_s: Math.round(patches.length / (replayMs / 1000)),
      sent_update_bytes: sentBytes,
      stored_rows_before: storedBefore.updates.length,
      stored_bytes_before: storedBefore.bytes,
      stored_bytes_after: storedAfter.bytes,
      final_chars: endContent.length,
      cold_open_after_restart_p50_ms: p50(cold),
      cold_open_after_restart_max_ms: ms(summarize(cold).max),
      cold_open_until_client_applies_p50_ms: p50(answered.slice(0, OPENS)),
      server_read_and_digest_check_p50_ms: p50(parts.load),
      was_decode_check_p50_ms: p50(parts.decode),
      was_state_vector_p50_ms: p50(parts.vector),
      build_at_first_edit_p50_ms: p50(parts.build),
      client_apply_p50_ms: p50(parts.client),
      open_cached_in_memory_p50_ms: p50(cached),
    },
  };
}

/** The fresh client's process (proposal-trace.client.ts): one open at a time. */
interface ReaderProcess {
  open(request: OpenRequest): Promise<OpenAnswer>;
  stop(): void;
}

async function startReader(): Promise<ReaderProcess> {
  const child = fork(new URL("./proposal-trace.client.ts", import.meta.url).pathname, [], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const next = () =>
    new Promise<OpenAnswer>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("the reader process did not answer")), 60_000);
      child.once("message", (message: OpenAnswer) => {
        clearTimeout(timer);
        resolve(message);
      });
    });
  await next(); // ready
  return {
    open(request) {
      const answer = next();
      child.send(request);
      return answer;
    },
    stop: () => child.kill(),
  };
}

const reader = await startReader();
let server = await startBenchServer("proposal_trace");
const loadAverageAtStart = loadAverage();
try {
  const paper = readTrace<{
    startContent: string;
    endContent: string;
    txns: { patches: [number, number, string][] }[];
  }>("automerge-paper.json.gz");
  if (paper.startContent) throw new Error("expected an empty start");
  // A smoke run replays prefixes; their end is computed from the patches.
  const paperPatches = paper.txns.slice(0, SMOKE ? 2_000 : undefined).map((t) => t.patches);
  const zh = chineseTrace(SMOKE ? 300 : 20_000);
  const rows = [];
  for (const [name, patches, end] of [
    ["automerge-paper", paperPatches, SMOKE ? textAfter(paperPatches) : paper.endContent],
    ["generated Chinese (IME commits)", zh.patches.map((p) => [p]), zh.endContent],
  ] as const) {
    const result = await replay(reader, server, name, patches as [number, number, string][][], end);
    server = result.server;
    rows.push(result.row);
  }
  report(
    "proposal-trace",
    {
      goal_cold_open_after_restart_p50_ms: 60,
      machine_load_average_1min_at_start: loadAverageAtStart,
      machine_load_average_1min_at_end: loadAverage(),
      smoke: SMOKE,
      note: "stored_bytes_before = every update row as received; after = one compacted snapshot; server_read_and_digest_check and client_apply are the parts of a cold open (was_* is what a row without digest and vector still costs; build_at_first_edit is paid by the first edit, not by an open); open_cached_in_memory is the baseline",
    },
    rows,
  );
} finally {
  reader.stop();
  await server.dispose();
}
process.exit(0);
