/**
 * Uploads beside live traffic (issue 12): on PGlite, 50 users keep sending REST requests and studio
 * messages; first with no upload (the baseline), then while a 45 MB deck and a 19 MB attachment
 * upload. Prints p50/p99 of both phases, the server's peak RSS growth and the load average.
 * Goal: p99 during the uploads ≤ 2× the baseline; peak RSS growth < 100 MB.
 *
 *   node --import tsx bench/uploads.bench.ts
 *   BENCH_SMOKE=1 node --import tsx bench/uploads.bench.ts     # tiny files, few users: checks that it works
 *
 * Environment: BENCH_USERS (50), BENCH_PHASE_SECONDS (20), BENCH_DECK_MB (45), BENCH_ATTACHMENT_MB (19).
 * The server runs as its own process on a fresh DATA_DIR (its own embedded database, with the demo
 * accounts), deleted at the end.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { PDFDocument } from "pdf-lib";
import { io as ioClient, type Socket } from "socket.io-client";
import { startServerProcess } from "../tests/helpers/processes.ts";
import { report, summarize } from "./lib.ts";

const SMOKE = process.env.BENCH_SMOKE === "1";
const USERS = Math.min(200, Number(process.env.BENCH_USERS ?? (SMOKE ? 5 : 50)));
const PHASE_MS = Math.min(120, Number(process.env.BENCH_PHASE_SECONDS ?? (SMOKE ? 3 : 20))) * 1000;
const DECK_MB = Number(process.env.BENCH_DECK_MB ?? (SMOKE ? 1 : 45));
const ATTACHMENT_MB = Number(process.env.BENCH_ATTACHMENT_MB ?? (SMOKE ? 0.5 : 19));
/** each user acts about twice a second: a REST read, then a studio message */
const ACT_EVERY_MS = 500;
const MAX_PHASE_MS = 10 * 60_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A valid PDF of about `mb` megabytes: one page plus an embedded file of random (incompressible) bytes. */
async function bigPdf(mb: number): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.addPage([960, 540]);
  pdf.addPage([960, 540]);
  await pdf.attach(randomBytes(Math.round(mb * 1024 * 1024)), "data.bin", { mimeType: "application/octet-stream" });
  return pdf.save({ useObjectStreams: false });
}

function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
}

