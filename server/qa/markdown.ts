import { createRequire } from "node:module";
import type MarkdownItFactory from "markdown-it";
import { onlyLocalImages } from "../../shared/markdownImages.ts";

type MarkdownIt = ReturnType<typeof MarkdownItFactory>;

/**
 * markdown-it is loaded at the first render rather than with the server: its package and the ones
 * it pulls in took about 40 ms of every start, and most starts serve no question before they are
 * warm. Its CommonJS build loads synchronously, so rendering stays a plain function.
 */
const require = createRequire(import.meta.url);
let md: MarkdownIt | undefined;

/**
 * Markdown → HTML for questions and answers. `html: false` escapes any raw HTML the author
 * typed (so `<script>` and `<img onerror>` arrive as text), and markdown-it's link validator
 * refuses `javascript:`, `vbscript:`, `file:` and non-image `data:` URLs. The client sanitises the
 * result again with DOMPurify before showing it. Images from other sites become links (no tracking
 * pixels); the Content-Security-Policy would refuse them anyway.
 */
function renderer(): MarkdownIt {
  if (md) return md;
  const markdownIt = require("markdown-it") as typeof MarkdownItFactory;
  const made = markdownIt({ html: false, linkify: true, breaks: true, typographer: false }).use(onlyLocalImages);
  const defaultLinkOpen =
    made.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
  made.renderer.rules.link_open = (tokens, idx, options, env, self) => {
    const token = tokens[idx]!;
    token.attrSet("target", "_blank");
    token.attrSet("rel", "noopener noreferrer nofollow");
    return defaultLinkOpen(tokens, idx, options, env, self);
  };
  md = made;
  return made;
}

export function renderMarkdown(source: string): string {
  return renderer().render(source);
}
