/**
 * 培训台账 in a real browser: an organiser creates a training, a worker opens its check-in QR
 * address on a phone (signing in first) and is checked in, the organiser sees the worker arrive
 * live and then the 学时 in the ledger.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Browser, Page } from "playwright-core";
import { DEMO_PASSWORD, launchBrowser, newPage, screenshot, signIn, startApp, type RunningApp } from "./harness.ts";

let app: RunningApp;
let browser: Browser;
const errors: string[] = [];

beforeAll(async () => {
  app = await startApp();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

function watchErrors(page: Page) {
  page.on("pageerror", (error) => errors.push(error.message));
}

/** "YYYY-MM-DD HH:mm" in the district's time zone (the browser runs in Asia/Shanghai too). */
function districtTime(ms: number): string {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone: "Asia/Shanghai",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(new Date(ms));
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${get("year")}-${get("month")}-${get("day")} ${get("hour")}:${get("minute")}`;
}

describe("培训台账", () => {
  test("an organiser creates a training, a worker checks in by QR on a phone, the ledger shows the hours", async () => {
    // the demo `admin` holds every power of an organiser
    const organiser = await newPage(browser, { baseUrl: app.baseUrl });
    watchErrors(organiser);
    await signIn(organiser, "admin");
    await organiser.goto("/trainings/new");
    await organiser.getByLabel("培训名称").fill("社区治理能力提升专题培训");
    await organiser.getByLabel("地点").fill("区委党校报告厅");
    const hours = organiser.getByLabel("学时");
    await hours.fill("6");
    const start = organiser.getByPlaceholder("开始日期");
    await start.click();
    await start.fill(districtTime(Date.now() - 10 * 60_000));
    await start.press("Enter");
    const end = organiser.getByPlaceholder("结束日期");
    await end.fill(districtTime(Date.now() + 2 * 3_600_000));
    await screenshot(organiser, "trainings-create");
    // Enter confirms the range; antd's form may also take it as submit, so click only if still here
    await end.press("Enter");
    const created = /\/trainings\/[0-9a-f-]{36}$/;
    await organiser
      .waitForURL(created, { timeout: 3_000 })
      .catch(() => organiser.getByRole("button", { name: /创\s*建/ }).click());
    await organiser.waitForURL(created);

    // the host screen shows the rotating QR code
    const qr = organiser.locator("img[data-checkin-url]");
    await qr.waitFor({ timeout: 20_000 });
    const checkinUrl = (await qr.getAttribute("data-checkin-url"))!;
    expect(checkinUrl).toContain("/trainings/checkin?c=t.");
    await screenshot(organiser, "trainings-host");

    // a worker scans it on a phone: signs in first, then lands back on the check-in page
    const phone = await newPage(browser, { baseUrl: app.baseUrl, viewport: { width: 390, height: 844 } });
    watchErrors(phone);
    await phone.goto(new URL(checkinUrl).pathname + new URL(checkinUrl).search);
    await phone.waitForURL(/\/login/);
    await phone.getByLabel("用户名").fill("worker1");
    await phone.getByLabel("密码", { exact: true }).fill(DEMO_PASSWORD);
    await phone.getByRole("button", { name: /登\s*录/ }).click();
    await phone.getByText("签到成功").waitFor({ timeout: 20_000 });
    expect(await phone.getByText("社区治理能力提升专题培训 · 6 学时").count()).toBe(1);
    await screenshot(phone, "trainings-checkin-phone");

    // the host sees the worker arrive without reloading
    await organiser.getByText("已签到 1 人").first().waitFor({ timeout: 15_000 });
    expect(await organiser.locator(".checkin-list").textContent()).toContain("周小梅");

    // the ledger adds the 6 学时 to the 5 the demo gave the worker this year (3 + 2, two demo
    // trainings), against 40: 11 done, 29 to go, 3 activities
    await organiser.goto("/trainings/ledger");
    const row = organiser.locator("tr", { hasText: "周小梅" });
    await row.waitFor({ timeout: 20_000 });
    const cells = await row.locator("td").allTextContents();
    expect(cells.slice(4, 8)).toEqual(["40", "11", "29", "3"]);
    await screenshot(organiser, "trainings-ledger");

    // the phone's account page shows the worker's own line
    await phone.goto("/account");
    await phone.getByText("还差 29 学时").waitFor({ timeout: 15_000 });
    await screenshot(phone, "trainings-account-phone");
    expect(errors).toEqual([]);
    await organiser.context().close();
    await phone.context().close();
  });
});
