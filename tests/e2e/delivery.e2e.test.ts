/**
 * How the client reaches a phone: assets compressed at build time and cached for a year,
 * index.html revalidated on every visit, as a real browser receives them.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { launchBrowser, newPage, startApp, type RunningApp } from "./harness.ts";

let app: RunningApp;
let browser: Browser;

beforeAll(async () => {
  app = await startApp();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe("client delivery", () => {
  test("the sign-in page's scripts arrive compressed and immutable; the page itself is revalidated", async () => {
    const page = await newPage(browser, { baseUrl: app.baseUrl });
    const scripts: { url: string; encoding?: string; cache?: string; length: number }[] = [];
    let documentCache: string | undefined;
    page.on("response", async (response) => {
      const headers = await response.allHeaders();
      if (response.request().resourceType() === "document") documentCache = headers["cache-control"];
      if (response.url().includes("/assets/") && response.url().endsWith(".js")) {
        scripts.push({
          url: response.url(),
          encoding: headers["content-encoding"],
          cache: headers["cache-control"],
          length: Number(headers["content-length"] ?? 0),
        });
      }
    });
    await page.goto("/login");
    await page.getByLabel("用户名").waitFor();
    expect(documentCache).toBe("no-cache");
    expect(scripts.length).toBeGreaterThan(0);
    for (const script of scripts) {
      // files under 1 KB are not worth compressing and are sent as they are
      if (script.encoding === undefined) expect(script.length, script.url).toBeLessThan(1024);
      else expect(script.encoding, script.url).toMatch(/^(br|gzip)$/);
      expect(script.cache, script.url).toBe("public, max-age=31536000, immutable");
    }
    await page.context().close();
  });

  test("a client that accepts no compression still gets the plain file", async () => {
    const html = await fetch(`${app.baseUrl}/login`, { headers: { "accept-encoding": "identity" } });
    const asset = /\/assets\/[^"]+\.js/.exec(await html.text())?.[0];
    expect(asset).toBeTruthy();
    const plain = await fetch(app.baseUrl + asset, { headers: { "accept-encoding": "identity" } });
    expect(plain.status).toBe(200);
    expect(plain.headers.get("content-encoding")).toBeNull();
    const gzip = await fetch(app.baseUrl + asset, {
      headers: { "accept-encoding": "gzip" },
      decompress: false,
    } as RequestInit);
    expect(gzip.headers.get("content-encoding")).toBe("gzip");
  });
});

describe("installable shell", () => {
  test("the manifest is served, the service worker takes over, and the sign-in page opens while the server is down", async () => {
    const manifest = await fetch(`${app.baseUrl}/manifest.webmanifest`);
    expect(manifest.status).toBe(200);
    const body = (await manifest.json()) as { name: string; lang: string; icons: { sizes: string }[] };
    expect(body.name).toBe("社区工作者协作论坛");
    expect(body.lang).toBe("zh-CN");
    expect(body.icons.map((i) => i.sizes)).toContain("512x512");
    const worker = await fetch(`${app.baseUrl}/sw.js`);
    expect(worker.headers.get("cache-control")).toBe("no-cache");

    const page = await newPage(browser, { baseUrl: app.baseUrl });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto("/login");
    await page.getByLabel("用户名").waitFor();
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    await expect
      .poll(() => page.evaluate(() => Boolean(navigator.serviceWorker.controller)), { timeout: 20_000 })
      .toBe(true);

    await app.pause();
    try {
      const fresh = await page.context().newPage();
      fresh.on("pageerror", (e) => errors.push(e.message));
      await fresh.goto(`${app.baseUrl}/login`);
      await fresh.getByLabel("用户名").waitFor();
      // API answers are never cached: with the server down, they fail instead of being made up.
      const status = await fresh.evaluate(() =>
        fetch("/api/health").then(
          (r) => r.status,
          () => 0,
        ),
      );
      expect(status).not.toBe(200);
    } finally {
      await app.resume();
    }
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
