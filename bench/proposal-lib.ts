import { gunzipSync } from "node:zlib";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseConfig } from "../server/config.ts";
import { hashPassword } from "../server/auth/passwords.ts";
import { users } from "../server/auth/schema.ts";
import { seedOrg } from "../server/db/seed.ts";
import { startServer, type RunningServer } from "../server/server.ts";
import { ApiClient, uniqueName } from "../tests/helpers/clients.ts";
import { ownDatabase } from "./lib.ts";

/** The editing traces live outside the project (CC BY 4.0, josephg/editing-traces); read in place. */
export const TRACES_DIR = new URL("../../shared/data/editing-traces/", import.meta.url).pathname;

export function readTrace<T>(name: string): T {
  return JSON.parse(gunzipSync(readFileSync(join(TRACES_DIR, name))).toString("utf8")) as T;
}

export type BenchServer = RunningServer & {
  dataDir: string;
  /** closes this server (gracefully) and starts a new one on the same database; use the one returned */
  restart(): Promise<BenchServer>;
  dispose(): Promise<void>;
};

/**
 * The real server in this process (loopback, port 0) on a database of its own: a fresh embedded
 * one, or with BENCH_PG=1 a PostgreSQL database created for the run and dropped by `dispose()`.
 */
export async function startBenchServer(name = "proposal"): Promise<BenchServer> {
  const dataDir = mkdtempSync(join(tmpdir(), "forum-bench-proposal-"));
  const database = process.env.BENCH_PG === "1" ? await ownDatabase(`forum_bench_${name}`) : null;
  const config = parseConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: "warn",
    DATA_DIR: dataDir,
    DATABASE_URL: database?.url ?? "",
    REDIS_URL: "",
    SEED_DEMO: "false",
    POST_LIMIT_PER_MINUTE: "100000",
    LOGIN_LIMIT_PER_ACCOUNT: "1000",
  });
  const boot = async (server: RunningServer): Promise<BenchServer> => ({
    ...server,
    dataDir,
    async restart() {
      await server.close();
      return boot(await startServer(config));
    },
    async dispose() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
      await database?.drop();
    },
  });
  const server = await startServer(config);
  await seedOrg(server.ctx.db);
  return boot(server);
}

/** A secretary of 五星社区, signed in, owning a fresh proposal. */
export async function ownerAndProposal(server: { ctx: RunningServer["ctx"]; url: string }) {
  const username = uniqueName("bench");
  await server.ctx.db.insert(users).values({
    username,
    displayName: "压测书记",
    passwordHash: await hashPassword("password123"),
    role: "secretary",
    roles: ["secretary"],
    communityId: "wuxing",
  });
  const client = new ApiClient(server.url);
  await client.post("/api/auth/login", { username, password: "password123" });
  const res = await client.post("/api/proposals", { title: "压测项目", communityId: "wuxing" });
  if (res.status !== 201) throw new Error(`create failed ${res.status}`);
  return { client, id: res.body.proposal.id as string, docName: `proposal:${res.body.proposal.id}` };
}

export async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** A deterministic PRNG (mulberry32). */
export function rng(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PHRASES = [
  "社区",
  "党建",
  "居民",
  "议事会",
  "楼栋长",
  "志愿服务",
  "红色物业",
  "网格员",
  "老旧小区改造",
  "协商议事",
  "为民服务",
  "项目运营",
  "党员先锋岗",
  "邻里互助",
  "垃圾分类",
  "独居老人",
  "便民服务站",
  "文明实践",
  "问需于民",
  "共建共治共享",
];
const PUNCT = ["，", "。", "；", "、", "：", "！"];

/**
 * A generated Chinese typing history: phrases committed by an input method (one update per
 * commit, 2–6 characters), punctuation, and backspaces now and then (sometimes mid-text).
 */
export function chineseTrace(steps: number, seed = 7): { patches: [number, number, string][]; endContent: string } {
  const random = rng(seed);
  let text = "";
  const patches: [number, number, string][] = [];
  let cursor = 0;
  for (let i = 0; i < steps; i++) {
    const r = random();
    if (r < 0.08 && text.length > 0) {
      const del = Math.min(cursor, 1 + Math.floor(random() * 3));
      if (del > 0) {
        patches.push([cursor - del, del, ""]);
        text = text.slice(0, cursor - del) + text.slice(cursor);
        cursor -= del;
        continue;
      }
    }
    if (r > 0.97 && text.length > 0) cursor = Math.floor(random() * (text.length + 1));
    const ins = r < 0.2 ? PUNCT[Math.floor(random() * PUNCT.length)]! : PHRASES[Math.floor(random() * PHRASES.length)]!;
    patches.push([cursor, 0, ins]);
    text = text.slice(0, cursor) + ins + text.slice(cursor);
    cursor += ins.length;
  }
  return { patches, endContent: text };
}
