import { asc, count, inArray } from "drizzle-orm";
import { WORD_LIMITS } from "../../shared/moderation.ts";
import { recordAudit } from "../audit/service.ts";
import type { UserRow } from "../auth/sessions.ts";
import type { AppContext } from "../context.ts";
import { AppError, invalidInput } from "../lib/errors.ts";
import { normalizeForMatch } from "./normalize.ts";
import { sensitiveWords } from "./schema.ts";

type Ctx = Pick<AppContext, "db" | "words">;

/** Throws 400 `blocked_content` when any text contains a sensitive word; call before storing anything. */
export async function checkText(ctx: Pick<AppContext, "words">, ...texts: string[]): Promise<void> {
  for (const text of texts) {
    if (await ctx.words.find(text)) throw new AppError(400, "blocked_content", "内容包含敏感词，请修改后再发送");
  }
}

export async function listWords(ctx: Ctx): Promise<string[]> {
  const rows = await ctx.db
    .select({ word: sensitiveWords.word })
    .from(sensitiveWords)
    .orderBy(asc(sensitiveWords.word));
  return rows.map((r) => r.word);
}

/** Adds words (existing ones are kept); answers the ones that were new. Audited. */
export async function addWords(ctx: Ctx, actor: UserRow, words: string[], via: "form" | "import"): Promise<string[]> {
  const unique = [...new Set(words.map((w) => w.trim()).filter((w) => normalizeForMatch(w).length > 0))];
  if (unique.length === 0) throw invalidInput("没有可添加的词（只含符号的词无法匹配）");
  const added = await ctx.db.transaction(async (tx) => {
    const [{ n }] = await tx.select({ n: count() }).from(sensitiveWords);
    if (Number(n) + unique.length > WORD_LIMITS.listMax) throw invalidInput(`敏感词表最多 ${WORD_LIMITS.listMax} 个词`);
    const rows = await tx
      .insert(sensitiveWords)
      .values(unique.map((word) => ({ word })))
      .onConflictDoNothing()
      .returning({ word: sensitiveWords.word });
    if (rows.length > 0) {
      await recordAudit(tx, {
        actorId: actor.id,
        action: via === "import" ? "moderation.words_import" : "moderation.words_add",
        targetType: "sensitive_words",
        after: rows.map((r) => r.word),
        meta: { count: rows.length },
      });
    }
    return rows.map((r) => r.word);
  });
  await ctx.words.changed();
  return added;
}

export async function removeWords(ctx: Ctx, actor: UserRow, words: string[]): Promise<number> {
  const removed = await ctx.db.transaction(async (tx) => {
    const rows = await tx
      .delete(sensitiveWords)
      .where(inArray(sensitiveWords.word, words))
      .returning({ word: sensitiveWords.word });
    if (rows.length > 0) {
      await recordAudit(tx, {
        actorId: actor.id,
        action: "moderation.words_remove",
        targetType: "sensitive_words",
        before: rows.map((r) => r.word),
        meta: { count: rows.length },
      });
    }
    return rows.length;
  });
  await ctx.words.changed();
  return removed;
}

/** A .txt word list: UTF-8 (BOM allowed), one word a line; blank lines and # comments skipped. */
export function parseWordFile(bytes: Uint8Array): string[] {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw invalidInput("词表文件须为 UTF-8 编码的 .txt（记事本“另存为”时选择 UTF-8）");
  }
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#"));
  const tooLong = lines.findIndex((line) => line.length > WORD_LIMITS.wordMax);
  if (tooLong >= 0)
    throw invalidInput(`第 ${tooLong + 1} 个词过长（最多 ${WORD_LIMITS.wordMax} 个字），请确认每行只有一个词`);
  if (lines.length === 0) throw invalidInput("词表文件中没有词");
  return lines;
}
