import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { openDatabase } from "../server/db/client.ts";
import { seedOrg } from "../server/db/seed.ts";

declare module "vitest" {
  export interface ProvidedContext {
    pgliteTemplate: string;
  }
}

/**
 * Migrates once for the whole run. On PGlite the migrated data directory is dumped to a file that
 * every test file loads (0.3 s) instead of creating and migrating a database (2 s+). On PostgreSQL
 * the shared test database is migrated here; test files then make their own users and rooms.
 */
export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), "forum-test-"));
  const templatePath = join(dir, "template.tar.gz");
  const database = await openDatabase({ databaseUrl: process.env.DATABASE_URL, dataDir: join(dir, "db") });
  await seedOrg(database.db);
  if (database.kind === "pglite") {
    const client = (database.db as unknown as { $client: { dumpDataDir(c: "gzip"): Promise<Blob> } }).$client;
    const dump = await client.dumpDataDir("gzip");
    writeFileSync(templatePath, Buffer.from(await dump.arrayBuffer()));
  }
  await database.close();
  project.provide("pgliteTemplate", templatePath);
  return () => rmSync(dir, { recursive: true, force: true });
}
