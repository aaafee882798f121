import type { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import {
  SensitiveWordSchema,
  WORD_LIMITS,
  WordListSchema,
  WordTestSchema,
  type WordTestResult,
} from "../../shared/moderation.ts";
import { requireOrganiser } from "../auth/policy.ts";
import type { AppContext } from "../context.ts";
import { type ApiContext, type ApiEnv, readJson } from "../http/env.ts";
import { invalidInput, notFound, parseWith, tooLarge } from "../lib/errors.ts";
import { normalizeForMatch } from "./normalize.ts";
import { addWords, listWords, parseWordFile, removeWords } from "./service.ts";

function requireWordEditor(c: ApiContext) {
  requireOrganiser(c.var.user, "仅组织部或管理员可以管理敏感词");
  return c.var.user;
}

export function moderationRoutes(api: Hono<ApiEnv>, ctx: AppContext): void {
  api.get("/moderation/words", async (c) => {
    requireWordEditor(c);
    return c.json({ words: await listWords(ctx) });
  });

  /** Adds words to the list (existing ones are kept). */
  api.post("/moderation/words", async (c) => {
    const actor = requireWordEditor(c);
    const { words } = await readJson(c, WordListSchema);
    return c.json({ words, added: await addWords(ctx, actor, words, "form") }, 201);
  });

  api.post(
    "/moderation/words/import",
    bodyLimit({
      maxSize: WORD_LIMITS.importBytes + 16 * 1024,
      onError: () => {
        throw tooLarge("词表文件不能超过 1 MB");
      },
    }),
    async (c) => {
      const actor = requireWordEditor(c);
      let form: Record<string, unknown>;
      try {
        form = await c.req.parseBody();
      } catch {
        throw invalidInput("请以表单方式上传 .txt 词表（字段 file）");
      }
      const file = form.file;
      if (!(file instanceof File)) throw invalidInput("请选择词表文件（字段 file）");
      if (!file.name.toLowerCase().endsWith(".txt")) throw invalidInput("词表须为 .txt 文件，每行一个词");
      const words = parseWordFile(new Uint8Array(await file.arrayBuffer()));
      const added = await addWords(ctx, actor, words, "import");
      return c.json({ read: words.length, added: added.length });
    },
  );

  api.delete("/moderation/words/:word", async (c) => {
    const actor = requireWordEditor(c);
    const word = parseWith(SensitiveWordSchema, c.req.param("word"));
    if ((await removeWords(ctx, actor, [word])) === 0) throw notFound("词表中没有这个词");
    return c.json({ ok: true });
  });

  /** What a sentence would match: the organiser's test box. */
  api.post("/moderation/words/test", async (c) => {
    requireWordEditor(c);
    const { text } = await readJson(c, WordTestSchema);
    const result: WordTestResult = { matches: await ctx.words.matches(text), normalized: normalizeForMatch(text) };
    return c.json(result);
  });
}
