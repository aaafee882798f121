import postgres from "postgres";

/** `url` (a postgres:// URL) naming `database` instead: same server, port and user. */
export function withDatabase(url: string, database: string): string {
  const at = new URL(url);
  at.pathname = `/${database}`;
  return at.toString();
}

/**
 * A database of the caller's own on the PostgreSQL server `serverUrl` points at, created afresh (one
 * a crashed run left behind is dropped first) through the server's `postgres` database, and dropped
 * by `drop()`. Tests and benchmarks both use it.
 */
export async function createOwnDatabase(
  serverUrl: string,
  name: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = postgres(withDatabase(serverUrl, "postgres"), { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.unsafe(`create database "${name}"`);
  } catch (error) {
    await admin.end();
    throw error;
  }
  return {
    url: withDatabase(serverUrl, name),
    drop: async () => {
      try {
        await admin.unsafe(`drop database if exists "${name}" with (force)`);
      } finally {
        await admin.end();
      }
    },
  };
}
