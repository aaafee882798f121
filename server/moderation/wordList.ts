import type { Redis } from "ioredis";
import type { Db } from "../db/client.ts";
import type { Logger } from "../lib/logger.ts";
import { normalizeForMatch } from "./normalize.ts";
import { sensitiveWords } from "./schema.ts";

const CHANNEL = "moderation:words-changed";
/**
 * Without Redis only this process edits the list, so local invalidation is exact; with Redis a
 * missed message (Redis restarting) would leave a stale list, so it is also re-read after a while.
 */
const FALLBACK_TTL_MS = 30_000;

type Entry = { word: string; normalized: string };

/**
 * The sensitive-word list of one server: read from the database once, kept in memory so a busy
 * chat never reads it per line, and dropped the moment any process changes it (through Redis
 * when configured), so an edit applies everywhere within a second.
 */
export class SensitiveWordList {
  private cache: { words: Entry[]; at: number } | null = null;
  private loading: Promise<Entry[]> | null = null;
  private generation = 0;

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
    private readonly redis?: { pub: Redis; sub: Redis },
  ) {}

  async start(): Promise<void> {
    if (!this.redis) return;
    this.redis.sub.on("message", this.onMessage);
    await this.redis.sub.subscribe(CHANNEL);
  }

  stop(): void {
    this.redis?.sub.off("message", this.onMessage);
    this.cache = null;
  }

  private readonly onMessage = (channel: string) => {
    if (channel === CHANNEL) this.drop();
  };

  private drop() {
    this.generation += 1;
    this.cache = null;
    this.loading = null;
  }

  /** Call after writing the list: this process forgets it now, the others when Redis tells them. */
  async changed(): Promise<void> {
    this.drop();
    try {
      await this.redis?.pub.publish(CHANNEL, "1");
    } catch (err) {
      this.log.warn({ err }, "could not announce a sensitive-word change; other processes catch up within 30 s");
    }
  }

  private async words(): Promise<Entry[]> {
    if (this.cache && Date.now() - this.cache.at < FALLBACK_TTL_MS) return this.cache.words;
    if (!this.loading) {
      const generation = this.generation;
      this.loading = this.db
        .select({ word: sensitiveWords.word })
        .from(sensitiveWords)
        .then((rows) => {
          const words = rows
            .map((row) => ({ word: row.word, normalized: normalizeForMatch(row.word) }))
            .filter((w) => w.normalized.length > 0);
          // A change that arrived while reading makes this read stale: don't keep it.
          if (generation === this.generation) this.cache = { words, at: Date.now() };
          return words;
        })
        .finally(() => {
          if (generation === this.generation) this.loading = null;
        });
    }
    return this.loading;
  }

  /** Every listed word found in `text`, after normalisation (full-width, symbols, traditional forms). */
  async matches(text: string): Promise<string[]> {
    const normalized = normalizeForMatch(text);
    if (!normalized) return [];
    return (await this.words()).filter((w) => normalized.includes(w.normalized)).map((w) => w.word);
  }

  async find(text: string): Promise<string | null> {
    return (await this.matches(text))[0] ?? null;
  }
}
