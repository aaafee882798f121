/**
 * (b) 50 editors typing 5 updates/s each into one proposal for 10 s, against the real server in
 * its own process: p99 propagation latency (sender's transaction → every other client's doc) and
 * the server's CPU. Then the two-author trace friendsforever.json.gz (josephg/editing-traces,
 * CC BY 4.0) replayed through two clients, each transaction applied on top of exactly its
 * recorded parents, must end with the recorded final text.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import os from "node:os";
import * as Y from "yjs";
import { ApiClient, connectDoc, waitForSync } from "../tests/helpers/clients.ts";
import { sectionText } from "../tests/proposals/helpers.ts";
import { report, summarize } from "./lib.ts";
import { readTrace, until } from "./proposal-lib.ts";
import { freePort } from "../tests/helpers/processes.ts";

process.setMaxListeners(0);
const EDITOR_COUNTS = (process.env.BENCH_EDITORS ?? "10,50").split(",").map(Number).filter((n) => n > 0);
const RATE = 5;
const SECONDS = 10;

/** utime + stime of a process, in seconds (Linux /proc). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const dataDir = mkdtempSync(join(tmpdir(), "forum-bench-load-"));
const port = await freePort();
process.on("exit", () => child.kill("SIGKILL"));
const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
  env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", DATA_DIR: dataDir, SEED_DEMO: "true", LOG_LEVEL: "warn", DATABASE_URL: process.env.BENCH_DATABASE_URL ?? "", REDIS_URL: "" },
  stdio: ["ignore", "inherit", "inherit"],
});
const server = { port, url: `http://127.0.0.1:${port}` } as never;
const base = `http://127.0.0.1:${port}`;

async function typingLoad(sec1: ApiClient, editors: number) {
  const created = await sec1.post("/api/proposals", { title: "并发编辑压测", communityId: "wuxing" });
  const docName = `proposal:${created.body.proposal.id}`;
  const clients = Array.from({ length: editors }, () => connectDoc(server, sec1, docName));
  await Promise.all(clients.map((c) => waitForSync(c.provider, 30_000)));

  const latencies: number[] = [];
  let measuring = false;
  for (const c of clients) {
    const stamps = c.doc.getMap<number>("sentAt");
    stamps.observe((event) => {
      if (!measuring || event.transaction.local) return;
      const now = performance.timeOrigin + performance.now();
      for (const key of event.keysChanged) {
        const sentAt = stamps.get(key);
        if (sentAt !== undefined) latencies.push(now - sentAt);
      }
    });
  }
  const total = editors * RATE * SECONDS;
  measuring = true;
  const cpuBefore = cpuSeconds(child.pid!);
  const ownCpuBefore = process.cpuUsage();
  const t0 = performance.now();
  let sent = 0;
  await new Promise<void>((resolve) => {
    clients.forEach((c, i) => {
      const text = sectionText(c.doc, "实施步骤与时间表");
      const stamps = c.doc.getMap<number>("sentAt");
      let n = 0;
      const tick = () => {
        if (n >= RATE * SECONDS) {
          if (++finished === editors) resolve();
          return;
        }
        c.doc.transact(() => {
          text.insert(Math.min(text.length, (i * 7 + n) % (text.length + 1)), "议");
          stamps.set(`${i}:${n}`, performance.timeOrigin + performance.now());
        });
        n += 1;
        sent += 1;
        setTimeout(tick, 1000 / RATE);
      };
      setTimeout(tick, (i * 1000) / RATE / editors);
    });
    let finished = 0;
  });
  const expected = total * (editors - 1);
  await until(() => latencies.length >= expected, 30_000, "every update to reach every client").catch(() => {});
  const wallS = (performance.now() - t0) / 1000;
  const cpuS = cpuSeconds(child.pid!) - cpuBefore;
  const ownCpu = process.cpuUsage(ownCpuBefore);
  const clientCpuS = (ownCpu.user + ownCpu.system) / 1e6;
  measuring = false;
  const converged = clients.every((c) => sectionText(c.doc, "实施步骤与时间表").toString() === sectionText(clients[0]!.doc, "实施步骤与时间表").toString());
  const lat = summarize(latencies);
  for (const c of clients) c.provider.destroy();
  return {
    editors,
    updates_sent: sent,
    deliveries: `${lat.n}/${expected}`,
    converged,
    p50_ms: Math.round(lat.p50 * 10) / 10,
    p99_ms: Math.round(lat.p99 * 10) / 10,
    max_ms: Math.round(lat.max * 10) / 10,
    server_cpu_pct: Math.round((cpuS / wallS) * 1000) / 10,
    load_generator_cpu_pct: Math.round((clientCpuS / wallS) * 1000) / 10,
  };

}

try {
  await until(async () => (await fetch(`${base}/api/health`).catch(() => null))?.status === 200, 60_000, "server start");
  const sec1 = new ApiClient(base);
  await sec1.post("/api/auth/login", { username: "sec1", password: "demo1234" });

  const rows = [];
  for (const editors of EDITOR_COUNTS) rows.push(await typingLoad(sec1, editors));

  // ---------------------------------------------------------------- friendsforever
  type Txn = { parents: number[]; agent: number; patches: [number, number, string][] };
  const trace = readTrace<{ endContent: string; numAgents: number; txns: Txn[] }>("friendsforever.json.gz");
  const created2 = await sec1.post("/api/proposals", { title: "双人轨迹", communityId: "wuxing" });
  const doc2 = `proposal:${created2.body.proposal.id}`;
  // Each agent: `local` is the agent's view (exactly the recorded parents), `net` is connected.
  // Fixed client ids: Yjs orders concurrent inserts at one place by client id, so the merge of the
  // two authors' simultaneous typing is deterministic (agent 0 before agent 1, as recorded).
  const ids = (process.env.BENCH_FF_IDS ?? "1,2").split(",").map(Number);
  const agents = [0, 1].map((agent) => {
    const local = new Y.Doc();
    local.clientID = ids[agent]!;
    const net = new Y.Doc();
    local.on("update", (u: Uint8Array, origin: unknown) => {
      if (origin !== "remote") Y.applyUpdate(net, u, "local");
    });
    return { local, net, conn: connectDoc(server, sec1, doc2, net), applied: -1 };
  });
  await Promise.all(agents.map((a) => waitForSync(a.conn.provider, 30_000)));
  // version[i][agent] = highest txn index of that agent in txn i's history (each agent types in order).
  const version: number[][] = [];
  const produced: { update: Uint8Array; client: number; clock: number }[] = [];
  const ownIndex: number[][] = [[], []];
  const t1 = performance.now();
  for (let i = 0; i < trace.txns.length; i++) {
    const txn = trace.txns[i]!;
    const v = [-1, -1];
    for (const p of txn.parents) for (const a of [0, 1]) v[a] = Math.max(v[a]!, version[p]![a]!);
    v[txn.agent] = i;
    version.push(v);
    const me = agents[txn.agent]!;
    const other = 1 - txn.agent;
    // Bring in the other agent's transactions this one was made on top of, once they arrived via the server.
    for (const j of ownIndex[other]!) {
      if (j > v[other]! || j <= me.applied) continue;
      const p = produced[j]!;
      await until(() => (Y.decodeStateVector(Y.encodeStateVector(me.net)).get(p.client) ?? 0) >= p.clock, 30_000, "relay");
      Y.applyUpdate(me.local, p.update, "remote");
    }
    me.applied = Math.max(me.applied, v[other]!);
    const text = me.local.getText("t");
    let update: Uint8Array | null = null;
    const capture = (u: Uint8Array, origin: unknown) => {
      if (origin !== "remote") update = u;
    };
    me.local.on("update", capture);
    me.local.transact(() => {
      for (const [pos, del, ins] of txn.patches) {
        if (del > 0) text.delete(pos, del);
        if (ins) text.insert(pos, ins);
      }
    });
    me.local.off("update", capture);
    produced[i] = { update: update ?? new Uint8Array([0, 0]), client: me.local.clientID, clock: Y.decodeStateVector(Y.encodeStateVector(me.local)).get(me.local.clientID) ?? 0 };
    ownIndex[txn.agent]!.push(i);
  }
  // Both agents see everything in the end.
  await until(() => agents[0]!.net.getText("t").toString() === agents[1]!.net.getText("t").toString() && agents[0]!.net.getText("t").length > 0, 60_000, "agents to converge");
  const replayS = (performance.now() - t1) / 1000;
  const fresh = connectDoc(server, sec1, doc2, new Y.Doc());
  await waitForSync(fresh.provider, 30_000);
  const finalText = fresh.doc.getText("t").toString();
  const matches = finalText === trace.endContent;
  fresh.provider.destroy();
  for (const a of agents) a.conn.provider.destroy();

  const figures = {
    goal_p99_ms: 30,
    machine_load_average_1min: Math.round(os.loadavg()[0]! * 10) / 10,
    rate_per_editor: RATE,
    seconds: SECONDS,
    note: "cpu_pct = percent of one core; the load generator (all editors in one process) shares the 2 cores with the server",
    friendsforever_txns: trace.txns.length,
    friendsforever_replay_s: Math.round(replayS * 10) / 10,
    friendsforever_final_text_matches: matches,
  };
  report("proposal-load", figures, rows);
  console.table(figures);
  if (!matches) process.exitCode = 1;
} finally {
  child.kill("SIGTERM");
  await new Promise((r) => child.once("exit", r));
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(process.exitCode ?? 0);
