import type MarkdownItFactory from "markdown-it";

type MarkdownIt = ReturnType<typeof MarkdownItFactory>;

/**
 * Is `src` an image the page may load without telling anyone outside about its reader: a path on
 * our own site (`/api/...`, `pic.png`) or an inline `data:image/…`? Anything with a scheme or a
 * host (`https://…`, `//host/…`, and `/\host` which browsers read as `//host`) is not.
 */
export function isLocalImageSource(src: string): boolean {
  if (/^data:image\/(png|gif|jpeg|webp);/i.test(src)) return true;
  if (src.includes("\\") || src.startsWith("//")) return false;
  return !/^[a-z][a-z0-9+.-]*:/i.test(src.trim());
}

/**
 * markdown-it plugin for user text: an image from another site (a tracking pixel, or a picture
 * that tells its host who read the question and when) is rendered as a plain link to it instead,
 * so the reader decides whether to open it. Own and inline images stay images.
 */
export const onlyLocalImages = (md: MarkdownIt): void => {
  const renderImage = md.renderer.rules.image!;
  md.renderer.rules.image = (tokens, idx, options, env, self) => {
    const token = tokens[idx]!;
    const src = String(token.attrGet("src") ?? "");
    if (isLocalImageSource(src)) return renderImage(tokens, idx, options, env, self);
    const label = token.content || src;
    return `<a href="${md.utils.escapeHtml(src)}" target="_blank" rel="noopener noreferrer nofollow">${md.utils.escapeHtml(`[图片] ${label}`)}</a>`;
  };
};
