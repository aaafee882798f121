/**
 * 成长档案 in a real browser: a worker opens their own record from the home page and sees the
 * training they attended in the timeline and the radar of their six capabilities, on a desktop and
 * on a phone; a peer is refused someone else's record.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Browser, Page } from "playwright-core";
import { launchBrowser, newPage, screenshot, signIn, startApp, type RunningApp } from "./harness.ts";

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

async function withPage<T>(viewport: { width: number; height: number }, run: (page: Page) => Promise<T>) {
  const page = await newPage(browser, { baseUrl: app.baseUrl, viewport });
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  try {
    const result = await run(page);
    expect(errors, "errors thrown in the page").toEqual([]);
    return result;
  } finally {
    await page.context().close();
  }
}

describe("成长档案", () => {
  test("a worker opens 我的成长档案 and sees the training they attended and their radar chart", async () => {
    await withPage({ width: 1280, height: 900 }, async (page) => {
      await signIn(page, "worker1");
      await page.getByRole("link", { name: /我的成长档案/ }).click();
      await page.waitForURL("**/people/*/record");
      await page.getByRole("heading", { name: "周小梅的成长档案" }).waitFor();
      const items = page.getByTestId("evidence-item");
      await items.filter({ hasText: "社区协商议事实务专题培训" }).waitFor();
      expect(await items.filter({ hasText: "社区协商议事实务专题培训" }).textContent()).toContain("参加活动");
      // the radar is drawn on a canvas by the lazily loaded chart
      const radar = page.getByTestId("capability-radar");
      await radar.locator("canvas").waitFor();
      expect(await radar.getAttribute("aria-label")).toMatch(/协商议事力 \d+/);
      // the training's link opens its page
      expect(
        await items.filter({ hasText: "社区协商议事实务专题培训" }).getByRole("link").getAttribute("href"),
      ).toMatch(/^\/trainings\//);
      await screenshot(page, "growth-record-desktop");
      await page.emulateMedia({ media: "print" });
      expect(await page.locator(".app-header").isVisible()).toBe(false);
      expect(await radar.locator("canvas").isVisible()).toBe(true);
      await screenshot(page, "growth-record-print");
    });
  });

  test("on a phone the record reads in one column; a peer opening it is refused", async () => {
    const url = await withPage({ width: 375, height: 812 }, async (page) => {
      await signIn(page, "worker1");
      await page.goto("/people/me/record");
      await page.waitForURL("**/people/*/record");
      await page.getByTestId("capability-radar").locator("canvas").waitFor();
      await screenshot(page, "growth-record-phone");
      return new URL(page.url()).pathname;
    });
    await withPage({ width: 1280, height: 900 }, async (page) => {
      await signIn(page, "resident1");
      await page.goto(url);
      await page.getByText("只有本人、其导师、所在街道管理员和组织部可以查看成长档案").waitFor();
    });
  });
});
