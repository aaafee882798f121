import { createHash, randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, readdir, rm, stat } from "node:fs/promises";
import { hostname } from "node:os";
import { join, resolve } from "node:path";
import type { Readable } from "node:stream";
import { eq, lt, sql } from "drizzle-orm";
import type { Config } from "../config.ts";
import { type Db, queryRows } from "../db/client.ts";
import type { Logger } from "../lib/logger.ts";
import { DeckConverter, findSoffice } from "./convert.ts";
import { PdfInspector } from "./pdfInspector.ts";
import { storedFiles } from "./schema.ts";
import { type BlobStore, ChunkStore, DiskStore } from "./store.ts";
import { type ReceivedFile, type ReceiveOptions, receiveFile } from "./upload.ts";

/**
 * Everything about file bytes, for the features that keep files (decks, attachments): receiving
 * uploads as streams, inspecting PDFs and converting decks off the event loop, storing by content
 * hash, serving ranges and sweeping what nobody references.
 *
 * Where the bytes live:
 * - PGlite: `DATA_DIR/files/` (one process owns the embedded database anyway);
 * - PostgreSQL with FILES_DIR: that directory, which every process must mount (NFS, a shared volume);
 * - PostgreSQL without FILES_DIR: 1 MB rows in `file_chunks`, so the database is the only thing to share.
 */
export class FileService {
  readonly inspector: PdfInspector;
  readonly converter: DeckConverter;

  private constructor(
    private readonly db: Db,
    readonly store: BlobStore,
    /** temp files of uploads in flight: on the store's file system, so a rename finishes them */
    readonly tempDir: string,
    private readonly log: Logger,
    config: Config,
  ) {
    this.inspector = new PdfInspector(config.PDF_INSPECT_THREADS);
    this.converter = new DeckConverter(
      findSoffice(config.SOFFICE_PATH),
      join(tempDir, "convert"),
      config.CONVERT_TIMEOUT_SECONDS * 1000,
      log,
    );
  }

  static async create(config: Config, db: Db, dbKind: "pglite" | "postgres", log: Logger): Promise<FileService> {
    const filesDir = config.FILES_DIR ?? (dbKind === "pglite" ? join(config.DATA_DIR, "files") : undefined);
    const store: BlobStore = filesDir ? new DiskStore(resolve(filesDir)) : new ChunkStore(db);
    const tempRoot = resolve(filesDir ?? join(config.DATA_DIR, "files"), "tmp");
    await removeStaleTempDirs(tempRoot);
    // one directory per server instance: several may share FILES_DIR (or one test process)
    const tempDir = join(tempRoot, `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`);
    await mkdir(tempDir, { recursive: true });
    return new FileService(db, store, tempDir, log, config);
  }

  /** Streams the request's `file` part into a temp file (413 the moment it passes the limit). */
  receive(request: Request, options: Omit<ReceiveOptions, "tempDir">): Promise<ReceivedFile> {
    return receiveFile(request, { ...options, tempDir: this.tempDir });
  }

  /**
   * Takes a finished temp file into the store under its hash. The metadata row comes first and is
   * touched even when the content is already stored, so the sweep cannot take it meanwhile.
   */
  async keep(tempPath: string, sha256: string, size: number): Promise<void> {
    await this.db
      .insert(storedFiles)
      .values({ sha256, size })
      .onConflictDoUpdate({ target: storedFiles.sha256, set: { touchedAt: sql`now()` } });
    await this.store.put(tempPath, sha256);
  }

  /** Hashes a file on disk (a converted deck, bytes moved out of the database) and keeps it. */
  async keepFile(path: string): Promise<{ sha256: string; size: number }> {
    const hash = createHash("sha256");
    let size = 0;
    for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) {
      hash.update(chunk as Buffer);
      size += (chunk as Buffer).byteLength;
    }
    const sha256 = hash.digest("hex");
    await this.keep(path, sha256, size);
    return { sha256, size };
  }

  read(sha256: string, start: number, end: number): Readable {
    return this.store.read(sha256, start, end);
  }

  /**
   * Deletes files that no row points to and that were last uploaded before the grace period.
   * "Points to" is read from the database's own foreign keys to `stored_files`, so a feature that
   * keeps files only needs its foreign key; the same keys stop a delete of anything still in use.
   */
  async sweep(graceMs: number): Promise<number> {
    const referrers = await queryRows<{ tbl: string; col: string }>(
      this.db,
      sql`select c.conrelid::regclass::text as tbl, a.attname as col
          from pg_constraint c
          join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
          where c.contype = 'f' and c.confrelid = 'stored_files'::regclass and c.conrelid <> 'file_chunks'::regclass`,
    );
    const unreferenced = referrers.map(
      (r) => sql`not exists (select 1 from ${sql.raw(r.tbl)} where ${sql.identifier(r.col)} = ${storedFiles.sha256})`,
    );
    const cutoff = new Date(Date.now() - graceMs);
    const candidates = await this.db
      .select({ sha256: storedFiles.sha256 })
      .from(storedFiles)
      .where(sql.join([lt(storedFiles.touchedAt, cutoff), ...unreferenced], sql` and `))
      .limit(500);
    let removed = 0;
    for (const { sha256 } of candidates) {
      try {
        // the row goes first (an upload of the same content touching it meanwhile keeps it)
        const gone = await this.db
          .delete(storedFiles)
          .where(sql`${eq(storedFiles.sha256, sha256)} and ${lt(storedFiles.touchedAt, cutoff)}`)
          .returning({ sha256: storedFiles.sha256 });
        if (gone.length === 0) continue;
        await this.store.remove(sha256);
        removed += 1;
      } catch (err) {
        this.log.warn({ err, sha256 }, "file sweep skipped a file");
      }
    }
    if (removed) this.log.info({ removed }, "unreferenced files deleted");
    return removed;
  }

  /** temp files currently on disk (tests: a refused upload leaves none) */
  async tempFiles(): Promise<string[]> {
    return (await readdir(this.tempDir)).filter((name) => name !== "convert");
  }

  async close(): Promise<void> {
    this.converter.close();
    await this.inspector.close();
  }
}

const STALE_TEMP_MS = 24 * 60 * 60 * 1000;

/** Temp directories untouched for a day belong to a server that crashed mid-upload. */
async function removeStaleTempDirs(tempRoot: string): Promise<void> {
  const names = await readdir(tempRoot).catch(() => [] as string[]);
  for (const name of names) {
    const path = join(tempRoot, name);
    const info = await stat(path).catch(() => null);
    if (info && Date.now() - info.mtimeMs > STALE_TEMP_MS) await rm(path, { recursive: true, force: true });
  }
}
