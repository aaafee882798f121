import { mkdirSync } from "node:fs";
import { sql, type SQL } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import * as schema from "./schema.ts";
import { fromRoot } from "../lib/paths.ts";

export type Schema = typeof schema;
/** One type for both drivers: queries and transactions are written once. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

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

/** PostgreSQL's type id of `bytea`. */
const BYTEA = 17;

/**
 * PGlite's own bytea handling goes byte by byte in JavaScript (a hex string built with a callback per
 * byte, and parsed back the same way): writing a 313 KB document snapshot took 340 ms of the server's
 * only thread, reading it 50 ms. Here a parameter is handed over as it is — PGlite sends any typed
 * array as a binary parameter — and a result is decoded from hex natively, a Buffer as postgres.js
 * returns (14 ms and 9 ms for the same snapshot).
 */
const byteaAsBinary = {
  serializers: { [BYTEA]: (value: Uint8Array) => value as unknown as string },
  parsers: { [BYTEA]: (hex: string) => Buffer.from(hex.slice(2), "hex") },
};

async function openPglite(options: OpenOptions): Promise<Database> {
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  const { migrate } = await import("drizzle-orm/pglite/migrator");

  let client: Awaited<ReturnType<typeof PGlite.create>>;
  if (options.loadDataDir) {
    client = await PGlite.create({ loadDataDir: options.loadDataDir, ...byteaAsBinary });
  } else {
    mkdirSync(options.dataDir, { recursive: true });
    client = await PGlite.create(`${options.dataDir}/pglite`, byteaAsBinary);
  }
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
