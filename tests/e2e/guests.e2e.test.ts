/**
 * 现场评议 in a real browser: a resident without an account opens a printed ballot code on a phone,
 * scores the talk on stage, and the projector's scoreboard follows. The same page in a WeChat-like
 * in-app browser offers no download, only 「请在浏览器中打开」. A guest whose reconnection is refused
 * opens the code again by itself: back in as the same voter, or told that the forum has ended or that
 * another phone holds the code (then re-entering is one tap).
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Browser, Page } from "playwright-core";
import { launchBrowser, newPage, screenshot, signIn, startApp, type RunningApp } from "./harness.ts";

let app: RunningApp;
let browser: Browser;
const pages: Page[] = [];

beforeAll(async () => {
  app = await startApp();
  browser = await launchBrowser();
});

afterAll(async () => {
  for (const page of pages)
    await page
      .context()
      .close()
      .catch(() => {});
  await browser?.close();
  await app?.stop();
});

async function page(viewport?: { width: number; height: number }, userAgent?: string): Promise<Page> {
  const p = await newPage(browser, { baseUrl: app.baseUrl, viewport });
  if (userAgent) await p.context().setExtraHTTPHeaders({ "user-agent": userAgent });
  pages.push(p);
  return p;
}

/** An examination forum hosted by the signed-in page, with printed codes for 党员代表. */
async function forumWithCodes(host: Page, title: string, count: number) {
  const presenterId = (
    (await (await host.request.get("/api/forums/presenters")).json()) as {
      users: { id: string; displayName: string }[];
    }
  ).users.find((u) => u.displayName.includes("黄海燕"))!.id;
  const created = await host.request.post("/api/forums", {
    data: {
      title,
      mode: "examination",
      startsAt: new Date().toISOString(),
      talks: [{ title: "潭中社区加装电梯", presenterId }],
    },
  });
  const forum = ((await created.json()) as { forum: { id: string; talks: { id: string }[] } }).forum;
  const answer = await host.request.post(`/api/forums/${forum.id}/ballot-codes`, { data: { group: "party", count } });
  const codes = ((await answer.json()) as { codes: { code: string }[] }).codes.map((c) => c.code);
  return { forum, codes };
}

type ForumAnswer = { forum: { status: string } };

/** The printed-code redemptions a page asks for, as they leave. */
function countRedeems(p: Page): string[] {
  const redeems: string[] = [];
  p.on("request", (request) => {
    if (request.method() === "POST" && new URL(request.url()).pathname === "/api/guest/code")
      redeems.push(request.url());
  });
  return redeems;
}

/** The network drops and comes back: the realtime connection has to be made again. */
async function offlineForAMoment(p: Page): Promise<void> {
  await p.context().setOffline(true);
  await p.waitForTimeout(500);
  await p.context().setOffline(false);
}

