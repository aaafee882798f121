import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inject } from "vitest";
import { parseConfig } from "../../server/config.ts";
import { seedOrg } from "../../server/db/seed.ts";
import { type RunningServer, startServer } from "../../server/server.ts";
import { createOwnDatabase } from "./pgDatabase.ts";

export type TestServer = RunningServer & { dataDir: string };

/**
 * Starts the real server on port 0 against the test database: a fresh copy of the migrated PGlite
 * template, or the PostgreSQL named by DATABASE_URL. Limits are generous unless a test overrides them.
 */
export async function startTestServer(
  env: Record<string, string> = {},
  options: {
    /** reuse this data directory (PGlite persisted on disk, kept on close) to restart on the same data */
    dataDir?: string;
  } = {},
): Promise<TestServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "forum-server-"));
  const config = parseConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    DATA_DIR: dataDir,
    DATABASE_URL: process.env.DATABASE_URL,
    SEED_DEMO: "false",
    LOGIN_LIMIT_PER_ACCOUNT: "1000",
    LOGIN_LIMIT_PER_ADDRESS: "100000",
    REGISTER_LIMIT_PER_HOUR: "100000",
    POST_LIMIT_PER_MINUTE: "100000",
    ...env,
  });
  // A reused data directory is opened from disk (migrated on its first start), not from the template.
  const template =
    process.env.DATABASE_URL || options.dataDir ? undefined : new Blob([readFileSync(inject("pgliteTemplate"))]);
  const server = await startServer(config, { loadDataDir: template });
  const close = server.close;
  return {
    ...server,
    dataDir,
    close: async () => {
      await close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A server on a database no other test file uses, for tests about a whole table (such as "the last
 * admin"). On PGlite every file has its own copy anyway; on PostgreSQL, where files share one
 * database, a database is created for it (migrated and given the streets as the shared one is) and
 * dropped on close.
 */
export async function startTestServerOnOwnDatabase(env: Record<string, string> = {}): Promise<TestServer> {
  const shared = process.env.DATABASE_URL;
  if (!shared) return startTestServer(env);
  const { url, drop } = await createOwnDatabase(shared, `forum_test_own_${crypto.randomUUID().replaceAll("-", "")}`);
  let server: TestServer;
  try {
    server = await startTestServer({ ...env, DATABASE_URL: url });
    await seedOrg(server.ctx.db);
  } catch (error) {
    await drop();
    throw error;
  }
  return {
    ...server,
    close: async () => {
      await server.close();
      await drop();
    },
  };
}
