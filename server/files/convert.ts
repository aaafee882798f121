import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rename, rm, stat } from "node:fs/promises";
import { delimiter, join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Logger } from "../lib/logger.ts";

export type OfficeDeckExtension = "ppt" | "pptx" | "odp";
/** what an uploader sees while a deck is converted: waiting for the converter, then converting */
export type ConversionStep = "queued" | "converting";

export class ConversionError extends Error {
  constructor(readonly reason: "missing" | "timeout" | "failed") {
    super(reason);
  }
}

/** The LibreOffice binary: SOFFICE_PATH when set, otherwise `soffice` on the PATH; null when there is none. */
export function findSoffice(configured: string | undefined): string | null {
  if (configured) return existsSync(configured) ? configured : null;
  // biome-ignore lint/style/noProcessEnv: the search path for a program, like a shell's, not a setting of ours
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir && existsSync(join(dir, "soffice"))) return join(dir, "soffice");
  }
  return null;
}

/**
 * PowerPoint and Impress decks to PDF with LibreOffice headless, one conversion at a time per
 * process (each takes a core and a few hundred MB), the rest waiting in line. Every conversion gets
 * its own profile directory, because two soffice processes sharing one profile block each other;
 * a conversion that overruns its time is killed with its whole process tree.
 */
export class DeckConverter {
  private tail: Promise<unknown> = Promise.resolve();
  private waiting = 0;
  private readonly running = new Set<number>();

  constructor(
    readonly soffice: string | null,
    private readonly workDir: string,
    private readonly timeoutMs: number,
    private readonly log: Logger,
  ) {}

  get available(): boolean {
    return this.soffice !== null;
  }

  /**
   * Converts `inputPath` (moved away by this call) and returns the PDF's path inside a directory
   * the caller removes with `cleanup()`.
   */
  async toPdf(
    inputPath: string,
    extension: OfficeDeckExtension,
    onStep: (step: ConversionStep) => void,
  ): Promise<{ pdfPath: string; cleanup: () => Promise<void> }> {
    if (!this.soffice) {
      await rm(inputPath, { force: true });
      throw new ConversionError("missing");
    }
    await mkdir(this.workDir, { recursive: true });
    const dir = await mkdtemp(join(this.workDir, "convert-"));
    const cleanup = () => rm(dir, { recursive: true, force: true });
    try {
      const source = join(dir, `deck.${extension}`);
      await rename(inputPath, source);
      onStep("queued");
      this.waiting += 1;
      const turn = this.tail.then(async () => {
        this.waiting -= 1;
        onStep("converting");
        await this.run(source, dir);
      });
      this.tail = turn.catch(() => {});
      await turn;
      const pdfPath = join(dir, "out", "deck.pdf");
      const made = await stat(pdfPath).catch(() => null);
      if (!made || made.size === 0) throw new ConversionError("failed");
      return { pdfPath, cleanup };
    } catch (error) {
      await cleanup();
      throw error;
    }
  }

  /** how many conversions wait behind the running one */
  get queued(): number {
    return this.waiting;
  }

  private run(source: string, dir: string): Promise<void> {
    const profile = pathToFileURL(join(dir, "profile")).href;
    const args = [
      `-env:UserInstallation=${profile}`,
      "--headless",
      "--invisible",
      "--norestore",
      "--nolockcheck",
      "--nodefault",
    ];
    args.push("--convert-to", "pdf", "--outdir", join(dir, "out"), source);
    return new Promise<void>((resolve, reject) => {
      // its own process group, so a timeout can kill soffice.bin and anything it started
      const child = spawn(this.soffice!, args, {
        detached: true,
        stdio: "ignore",
        // biome-ignore lint/style/noProcessEnv: the child inherits the environment (PATH, locale); only HOME is its own
        env: { ...process.env, HOME: dir, SAL_USE_VCLPLUGIN: "svp" },
      });
      const pid = child.pid;
      if (pid) this.running.add(pid);
      const timer = setTimeout(() => {
        this.log.warn({ pid, timeoutMs: this.timeoutMs }, "deck conversion timed out");
        killGroup(pid);
        reject(new ConversionError("timeout"));
      }, this.timeoutMs);
      child.once("error", (err) => {
        clearTimeout(timer);
        if (pid) this.running.delete(pid);
        this.log.warn({ err }, "deck conversion could not start");
        reject(new ConversionError("failed"));
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        if (pid) this.running.delete(pid);
        // helpers soffice forked may outlive it
        killGroup(pid);
        if (code === 0) resolve();
        else reject(new ConversionError("failed"));
      });
    });
  }

  /** kills running conversions (server shutdown) */
  close(): void {
    for (const pid of this.running) killGroup(pid);
    this.running.clear();
  }
}

function killGroup(pid: number | undefined): void {
  if (!pid) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // already gone
  }
}