describe("guests of the hall", () => {
  test("a guest whose session is gone when the connection returns comes back by itself, as the same voter", async () => {
    const host = await page();
    await signIn(host, "sec2");
    const {
      forum,
      codes: [code],
    } = await forumWithCodes(host, "E2E 身份失效", 1);
    const phone = await page({ width: 375, height: 760 });
    const redeems = countRedeems(phone);
    await phone.goto(`/g/${code}`);
    await phone.getByText("您的身份：党员代表").waitFor();
    // The phone loses its cookie while the network drops; the reconnection is then refused, and the
    // page opens its code again without asking anyone to tap.
    await phone.context().clearCookies();
    await offlineForAMoment(phone);
    await expect.poll(() => redeems.length, { timeout: 20_000 }).toBe(2);
    // live again: a question asked now reaches the host
    await phone.getByRole("tab", { name: "提问" }).click();
    await phone.locator(".questions-panel textarea").fill("断线后还能提问吗");
    await phone.getByRole("button", { name: /^提\s*问$/ }).click();
    await expect
      .poll(async () => JSON.stringify(await (await host.request.get(`/api/forums/${forum.id}/moderation`)).json()), {
        timeout: 15_000,
      })
      .toContain("断线后还能提问吗");
    expect(await phone.getByText("现场身份已失效").count()).toBe(0);
    expect(await phone.getByText("您的身份：党员代表").count()).toBe(1);
  });

  test("a phone that joined from the venue QR comes back by itself with its device's token", async () => {
    const host = await page();
    await signIn(host, "sec2");
    const { forum } = await forumWithCodes(host, "E2E 现场二维码断线", 1);
    const venue = await host.request.put(`/api/forums/${forum.id}/venue`, { data: { caps: { public: 2 } } });
    const venueCode = ((await venue.json()) as { venue: { code: string } }).venue.code;
    const scanner = await page({ width: 375, height: 760 });
    const joins: string[] = [];
    scanner.on("request", (request) => {
      if (request.method() === "POST" && new URL(request.url()).pathname === `/api/guest/venue/${venueCode}`)
        joins.push(request.postData() ?? "");
    });
    await scanner.goto(`/v/${venueCode}`);
    await scanner.getByRole("radio", { name: /群众代表/ }).check();
    await scanner.getByRole("button", { name: /进入现场/ }).click();
    await scanner.getByText("您的身份：群众代表").waitFor();
    await scanner.context().clearCookies();
    await offlineForAMoment(scanner);
    // the second join names no group: the token kept on the device brings back the same voter
    await expect.poll(() => joins.length, { timeout: 20_000 }).toBe(2);
    expect(JSON.parse(joins[1]!)).not.toHaveProperty("group");
    await expect
      .poll(async () => (await scanner.context().cookies()).some((cookie) => cookie.name === "guest_session"))
      .toBe(true);
    expect(await scanner.getByText("您的身份：群众代表").count()).toBe(1);
    expect(await scanner.getByText("现场身份已失效").count()).toBe(0);
  });

  test("a guest whose phone slept through the end of the forum is told it has ended", async () => {
    const host = await page();
    await signIn(host, "sec2");
    const {
      forum,
      codes: [code],
    } = await forumWithCodes(host, "E2E 睡着时结束", 1);
    await host.goto(`/forums/${forum.id}`);
    await host.getByRole("button", { name: "开始论坛" }).click();
    await host.getByRole("button", { name: "结束论坛" }).waitFor();
    const phone = await page({ width: 375, height: 760 });
    await phone.goto(`/g/${code}`);
    await phone.getByText("您的身份：党员代表").waitFor();
    await phone.context().setOffline(true);
    await host.getByRole("button", { name: "结束论坛" }).click();
    const confirm = host.getByRole("dialog").filter({ hasText: "确定结束论坛" });
    await confirm.getByRole("button", { name: /确\s*定/ }).click();
    await expect
      .poll(
        async () => ((await (await host.request.get(`/api/forums/${forum.id}`)).json()) as ForumAnswer).forum.status,
      )
      .toBe("ended");
    await phone.context().setOffline(false);
    await phone.getByText("本场论坛已结束，感谢参与！").waitFor({ timeout: 20_000 });
    expect(await phone.getByText("现场身份已失效").count()).toBe(0);
    await phone.locator(".ant-result").waitFor();
    await screenshot(phone, "guests-ended-while-asleep-phone", { fullPage: false });
  });

  test("a guest whose code another phone took over meanwhile is told so, and re-enters with one tap once it is free", async () => {
    const host = await page();
    await signIn(host, "sec2");
    const {
      codes: [code],
    } = await forumWithCodes(host, "E2E 换了手机", 1);
    const phone = await page({ width: 375, height: 760 });
    await phone.goto(`/g/${code}`);
    await phone.getByText("您的身份：党员代表").waitFor();
    // while the first phone is offline, a second one opens the same code and stays
    await phone.context().setOffline(true);
    const other = await page({ width: 375, height: 760 });
    // once the server has seen the first phone's connection close, the code is free for the second
    await expect.poll(async () => (await other.request.post("/api/guest/code", { data: { code } })).status()).toBe(200);
    await other.goto(`/g/${code}`);
    await other.getByText("您的身份：党员代表").waitFor();
    await phone.context().setOffline(false);
    await phone.getByText("现场身份已失效").waitFor({ timeout: 20_000 });
    await phone.getByText(/该选票码正在另一台设备上使用/).waitFor();
    await phone.locator(".ant-result").waitFor();
    await screenshot(phone, "guests-refused-phone", { fullPage: false });
    // the second phone leaves; the first re-enters with one tap
    await other.context().close();
    await phone.getByRole("button", { name: "重新进入" }).click();
    await phone.getByText("您的身份：党员代表").waitFor();
    expect(await phone.getByText("现场身份已失效").count()).toBe(0);
  });

  test("a resident without an account scores with a printed code on a 375 px phone; the projector updates", async () => {
    const host = await page();
    await signIn(host, "sec2");
    const { forum, codes } = await forumWithCodes(host, "E2E 现场评议", 2);
    const [code, spare] = codes;

    await host.goto(`/forums/${forum.id}`);
    await host.getByTestId("forum-room").waitFor();
    await host.getByRole("button", { name: "开始论坛" }).click();
    await host.getByRole("tab", { name: "评分" }).click();
    await host.getByRole("button", { name: "开始评分" }).click();
    await host.getByRole("button", { name: "结束评分" }).waitFor();

    const projector = await page({ width: 1280, height: 720 });
    await signIn(projector, "sec2");
    await projector.goto(`/forums/${forum.id}/screen`);
    await projector.getByTestId("screen").waitFor();

    // the resident scans the slip: no sign-in, straight into the hall
    const phone = await page({ width: 375, height: 760 });
    const redeemed: string[] = [];
    phone.on("request", (request) => {
      if (request.method() === "POST" && new URL(request.url()).pathname === "/api/guest/code") redeemed.push(code!);
    });
    await phone.goto(`/g/${code}`);
    await phone.getByText("您的身份：党员代表").waitFor();
    // the code is redeemed once, by the request started while the page's scripts arrived
    expect(redeemed).toHaveLength(1);
    expect(await phone.getByTestId("guest-talk").textContent()).toContain("潭中社区加装电梯");
    const rows = phone.locator(".ballot-row");
    await expect.poll(() => rows.count()).toBe(7);
    for (let i = 0; i < 7; i++) await rows.nth(i).locator(".ant-rate-star").nth(3).locator("div[role=radio]").click();
    await phone.getByRole("button", { name: /提交评分/ }).click();
    await phone.getByText("评分已提交，结束前可修改").waitFor();
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await screenshot(phone, "guests-phone-score", { fullPage: false });

    await expect.poll(() => projector.getByTestId("screen-total").textContent(), { timeout: 15_000 }).toBe("4.00");
    expect(await projector.getByTestId("screen-scoreboard").textContent()).toMatch(/党员代表 · 权重 1 · 1 份/);
    await screenshot(projector, "guests-projector", { fullPage: false });

    // the same code on a second phone at the same time is refused
    const second = await page({ width: 375, height: 760 });
    await second.goto(`/g/${code}`);
    await second.getByText("该选票码正在另一台设备上使用").waitFor();

    // a WeChat-like in-app browser, 360 px wide: no download link, 「请在浏览器中打开」 instead
    await host.request.post(`/api/forums/${forum.id}/talks/${forum.talks[0]!.id}/deck`, {
      multipart: { file: { name: "电梯.pdf", mimeType: "application/pdf", buffer: Buffer.from(await makePdf()) } },
    });
    const wechat = await page(
      { width: 360, height: 720 },
      "Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36 Chrome/120 Mobile MicroMessenger/8.0.47",
    );
    await wechat.addInitScript(() =>
      Object.defineProperty(navigator, "userAgent", { get: () => `${navigator.appVersion} MicroMessenger/8.0.47` }),
    );
    await wechat.goto(`/g/${spare}`);
    await wechat.getByTestId("open-in-browser").waitFor();
    expect(await wechat.getByText("请在浏览器中打开").count()).toBeGreaterThan(0);
    expect(await wechat.getByRole("link", { name: "下载演示文稿" }).count()).toBe(0);
    expect(await wechat.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await screenshot(wechat, "guests-wechat-360");

    // the projector's venue QR: a phone picks its group once, and is in the hall as that group
    const venue = await host.request.put(`/api/forums/${forum.id}/venue`, { data: { caps: { public: 2 } } });
    const venueCode = ((await venue.json()) as { venue: { code: string } }).venue.code;
    const scanner = await page({ width: 375, height: 760 });
    await scanner.goto(`/v/${venueCode}`);
    await scanner.getByText("请选择您的身份（选定后不能更改）").waitFor();
    await scanner.getByRole("radio", { name: /群众代表/ }).check();
    expect(await scanner.getByText("剩余 2 个名额").count()).toBe(1);
    await scanner.getByRole("button", { name: "进入现场" }).click();
    await scanner.getByText("您的身份：群众代表").waitFor();
    expect(await scanner.getByTestId("guest-talk").textContent()).toContain("潭中社区加装电梯");
    // the round is open: the scoring form, its tab the first shown
    await scanner.locator(".ballot-row").first().waitFor();
    expect(await scanner.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await screenshot(scanner, "guests-venue-phone", { fullPage: false });
  });
});

async function makePdf(): Promise<Uint8Array> {
  const { PDFDocument } = await import("pdf-lib");
  const pdf = await PDFDocument.create();
  pdf.addPage([400, 300]);
  return pdf.save();
}
