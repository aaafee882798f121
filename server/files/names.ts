/**
 * A file name safe to store, show and send back in a header: no control or bidirectional-override
 * characters (which can disguise "exe.pdf" as "fdp.exe"), no path separators, at most 120 characters.
 */
export function cleanFileName(name: string, fallback: string): string {
  const cleaned = name
    // eslint-disable-next-line no-control-regex
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what a file name must lose
    .replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069/\\]/g, "_")
    .replace(/^[.\s]+/, "")
    .trim();
  if (!cleaned) return fallback;
  // keep the extension when shortening
  const dot = cleaned.lastIndexOf(".");
  if (cleaned.length <= 120) return cleaned;
  const ext = dot > 0 && cleaned.length - dot <= 10 ? cleaned.slice(dot) : "";
  return cleaned.slice(0, 120 - ext.length) + ext;
}

/** The lower-case extension of a name, without the dot ("" when none). */
export function extensionOf(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : "";
}

/** The same name with another extension ("汇报.pptx" → "汇报.pdf"). */
export function withExtension(name: string, extension: string): string {
  const dot = name.lastIndexOf(".");
  return `${dot > 0 ? name.slice(0, dot) : name}.${extension}`;
}
