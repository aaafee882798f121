/**
 * The roster in a real browser: an organiser imports a spreadsheet, fixes the row the check
 * found wrong, imports for real, takes the initial passwords once, and finds the people.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ExcelJS from "exceljs";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { launchBrowser, newPage, screenshot, signIn, startApp, type RunningApp } from "./harness.ts";

let app: RunningApp;
let browser: Browser;
const dir = mkdtempSync(join(tmpdir(), "roster-e2e-"));

beforeAll(async () => {
  app = await startApp();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

async function rosterFile(name: string, rows: string[][]): Promise<string> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet("名册");
  sheet.addRow(["姓名", "手机号", "街道", "社区", "身份", "层级", "两委"]);
  for (const row of rows) sheet.addRow(row);
  const path = join(dir, name);
  await workbook.xlsx.writeFile(path);
  return path;
}

describe("roster import", () => {
  test("an organiser imports, fixes an error row, imports again, takes the passwords and finds the people", async () => {
    const page = await newPage(browser, { baseUrl: app.baseUrl });
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    try {
      await signIn(page, "admin");
      await page.goto("/admin/roster");
      await page.getByRole("heading", { name: "导入人员名册" }).waitFor();

      const broken = await rosterFile("名册-有误.xlsx", [
        ["覃秀兰", "13977001001", "城中街道", "五星社区", "社区工作者", "新手", "否"],
        ["韦建国", "1397700", "城中街道", "五星社区", "社区书记", "骨干", "是"],
      ]);
      await page.locator("input[type=file]").setInputFiles(broken);
      await page.getByText("发现 1 处问题").waitFor();
      await expect.poll(() => page.getByRole("row", { name: /3\s*手机号/ }).count()).toBe(1);
      expect(await page.getByRole("button", { name: "正式导入" }).count()).toBe(0);
      await screenshot(page, "roster-errors");

      const fixed = await rosterFile("名册-已改正.xlsx", [
        ["覃秀兰", "13977001001", "城中街道", "五星社区", "社区工作者", "新手", "否"],
        ["韦建国", "13977001002", "城中街道", "五星社区", "社区书记", "骨干", "是"],
      ]);
      await page.locator("input[type=file]").setInputFiles(fixed);
      await page.getByRole("button", { name: "正式导入" }).click();
      await page.getByRole("button", { name: /确\s*定|OK/ }).click();
      await page.getByText("导入完成").waitFor();

      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.getByRole("link", { name: /下载初始密码/ }).click(),
      ]);
      const saved = join(dir, "passwords.xlsx");
      await download.saveAs(saved);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(new Uint8Array(readFileSync(saved)).buffer);
      const handed = workbook.worksheets[0]!.getSheetValues()
        .slice(2)
        .map((r) => (r as string[])[1]);
      expect(handed.sort()).toEqual(["覃秀兰", "韦建国"].sort());
      await page.getByText("初始密码表已下载").waitFor();
      await screenshot(page, "roster-done");

      await page.goto("/admin/users");
      await page.getByPlaceholder(/搜索/).fill("韦建国");
      await page.getByRole("cell", { name: "韦建国", exact: true }).waitFor();
      expect(errors).toEqual([]);
    } finally {
      await page.context().close();
    }
  });
});
