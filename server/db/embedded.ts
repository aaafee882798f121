import { mkdirSync } from "node:fs";
import type { PGlite } from "@electric-sql/pglite";

/** Where the embedded database keeps its files: a data directory on disk, or a dump to start from (tests). */
export type EmbeddedSource = { dataDir: string } | { dump: Blob };

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

/**
 * The embedded database's buffer pool. PostgreSQL's default (128 MB) is allocated and zeroed inside
 * the WASM memory at every start, which took a third of a start (about 330 ms of 900 on this
 * project's machine); the embedded database serves one district, and a page it does not hold is one
 * read from the operating system's cache away.
 */
const SHARED_BUFFERS = "16MB";

/**
 * Starts the embedded database. Kept apart from the rest of the database code, which needs the
 * ORM and every table's schema, so the entry point can start it before loading those: most of
 * PGlite's start is reading its files and compiling its WASM in the background.
 */
export async function startEmbedded(source: EmbeddedSource): Promise<PGlite> {
  const { PGlite } = await import("@electric-sql/pglite");
  const options = {
    ...byteaAsBinary,
    startParams: [...PGlite.defaultStartParams, "-c", `shared_buffers=${SHARED_BUFFERS}`],
  };
  if ("dump" in source) return PGlite.create({ loadDataDir: source.dump, ...options });
  mkdirSync(source.dataDir, { recursive: true });
  return PGlite.create(`${source.dataDir}/pglite`, options);
}
