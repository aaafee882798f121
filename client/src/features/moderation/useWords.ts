export const WORDS_QUERY_KEY = ["moderation", "words"] as const;
