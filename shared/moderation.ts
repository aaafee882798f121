import { z } from "zod";

/** The sensitive-word list (敏感词) that organisers manage. */
export const WORD_LIMITS = { wordMax: 50, listMax: 20_000, importBytes: 1024 * 1024, testTextMax: 2_000 } as const;

export const SensitiveWordSchema = z
  .string()
  .trim()
  .min(1, "敏感词不能为空")
  .max(WORD_LIMITS.wordMax, `敏感词最多 ${WORD_LIMITS.wordMax} 个字`);

export const WordListSchema = z.object({
  words: z.array(SensitiveWordSchema).min(1, "请至少填写一个词").max(5_000, "一次最多添加 5000 个词"),
});
export type WordList = z.infer<typeof WordListSchema>;

export const WordTestSchema = z.object({ text: z.string().max(WORD_LIMITS.testTextMax, "测试内容过长") });
export type WordTest = z.infer<typeof WordTestSchema>;

/** What a sentence would match, after the same normalisation the check uses. */
export type WordTestResult = { matches: string[]; normalized: string };
