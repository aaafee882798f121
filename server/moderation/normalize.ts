import { Converter } from "opencc-js/t2cn";

// Building the converter's dictionary takes tens of milliseconds: done at the first comparison,
// not at start-up. It is pure, so one per process is shared.
let converter: ((text: string) => string) | null = null;
function toSimplified(text: string): string {
  converter ??= Converter({ from: "t", to: "cn" });
  return converter(text);
}

/**
 * The form in which text and words are compared: full-width letters folded (NFKC), lower case,
 * traditional characters turned simplified, and everything that is not a letter or digit removed —
 * so "赌 博", "ＤＵ-博" and "賭博" all meet "赌博".
 */
export function normalizeForMatch(text: string): string {
  return toSimplified(text.normalize("NFKC").toLowerCase()).replace(/[^\p{L}\p{N}]/gu, "");
}