async function login(url: string, username: string): Promise<string> {
  const res = await fetch(`${url}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password: "demo1234" }),
  });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status}`);
  return res.headers
    .getSetCookie()
    .find((c) => c.startsWith("session="))!
    .split(";")[0]!;
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), "bench-uploads-"));
  const server = await startServerProcess(
    {
      DATA_DIR: dataDir,
      SEED_DEMO: "true",
      DATABASE_URL: "",
      REDIS_URL: "",
      MAX_DECK_BYTES: String(50 * 1024 * 1024),
      MAX_ATTACHMENT_BYTES: String(20 * 1024 * 1024),
    },
    180_000,
  );
  const sockets: Socket[] = [];
  try {
    const pid = server.child.pid!;
    // the demo data: sec1 presents the first talk of the demo forum; mentor1, sec1 and sec2 share a studio
    const members = ["mentor1", "sec1", "sec2"];
    const cookies = await Promise.all(
      Array.from({ length: USERS }, (_, i) => login(server.url, members[i % members.length]!)),
    );
    const forums = (await (await fetch(`${server.url}/api/forums`, { headers: { cookie: cookies[1]! } })).json()) as {
      forums: { id: string; talks: { id: string; presenterName: string }[] }[];
    };
    const forum = forums.forums.find((f) => f.talks.length > 0)!;
    const talk = forum.talks[0]!;
    const studios = (await (await fetch(`${server.url}/api/studios`, { headers: { cookie: cookies[0]! } })).json()) as {
      studios: { id: string }[];
    };
    const studioId = studios.studios[0]!.id;

    for (const cookie of cookies) {
      const socket = ioClient(server.url, { transports: ["websocket"], extraHeaders: { cookie }, reconnection: false });
      sockets.push(socket);
      await new Promise<void>((resolve, reject) => {
        socket.once("connect", resolve);
        socket.once("connect_error", reject);
      });
      const joined = await socket.timeout(10_000).emitWithAck("studio:join", { studioId });
      if (!joined.ok) throw new Error(`studio:join: ${JSON.stringify(joined)}`);
    }

    let phase: "baseline" | "uploads" | "idle" = "idle";
    const samples = { baseline: [] as number[], uploads: [] as number[] };
    const failures = { baseline: 0, uploads: 0 };
    let stop = false;
    let n = 0;
    const user = async (i: number) => {
      await sleep(Math.random() * ACT_EVERY_MS);
      while (!stop) {
        const started = performance.now();
        const current = phase;
        try {
          if (n++ % 2 === 0) {
            const path = i % 2 ? `/api/forums/${forum.id}` : `/api/studios/${studioId}/messages?limit=20`;
            const res = await fetch(`${server.url}${path}`, { headers: { cookie: cookies[i]! } });
            await res.arrayBuffer();
            if (res.status !== 200) throw new Error(String(res.status));
          } else {
            const ack = await sockets[i]!.timeout(60_000).emitWithAck("studio:send", {
              studioId,
              text: `负载消息 ${i}-${n}`,
              clientId: `bench-${i}-${n}-${Date.now()}`,
            });
            if (!ack.ok) throw new Error(ack.error.code);
          }
          if (current !== "idle" && current === phase) samples[current].push(performance.now() - started);
        } catch {
          if (current !== "idle") failures[current] += 1;
        }
        await sleep(Math.max(0, ACT_EVERY_MS - (performance.now() - started)));
      }
    };
    let peakRss = 0;
    const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, rssOf(pid))), 50);
    const users = Array.from({ length: USERS }, (_, i) => user(i));

    console.log(`building a ${DECK_MB} MB deck and a ${ATTACHMENT_MB} MB attachment…`);
    const deck = await bigPdf(DECK_MB);
    const attachment = await bigPdf(ATTACHMENT_MB);

    await sleep(1000);
    peakRss = 0;
    phase = "baseline";
    const load1 = loadavg();
    await sleep(PHASE_MS);
    const baselineRss = peakRss;

    peakRss = 0;
    phase = "uploads";
    const load2Start = loadavg();
    const uploadsStarted = performance.now();
    const deckForm = new FormData();
    deckForm.append("file", new Blob([deck as BlobPart], { type: "application/pdf" }), "大型演示文稿.pdf");
    const attachmentForm = new FormData();
    attachmentForm.append("file", new Blob([attachment as BlobPart], { type: "application/pdf" }), "大附件.pdf");
    const [deckRes, attachmentRes] = await Promise.all([
      fetch(`${server.url}/api/forums/${forum.id}/talks/${talk.id}/deck`, {
        method: "POST",
        headers: { cookie: cookies[1]! },
        body: deckForm,
      }),
      fetch(`${server.url}/api/studios/${studioId}/attachments`, {
        method: "POST",
        headers: { cookie: cookies[0]! },
        body: attachmentForm,
      }),
    ]);
    const uploadMs = performance.now() - uploadsStarted;
    if (deckRes.status !== 201 || attachmentRes.status !== 201) {
      throw new Error(
        `uploads failed: deck ${deckRes.status} ${await deckRes.text()} / attachment ${attachmentRes.status} ${await attachmentRes.text()}`,
      );
    }
    // keep measuring for at least a full phase, so both phases have comparable sample counts
    await sleep(Math.min(MAX_PHASE_MS, Math.max(0, PHASE_MS - uploadMs)));
    const uploadRss = peakRss;
    const load2 = loadavg();
    stop = true;
    await Promise.all(users);
    clearInterval(rssTimer);

    const base = summarize(samples.baseline);
    const during = summarize(samples.uploads);
    const rows = [
      {
        phase: "no upload (baseline)",
        n: base.n,
        failed: failures.baseline,
        p50_ms: Math.round(base.p50),
        p99_ms: Math.round(base.p99),
        peak_rss_mb: Math.round(baselineRss / 2 ** 20),
        loadavg_1m: load1[0]!.toFixed(2),
      },
      {
        phase: `${DECK_MB} MB deck + ${ATTACHMENT_MB} MB attachment uploading`,
        n: during.n,
        failed: failures.uploads,
        p50_ms: Math.round(during.p50),
        p99_ms: Math.round(during.p99),
        peak_rss_mb: Math.round(uploadRss / 2 ** 20),
        loadavg_1m: `${load2Start[0]!.toFixed(2)} → ${load2[0]!.toFixed(2)}`,
      },
    ];
    const figures = {
      smoke: SMOKE,
      users: USERS,
      uploadSeconds: Math.round(uploadMs / 100) / 10,
      p99Ratio: Math.round((during.p99 / base.p99) * 100) / 100,
      rssGrowthMb: Math.round((uploadRss - baselineRss) / 2 ** 20),
      goal: "p99Ratio ≤ 2, rssGrowthMb < 100",
    };
    report(SMOKE ? "uploads-smoke" : "uploads", figures, rows);
    console.log(figures);
  } finally {
    for (const socket of sockets) socket.close();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
