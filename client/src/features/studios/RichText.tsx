import { Fragment } from "react";

/** http(s) links, stopping before whitespace, quotes, angle brackets and Chinese punctuation. */
const LINK = /(https?:\/\/[^\s<>"'，。！？；、）】》「」]+)/g;

/**
 * A message's text as React text nodes: links become anchors (opened in a new tab, no referrer),
 * @mentions of members are highlighted, line breaks are kept. Never HTML.
 */
// Keys are the parts' places: a message's text is split once and its parts never move (biome.json lets this file use them).
export function RichText({ text, mentionNames = [] }: { text: string; mentionNames?: string[] }) {
  const parts = text.split(LINK);
  return (
    <>
      {parts.map((part, i) =>
        i % 2 === 1 ? (
          <a key={i} href={part} target="_blank" rel="noopener noreferrer nofollow" className="studio-link">
            {part}
          </a>
        ) : (
          <Fragment key={i}>{highlightMentions(part, mentionNames)}</Fragment>
        ),
      )}
    </>
  );
}

function highlightMentions(text: string, names: string[]) {
  if (!names.length || !text.includes("@")) return text;
  const escaped = names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  const re = new RegExp(`(@(?:${escaped.join("|")}))`, "g");
  return text.split(re).map((part, i) =>
    i % 2 === 1 ? (
      <span key={i} className="studio-mention">
        {part}
      </span>
    ) : (
      part
    ),
  );
}
