import { pathToFileURL } from "node:url";
import { Tinypool } from "tinypool";
import { fromRoot } from "../lib/paths.ts";

export type PdfInspection = { ok: true; pageCount: number } | { ok: false; reason: string };

/**
 * PDF inspection off the main thread: a pool of at most `threads` worker threads; further files
 * wait in the pool's queue. A worker that runs out of its memory allowance (a hostile file) fails
 * that one inspection, never the server.
 */
export class PdfInspector {
  private readonly pool: Tinypool;

  constructor(threads: number) {
    this.pool = new Tinypool({
      filename: pathToFileURL(fromRoot("server", "files", "pdfWorker.mjs")).href,
      minThreads: 0,
      maxThreads: threads,
      idleTimeout: 30_000,
      resourceLimits: { maxOldGenerationSizeMb: 256 },
    });
  }

  async inspect(path: string): Promise<PdfInspection> {
    try {
      return (await this.pool.run({ path })) as PdfInspection;
    } catch {
      return { ok: false, reason: "worker_failed" };
    }
  }

  /** how many inspections are waiting for a thread */
  get queued(): number {
    return this.pool.queueSize;
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
