import { useQuery } from "@tanstack/react-query";
import { api } from "../../api.ts";

export const WORDS_QUERY_KEY = ["moderation", "words"] as const;

/** The sensitive-word list (organisers only: pass `enabled: false` for anyone else). */
export function useWordList(enabled = true) {
  return useQuery({
    queryKey: WORDS_QUERY_KEY,
    queryFn: ({ signal }) => api<{ words: string[] }>("/api/moderation/words", { signal }).then((r) => r.words),
    enabled,
  });
}
