/**
 * Chinese search that behaves the same on PGlite and PostgreSQL (method: docs/qa-search.md).
 *
 * PostgreSQL's parsers split on spaces and know no Chinese words, so we do the tokenising here
 * and hand the database finished lexemes: every letter/digit becomes a unigram, every pair of
 * neighbouring letters/digits a bigram, each at its character position. The `tsvector` is written
 * as a literal (`'物业':3A …`), so no text-search configuration or extension is involved, and a
 * GIN index over it answers:
 *   - a 1-character term      → its unigram              ("区")
 *   - an n-character term      → its bigrams chained with `<->` ("物业管理" → 物业 <-> 业管 <-> 管理),
 *                                i.e. exactly "contains this substring"
 *   - several terms            → ANDed ("加装 电梯")
 *   - a "quoted phrase"        → one chain across its pieces (`<2>` over a skipped separator)
 */

/** A letter or a digit in any script: the only characters that become lexemes. */
const WORD_CHAR = /[\p{L}\p{N}]/u;
/** tsvector positions stop at 16383; later text still matches terms, but not phrase order. */
const MAX_POSITION = 16_383;

export type Weight = "A" | "B" | "C" | "D";

/** One character at a time, so positions in the normalised text map back to the original. */
export function normalizeChar(ch: string): string {
  const n = ch.normalize("NFKC").toLowerCase();
  // NFKC can expand one character into several (e.g. "㎡" → "m2"); keep a 1:1 mapping
  return [...n].length === 1 ? n : ch.toLowerCase();
}

export function normalize(text: string): string[] {
  return [...text].map(normalizeChar);
}

/**
 * The `tsvector` literal for several fields of one document. Fields follow one another in the
 * position space with a gap, so a phrase never runs across two fields.
 */
export function searchVectorLiteral(fields: { text: string; weight: Weight }[]): string {
  const lexemes = new Map<string, string[]>();
  const add = (lexeme: string, position: number, weight: Weight) => {
    const entry = `${Math.min(position, MAX_POSITION)}${weight === "D" ? "" : weight}`;
    const list = lexemes.get(lexeme);
    if (!list) lexemes.set(lexeme, [entry]);
    else if (list.length < 256) list.push(entry); // a lexeme keeps at most 256 positions
  };
  let position = 1;
  for (const field of fields) {
    const chars = normalize(field.text);
    for (let i = 0; i < chars.length; i++) {
      const ch = chars[i]!;
      if (WORD_CHAR.test(ch)) {
        add(ch, position, field.weight);
        const next = chars[i + 1];
        if (next !== undefined && WORD_CHAR.test(next)) add(ch + next, position, field.weight);
      }
      position += 1;
    }
    position += 2;
  }
  const parts: string[] = [];
  for (const [lexeme, positions] of lexemes) parts.push(`${quoteLexeme(lexeme)}:${positions.join(",")}`);
  return parts.join(" ");
}

/** Lexemes are letters and digits only, but quote defensively: ' doubles, \ escapes. */
function quoteLexeme(lexeme: string): string {
  return `'${lexeme.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`;
}

export interface ParsedQuery {
  /** text of a tsquery (cast with ::tsquery), or null when the query has no searchable character */
  tsquery: string | null;
  /** the normalised substrings a hit must contain, for highlighting and the ILIKE baseline */
  terms: string[];
  /** the query as typed, trimmed, for the exact-title comparison */
  text: string;
}

/** Splits normalised text into runs of letters/digits. */
function runs(chars: string[]): string[] {
  const out: string[] = [];
  let current = "";
  for (const ch of chars) {
    if (WORD_CHAR.test(ch)) current += ch;
    else if (current) {
      out.push(current);
      current = "";
    }
  }
  if (current) out.push(current);
  return out;
}

/** `物业管理` → `'物业' <-> '业管' <-> '管理'`; one character → its unigram. */
function chain(run: string): string {
  const chars = [...run];
  if (chars.length === 1) return quoteLexeme(chars[0]!);
  const bigrams: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) bigrams.push(quoteLexeme(chars[i]! + chars[i + 1]!));
  return bigrams.join(" <-> ");
}

