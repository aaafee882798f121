import MarkdownIt from "markdown-it";
import { onlyLocalImages } from "../../shared/markdownImages.ts";

/**
 * Markdown → HTML for questions and answers. `html: false` escapes any raw HTML the author
 * typed (so `<script>` and `<img onerror>` arrive as text), and markdown-it's link validator
 * refuses `javascript:`, `vbscript:`, `file:` and non-image `data:` URLs. The client sanitises the
 * result again with DOMPurify before showing it. Images from other sites become links (no tracking
 * pixels); the Content-Security-Policy would refuse them anyway.
 */
const md = new MarkdownIt({ html: false, linkify: true, breaks: true, typographer: false }).use(onlyLocalImages);

const defaultLinkOpen =
  md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  const token = tokens[idx]!;
  token.attrSet("target", "_blank");
  token.attrSet("rel", "noopener noreferrer nofollow");
  return defaultLinkOpen(tokens, idx, options, env, self);
};

export function renderMarkdown(source: string): string {
  return md.render(source);
}
