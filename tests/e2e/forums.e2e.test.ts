/**
 * 书记论坛 in a real browser: a presenter and two viewers in separate browser contexts. The presenter
 * uploads a PDF made here and turns the page, both viewers follow; a viewer asks, the other upvotes,
 * the presenter marks it answered. Then a 群众考书记 round scored from phones, seen on the projector.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Browser, Page } from "playwright-core";
import { PDFDocument, StandardFonts, rgb } from "pdf-lib";
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Forum } from "../../shared/forums.ts";
import { clickSettled, launchBrowser, newPage, screenshot, signIn, startApp, type RunningApp } from "./harness.ts";

let app: RunningApp;
let browser: Browser;
const pages: Page[] = [];

beforeAll(async () => {
  app = await startApp();
  browser = await launchBrowser();
});

afterAll(async () => {
  for (const p of pages)
    await p
      .context()
      .close()
      .catch(() => {});
  await browser?.close();
  await app?.stop();
});

async function open(username: string, viewport?: { width: number; height: number }): Promise<Page> {
  const page = await newPage(browser, { baseUrl: app.baseUrl, viewport });
  pages.push(page);
  await signIn(page, username);
  return page;
}

async function makeDeck(pagesCount: number): Promise<string> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.HelveticaBold);
  for (let i = 1; i <= pagesCount; i++) {
    const page = pdf.addPage([960, 540]);
    page.drawRectangle({ x: 0, y: 440, width: 960, height: 100, color: rgb(0.66, 0.03, 0.1) });
    page.drawText(`E2E slide ${i}`, { x: 80, y: 240, size: 72, font });
  }
  const path = join(mkdtempSync(join(tmpdir(), "deck-")), "deck.pdf");
  writeFileSync(path, await pdf.save());
  return path;
}

/** Creates a forum as the signed-in user of `page`, through the REST API with the page's cookie. */
async function createForum(page: Page, body: object): Promise<Forum> {
  const res = await page.request.post("/api/forums", { data: body });
  expect(res.status(), await res.text()).toBe(201);
  return ((await res.json()) as { forum: Forum }).forum;
}

async function userId(page: Page): Promise<string> {
  return ((await (await page.request.get("/api/me")).json()) as { user: { id: string } }).user.id;
}

const slideState = (page: Page) => page.getByTestId("pdf-slide").first();

/** The smallest computed font size (px) of any visible text inside the element with this test id. */
function smallestText(page: Page, testId: string): Promise<number> {
  return page.getByTestId(testId).evaluate((root) => {
    let smallest = Infinity;
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement;
      if (!el || !node.textContent?.trim() || el.getClientRects().length === 0) continue;
      smallest = Math.min(smallest, parseFloat(getComputedStyle(el).fontSize));
    }
    return smallest;
  });
}

