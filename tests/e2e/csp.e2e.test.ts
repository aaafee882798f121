/**
 * The Content-Security-Policy in a real browser: the app works under it (the harness fails any
 * test that causes a violation), and it does refuse what it should, which proves the harness's
 * violation watch is live rather than silently deaf.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Browser } from "playwright-core";
import { launchBrowser, newPage, signIn, startApp, takeCspViolations, type RunningApp } from "./harness.ts";

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

describe("Content-Security-Policy", () => {
  test("the home page loads and connects live under the policy; an outside image and inline script are refused", async () => {
    const page = await newPage(browser, { baseUrl: app.baseUrl });
    try {
      await signIn(page, "sec1");
      await page.getByTestId("home-greeting").waitFor();
      expect(takeCspViolations()).toEqual([]);

      // What an injected tracking pixel or script would try: both refused, both reported.
      const outcome = await page.evaluate(async () => {
        const img = document.createElement("img");
        const loaded = new Promise<string>((resolve) => {
          img.onload = () => resolve("loaded");
          img.onerror = () => resolve("blocked");
        });
        img.src = "http://127.0.0.2:9/pixel.gif";
        document.body.append(img);
        const script = document.createElement("script");
        script.textContent = "window.__injected = true";
        document.body.append(script);
        return { image: await loaded, script: (window as unknown as { __injected?: boolean }).__injected === true };
      });
      expect(outcome).toEqual({ image: "blocked", script: false });
      await expect.poll(() => takeCspViolations().join("\n"), { timeout: 5_000 }).toMatch(/img-src|script-src/);
      takeCspViolations();
    } finally {
      await page.context().close();
    }
  });
});