/**
 * A phrase of several runs ("加装 电梯"): consecutive runs separated by one character in the
 * text. Each run's last lexeme sits at (len-2) (bigram) or 0 (unigram) from its start; the next run
 * starts len+1 further on.
 */
function phraseChain(pieces: string[]): string {
  let out = "";
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i]!;
    if (i === 0) {
      out = `(${chain(piece)})`;
      continue;
    }
    const prev = [...pieces[i - 1]!];
    const distance = prev.length === 1 ? 2 : 3;
    out = `${out} <${distance}> (${chain(piece)})`;
  }
  return out;
}

/** Parses what a person typed: space-separated terms are ANDed, "quoted text" is a phrase. */
export function parseQuery(input: string): ParsedQuery {
  const text = input.trim();
  const clauses: string[] = [];
  const terms: string[] = [];
  const quoted = /["“”「」『』]([^"“”「」『』]*)["“”「」『』]/g;
  let rest = text;
  for (const match of text.matchAll(quoted)) {
    rest = rest.replace(match[0], " ");
    const pieces = runs(normalize(match[1]!));
    if (pieces.length === 0) continue;
    clauses.push(pieces.length === 1 ? `(${chain(pieces[0]!)})` : `(${phraseChain(pieces)})`);
    terms.push(...pieces);
  }
  for (const run of runs(normalize(rest))) {
    if (terms.includes(run)) continue;
    clauses.push(`(${chain(run)})`);
    terms.push(run);
  }
  return { tsquery: clauses.length ? clauses.join(" & ") : null, terms, text };
}

/**
 * For "similar questions" while a title is typed: any shared bigram counts (OR), matched against
 * the title vector; ranking puts titles sharing more bigrams first.
 */
export function similarQuery(title: string): string | null {
  const bigrams = new Set<string>();
  for (const run of runs(normalize(title))) {
    const chars = [...run];
    for (let i = 0; i + 1 < chars.length; i++) bigrams.add(chars[i]! + chars[i + 1]!);
  }
  if (bigrams.size === 0) return null;
  return [...bigrams]
    .slice(0, 40)
    .map((b) => quoteLexeme(b))
    .join(" | ");
}

export interface HighlightPart {
  text: string;
  hit: boolean;
}

/** Marks every occurrence of the terms in `text` (matching on normalised characters). */
export function highlight(text: string, terms: string[]): HighlightPart[] {
  const original = [...text];
  const norm = original.map(normalizeChar);
  const hit = new Array<boolean>(original.length).fill(false);
  for (const term of terms) {
    const t = [...term];
    if (t.length === 0) continue;
    for (let i = 0; i + t.length <= norm.length; i++) {
      let same = true;
      for (let j = 0; j < t.length; j++) {
        if (norm[i + j] !== t[j]) {
          same = false;
          break;
        }
      }
      if (same) for (let j = 0; j < t.length; j++) hit[i + j] = true;
    }
  }
  const parts: HighlightPart[] = [];
  for (let i = 0; i < original.length; i++) {
    const last = parts[parts.length - 1];
    if (last && last.hit === hit[i]) last.text += original[i];
    else parts.push({ text: original[i]!, hit: hit[i]! });
  }
  return parts;
}

/** Plain-text excerpt of Markdown around the first hit (or the start), at most `size` characters. */
export function excerpt(markdown: string, terms: string[], size = 120): string {
  const plain = markdown
    .replace(/```[\s\S]*?```/g, " ")
    .replace(/!\[[^\]]*\]\([^)]*\)/g, " ")
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/(^|\n)\s*(#{1,6}|>|[-+*]|\d+\.)\s+/g, "$1")
    .replace(/[*_`~]+/g, "")
    .replace(/\s+/g, " ")
    .trim();
  const chars = [...plain];
  if (chars.length <= size) return plain;
  const norm = chars.map(normalizeChar).join("");
  let first = -1;
  for (const term of terms) {
    const at = norm.indexOf(term);
    if (at >= 0 && (first < 0 || at < first)) first = at;
  }
  // indexOf counts UTF-16 units; convert to a code-point index
  const start = first < 0 ? 0 : Math.max(0, [...norm.slice(0, first)].length - 30);
  const slice = chars.slice(start, start + size).join("");
  return `${start > 0 ? "…" : ""}${slice}${start + size < chars.length ? "…" : ""}`;
}