describe("forums in the browser", () => {
  test("the demo forum is listed as upcoming with its deck; a secretary builds an agenda on a phone", async () => {
    const secretary = await open("sec1", { width: 375, height: 800 });
    await secretary.goto("/forums");
    await secretary.getByRole("tab", { name: /即将开始/ }).click();
    await secretary.getByText("第三期书记论坛：老旧小区改造中的居民动员").waitFor();
    await screenshot(secretary, "forums-list-phone");
    await secretary.getByText("第三期书记论坛：老旧小区改造中的居民动员").click();
    await expect.poll(() => secretary.getByTestId("forum-status").textContent()).toBe("未开始");
    // sec1 presents the first talk: the seeded deck can be replaced before the start
    expect(await secretary.getByTestId("deck-upload").first().textContent()).toContain("更换演示文稿");

    await secretary.goto("/forums/new");
    await secretary.getByLabel("论坛标题").fill("手机上新建的论坛");
    await secretary.getByLabel("发言题目").fill("社区议事厅的三年");
    await secretary.getByLabel("发言人").click();
    await clickSettled(secretary.getByTitle(/刘洋书记/));
    await screenshot(secretary, "forums-create-phone");
    await secretary.getByRole("button", { name: /创\s*建/ }).click();
    await secretary.getByTestId("forum-room").waitFor();
    expect(await secretary.locator(".page-title").textContent()).toBe("手机上新建的论坛");
    // the host's agenda carries the tools (the audience's is a plain list)
    await secretary.getByRole("button", { name: "编辑发言：社区议事厅的三年" }).waitFor();
  });

  test("presenter uploads and turns pages; viewers follow; ask, upvote, mark answered", async () => {
    const presenter = await open("sec1");
    const viewerA = await open("worker1");
    const viewerB = await open("resident1", { width: 375, height: 760 });
    const forum = await createForum(presenter, {
      title: "E2E 书记论坛",
      mode: "forum",
      startsAt: new Date(Date.now() + 60_000).toISOString(),
      talks: [{ title: "协商议事的五个步骤", presenterId: await userId(presenter), plannedMinutes: 10 }],
    });

    await presenter.goto(`/forums/${forum.id}`);
    await presenter.getByRole("button", { name: "开始论坛" }).click();
    await expect.poll(() => presenter.getByTestId("forum-status").textContent()).toBe("进行中");
    await presenter
      .locator('input[type="file"]')
      .first()
      .setInputFiles(await makeDeck(3));
    await expect
      .poll(() => presenter.getByTestId("page-indicator").textContent(), { timeout: 15_000 })
      .toBe("第 1 / 3 页");
    await expect.poll(() => slideState(presenter).getAttribute("data-state"), { timeout: 15_000 }).toBe("ready");

    for (const viewer of [viewerA, viewerB]) {
      await viewer.goto(`/forums/${forum.id}`);
      await expect.poll(() => slideState(viewer).getAttribute("data-state"), { timeout: 15_000 }).toBe("ready");
      expect(await viewer.getByTestId("page-indicator").textContent()).toBe("第 1 / 3 页");
    }

    await presenter.getByRole("button", { name: "下一页" }).click();
    for (const viewer of [viewerA, viewerB]) {
      await expect.poll(() => viewer.getByTestId("page-indicator").textContent()).toBe("第 2 / 3 页");
      await expect.poll(() => slideState(viewer).getAttribute("data-page")).toBe("2");
      await expect.poll(() => slideState(viewer).getAttribute("data-state")).toBe("ready");
    }
    // a viewer pages back on their own, then jumps back to live
    await viewerA.getByRole("button", { name: "上一页" }).click();
    await expect.poll(() => viewerA.getByTestId("page-indicator").textContent()).toBe("第 1 / 3 页");
    expect(await presenter.getByTestId("page-indicator").textContent()).toBe("第 2 / 3 页");
    await viewerA.getByTestId("follow-live").click();
    await expect.poll(() => viewerA.getByTestId("page-indicator").textContent()).toBe("第 2 / 3 页");

    // viewer A asks; viewer B (on a phone) upvotes; the presenter marks it answered
    const question = "加装电梯时，一楼住户的顾虑怎么化解？";
    await viewerA.getByLabel("向发言人提问…").fill(question);
    await viewerA
      .getByRole("button", { name: "提 问" })
      .or(viewerA.getByRole("button", { name: "提问" }))
      .first()
      .click();
    const onB = viewerB.getByTestId("question").filter({ hasText: question });
    await onB.waitFor();
    await onB.getByRole("button", { name: /赞同/ }).click();
    const onPresenter = presenter.getByTestId("question").filter({ hasText: question });
    await expect.poll(() => onPresenter.getByTestId("vote-count").textContent()).toBe("1");
    await expect
      .poll(() => viewerA.getByTestId("question").filter({ hasText: question }).getByTestId("vote-count").textContent())
      .toBe("1");
    await onPresenter.getByRole("button", { name: "标为已回答" }).click();
    // 现场问政: a one-line note of the answer given on stage, shown to everyone
    await presenter.getByTestId("answer-note-input").fill("先开楼栋协商会，一楼补偿方案由全体住户表决");
    await presenter
      .getByRole("dialog")
      .getByRole("button", { name: /保\s*存/ })
      .click();
    await expect
      .poll(() =>
        viewerA.getByTestId("question").filter({ hasText: question }).getByTestId("answer-note").textContent(),
      )
      .toContain("一楼补偿方案");
    await expect
      .poll(() => viewerA.getByTestId("question").filter({ hasText: question }).getAttribute("data-status"))
      .toBe("answered");
    await expect.poll(() => onB.getAttribute("data-status")).toBe("answered");

    await screenshot(presenter, "forums-room-presenter", { fullPage: false });
    await screenshot(viewerB, "forums-room-phone", { fullPage: false });

    // the host ends it and the archive shows what happened
    await presenter.getByRole("button", { name: "结束论坛" }).click();
    const endConfirm = presenter.getByRole("dialog").filter({ hasText: "确定结束论坛" });
    await endConfirm.getByRole("button", { name: /确\s*定/ }).click();
    await endConfirm.waitFor({ state: "hidden" });
    // a refusal would show as a message: name it in the failure rather than a bare 进行中
    await expect
      .poll(async () => {
        const status = await presenter.getByTestId("forum-status").textContent();
        const messages = await presenter.locator(".ant-message").allTextContents();
        return status === "已结束" ? status : `${status} ${messages.join(" ")}`;
      })
      .toBe("已结束");
    await viewerA.goto(`/forums/${forum.id}/archive`);
    await viewerA.getByTestId("forum-archive").waitFor();
    expect(await viewerA.getByTestId("forum-archive").textContent()).toContain(question);
    await screenshot(viewerA, "forums-archive");
  });

  test("群众考书记: the host opens a round, two phones score with ballot codes, the projector shows the scoreboard", async () => {
    const host = await open("sec2");
    // people in the hall have no accounts: each phone opens a printed ballot code
    const guestPhone = async () => {
      const page = await newPage(browser, { baseUrl: app.baseUrl, viewport: { width: 375, height: 760 } });
      pages.push(page);
      return page;
    };
    const residentPhone = await guestPhone();
    const workerPhone = await guestPhone();
    const presenterId = (
      (await (await host.request.get("/api/forums/presenters")).json()) as {
        users: { id: string; displayName: string }[];
      }
    ).users.find((u) => u.displayName.includes("黄海燕"))!.id;
    const forum = await createForum(host, {
      title: "E2E 群众考书记",
      mode: "examination",
      startsAt: new Date().toISOString(),
      talks: [{ title: "河东第三社区停车难治理", presenterId, capability: "coordination", plannedMinutes: 15 }],
    });
    const deck = await host.request.post(`/api/forums/${forum.id}/talks/${forum.talks[0]!.id}/deck`, {
      multipart: {
        file: {
          name: "停车治理.pdf",
          mimeType: "application/pdf",
          buffer: Buffer.from(await (await import("node:fs/promises")).readFile(await makeDeck(2))),
        },
      },
    });
    expect(deck.status(), "the host uploads the deck for the presenter").toBe(201);
    await host.goto(`/forums/${forum.id}`);
    await host.getByTestId("forum-room").waitFor();
    await host.getByRole("button", { name: "开始论坛" }).click();
    await host.getByRole("tab", { name: "评分" }).click();
    await host.getByRole("button", { name: "开始评分" }).click();
    await host.getByRole("button", { name: "结束评分" }).waitFor();

    const codes = await host.request.post(`/api/forums/${forum.id}/ballot-codes`, {
      data: { group: "public", count: 2 },
    });
    expect(codes.status()).toBe(201);
    const [codeA, codeB] = ((await codes.json()) as { codes: { code: string }[] }).codes.map((c) => c.code);
    for (const [phone, stars, code] of [
      [residentPhone, 5, codeA],
      [workerPhone, 3, codeB],
    ] as const) {
      await phone.goto(`/g/${code}`);
      await phone.getByRole("tab", { name: "评分" }).click();
      const rows = phone.locator(".ballot-row");
      await expect.poll(() => rows.count()).toBe(7);
      for (let i = 0; i < 7; i++)
        await rows
          .nth(i)
          .locator(".ant-rate-star")
          .nth(stars - 1)
          .locator("div[role=radio]")
          .click();
      await phone.getByRole("button", { name: /提交评分/ }).click();
      await phone.getByText("评分已提交，结束前可修改").waitFor();
    }
    await screenshot(residentPhone, "forums-score-phone", { fullPage: false });

    // a pre-moderated question: the host approves it and puts it on the big screen
    const asked = "晚上小区门口的临时停车位能不能延长开放时间？";
    await residentPhone.getByRole("tab", { name: /提问/ }).click();
    await residentPhone.getByLabel("向发言人提问…").fill(asked);
    await residentPhone
      .getByRole("button", { name: /提\s*问/ })
      .last()
      .click();
    await residentPhone.getByText("提问将在主持人审核后公开").first().waitFor();
    expect(await workerPhone.getByText(asked).count()).toBe(0);
    await host.getByRole("tab", { name: /提问/ }).click();
    const onHost = host.getByTestId("question").filter({ hasText: asked });
    await onHost.getByRole("button", { name: /通\s*过/ }).click();
    await workerPhone.getByRole("tab", { name: /提问/ }).click();
    await workerPhone.getByTestId("question").filter({ hasText: asked }).waitFor();
    await onHost.getByRole("button", { name: "投到大屏" }).click();

    // the projector at 1920×1080, opened by the host on 127.0.0.1 without PUBLIC_ORIGIN
    const projector = await newPage(browser, { baseUrl: app.baseUrl, viewport: { width: 1920, height: 1080 } });
    pages.push(projector);
    const errors: Error[] = [];
    projector.on("pageerror", (e) => errors.push(e));
    await signIn(projector, "sec2");
    await projector.goto(`/forums/${forum.id}/screen`);
    await projector.getByTestId("screen").waitFor();
    // the host is told that phones cannot reach the address the QR would carry
    await projector.getByTestId("loopback-warning").waitFor();
    expect(await projector.getByTestId("loopback-warning").textContent()).toContain("PUBLIC_ORIGIN");

    // an open round puts the scoreboard full screen: bars, the weighted total, ballots per group
    expect(await projector.getByTestId("screen").getAttribute("data-view")).toBe("score");
    await expect.poll(() => projector.getByTestId("screen-total").textContent()).toBe("4.00");
    const board = projector.getByTestId("screen-scoreboard");
    expect(await board.textContent()).toContain("2 份评分");
    expect(await board.textContent()).toMatch(/群众代表 · 权重 1 · \d+ 份/);
    expect(await board.locator(".screen-bars li").count()).toBe(6);
    expect(await smallestText(projector, "screen-scoreboard")).toBeGreaterThanOrEqual(28);
    await screenshot(projector, "forums-projector-scoreboard", { fullPage: false });

    // slides with the side panel: every piece of its text ≥ 28 px
    await projector.getByTestId("screen-view-slides").click();
    await expect.poll(() => projector.getByTestId("screen-highlight").textContent()).toContain(asked);
    await expect.poll(() => slideState(projector).getAttribute("data-state"), { timeout: 15_000 }).toBe("ready");
    await projector.getByTestId("join-qr").waitFor();
    expect(await projector.getByTestId("screen-side").textContent()).toContain("2 份评分");
    expect(await smallestText(projector, "screen-side")).toBeGreaterThanOrEqual(28);
    await screenshot(projector, "forums-projector-scoring", { fullPage: false });

    // one question, large
    await projector.getByTestId("screen-view-question").click();
    expect(await projector.getByTestId("screen-question").textContent()).toContain(asked);
    expect(await smallestText(projector, "screen-question")).toBeGreaterThanOrEqual(40);
    expect(
      parseFloat(await projector.locator(".screen-question-text").evaluate((el) => getComputedStyle(el).fontSize)),
    ).toBeGreaterThanOrEqual(80);
    await screenshot(projector, "forums-projector-question", { fullPage: false });

    // the text follows the viewport: a smaller window gets smaller text, not a clipped panel
    await projector.setViewportSize({ width: 1280, height: 720 });
    await projector.getByTestId("screen-view-slides").click();
    const small = await smallestText(projector, "screen-side");
    expect(small).toBeLessThan(28);
    expect(small).toBeGreaterThanOrEqual(18);

    // someone else on the projector page is not shown the host's warning
    const other = await newPage(browser, { baseUrl: app.baseUrl, viewport: { width: 1920, height: 1080 } });
    pages.push(other);
    await signIn(other, "worker1");
    await other.goto(`/forums/${forum.id}/screen?view=slides`);
    await other.getByTestId("join-qr").waitFor();
    expect(await other.getByTestId("loopback-warning").count()).toBe(0);
    expect(await other.getByTestId("join-qr").getAttribute("data-url")).toBe(`${app.baseUrl}/forums/${forum.id}`);
    expect(errors).toEqual([]);
  });

  test("a dropped connection shows 正在重连, then resyncs without a reload and a line sent meanwhile appears once", async () => {
    const presenter = await open("sec3");
    const viewer = await newPage(browser, { baseUrl: app.baseUrl });
    pages.push(viewer);
    // every Socket.IO WebSocket of the viewer goes through here, so the test can cut it and hold it down
    let cut = false;
    const live: import("playwright-core").WebSocketRoute[] = [];
    await viewer.context().routeWebSocket(/\/socket\.io\//, (ws) => {
      if (cut) return void ws.close({ code: 1006 }).catch(() => ws.close());
      ws.connectToServer();
      live.push(ws);
    });
    await signIn(viewer, "veteran1");
    const forum = await createForum(presenter, {
      title: "E2E 重连",
      mode: "forum",
      startsAt: new Date().toISOString(),
      talks: [{ title: "断线重连", presenterId: await userId(presenter) }],
    });
    const deck = await presenter.request.post(`/api/forums/${forum.id}/talks/${forum.talks[0]!.id}/deck`, {
      multipart: {
        file: {
          name: "deck.pdf",
          mimeType: "application/pdf",
          buffer: Buffer.from(await (await import("node:fs/promises")).readFile(await makeDeck(3))),
        },
      },
    });
    expect(deck.status()).toBe(201);
    await presenter.goto(`/forums/${forum.id}`);
    await presenter.getByRole("button", { name: "开始论坛" }).click();
    await viewer.goto(`/forums/${forum.id}`);
    await expect
      .poll(() => viewer.getByTestId("page-indicator").textContent(), { timeout: 15_000 })
      .toBe("第 1 / 3 页");

    cut = true;
    for (const ws of live.splice(0)) await ws.close({ code: 1006 }).catch(() => ws.close());
    await viewer.getByTestId("reconnecting").waitFor();
    await screenshot(viewer, "forums-reconnecting", { fullPage: false });
    // while the viewer is away the presenter moves on, and the viewer sends a line
    await presenter.getByRole("button", { name: "下一页" }).click();
    await presenter.getByRole("button", { name: "下一页" }).click();
    await expect.poll(() => presenter.getByTestId("page-indicator").textContent()).toBe("第 3 / 3 页");
    await viewer.getByRole("tab", { name: "讨论" }).click();
    await viewer.getByLabel("说点什么…").fill("断线时发的一句话");
    await viewer.getByLabel("说点什么…").press("Enter");

    cut = false;
    await viewer.getByTestId("reconnecting").waitFor({ state: "detached", timeout: 30_000 });
    await expect.poll(() => viewer.getByTestId("page-indicator").textContent()).toBe("第 3 / 3 页");
    await presenter.getByRole("tab", { name: "讨论" }).click();
    for (const page of [presenter, viewer]) {
      await expect
        .poll(() => page.getByTestId("chat-list").getByText("断线时发的一句话").count(), { timeout: 15_000 })
        .toBe(1);
    }
    await viewer.waitForTimeout(1000);
    for (const page of [presenter, viewer])
      expect(await page.getByTestId("chat-list").getByText("断线时发的一句话").count()).toBe(1);
  });
});
