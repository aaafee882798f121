/**
 * 区级看板 in a real browser: an organiser opens the dashboard from the nav, sees the charts drawn
 * on a canvas and exports a table as .xlsx; on a phone the page stacks; a secretary has no entry.
 */
import ExcelJS from "exceljs";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Browser, Page } from "playwright-core";
import { launchBrowser, newPage, screenshot, signIn, startApp, type RunningApp } from "./harness.ts";

let app: RunningApp;
let browser: Browser;
const errors: string[] = [];

beforeAll(async () => {
  // a generous wait: the first start migrates and seeds, and the machine may be busy
  app = await startApp({ readyTimeoutMs: 170_000 });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

function watchErrors(page: Page) {
  page.on("pageerror", (error) => errors.push(error.message));
}

describe("the district dashboard", () => {
  test("an organiser opens it, sees the charts and exports a table", async () => {
    const page = await newPage(browser, { baseUrl: app.baseUrl });
    watchErrors(page);
    try {
      await signIn(page, "admin");
      await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "区级看板" }).click();
      await page.waitForURL(/\/dashboard$/);
      await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toMatch(/全区看板/);
      // the bar chart of hours by street is drawn by ECharts on a canvas
      const bars = page.getByRole("img", { name: /柱状图/ });
      await bars.locator("canvas").waitFor();
      expect(await bars.locator("canvas").count()).toBeGreaterThan(0);
      await screenshot(page, "dashboard-desktop");

      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.getByRole("link", { name: "导出“欠缺学时最多”为 Excel" }).click(),
      ]);
      expect(download.suggestedFilename()).toMatch(/欠缺学时最多\.xlsx$/);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(new Uint8Array(readFileSync(await download.path())).buffer);
      expect(workbook.worksheets[0]!.name).toMatch(/欠缺学时最多$/);
      expect(workbook.worksheets[0]!.getRow(1).getCell(1).value).toBe("姓名");
    } finally {
      await page.context().close();
    }
    expect(errors).toEqual([]);
  });

  test("on a phone the cards and panels stack in one column", async () => {
    const page = await newPage(browser, { baseUrl: app.baseUrl, viewport: { width: 375, height: 812 } });
    watchErrors(page);
    try {
      await signIn(page, "admin");
      await page.goto("/dashboard");
      const bars = page.getByRole("img", { name: /柱状图/ });
      await bars.locator("canvas").waitFor();
      const radarPanel = page.locator(".dashboard-panel").nth(1);
      const [first, second] = [
        await page.locator(".dashboard-panel").first().boundingBox(),
        await radarPanel.boundingBox(),
      ];
      expect(second!.y).toBeGreaterThan(first!.y + first!.height - 1);
      expect(first!.width).toBeLessThanOrEqual(375);
      // nothing wider than the screen
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
      await screenshot(page, "dashboard-phone");
    } finally {
      await page.context().close();
    }
    expect(errors).toEqual([]);
  });

  test("a secretary has no dashboard entry and is refused the page", async () => {
    const page = await newPage(browser, { baseUrl: app.baseUrl });
    watchErrors(page);
    try {
      await signIn(page, "sec1");
      await page.goto("/dashboard");
      await page.getByRole("heading", { name: "无权访问" }).waitFor();
      await page.getByRole("link", { name: "书记论坛" }).first().waitFor();
      expect(await page.getByRole("link", { name: "区级看板" }).count()).toBe(0);
    } finally {
      await page.context().close();
    }
    expect(errors).toEqual([]);
  });
});
