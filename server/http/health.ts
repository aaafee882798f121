import { sql } from "drizzle-orm";
import type { Hono } from "hono";
import type { AppContext } from "../context.ts";
import { redisReady } from "../lib/redis.ts";
import type { PublicEnv } from "./env.ts";

/** When this process started: a restart changes it, so a monitor (or a test) can tell one happened. */
const startedAt = new Date(performance.timeOrigin).toISOString();

type DependencyState = "up" | "down";

async function databaseState(ctx: AppContext): Promise<DependencyState> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("database check timed out")), 2_000);
  });
  try {
    await Promise.race([ctx.db.execute(sql`select 1`), timeout]);
    return "up";
  } catch {
    return "down";
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `GET /api/health` for load balancers and monitors: 200 `{ok:true, …}` while every dependency this
 * process was configured with answers, 503 `{ok:false, …}` when one does not, so traffic moves to a
 * healthy process. `db` and `scaleOut` keep their meaning (which kind is in use); `dependencies`
 * says whether each is reachable now (`redis` only when REDIS_URL is set).
 */
export function healthRoute(api: Hono<PublicEnv>, ctx: AppContext): void {
  api.get("/health", async (c) => {
    const dependencies: Record<string, DependencyState> = { db: await databaseState(ctx) };
    if (ctx.redis) dependencies.redis = redisReady(ctx.redis) ? "up" : "down";
    const ok = Object.values(dependencies).every((state) => state === "up");
    return c.json(
      { ok, db: ctx.dbKind, scaleOut: ctx.redis ? "redis" : "memory", startedAt, dependencies },
      ok ? 200 : 503,
    );
  });
}
