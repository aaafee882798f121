import { createReadStream } from "node:fs";
import { mkdir, open, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { fileChunks } from "./schema.ts";

/** Where the bytes of a stored file live; the metadata is always the `stored_files` row. */
export interface BlobStore {
  readonly kind: "disk" | "chunks";
  /** takes a finished temp file (its hash already known) in under its hash; the temp file is gone afterwards */
  put(tempPath: string, sha256: string): Promise<void>;
  /** bytes `start..end` inclusive, as a stream that never holds the whole file */
  read(sha256: string, start: number, end: number): Readable;
  remove(sha256: string): Promise<void>;
}

export const SHA256_PATTERN = /^[0-9a-f]{64}$/;

/**
 * Content-addressed files in a directory: `<root>/ab/abcdef…`. A file appears whole or not at all
 * (written to `<root>/tmp` on the same file system, then renamed), so two processes sharing the
 * directory (FILES_DIR) never see half a file, and writing the same content twice is harmless.
 */
export class DiskStore implements BlobStore {
  readonly kind = "disk";
  constructor(readonly root: string) {}

  pathOf(sha256: string): string {
    if (!SHA256_PATTERN.test(sha256)) throw new Error("not a sha256");
    return join(this.root, sha256.slice(0, 2), sha256);
  }

  async put(tempPath: string, sha256: string): Promise<void> {
    const target = this.pathOf(sha256);
    await mkdir(join(this.root, sha256.slice(0, 2)), { recursive: true });
    // flush before the rename so a crash cannot leave a named but empty file
    const handle = await open(tempPath, "r+");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tempPath, target);
  }

  read(sha256: string, start: number, end: number): Readable {
    return createReadStream(this.pathOf(sha256), { start, end, highWaterMark: 256 * 1024 });
  }

  async remove(sha256: string): Promise<void> {
    await rm(this.pathOf(sha256), { force: true });
  }

  async exists(sha256: string): Promise<boolean> {
    return stat(this.pathOf(sha256)).then(
      () => true,
      () => false,
    );
  }
}

export const CHUNK_BYTES = 1024 * 1024;

/**
 * Bytes in PostgreSQL rows of at most 1 MB (`file_chunks`), written and read one chunk at a time:
 * every process sharing the database serves every file with nothing else to share.
 */
export class ChunkStore implements BlobStore {
  readonly kind = "chunks";
  constructor(private readonly db: Db) {}

  async put(tempPath: string, sha256: string): Promise<void> {
    try {
      let seq = 0;
      for await (const chunk of createReadStream(tempPath, { highWaterMark: CHUNK_BYTES })) {
        // the same content uploaded twice (or by two processes at once) writes identical rows
        await this.db
          .insert(fileChunks)
          .values({ sha256, seq, data: chunk as Buffer })
          .onConflictDoNothing();
        seq += 1;
      }
    } finally {
      await rm(tempPath, { force: true });
    }
  }

  read(sha256: string, start: number, end: number): Readable {
    const db = this.db;
    const first = Math.floor(start / CHUNK_BYTES);
    const last = Math.floor(end / CHUNK_BYTES);
    async function* chunks() {
      for (let seq = first; seq <= last; seq++) {
        const from = seq === first ? start - seq * CHUNK_BYTES : 0;
        const to = seq === last ? end - seq * CHUNK_BYTES : CHUNK_BYTES - 1;
        const [row] = await db
          .select({
            part: sql<Uint8Array>`substring(${fileChunks.data} from ${from + 1} for ${to - from + 1})`.mapWith(
              fileChunks.data,
            ),
          })
          .from(fileChunks)
          .where(and(eq(fileChunks.sha256, sha256), eq(fileChunks.seq, seq)));
        if (!row) throw new Error(`file ${sha256} is missing chunk ${seq}`);
        yield Buffer.from(row.part.buffer, row.part.byteOffset, row.part.byteLength);
      }
    }
    return Readable.from(chunks(), { objectMode: false });
  }

  async remove(sha256: string): Promise<void> {
    await this.db.delete(fileChunks).where(eq(fileChunks.sha256, sha256));
  }
}
