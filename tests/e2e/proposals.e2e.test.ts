/**
 * 党建创新项目 in a real browser: two users co-edit the demo proposal and converge with carets
 * visible; a viewer cannot type; offline edits merge after reconnecting; submitting locks the
 * editor; an IME composition is not broken by a concurrent remote edit in the same paragraph.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { DEMO_PASSWORD, launchBrowser, newPage, screenshot, signIn, startApp, type RunningApp } from "./harness.ts";

let app: RunningApp;
let browser: Browser;
let proposalId = "";

beforeAll(async () => {
  app = await startApp();
  browser = await launchBrowser();
  const sec1 = await apiLogin("sec1");
  const res = await fetch(`${app.baseUrl}/api/proposals`, { headers: { cookie: sec1 } });
  const { proposals } = (await res.json()) as { proposals: { id: string; title: string }[] };
  proposalId = proposals[0]!.id;
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

async function apiLogin(username: string): Promise<string> {
  const res = await fetch(`${app.baseUrl}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: app.baseUrl },
    body: JSON.stringify({ username, password: DEMO_PASSWORD }),
  });
  expect(res.status).toBe(200);
  return res.headers
    .getSetCookie()
    .find((c) => c.startsWith("session="))!
    .split(";")[0]!;
}

/** Uncaught errors in each page, named in a failure that could come from one (an editor that stopped updating). */
const pageErrors = new WeakMap<Page, string[]>();

async function openProposal(username: string, viewport?: { width: number; height: number }): Promise<Page> {
  const page = await newPage(browser, { baseUrl: app.baseUrl, viewport });
  const errors: string[] = [];
  pageErrors.set(page, errors);
  page.on("pageerror", (error) => errors.push(error.message));
  await signIn(page, username);
  await page.goto(`/proposals/${proposalId}`);
  try {
    // Generous: the first visit loads the editor chunk on a busy machine.
    await page.locator(".tiptap h2").first().waitFor({ timeout: 40_000 });
    await page.locator('.proposal-sync[data-state="synced"]').waitFor({ timeout: 40_000 });
  } catch (error) {
    await screenshot(page, `proposals-open-failed-${username}`);
    throw error;
  }
  return page;
}

/** The paragraph right after a section heading. */
const section = (page: Page, title: string) =>
  page.locator(`.proposal-editor-card .tiptap h2:has-text("${title}") + p`);

/** A section's text as a reader sees it (others' caret labels left out). */
const sectionText = (page: Page, title: string) =>
  section(page, title).evaluate((el) => {
    const copy = el.cloneNode(true) as HTMLElement;
    copy.querySelectorAll(".collaboration-carets__caret").forEach((c) => c.remove());
    return copy.textContent ?? "";
  });

/** Clicks at the end of a section's paragraph, waits for the editor's focus, and types slowly. */
async function typeInto(page: Page, title: string, text: string) {
  const p = section(page, title);
  await p.click();
  await expect.poll(() => page.evaluate(() => document.activeElement?.classList.contains("tiptap"))).toBe(true);
  await page.keyboard.press("End");
  await page.keyboard.type(text, { delay: 40 });
}

