/**
 * The server side of bench/studio-throughput.bench.ts, in its own process: the real server on
 * PostgreSQL (DATABASE_URL) or PGlite (temp dir), STUDIOS studios of one mentor and two mentees
 * created directly in the database with sessions (hashing passwords would dominate the set-up),
 * an integrity check of the seqs afterwards, and clean-up of every row it made.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inArray, sql } from "drizzle-orm";
import { sessions, users } from "../server/auth/schema.ts";
import { generateSessionToken, sessionIdFromToken } from "../server/auth/sessions.ts";
import { parseConfig } from "../server/config.ts";
import { queryRows } from "../server/db/client.ts";
import { seedOrg } from "../server/db/seed.ts";
import { startServer } from "../server/server.ts";
import { studioMembers, studios } from "../server/studios/schema.ts";

const STUDIOS = Number(process.env.STUDIOS ?? 70);
const dataDir = mkdtempSync(join(tmpdir(), "studio-throughput-"));
const config = parseConfig({
  PORT: "0",
  HOST: "127.0.0.1",
  DATA_DIR: dataDir,
  DATABASE_URL: process.env.BENCH_DATABASE_URL ?? "",
  LOG_LEVEL: "warn",
  SEED_DEMO: "false",
  POST_LIMIT_PER_MINUTE: "100000000",
});
const server = await startServer(config);
const { db } = server.ctx;
await seedOrg(db);

const tag = `sbench${Date.now().toString(36)}`;
const people = Array.from({ length: STUDIOS * 3 }, (_, i) => ({
  username: `${tag}_${i}`,
  displayName: i % 3 === 0 ? `导师${i / 3}` : `书记${i}`,
  passwordHash: "not-a-login-account",
  role: (i % 3 === 0 ? "mentor" : "secretary") as "mentor" | "secretary",
  roles: [i % 3 === 0 ? "mentor" : "secretary"] as ("mentor" | "secretary")[],
}));
const created = await db.insert(users).values(people).returning();
const tokens = created.map(() => generateSessionToken());
const expiresAt = new Date(Date.now() + 24 * 3600_000);
await db
  .insert(sessions)
  .values(created.map((u, i) => ({ id: sessionIdFromToken(tokens[i]!), userId: u.id, expiresAt })));
const studioRows = await db
  .insert(studios)
  .values(
    Array.from({ length: STUDIOS }, (_, s) => ({
      name: `${tag} 工作室${s}`,
      mentorId: created[s * 3]!.id,
      termStartsAt: new Date(),
      termEndsAt: new Date(Date.now() + 2 * 365 * 24 * 3600_000),
    })),
  )
  .returning();
await db.insert(studioMembers).values(
  studioRows.flatMap((st, s) =>
    [0, 1, 2].map((k) => ({
      studioId: st.id,
      userId: created[s * 3 + k]!.id,
      role: (k === 0 ? "mentor" : "mentee") as "mentor" | "mentee",
    })),
  ),
);
const studioIds = studioRows.map((s) => s.id);

/** Every bench studio: messages 1..last_seq, each seq once, each clientId once. */
async function verify() {
  const ids = sql.join(
    studioIds.map((id) => sql`${id}::uuid`),
    sql`, `,
  );
  const rows = await queryRows<{
    id: string;
    last_seq: number;
    n: number;
    max: number | null;
    distinct_seq: number;
    distinct_client: number;
  }>(
    db,
    sql`select s.id, s.last_seq, count(m.id)::int as n, max(m.seq) as max,
          count(distinct m.seq)::int as distinct_seq, count(distinct m.client_id)::int as distinct_client
        from studios s left join studio_messages m on m.studio_id = s.id
        where s.id in (${ids}) group by s.id, s.last_seq`,
  );
  const bad = rows.filter(
    (r) =>
      Number(r.n) !== Number(r.last_seq) ||
      Number(r.max ?? 0) !== Number(r.last_seq) ||
      Number(r.distinct_seq) !== Number(r.n) ||
      Number(r.distinct_client) !== Number(r.n),
  );
  const total = rows.reduce((sum, r) => sum + Number(r.n), 0);
  return { stored: total, studiosWithGapsOrDuplicates: bad.length };
}

async function cleanUp() {
  await db.delete(studios).where(inArray(studios.id, studioIds));
  await db.delete(users).where(
    inArray(
      users.id,
      created.map((u) => u.id),
    ),
  );
}

process.on("message", async (msg: { cmd: string }) => {
  if (msg.cmd === "verify") process.send!(await verify());
  if (msg.cmd === "cpu") process.send!({ cpu: process.cpuUsage() });
  if (msg.cmd === "stop") {
    try {
      if (config.DATABASE_URL) await cleanUp();
    } finally {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
      process.exit(0);
    }
  }
});
process.send!({
  ready: true,
  url: server.url,
  dbKind: server.ctx.dbKind,
  studios: studioRows.map((st, s) => ({ id: st.id, tokens: [0, 1, 2].map((k) => tokens[s * 3 + k]!) })),
});
