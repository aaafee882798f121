/**
 * 老书记问答 in a real browser: a worker asks and sees similar questions while typing, a
 * 老书记 answers (the asker sees it arrive), the worker accepts it, and a two-character search
 * finds it. Also the phone layout and a live 老书记论坛 page.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Browser, Page } from "playwright-core";
import { clickSettled, launchBrowser, newPage, screenshot, signIn, startApp, type RunningApp } from "./harness.ts";

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

async function signedIn(username: string, viewport?: { width: number; height: number }): Promise<Page> {
  const page = await newPage(browser, { baseUrl: app.baseUrl, viewport });
  await signIn(page, username);
  return page;
}

describe("老书记问答", () => {
  test("ask with similar questions, a veteran answers, the asker accepts, a two-character search finds it", async () => {
    const worker = await signedIn("worker1");
    const veteran = await signedIn("veteran1");
    try {
      // the board shows the seeded questions
      await worker.goto("/qa");
      await worker
        .getByTestId("qa-list")
        .waitFor({ timeout: 30_000 })
        .catch(async (e) => {
          await screenshot(worker, "qa-debug");
          throw e;
        });
      await screenshot(worker, "qa-board-desktop");

      // asking: similar questions appear while the title is typed
      await worker.getByRole("link", { name: "我要提问" }).click();
      const title = worker.getByLabel("标题");
      await title.click();
      await title.pressSequentially("加装电梯时一楼住户要求补偿", { delay: 40 });
      const similar = worker.getByTestId("qa-similar");
      await expect
        .poll(() => similar.textContent(), { timeout: 10_000 })
        .toContain("老旧小区加装电梯，一楼住户坚决反对怎么协调？");
      await screenshot(worker, "qa-ask-similar");
      await title.pressSequentially("，补偿标准怎么定？", { delay: 20 });
      await worker.getByLabel("详细描述").fill("一楼两户说采光受影响，要求**每户补偿**，高层住户觉得太高。");
      await worker.getByLabel("能力分类").click();
      await clickSettled(worker.locator(".ant-select-item-option", { hasText: "协商议事力" }));
      await worker.getByLabel("标签").fill("加装电梯");
      await worker.getByLabel("标签").press("Enter");
      await worker.getByRole("button", { name: "发布问题" }).click();
      await worker.waitForURL(/\/qa\/questions\/[0-9a-f-]+$/);
      const questionUrl = new URL(worker.url()).pathname;
      await expect
        .poll(() => worker.getByTestId("qa-question-title").textContent())
        .toBe("加装电梯时一楼住户要求补偿，补偿标准怎么定？");
      expect(await worker.locator(".qa-markdown strong").first().textContent()).toBe("每户补偿");
      expect(await worker.locator(".ant-card").first().textContent()).toContain("#加装电梯");
      expect(await worker.locator(".ant-card").first().textContent()).toContain("协商议事力");

      // a 老书记 answers; the asker's open page shows it without reloading
      await veteran.goto(questionUrl);
      await veteran.getByLabel("我来回答").fill("按楼层系数分摊，请第三方评估采光影响，补偿写进协议。");
      await veteran.getByRole("button", { name: "发布回答" }).click();
      await veteran.getByText("回答已发布").waitFor();
      const answers = worker.getByTestId("qa-answers");
      await expect.poll(() => answers.textContent(), { timeout: 10_000 }).toContain("按楼层系数分摊");
      expect(await answers.locator(".qa-answer-veteran").count()).toBe(1);
      expect(await answers.textContent()).toContain("老书记");

      // the asker accepts
      await worker.getByRole("button", { name: "采纳" }).click();
      await worker.getByText("已采纳该回答").waitFor();
      await expect.poll(() => answers.locator(".qa-answer-accepted").count()).toBe(1);
      await screenshot(worker, "qa-question-accepted");

      // a two-character search finds it, with the characters highlighted
      await worker.goto("/qa");
      const search = worker.getByRole("searchbox", { name: "搜索问题和回答" });
      await search.fill("补偿");
      await search.press("Enter");
      await expect.poll(() => new URL(worker.url()).searchParams.get("q")).toBe("补偿");
      const list = worker.getByTestId("qa-list");
      await expect
        .poll(() => list.locator("li").first().textContent(), { timeout: 10_000 })
        .toContain("加装电梯时一楼住户要求补偿");
      expect(await list.locator("li").first().locator("mark").first().textContent()).toBe("补偿");
      await screenshot(worker, "qa-search-two-chars");

      // the answer counts on the veteran's profile and the leaderboard
      await worker.goto("/qa/leaders");
      await expect.poll(() => worker.locator("table").textContent()).toContain("陈国强老书记");
      await screenshot(worker, "qa-leaderboard");
      await worker.getByRole("link", { name: "陈国强老书记" }).click();
      await expect.poll(() => worker.locator(".qa-profile").textContent()).toContain("加装电梯时一楼住户要求补偿");
      expect(await worker.locator(".qa-profile").textContent()).toContain("协商议事力");
      await screenshot(worker, "qa-veteran-profile");
    } finally {
      await worker.context().close();
      await veteran.context().close();
    }
  });

  test("Markdown with a script tag, a javascript: link and an event handler runs nothing in the browser", async () => {
    const page = await signedIn("sec1");
    try {
      const body = [
        "**正常加粗**，[正常链接](https://example.org)",
        "<script>window.__xss = 'script'</script>",
        "[点我](javascript:window.__xss='link') <a href=\"javascript:window.__xss='a'\">a</a>",
        "<img src=x onerror=\"window.__xss='img'\"> <div onmouseover=\"window.__xss='div'\">块</div>",
      ].join("\n\n");
      const res = await page.request.post("/api/questions", { data: { title: "Markdown 安全测试", body } });
      expect(res.status()).toBe(201);
      const { question } = (await res.json()) as { question: { id: string } };
      await page.goto(`/qa/questions/${question.id}`);
      const markdown = page.locator(".qa-markdown").first();
      await markdown.locator("strong").waitFor();
      await page
        .getByRole("link", { name: "点我" })
        .click()
        .catch(() => {});
      await markdown.hover();
      expect(await page.evaluate(() => (window as unknown as { __xss?: string }).__xss)).toBeUndefined();
      expect(await markdown.locator("script, img, iframe, svg").count()).toBe(0);
      const unsafe = await markdown.evaluate(
        (root) =>
          [...root.querySelectorAll("*")].filter(
            (el) =>
              el.getAttributeNames().some((a) => a.startsWith("on")) ||
              /^\s*javascript:/i.test(el.getAttribute("href") ?? ""),
          ).length,
      );
      expect(unsafe).toBe(0);
      expect(await markdown.textContent()).toContain("<script>");
      expect(await markdown.locator('a[href="https://example.org"]').getAttribute("rel")).toBe(
        "noopener noreferrer nofollow",
      );
    } finally {
      await page.context().close();
    }
  });

  test("a report reaches the admin, who hides the answer with a reason and restores it; the trail shows both", async () => {
    const reporter = await signedIn("sec2");
    const admin = await signedIn("admin");
    try {
      await reporter.goto(`/qa?q=${encodeURIComponent("议事会")}`);
      await reporter.getByRole("link", { name: "居民议事会开成了吵架会，怎么引导大家有序协商？" }).click();
      const answers = reporter.getByTestId("qa-answers");
      await answers.waitFor();
      await answers
        .getByRole("button", { name: /^举\s*报$/ })
        .first()
        .click();
      await reporter.getByLabel("举报原因").fill("内容与问题无关");
      await reporter
        .getByRole("dialog")
        .getByRole("button", { name: /^举\s*报$/ })
        .click();
      await reporter.getByText("已收到举报").waitFor();
      const questionUrl = new URL(reporter.url()).pathname;

      await admin.goto("/qa/moderation");
      const reports = admin.locator(".ant-card").filter({ hasText: "待处理举报" });
      await expect.poll(() => reports.textContent()).toContain("内容与问题无关");
      await reports
        .getByRole("button", { name: /^隐\s*藏$/ })
        .first()
        .click();
      await admin.getByLabel("原因（将记入审计记录）").fill("核实后与问题无关");
      await admin
        .getByRole("dialog")
        .getByRole("button", { name: /^隐\s*藏$/ })
        .click();
      const trail = admin.locator(".ant-card").filter({ hasText: "审计记录" });
      await expect.poll(() => trail.textContent()).toContain("核实后与问题无关");
      await screenshot(admin, "qa-moderation");

      await reporter.reload();
      await reporter.getByTestId("qa-question-title").waitFor();
      await expect.poll(() => reporter.locator("main").textContent()).toContain("还没有回答");

      await admin.goto(questionUrl);
      await expect
        .poll(() => admin.getByTestId("qa-answers").textContent())
        .toContain("此内容已被管理员隐藏：核实后与问题无关");
      await admin
        .getByTestId("qa-answers")
        .getByRole("button", { name: /^恢\s*复$/ })
        .click();
      await admin.getByLabel("原因（将记入审计记录）").fill("复核后恢复");
      const restoreDialog = admin.getByRole("dialog").filter({ hasText: "原因（将记入审计记录）" });
      await restoreDialog.getByRole("button", { name: /^恢\s*复$/ }).click();
      await restoreDialog.waitFor({ state: "hidden" });
      // a refusal shows as a message: name it in a failure rather than the hidden text alone
      await expect
        .poll(async () => {
          const text = (await admin.getByTestId("qa-answers").textContent()) ?? "";
          const messages = await admin.locator(".ant-message").allTextContents();
          return text.includes("此内容已被管理员隐藏") ? `${text} | 提示：${messages.join(" ")}` : "已恢复";
        })
        .toBe("已恢复");
      await reporter.reload();
      await expect.poll(() => reporter.getByTestId("qa-answers").textContent()).toContain("先定规则");
    } finally {
      await reporter.context().close();
      await admin.context().close();
    }
  });

  test("phone layout: the board and a question fit 375 px", async () => {
    const page = await signedIn("sec2", { width: 375, height: 812 });
    try {
      await page.goto("/qa");
      await page.getByTestId("qa-list").waitFor();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(1);
      await screenshot(page, "qa-board-phone");
      await page.getByTestId("qa-list").locator("a.qa-row-title").first().click();
      await page.getByTestId("qa-question-title").waitFor();
      expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(
        1,
      );
      await screenshot(page, "qa-question-phone");
    } finally {
      await page.context().close();
    }
  });

  test("a live 老书记论坛: the host starts it and a worker sees the current question and new answers", async () => {
    const admin = await signedIn("admin");
    const worker = await signedIn("sec3");
    try {
      await admin.goto("/qa/events");
      await admin.getByRole("link", { name: "第四季度老书记论坛" }).first().waitFor();
      await screenshot(admin, "qa-events-admin");
      await admin.getByRole("link", { name: "第四季度老书记论坛" }).first().click();
      await admin.waitForURL(/\/qa\/events\/[0-9a-f-]+$/);
      const eventUrl = new URL(admin.url()).pathname;
      await worker.goto(eventUrl);
      await worker.getByRole("heading", { name: /第四季度老书记论坛/ }).waitFor();

      await admin.getByRole("button", { name: "开始论坛" }).click();
      const current = worker.getByTestId("qa-live-current");
      await current.waitFor({ timeout: 10_000 });
      const currentTitle = await current.locator("h3").textContent();
      expect(currentTitle).toBeTruthy();

      await admin.getByLabel("回答这个问题").fill("现场回答：先把党员骨干组织起来。");
      await admin.getByRole("button", { name: "发布回答" }).click();
      await expect.poll(() => current.textContent(), { timeout: 10_000 }).toContain("先把党员骨干组织起来");
      await expect.poll(() => worker.getByTestId("qa-live-summary").textContent()).toMatch(/已解答 1 个/);
      await screenshot(worker, "qa-live-event");
    } finally {
      await admin.context().close();
      await worker.context().close();
    }
  });
});
