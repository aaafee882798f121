/**
 * The sensitive-word list in a real browser: an organiser imports a .txt list and tries it in the
 * test box; then a chat line carrying a disguised form of a word is refused with the usual message.
 */
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
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

describe("sensitive words", () => {
  test("an organiser imports a list; a traditional-character variant in a studio chat line is refused", async () => {
    const list = join(mkdtempSync(join(tmpdir(), "words-")), "词表.txt");
    writeFileSync(list, "\uFEFF# 本单位词表\n非法集资\n套路贷\n");

    const admin = await newPage(browser, { baseUrl: app.baseUrl });
    const errors: string[] = [];
    admin.on("pageerror", (e) => errors.push(e.message));
    await signIn(admin, "admin");
    await admin.goto("/admin/words");
    await admin.getByRole("heading", { name: "敏感词管理" }).waitFor();
    await admin.locator("input[type=file]").setInputFiles(list);
    await admin.getByText("读取 2 个词，新增 2 个").waitFor();
    await admin.getByLabel("测试一句话").fill("有人在群里推销 非-法-集-資 项目");
    await admin.getByRole("button", { name: /测\s*试/ }).click();
    await admin.getByText("会被拦截，匹配到：非法集资").waitFor();
    await screenshot(admin, "words-page");
    await admin.context().close();

    const mentee = await newPage(browser, { baseUrl: app.baseUrl, viewport: { width: 390, height: 844 } });
    mentee.on("pageerror", (e) => errors.push(e.message));
    await signIn(mentee, "sec1");
    await mentee.goto("/studios");
    await mentee.getByTestId("studio-row").filter({ hasText: "李建华导师工作室" }).click();
    await mentee.getByTestId("studio-messages").waitFor();
    const input = mentee.locator(".studio-composer textarea");
    await input.click();
    await input.fill("大家注意：最近有人搞非法集資，别上当");
    await input.press("Enter");
    await expect
      .poll(() => mentee.getByText("内容包含敏感词，请修改后再发送").count(), { timeout: 15_000 })
      .toBeGreaterThan(0);
    await screenshot(mentee, "words-refused-in-studio", { fullPage: false });
    await mentee.context().close();
    expect(errors).toEqual([]);
  });
});
