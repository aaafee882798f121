/**
 * A person's presence colour in a co-edited document, derived from the user id so it is the same
 * on every screen. The server writes it into each awareness state (a client cannot choose it).
 */
const PRESENCE_COLOURS = ["#d4380d", "#d46b08", "#389e0d", "#08979c", "#1d39c4", "#531dab", "#c41d7f", "#7cb305"];

export function presenceColour(userId: string): string {
  let h = 0;
  for (const ch of userId) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return PRESENCE_COLOURS[h % PRESENCE_COLOURS.length]!;
}