describe("proposals in the browser", () => {
  test("two users co-edit and converge, each seeing the other's named caret", async () => {
    const a = await openProposal("sec1");
    const b = await openProposal("sec2");
    try {
      await typeInto(a, "风险与应对", "汛期改室内");
      await typeInto(b, "评估指标", "议事会覆盖率");
      await expect.poll(() => sectionText(b, "风险与应对")).toBe("汛期改室内");
      await expect.poll(() => sectionText(a, "评估指标")).toBe("议事会覆盖率");
      // Carets with names.
      await a.locator(".collaboration-carets__label", { hasText: "刘洋书记" }).waitFor();
      await b.locator(".collaboration-carets__label", { hasText: "张丽书记" }).waitFor();
      // Same document on both sides.
      const text = (p: Page) =>
        p.locator(".tiptap").evaluate((el) => {
          const copy = el.cloneNode(true) as HTMLElement;
          copy.querySelectorAll(".collaboration-carets__caret").forEach((c) => c.remove());
          return copy.textContent ?? "";
        });
      await expect.poll(async () => (await text(a)) === (await text(b))).toBe(true);
      // The completeness panel follows.
      await expect.poll(() => a.locator('[data-section="风险与应对"]').getAttribute("data-filled")).toBe("true");
      await screenshot(a, "proposals-coedit-sec1");
      await screenshot(b, "proposals-coedit-sec2", { fullPage: false });
    } finally {
      await a.context().close();
      await b.context().close();
    }
  });

  test("a viewer sees live edits but cannot type", async () => {
    const sec1 = await apiLogin("sec1");
    const worker = await fetch(`${app.baseUrl}/api/proposals/people?q=worker1`, { headers: { cookie: sec1 } }).then(
      (r) => r.json(),
    );
    const add = await fetch(`${app.baseUrl}/api/proposals/${proposalId}/members`, {
      method: "POST",
      headers: { cookie: sec1, "content-type": "application/json", origin: app.baseUrl },
      body: JSON.stringify({ userId: worker.users[0].id, role: "viewer" }),
    });
    expect(add.status).toBe(200);
    const viewer = await openProposal("worker1", { width: 375, height: 800 });
    const owner = await openProposal("sec1");
    try {
      await viewer.locator(".proposal-readonly").waitFor();
      expect(await viewer.locator(".tiptap").getAttribute("contenteditable")).toBe("false");
      const before = await sectionText(viewer, "预期成效");
      await section(viewer, "预期成效").click();
      await viewer.keyboard.type("查看者输入", { delay: 20 });
      await typeInto(owner, "预期成效", "居民满意度提升");
      await expect.poll(() => sectionText(viewer, "预期成效")).toBe(`${before}居民满意度提升`);
      expect(await sectionText(owner, "预期成效")).not.toContain("查看者输入");
      await screenshot(viewer, "proposals-viewer-phone");
    } finally {
      await viewer.context().close();
      await owner.context().close();
    }
  });

  test("offline edits merge after setOffline(false)", async () => {
    const a = await openProposal("sec1");
    const b = await openProposal("sec2");
    try {
      await b.context().setOffline(true);
      await b.locator('.proposal-sync[data-state="offline"]').waitFor();
      await typeInto(b, "服务对象", "（离线补充）");
      await expect.poll(() => b.locator(".proposal-sync").textContent()).toContain("未同步");
      await typeInto(a, "项目目标", "（在线修改）");
      await screenshot(b, "proposals-offline", { fullPage: false });
      await b.context().setOffline(false);
      await b.locator('.proposal-sync[data-state="synced"]').waitFor();
      await expect.poll(() => sectionText(a, "服务对象")).toContain("（离线补充）");
      await expect.poll(() => sectionText(b, "项目目标")).toContain("（在线修改）");
    } finally {
      await a.context().close();
      await b.context().close();
    }
  });

  test("an IME composition is not broken by a concurrent remote edit in the same paragraph", async () => {
    const a = await openProposal("sec1");
    const b = await openProposal("sec2");
    try {
      const title = "风险与应对";
      const before = (await sectionText(a, title)) ?? "";
      await section(a, title).click();
      await expect.poll(() => a.evaluate(() => document.activeElement?.classList.contains("tiptap"))).toBe(true);
      await a.keyboard.press("End");
      const cdp = await a.context().newCDPSession(a);
      await cdp.send("Input.imeSetComposition", { text: "zh", selectionStart: 2, selectionEnd: 2 });
      await cdp.send("Input.imeSetComposition", { text: "zhong", selectionStart: 5, selectionEnd: 5 });
      // The pinyin being composed is not sent to others.
      await new Promise((r) => setTimeout(r, 500));
      expect(await sectionText(b, title)).toBe(before);
      // Meanwhile sec2 types in the same paragraph: at its start, then at its end, right where the
      // composition is.
      await section(b, title).click();
      await b.keyboard.press("Home");
      await b.keyboard.type("【", { delay: 40 });
      await b.keyboard.press("End");
      await b.keyboard.type("】", { delay: 40 });
      await new Promise((r) => setTimeout(r, 400));
      await cdp.send("Input.imeSetComposition", { text: "zhongw", selectionStart: 6, selectionEnd: 6 });
      await cdp.send("Input.insertText", { text: "中文" });
      // Concurrent inserts at one place are ordered by the CRDT: either order is a correct merge,
      // but the composed text must arrive once, whole, without pinyin, and both sides must agree.
      const allowed = [`【${before}中文】`, `【${before}】中文`];
      await expect.poll(async () => allowed.includes(await sectionText(a, title))).toBe(true);
      await expect.poll(async () => (await sectionText(b, title)) === (await sectionText(a, title))).toBe(true);
    } finally {
      await a.context().close();
      await b.context().close();
    }
  });

  test("a composition whose input method never ends it is released when the editor loses focus", async () => {
    const a = await openProposal("sec1");
    const b = await openProposal("sec2");
    try {
      const title = "风险与应对";
      await section(a, title).click();
      await expect.poll(() => a.evaluate(() => document.activeElement?.classList.contains("tiptap"))).toBe(true);
      await a.keyboard.press("End");
      // Some phone keyboards start a composition and never send its end: the start alone, then text.
      await a.evaluate(() =>
        document.activeElement?.dispatchEvent(new CompositionEvent("compositionstart", { bubbles: true })),
      );
      await a.keyboard.insertText("悬而未决");
      await expect.poll(() => sectionText(a, title)).toContain("悬而未决");
      await new Promise((r) => setTimeout(r, 500));
      expect(await sectionText(b, title)).not.toContain("悬而未决");
      // Leaving the editor ends it: what was typed goes out at once, not only after the idle wait
      // (10 s from the composition's start) that would release it otherwise.
      await a.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      await expect.poll(() => sectionText(b, title), { timeout: 3_000 }).toContain("悬而未决");
    } finally {
      await a.context().close();
      await b.context().close();
    }
  });

  test("the list filters by status; a selection becomes a comment thread the other member can reply to and resolve", async () => {
    const a = await newPage(browser, { baseUrl: app.baseUrl, viewport: { width: 375, height: 800 } });
    await signIn(a, "sec1");
    await a.goto("/proposals");
    await a.getByText("“红色管家”楼栋微治理项目").waitFor();
    await screenshot(a, "proposals-list-phone");
    await a.goto("/proposals?status=approved");
    await a.getByText("还没有项目").waitFor();
    await a.context().close();

    const b = await openProposal("sec2");
    const c = await openProposal("sec1");
    try {
      // Select the first four characters of 项目目标 and comment on them.
      await section(b, "项目目标").click();
      await b.keyboard.press("Home");
      await b.keyboard.down("Shift");
      for (let i = 0; i < 4; i++) await b.keyboard.press("ArrowRight");
      await b.keyboard.up("Shift");
      await b.getByRole("tab", { name: /评论/ }).click();
      await b.getByPlaceholder("写下你的意见…").fill("目标要量化到楼栋");
      await b.getByRole("button", { name: "评论所选文字" }).click();
      await b.locator(".proposal-thread").first().waitFor();
      await expect.poll(() => b.locator(".proposal-comment-anchor").count()).toBeGreaterThan(0);
      // The owner types before the anchor; the highlight still covers the same words.
      await c.getByRole("tab", { name: /评论/ }).click();
      const thread = c.locator(".proposal-thread").first();
      await thread.waitFor({ timeout: 15_000 });
      await section(c, "项目目标").click();
      await c.keyboard.press("Home");
      await c.keyboard.type("★", { delay: 40 });
      await expect.poll(() => b.locator(".proposal-comment-anchor").first().textContent()).toBe("一年内每");
      await thread.getByPlaceholder("回复…").fill("好的，下周补充");
      await thread.getByRole("button", { name: /回\s*复/ }).click();
      await thread.getByText("好的，下周补充").waitFor();
      await screenshot(c, "proposals-comments");
      await thread.getByRole("button", { name: "标记解决" }).click();
      await expect.poll(() => c.locator(".proposal-thread").count()).toBe(0);
    } finally {
      await b.context().close();
      await c.context().close();
    }
  });

  test("versions: save one, change the text, view the version read-only, restore it; export Word", async () => {
    const a = await openProposal("sec1");
    try {
      await a.getByRole("tab", { name: "版本" }).click();
      await a.getByPlaceholder("版本名称").fill("评审前定稿");
      await a.getByRole("button", { name: "保存版本" }).click();
      await a.locator(".proposal-versions").getByText("评审前定稿").waitFor();
      const saved = await sectionText(a, "评估指标");
      await typeInto(a, "评估指标", "（待删）");
      await expect.poll(() => sectionText(a, "评估指标")).toBe(`${saved}（待删）`);
      const item = a.locator(".proposal-versions .ant-list-item", { hasText: "评审前定稿" });
      await item.getByRole("button", { name: /查\s*看/ }).click();
      const modal = a.locator(".ant-modal", { hasText: "版本：评审前定稿" });
      await modal.locator(".proposal-static .tiptap").waitFor();
      expect(await modal.locator(".proposal-static .tiptap").getAttribute("contenteditable")).toBe("false");
      expect(await modal.locator(".proposal-static").textContent()).not.toContain("（待删）");
      const [download] = await Promise.all([
        a.waitForEvent("download"),
        modal.getByRole("button", { name: "导出 Word" }).click(),
      ]);
      expect(download.suggestedFilename()).toMatch(/\.docx$/);
      await screenshot(a, "proposals-version-view", { fullPage: false });
      await modal.getByRole("button", { name: /Close|关闭/ }).click();
      await modal.waitFor({ state: "hidden" });
      await item.getByRole("button", { name: /恢\s*复/ }).click();
      const restoreConfirm = a.getByRole("dialog").filter({ hasText: "确定恢复吗" });
      await restoreConfirm.getByRole("button", { name: /确\s*定/ }).click();
      await restoreConfirm.waitFor({ state: "hidden" });
      // a refusal shows as a message, the editor's connection as its sync state: name them in a failure
      await expect
        .poll(async () => {
          const text = await sectionText(a, "评估指标");
          if (text === saved) return text;
          const messages = await a.locator(".ant-message").allTextContents();
          const sync = await a.locator(".proposal-sync").getAttribute("data-state");
          const errors = pageErrors.get(a)?.join(" ") ?? "";
          return `${text} | 提示：${messages.join(" ")} | 同步：${sync} | 页面错误：${errors}`;
        })
        .toBe(saved);
    } finally {
      await a.context().close();
    }
  });

  test("submitting locks the editor for every editor at once", async () => {
    const a = await openProposal("sec1");
    const b = await openProposal("sec2");
    try {
      expect(await b.locator(".tiptap").getAttribute("contenteditable")).toBe("true");
      await a.getByRole("button", { name: "提交评审" }).click();
      await a
        .locator(".ant-modal-confirm")
        .getByRole("button", { name: /确\s*定|OK/ })
        .click();
      await expect.poll(() => a.locator(".tiptap").getAttribute("contenteditable")).toBe("false");
      await expect.poll(() => b.locator(".tiptap").getAttribute("contenteditable"), { timeout: 10_000 }).toBe("false");
      await a.locator(".proposal-readonly").waitFor();
      await a.getByRole("tab", { name: "版本" }).click();
      await a.getByText("第1轮 提交").waitFor();
      await screenshot(a, "proposals-submitted");
    } finally {
      await a.context().close();
      await b.context().close();
    }
  });

  test("the reviewer scores the submitted round and the owner sees the aggregate", async () => {
    const m = await openProposal("mentor1");
    try {
      await m.locator(".proposal-readonly").waitFor();
      await m.getByRole("tab", { name: "评审" }).click();
      for (const label of ["创新性", "可行性", "能力匹配", "预算合理性", "预期成效"]) {
        await m.locator(".ant-form-item", { hasText: label }).locator(".ant-rate-star > div").nth(3).click();
      }
      await m.getByLabel("评审意见").fill("思路清晰，预算可再细化");
      await m.getByRole("button", { name: "提交评分" }).click();
      await m
        .getByText(/20\/25/)
        .first()
        .waitFor();
      await screenshot(m, "proposals-review-mentor", { fullPage: false });
    } finally {
      await m.context().close();
    }
    const o = await openProposal("sec1");
    try {
      await o.getByRole("tab", { name: "评审" }).click();
      await o.getByText("第1轮 · 1 位评审").waitFor();
      await o.getByText("思路清晰，预算可再细化").waitFor();
      await expect.poll(() => o.locator(".ant-tag", { hasText: "评审中" }).count()).toBeGreaterThan(0);
      await screenshot(o, "proposals-review-owner");
    } finally {
      await o.context().close();
    }
  });
});
