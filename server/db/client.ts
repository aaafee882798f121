import type { PGlite } from "@electric-sql/pglite";
import { sql, type SQL } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import * as schema from "./schema.ts";
import { fromRoot } from "../lib/paths.ts";
import { startEmbedded } from "./embedded.ts";

export type Schema = typeof schema;
/** One type for both drivers: queries and transactions are written once. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

/** The handle a `db.transaction` callback receives. */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

export interface Database {
  db: Db;
  kind: "pglite" | "postgres";
  close(): Promise<void>;
}

const MIGRATIONS_FOLDER = fromRoot("drizzle");
/** Any fixed number: serialises migrations when several processes start at once on PostgreSQL. */
const MIGRATION_LOCK = 72_410_001;

export interface OpenOptions {
  databaseUrl?: string;
  dataDir: string;
  /** a PGlite data directory dump to start from (tests copy one migrated template per file) */
  loadDataDir?: Blob;
  /** the embedded database, already starting (server/main.ts starts it before loading the rest) */
  embedded?: Promise<PGlite>;
}

/** Opens PostgreSQL when a URL is given, otherwise PGlite persisted in `dataDir`; applies migrations. */
export async function openDatabase(options: OpenOptions): Promise<Database> {
  return options.databaseUrl ? openPostgres(options.databaseUrl) : openPglite(options);
}

async function openPostgres(url: string): Promise<Database> {
  const { default: postgres } = await import("postgres");
  const { drizzle } = await import("drizzle-orm/postgres-js");
  const { migrate } = await import("drizzle-orm/postgres-js/migrator");

  const migrationClient = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await migrationClient`select pg_advisory_lock(${MIGRATION_LOCK})`;
    await migrate(drizzle(migrationClient), { migrationsFolder: MIGRATIONS_FOLDER });
    await migrationClient`select pg_advisory_unlock(${MIGRATION_LOCK})`;
  } finally {
    await migrationClient.end();
  }

  const client = postgres(url, { max: 20, onnotice: () => {} });
  const db = drizzle(client, { schema }) as unknown as Db;
  return { db, kind: "postgres", close: () => client.end({ timeout: 5 }) };
}

async function openPglite(options: OpenOptions): Promise<Database> {
  const { drizzle } = await import("drizzle-orm/pglite");
  const { migrate } = await import("drizzle-orm/pglite/migrator");
  const client = await (options.embedded ??
    startEmbedded(options.loadDataDir ? { dump: options.loadDataDir } : { dataDir: options.dataDir }));
  const db = drizzle(client, { schema }) as unknown as Db;
  await migrate(db as never, { migrationsFolder: MIGRATIONS_FOLDER });
  return { db, kind: "pglite", close: () => client.close() };
}

/** Runs raw SQL and returns its rows: PGlite answers `{rows}`, postgres.js an array. */
export async function queryRows<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown;
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

export { sql };
