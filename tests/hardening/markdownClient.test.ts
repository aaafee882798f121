// @vitest-environment happy-dom
import { describe, expect, it } from "vitest";
import { renderSafeMarkdown } from "../../client/src/features/qa/Markdown.tsx";
import { IMAGE_MARKDOWN } from "./markdownSamples.ts";

describe("the client's Q&A Markdown renderer", () => {
  it("shows outside images as links and keeps own and inline images", () => {
    const html = renderSafeMarkdown(IMAGE_MARKDOWN);
    const sources = [...html.matchAll(/<img [^>]*src="([^"]*)"/g)].map((m) => m[1]);
    expect(sources).toEqual(["/api/questions/x.png", "data:image/png;base64,iVBORw0KGgo="]);
    expect(html).not.toMatch(/<img [^>]*tracker\.example/);
    expect(html).toContain('href="https://tracker.example/pixel.gif"');
  });
});
