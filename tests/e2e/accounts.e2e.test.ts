/**
 * Accounts in a real browser: an organiser creates a person and hands over the initial password,
 * the person signs in and must change it first; a street admin sees only their street, on a phone.
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

async function withPage<T>(viewport: { width: number; height: number } | undefined, run: (page: Page) => Promise<T>) {
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

describe("accounts", () => {
  test("an organiser creates a person and hands over the initial password; the person must change it", async () => {
    const username = `zhang${Date.now().toString(36)}`;
    const password = await withPage({ width: 1280, height: 860 }, async (page) => {
      await signIn(page, "organiser1");
      await page.goto("/admin/users");
      await page.getByTestId("users-table").getByText("sec1", { exact: true }).waitFor();
      await page.getByRole("button", { name: /新建人员/ }).click();
      const dialog = page.getByRole("dialog");
      await dialog.getByLabel("用户名").fill(username);
      await dialog.getByLabel("姓名").fill("张新书记");
      const roles = dialog.getByLabel("角色（可多选）");
      await roles.click();
      await roles.fill("社区书记");
      await page.keyboard.press("Enter");
      await roles.fill("社区导师");
      await page.keyboard.press("Enter");
      await dialog.getByText("新建人员").click(); // closes the role list
      await dialog.getByLabel("手机号").fill("13812345678");
      await screenshot(page, "accounts-create-form", { fullPage: false });
      await dialog.getByRole("button", { name: /保\s*存/ }).click();

      const shown = page.getByTestId("handover-password").locator("code");
      await shown.waitFor();
      const initial = (await shown.textContent())!.trim();
      expect(initial).toMatch(/^(?=.*[a-z])(?=.*\d)[a-z0-9]{12}$/);
      await expect.poll(() => page.getByRole("dialog").textContent()).toContain("只显示这一次");
      await screenshot(page, "accounts-password-handover", { fullPage: false });
      await page.getByRole("button", { name: "我已记下" }).click();
      // the new person is in the list with both roles
      const row = page.getByTestId("users-table").getByRole("row").filter({ hasText: username });
      await expect.poll(() => row.textContent()).toContain("社区导师");
      expect(await row.textContent()).toContain("社区书记");
      return initial;
    });

    await withPage({ width: 390, height: 844 }, async (page) => {
      await signIn(page, username, password);
      await page.waitForURL("**/change-password");
      await page.getByRole("heading", { name: "请先修改密码" }).waitFor();
      // going elsewhere brings the person back
      await page.goto("/forums");
      await page.waitForURL("**/change-password");
      await page.getByLabel("初始密码 / 临时密码").fill(password);
      await page.getByLabel("新密码", { exact: true }).fill("xinmima2026");
      await page.getByLabel("确认新密码").fill("xinmima2026");
      await screenshot(page, "accounts-forced-change");
      await page.getByRole("button", { name: /设置新密码/ }).click();
      await page.waitForURL((url) => url.pathname === "/");
      await expect.poll(() => page.getByTestId("home-greeting").textContent()).toContain("张新书记");
      // the account page shows what the system holds, phone in full to the person
      await page.goto("/account");
      const held = page.getByTestId("held-data");
      await expect.poll(() => held.textContent()).toContain("13812345678");
      expect(await held.textContent()).toContain("社区导师");
      await screenshot(page, "accounts-own-account");
    });
  });

  test("a street admin sees only their street's people, as cards on a phone", async () => {
    await withPage({ width: 390, height: 844 }, async (page) => {
      await signIn(page, "street1");
      await page.goto("/admin/users");
      const cards = page.getByTestId("users-cards");
      await cards.getByText("sec1", { exact: true }).waitFor();
      const text = (await cards.textContent()) ?? "";
      expect(text).toContain("worker1");
      expect(text).not.toContain("sec2"); // 水上街道
      expect(text).not.toContain("sec3"); // 河东街道
      expect(text).not.toContain("organiser1");
      await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toContain("城中街道");
      // no sideways scrolling on a phone
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow).toBeLessThanOrEqual(0);
      await screenshot(page, "accounts-street-admin-phone");
    });
  });

  test("an organiser reads the audit log with filters", async () => {
    await withPage({ width: 1280, height: 860 }, async (page) => {
      await signIn(page, "organiser1");
      await page.goto("/admin/audit");
      const table = page.getByTestId("audit-table");
      await table.getByText("创建账号").first().waitFor();
      await screenshot(page, "accounts-audit");
    });
  });
});
