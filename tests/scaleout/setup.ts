import { afterAll, beforeAll } from "vitest";
import { type Database, openDatabase } from "../../server/db/client.ts";
import type { ServerLike } from "../helpers/clients.ts";
import { type ServerProcess, startServerProcess } from "../helpers/processes.ts";

const DATABASE_URL = process.env.DATABASE_URL;
const REDIS_URL = process.env.REDIS_URL;

/**
 * Two server processes sharing one PostgreSQL and one Redis, as in production behind a load
 * balancer. This suite only makes sense with both services, so its config refuses to run without them.
 */
export function twoProcesses(env: Record<string, string> = {}) {
  if (!DATABASE_URL || !REDIS_URL) throw new Error("the scale-out suite needs DATABASE_URL and REDIS_URL");
  const state = {} as { a: ServerProcess; b: ServerProcess; database: Database; onA: ServerLike; onB: ServerLike };
  beforeAll(async () => {
    state.database = await openDatabase({ databaseUrl: DATABASE_URL, dataDir: "unused" });
    [state.a, state.b] = await Promise.all([
      startServerProcess({ DATABASE_URL, REDIS_URL, ...env }),
      startServerProcess({ DATABASE_URL, REDIS_URL, ...env }),
    ]);
    state.onA = { url: state.a.url, port: state.a.port, ctx: { db: state.database.db } };
    state.onB = { url: state.b.url, port: state.b.port, ctx: { db: state.database.db } };
  }, 120_000);
  afterAll(async () => {
    await Promise.all([state.a?.stop(), state.b?.stop()]);
    await state.database?.close();
  });
  return state;
}
