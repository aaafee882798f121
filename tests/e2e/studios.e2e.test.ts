/**
 * 导师工作室 in a real browser: the demo mentor and a mentee chat on phone-sized screens; the mentee
 * drops offline while the mentor sends three messages and, back online, sees each once and in order;
 * typing indicator, read receipt, unread count, pending message sent on reconnect, tasks.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Browser, Page } from "playwright-core";
import { clickSettled, launchBrowser, newPage, screenshot, signIn, startApp, type RunningApp } from "./harness.ts";

let app: RunningApp;
let browser: Browser;

beforeAll(async () => {
  // a loaded machine can take well over a minute to start the app
  app = await startApp({ readyTimeoutMs: 180_000 });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const PHONE = { width: 375, height: 740 };

/** The harness's sign-in, with a screenshot and the page text when it fails (to tell slowness from a bug). */
async function logIn(page: Page, username: string) {
  try {
    await signIn(page, username);
  } catch (error) {
    await screenshot(page, `studios-failed-login-${username}-${Date.now()}`, { fullPage: false });
    console.error(
      page.url(),
      await page
        .locator("body")
        .innerText()
        .catch(() => ""),
    );
    throw error;
  }
}

async function phonePage() {
  const page = await newPage(browser, { baseUrl: app.baseUrl, viewport: PHONE });
  page.on("pageerror", (e) => console.error("pageerror:", e.message));
  return page;
}

async function openDemoStudio(page: Page) {
  await page.goto("/studios");
  await page.getByTestId("studio-row").filter({ hasText: "李建华导师工作室" }).click();
  await page.waitForURL(/\/studios\/[0-9a-f-]{36}/);
  try {
    await page.getByTestId("studio-messages").waitFor();
  } catch (error) {
    await screenshot(page, `studios-failed-open-${Date.now()}`, { fullPage: false });
    console.error(await page.locator("#main").innerText());
    throw error;
  }
}

/** The text of every chat line on the page, in order. */
async function chatTexts(page: Page): Promise<string[]> {
  return page.getByTestId("studio-message").locator(".studio-text").allTextContents();
}

async function send(page: Page, text: string) {
  const input = page.locator(".studio-composer textarea");
  await input.click();
  await input.fill(text);
  await input.press("Enter");
}

