import { useMemo } from "react";
import DOMPurify from "dompurify";
import MarkdownIt from "markdown-it";
import { isLocalImageSource, onlyLocalImages } from "../../../../shared/markdownImages.ts";

/**
 * Safe Markdown for user text. Two locks: markdown-it with `html: false` escapes raw HTML and
 * refuses `javascript:`-style links; DOMPurify then removes anything executable that might
 * remain (event-handler attributes, script, unsafe URLs). This is the only place in the area
 * that sets inner HTML. Images from other sites are shown as links, never loaded (tracking pixels).
 */
const md = new MarkdownIt({ html: false, linkify: true, breaks: true }).use(onlyLocalImages);

let hooked = false;
function purifier() {
  if (!hooked) {
    // every link opens in a new tab without handing it our window
    DOMPurify.addHook("afterSanitizeAttributes", (node) => {
      if (node.tagName === "A" && node.getAttribute("href")) {
        node.setAttribute("target", "_blank");
        node.setAttribute("rel", "noopener noreferrer nofollow");
      }
      // a second lock: whatever produced it, an <img> from another site is never loaded
      if (node.tagName === "IMG" && !isLocalImageSource(node.getAttribute("src") ?? "")) node.removeAttribute("src");
    });
    hooked = true;
  }
  return DOMPurify;
}

export function renderSafeMarkdown(source: string): string {
  return purifier().sanitize(md.render(source), {
    FORBID_TAGS: ["style", "form", "input", "button", "iframe", "object", "embed"],
    FORBID_ATTR: ["style"],
  });
}

export function Markdown({ source, className }: { source: string; className?: string }) {
  const html = useMemo(() => renderSafeMarkdown(source), [source]);
  // biome-ignore lint/security/noDangerouslySetInnerHtml: renderSafeMarkdown escapes raw HTML and DOMPurify cleans the result
  return <div className={`qa-markdown ${className ?? ""}`} dangerouslySetInnerHTML={{ __html: html }} />;
}
