import { eq } from "drizzle-orm";
import type { Hono } from "hono";
import { z } from "zod";
import { requireOrganiser } from "../auth/policy.ts";
import type { AppContext } from "../context.ts";
import type { DemoUsers } from "../db/seed.ts";
import type { Db } from "../db/client.ts";
import type { Feature } from "../features.ts";
import { type ApiEnv, readJson, requireUser } from "../http/env.ts";
import { AppError, parseWith } from "../lib/errors.ts";
import { normalizeForMatch } from "./normalize.ts";
import { sensitiveWords } from "./schema.ts";

/**
 * The sensitive-word check shared by forums, studios and the Q&A board. The list is cached for a
 * few seconds so a busy chat does not read it per line; an admin's edit is seen within that time
 * on every process.
 */
const CACHE_MS = 5_000;
let cache: { words: { word: string; normalized: string }[]; at: number; db: Db } | null = null;

async function loadWords(db: Db) {
  if (cache && cache.db === db && Date.now() - cache.at < CACHE_MS) return cache.words;
  const rows = await db.select({ word: sensitiveWords.word }).from(sensitiveWords);
  const words = rows
    .map((row) => ({ word: row.word, normalized: normalizeForMatch(row.word) }))
    .filter((w) => w.normalized.length > 0);
  cache = { words, at: Date.now(), db };
  return words;
}

/** The first sensitive word found in `text`, or null. */
export async function findSensitiveWord(ctx: Pick<AppContext, "db">, text: string): Promise<string | null> {
  const normalized = normalizeForMatch(text);
  const words = await loadWords(ctx.db);
  return words.find((w) => normalized.includes(w.normalized))?.word ?? null;
}

/** Throws 400 `blocked_content` when `text` contains a sensitive word; call before storing anything. */
export async function checkText(ctx: Pick<AppContext, "db">, ...texts: string[]): Promise<void> {
  for (const text of texts) {
    if (await findSensitiveWord(ctx, text)) {
      throw new AppError(400, "blocked_content", "内容包含敏感词，请修改后再发送");
    }
  }
}

export const WordListSchema = z.object({
  words: z.array(z.string().trim().min(1).max(50)).min(1).max(5000),
});

function moderationRoutes(api: Hono<ApiEnv>, ctx: AppContext): void {
  api.get("/moderation/words", async (c) => {
    requireOrganiser(requireUser(c));
    const rows = await ctx.db.select({ word: sensitiveWords.word }).from(sensitiveWords).orderBy(sensitiveWords.word);
    return c.json({ words: rows.map((r) => r.word) });
  });

  /** Adds words to the list (existing ones are kept). */
  api.post("/moderation/words", async (c) => {
    requireOrganiser(requireUser(c));
    const { words } = await readJson(c, WordListSchema);
    await ctx.db
      .insert(sensitiveWords)
      .values([...new Set(words)].map((word) => ({ word })))
      .onConflictDoNothing();
    cache = null;
    return c.json({ words }, 201);
  });

  api.delete("/moderation/words/:word", async (c) => {
    requireOrganiser(requireUser(c));
    const word = parseWith(WordListSchema.shape.words.element, c.req.param("word"));
    await ctx.db.delete(sensitiveWords).where(eq(sensitiveWords.word, word));
    cache = null;
    return c.json({ ok: true });
  });
}

async function seedWords(db: Db, _users: DemoUsers): Promise<void> {
  await db
    .insert(sensitiveWords)
    .values(["赌博", "博彩", "代开发票", "高利贷"].map((word) => ({ word })))
    .onConflictDoNothing();
}

export const moderationFeature: Feature = { name: "moderation", routes: moderationRoutes, seed: seedWords };