describe("studios in the browser", () => {
  test("mentor and mentee chat; the mentee goes offline, misses three messages, and gets each once in order", async () => {
    const mentorPage = await phonePage();
    const menteePage = await phonePage();
    try {
      await logIn(mentorPage, "mentor1");
      await logIn(menteePage, "sec1");

      // the list shows the demo studio with sec1's unread count, also in the page title
      await menteePage.goto("/studios");
      const unread = menteePage.getByTestId("studio-unread");
      await expect.poll(() => unread.textContent()).toBe("2");
      await expect.poll(() => menteePage.title()).toMatch(/^\(2\) /);
      await screenshot(menteePage, "studios-list-phone");

      await openDemoStudio(mentorPage);
      await openDemoStudio(menteePage);
      await expect.poll(() => chatTexts(menteePage)).toContain("收到，本周内交。");
      // having read to the bottom, sec1 has no unread left
      await expect.poll(() => menteePage.title()).not.toMatch(/^\(\d+\) /);

      // typing indicator
      const mentorInput = mentorPage.locator(".studio-composer textarea");
      await mentorInput.click();
      await mentorInput.pressSequentially("今天", { delay: 50 });
      await expect.poll(() => menteePage.getByTestId("studio-typing").textContent()).toContain("李建华导师 正在输入");
      await screenshot(menteePage, "studios-typing-phone", { fullPage: false });
      await mentorInput.fill("");

      // a message and its read receipt: sec1 reads it, so the mentor sees 已读 1/2 (sec2 is away)
      await send(mentorPage, "大家好，今天讨论加装电梯的议事流程 https://example.org/guide");
      await expect
        .poll(() => chatTexts(menteePage))
        .toContain("大家好，今天讨论加装电梯的议事流程 https://example.org/guide");
      const lastReceipt = mentorPage.getByTestId("studio-receipt").last();
      await expect.poll(() => lastReceipt.textContent()).toBe("已读 1/2");
      // the link is an anchor, not raw HTML
      await expect.poll(() => menteePage.locator('a.studio-link[href="https://example.org/guide"]').count()).toBe(1);
      await screenshot(mentorPage, "studios-receipt-phone", { fullPage: false });

      // the mentee drops off the network
      await menteePage.context().setOffline(true);
      await expect.poll(() => menteePage.getByTestId("studio-offline").count(), { timeout: 40_000 }).toBe(1);
      // something written offline waits as pending
      await send(menteePage, "我这边网络不好，稍后回复");
      await expect.poll(() => menteePage.getByTestId("studio-pending").count()).toBe(1);

      const three = ["第一条：先摸清楼栋意见", "第二条：分歧大的户单独上门", "第三条：议事结果张榜公示"];
      for (const text of three) await send(mentorPage, text);
      await expect.poll(async () => (await chatTexts(mentorPage)).filter((x) => three.includes(x))).toEqual(three);
      await screenshot(menteePage, "studios-offline-phone", { fullPage: false });
      expect((await chatTexts(menteePage)).filter((x) => three.includes(x))).toEqual([]);

      // back online: the three arrive once each, in order, and the pending message goes out once
      await menteePage.context().setOffline(false);
      await expect
        .poll(async () => (await chatTexts(menteePage)).filter((x) => three.includes(x)), { timeout: 30_000 })
        .toEqual(three);
      await expect.poll(() => menteePage.getByTestId("studio-pending").count(), { timeout: 20_000 }).toBe(0);
      await expect
        .poll(async () => (await chatTexts(mentorPage)).filter((x) => x === "我这边网络不好，稍后回复").length)
        .toBe(1);
      const seqs = await menteePage
        .getByTestId("studio-message")
        .evaluateAll((els) => els.map((el) => Number(el.getAttribute("data-seq"))));
      expect(new Set(seqs).size).toBe(seqs.length);
      expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
      expect((await chatTexts(menteePage)).filter((x) => x === "我这边网络不好，稍后回复")).toHaveLength(1);
      await screenshot(menteePage, "studios-back-online-phone", { fullPage: false });
    } finally {
      await mentorPage.context().close();
      await menteePage.context().close();
    }
  });

  test("the mentee acknowledges the demo task and marks it done; the mentor sees the states", async () => {
    const mentorPage = await phonePage();
    const menteePage = await phonePage();
    try {
      await logIn(mentorPage, "mentor1");
      await logIn(menteePage, "sec1");
      await openDemoStudio(mentorPage);
      await openDemoStudio(menteePage);
      await menteePage.getByTestId("studio-tasks-button").click();
      const card = menteePage.locator(".ant-drawer").getByTestId("studio-task").first();
      const mine = card.locator("li", { hasText: "张丽书记" });
      await expect.poll(() => mine.textContent()).toContain("待确认");
      await card.getByRole("button", { name: /^收\s*到$/ }).click();
      await expect.poll(() => mine.textContent()).toContain("已收到");
      await screenshot(menteePage, "studios-tasks-phone", { fullPage: false });
      await card.getByRole("button", { name: "标记完成" }).click();
      await expect.poll(() => mine.textContent()).toContain("已完成");
      // the mentor sees it on the task card in the chat, live
      const inChat = mentorPage
        .getByTestId("studio-messages")
        .getByTestId("studio-task")
        .first()
        .locator("li", { hasText: "张丽书记" });
      await expect.poll(() => inChat.textContent()).toContain("已完成");

      // the pinned guidance bar and the desktop layout
      await mentorPage.setViewportSize({ width: 1280, height: 800 });
      await mentorPage.getByTestId("studio-pinbar").waitFor();
      await screenshot(mentorPage, "studios-room-desktop", { fullPage: false });
    } finally {
      await mentorPage.context().close();
      await menteePage.context().close();
    }
  });

  test("an admin creates a studio of mentor1 with sec3 and sec2 on a phone; sec3 finds it in the list", async () => {
    const admin = await phonePage();
    const sec3 = await phonePage();
    try {
      await logIn(admin, "admin");
      await admin.goto("/studios/new");
      await admin.getByLabel("工作室名称").fill("黄海燕书记结对工作室");
      const pick = async (label: string, name: string) => {
        await admin.getByLabel(label).click();
        await admin.getByLabel(label).fill(name);
        await clickSettled(admin.locator(".ant-select-item-option", { hasText: name }).first());
      };
      await pick("社区导师", "李建华导师");
      // one mentee is not enough
      await pick("结对书记（2–3 名）", "黄海燕书记");
      await admin.getByRole("button", { name: "创建工作室" }).click();
      await expect.poll(() => admin.getByText("请选择 2–3 名书记").count()).toBe(1);
      await pick("结对书记（2–3 名）", "刘洋书记");
      await admin.keyboard.press("Escape");
      await screenshot(admin, "studios-admin-create-phone", { fullPage: false });
      await admin.getByRole("button", { name: "创建工作室" }).click();
      await admin.waitForURL((url) => url.pathname === "/studios");
      await expect.poll(() => admin.getByTestId("studio-list").textContent()).toContain("黄海燕书记结对工作室");

      await logIn(sec3, "sec3");
      await sec3.goto("/studios");
      await expect.poll(() => sec3.getByTestId("studio-list").textContent()).toContain("黄海燕书记结对工作室");
      await sec3.getByTestId("studio-row").first().click();
      await sec3.getByText("还没有消息").waitFor();
      await send(sec3, "李导师好，我是黄海燕");
      await expect.poll(() => chatTexts(sec3)).toEqual(["李导师好，我是黄海燕"]);
    } finally {
      await admin.context().close();
      await sec3.context().close();
    }
  });
  test("an organiser adds sec3 to the demo studio from the 成员 panel; sec3 finds it, then sees the leaving banner when taken out", async () => {
    const organiser = await newPage(browser, { baseUrl: app.baseUrl, viewport: { width: 1280, height: 860 } });
    organiser.on("pageerror", (e) => console.error("pageerror:", e.message));
    const sec3 = await phonePage();
    try {
      await logIn(organiser, "organiser1");
      await organiser.goto("/studios");
      await organiser.getByTestId("studio-tab-mentor").waitFor();
      const row = organiser.locator(".studio-list-item", { hasText: "李建华导师工作室" });
      await expect.poll(() => row.getByTestId("studio-term").textContent()).toMatch(/剩余 1 年 1[01] 个月/);
      await screenshot(organiser, "studios-list-desktop", { fullPage: false });
      await row.getByTestId("studio-manage").click();
      const panel = organiser.getByTestId("studio-members-panel");
      await panel.waitFor();
      await organiser.getByLabel("搜索书记姓名或账号").fill("黄海燕");
      await clickSettled(organiser.locator(".ant-select-item-option", { hasText: "黄海燕书记" }).first());
      await panel.getByTestId("studio-member-add").click();
      await expect
        .poll(() => panel.getByTestId("studio-member-row").allTextContents())
        .toEqual(expect.arrayContaining([expect.stringContaining("黄海燕书记")]));
      await expect.poll(() => panel.getByTestId("studio-member-row").count()).toBe(4);
      await screenshot(organiser, "studios-members-desktop", { fullPage: false });

      await logIn(sec3, "sec3");
      await sec3.goto("/studios");
      await expect.poll(() => sec3.getByTestId("studio-list").textContent()).toContain("李建华导师工作室");
      await screenshot(sec3, "studios-list-phone", { fullPage: false });
      await sec3.getByTestId("studio-row").filter({ hasText: "李建华导师工作室" }).click();
      await sec3.getByTestId("studio-system-line").filter({ hasText: "黄海燕书记加入了工作室" }).waitFor();

      // taken out again (with a confirm): her open room turns read-only at once
      await panel.getByRole("button", { name: "移出 黄海燕书记" }).click();
      // antd spaces out a two-character button label (「移 出」)
      await clickSettled(organiser.locator(".ant-popconfirm").getByRole("button", { name: /^移\s*出$/ }));
      await expect.poll(() => panel.getByTestId("studio-member-row").count()).toBe(3);
      await sec3.getByTestId("studio-left-banner").waitFor();
      await sec3.getByTestId("studio-system-line").filter({ hasText: "黄海燕书记离开了工作室" }).waitFor();
      await expect.poll(() => sec3.locator(".studio-composer").count()).toBe(0);
      await screenshot(sec3, "studios-left-phone", { fullPage: false });
    } finally {
      await organiser.context().close();
      await sec3.context().close();
    }
  });

  test("the list and the 成员 panel on a phone", async () => {
    const organiser = await phonePage();
    try {
      await logIn(organiser, "organiser1");
      await organiser.goto("/studios");
      await organiser.getByTestId("studio-tab-mentor").waitFor();
      await screenshot(organiser, "studios-list-organiser-phone", { fullPage: false });
      await organiser
        .locator(".studio-list-item", { hasText: "李建华导师工作室" })
        .getByTestId("studio-manage")
        .click();
      await organiser.getByTestId("studio-members-panel").waitFor();
      await expect.poll(() => organiser.getByTestId("studio-members-panel").textContent()).toContain("已离开（1）");
      await screenshot(organiser, "studios-members-phone", { fullPage: false });
      await organiser.keyboard.press("Escape");
      await organiser.getByTestId("studio-tab-bangdai").click();
      await organiser.getByText("还没有老书记帮带").waitFor();
    } finally {
      await organiser.context().close();
    }
  });
});
