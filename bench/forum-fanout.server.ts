/**
 * The server side of bench/forum-fanout.bench.ts, run as its own process so its CPU time is its own:
 * starts the real server (PGlite in a temp dir), creates N participants with sessions directly in
 * the database (hashing N passwords would dominate the run), a live forum, and answers CPU probes.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { users } from "../server/auth/schema.ts";
import { generateSessionToken, sessionIdFromToken } from "../server/auth/sessions.ts";
import { sessions } from "../server/auth/schema.ts";
import { parseConfig } from "../server/config.ts";
import { seedOrg } from "../server/db/seed.ts";
import { io as ioClient } from "socket.io-client";
import { createForum } from "../server/forums/service.ts";
import { directFrameStats } from "../server/realtime/directFrames.ts";
import { startServer } from "../server/server.ts";

const participants = Number(process.env.PARTICIPANTS ?? 2000);
const dataDir = mkdtempSync(join(tmpdir(), "forum-fanout-"));
const config = parseConfig({
  PORT: "0",
  HOST: "127.0.0.1",
  DATA_DIR: dataDir,
  LOG_LEVEL: "warn",
  SEED_DEMO: "false",
  POST_LIMIT_PER_MINUTE: "1000000",
});
const server = await startServer(config);
const { db } = server.ctx;
await seedOrg(db);

const tag = Date.now().toString(36);
const rows = Array.from({ length: participants + 1 }, (_, i) => ({
  username: `bench${tag}${i}`,
  displayName: i === 0 ? "主持人" : `参与者${i}`,
  passwordHash: "not-a-login-account",
  role: (i === 0 ? "secretary" : i % 3 === 0 ? "secretary" : "resident") as "secretary" | "resident",
  roles: [i === 0 || i % 3 === 0 ? "secretary" : "resident"] as ("secretary" | "resident")[],
  partyMember: i % 3 === 1,
}));
const created = [];
for (let i = 0; i < rows.length; i += 500)
  created.push(
    ...(await db
      .insert(users)
      .values(rows.slice(i, i + 500))
      .returning()),
  );
const tokens = created.map(() => generateSessionToken());
const expiresAt = new Date(Date.now() + 24 * 3600 * 1000);
for (let i = 0; i < created.length; i += 500) {
  await db
    .insert(sessions)
    .values(
      created.slice(i, i + 500).map((u, j) => ({ id: sessionIdFromToken(tokens[i + j]!), userId: u.id, expiresAt })),
    );
}
const host = created[0]!;
const forum = await createForum(server.ctx, host, {
  title: "扇出压测",
  mode: "forum",
  startsAt: new Date().toISOString(),
  talks: [{ title: "压测发言", presenterId: host.id }],
});
// The host starts the forum through the door everyone uses: a signed-in socket.
const hostSocket = ioClient(server.url, {
  transports: ["websocket"],
  extraHeaders: { cookie: `session=${tokens[0]}` },
  reconnection: false,
  forceNew: true,
});
await new Promise<void>((resolve, reject) => {
  hostSocket.once("connect", resolve);
  hostSocket.once("connect_error", reject);
});
const started = await hostSocket.timeout(10_000).emitWithAck("forum:control", { forumId: forum.id, action: "start" });
if (!started.ok) throw new Error(`the forum did not start: ${JSON.stringify(started)}`);
hostSocket.close();

process.on("message", async (msg: { cmd: string }) => {
  if (msg.cmd === "cpu")
    process.send!({ cpu: process.cpuUsage(), memory: process.memoryUsage().rss, direct: directFrameStats.direct });
  if (msg.cmd === "stop") {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  }
});
process.send!({
  ready: true,
  url: server.url,
  forumId: forum.id,
  talkId: forum.talks[0]!.id,
  hostToken: tokens[0],
  tokens: tokens.slice(1),
});
