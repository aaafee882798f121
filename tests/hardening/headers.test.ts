import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser } from "../helpers/clients.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { IMAGE_MARKDOWN } from "./markdownSamples.ts";

/** Finding 8: security headers on every response, and Q&A Markdown that loads no outside images. */

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

function csp(headers: Headers): Map<string, string> {
  const policy = headers.get("content-security-policy") ?? "";
  return new Map(
    policy
      .split(";")
      .map((part) => part.trim())
      .filter(Boolean)
      .map((part) => [part.split(/\s+/)[0]!, part.slice(part.indexOf(" ") + 1)] as [string, string]),
  );
}

describe("security headers", () => {
  it("pages, API answers and errors carry CSP with frame-ancestors, X-Frame-Options and Referrer-Policy", async () => {
    for (const [method, path] of [
      ["GET", "/"],
      ["GET", "/login"],
      ["GET", "/api/health"],
      ["GET", "/api/me"],
      ["POST", "/api/nothing"],
    ] as const) {
      const res = await fetch(server.url + path, { method });
      const policy = csp(res.headers);
      expect(policy.get("frame-ancestors"), path).toBe("'none'");
      expect(policy.get("default-src"), path).toBe("'self'");
      expect(policy.get("script-src"), path).toBe("'self'");
      expect(policy.get("object-src"), path).toBe("'none'");
      expect(policy.get("img-src"), path).toContain("data:");
      expect(res.headers.get("x-frame-options"), path).toBe("DENY");
      expect(res.headers.get("referrer-policy"), path).toBe("same-origin");
      expect(res.headers.get("x-content-type-options"), path).toBe("nosniff");
    }
  });
});

describe("Q&A Markdown images", () => {
  const markdown = IMAGE_MARKDOWN;

  it("the server's bodyHtml shows outside images as links and keeps own and inline ones", async () => {
    const asker = await createUser(server);
    const res = await asker.client.post("/api/questions", { title: "图片显示的问题", body: markdown });
    expect(res.status).toBe(201);
    const html: string = (await asker.client.get(`/api/questions/${res.body.question.id}`)).body.question.bodyHtml;
    const sources = [...html.matchAll(/<img [^>]*src="([^"]*)"/g)].map((m) => m[1]);
    expect(sources).toEqual(["/api/questions/x.png", "data:image/png;base64,iVBORw0KGgo="]);
    expect(html).toContain('href="https://tracker.example/pixel.gif"');
    expect(html).toContain("[图片] 追踪");
  });
});
