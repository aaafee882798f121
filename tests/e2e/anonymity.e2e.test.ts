/**
 * 群众考书记 in the browser, as issue 19 tried it: an admin runs the room and the projector, a
 * resident asks anonymously from a phone. The projector and the admin's room show no name; only the
 * 审核/实名 dialog does. The question becomes a 承诺事项, which the secretary sees on their account page
 * and the hall sees on the projector before the secretary's next 群众考书记 begins.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Browser, Page } from "playwright-core";
import type { Forum } from "../../shared/forums.ts";
import { launchBrowser, newPage, screenshot, signIn, startApp, type RunningApp } from "./harness.ts";

let app: RunningApp;
let browser: Browser;
const pages: Page[] = [];

beforeAll(async () => {
  app = await startApp({ readyTimeoutMs: 150_000 });
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
  // the machine running the suite may be busy: allow more than the harness's 15 s per step
  page.context().setDefaultTimeout(45_000);
  pages.push(page);
  await signIn(page, username);
  return page;
}

async function me(page: Page): Promise<{ id: string; displayName: string; username: string }> {
  return (
    (await (await page.request.get("/api/me")).json()) as {
      user: { id: string; displayName: string; username: string };
    }
  ).user;
}

async function createForum(page: Page, body: object): Promise<Forum> {
  const res = await page.request.post("/api/forums", { data: body });
  expect(res.status(), await res.text()).toBe(201);
  return ((await res.json()) as { forum: Forum }).forum;
}

describe("anonymity and commitments in the browser", () => {
  test("an anonymous question put on the projector by an admin shows no name; the 审核/实名 dialog does; the promise reaches the next forum", async () => {
    const admin = await open("admin");
    const phone = await open("resident1", { width: 375, height: 760 });
    const secretary = await open("sec1");
    const asker = await me(phone);
    const sec1 = await me(secretary);
    const forum = await createForum(admin, {
      title: "E2E 匿名与承诺",
      mode: "examination",
      startsAt: new Date().toISOString(),
      talks: [{ title: "老旧小区的路灯与停车", presenterId: sec1.id, capability: "service", plannedMinutes: 15 }],
    });
    await admin.goto(`/forums/${forum.id}`);
    await admin
      .getByTestId("forum-room")
      .waitFor()
      .catch(async (err) => {
        await screenshot(admin, "anonymity-room-failed");
        throw err;
      });
    await admin.getByRole("button", { name: "开始论坛" }).click();
    await expect.poll(() => admin.getByTestId("forum-status").textContent(), { timeout: 30_000 }).toBe("进行中");

    // the ask box says exactly who can see the name
    const asked = "三号楼的路灯坏了三个月，什么时候能修？";
    await phone.goto(`/forums/${forum.id}`);
    await phone.getByTestId("forum-room").waitFor();
    await phone.getByLabel("向发言人提问…").fill(asked);
    await phone.getByRole("checkbox", { name: "匿名提问" }).check();
    const notice = await phone.getByTestId("anonymous-notice").textContent();
    expect(notice).toContain("投影和其他参会者");
    expect(notice).toContain("仅本场主持人和组织部、街道管理员在审核页可见");
    expect(notice).toContain("每次查看都会留痕");
    await screenshot(phone, "anonymity-ask-phone", { fullPage: false });
    await phone
      .getByRole("button", { name: /提\s*问/ })
      .last()
      .click();
    await phone.getByText("提问将在主持人审核后公开").first().waitFor();

    // the admin approves it and puts it on the projector: the room shows no name
    await admin.getByRole("tab", { name: /提问/ }).click();
    const onAdmin = admin.getByTestId("question").filter({ hasText: asked });
    await onAdmin.getByRole("button", { name: /通\s*过/ }).click();
    await onAdmin.getByRole("button", { name: "投到大屏" }).click();
    await expect.poll(() => onAdmin.textContent(), { timeout: 30_000 }).toContain("匿名");
    expect(await admin.getByTestId("forum-room").locator(".forum-room-side").textContent()).not.toContain(
      asker.displayName,
    );

    // the projector, driven by the same admin account
    const projector = await newPage(browser, { baseUrl: app.baseUrl, viewport: { width: 1920, height: 1080 } });
    projector.context().setDefaultTimeout(45_000);
    pages.push(projector);
    await signIn(projector, "admin");
    await projector.goto(`/forums/${forum.id}/screen?view=slides`);
    await expect
      .poll(() => projector.getByTestId("screen-highlight").textContent(), { timeout: 30_000 })
      .toContain(asked);
    expect(await projector.getByTestId("screen-highlight").textContent()).toContain("匿名");
    await screenshot(projector, "anonymity-projector-slides", { fullPage: false });
    await projector.getByTestId("screen-view-question").click();
    expect(await projector.getByTestId("screen-question").textContent()).toContain(asked);
    expect(await projector.getByTestId("screen-question").textContent()).toContain("匿名");
    await screenshot(projector, "anonymity-projector-question", { fullPage: false });
    for (const secret of [asker.displayName, asker.username]) {
      expect(await projector.locator("body").textContent(), secret).not.toContain(secret);
    }

    // only the 审核/实名 dialog names the asker
    await admin.getByTestId("moderation-button").click();
    const dialog = admin.getByRole("dialog");
    await dialog.getByTestId("moderation-list").getByText(asker.displayName).waitFor();
    expect(await dialog.textContent()).toContain("审计日志");
    await screenshot(admin, "anonymity-moderation-dialog", { fullPage: false });
    await dialog.getByRole("button", { name: /Close|关闭/ }).click();

    // 现场问政: answered on stage, then recorded as the secretary's commitment
    await onAdmin.getByTestId("mark-answered").click();
    await admin.getByTestId("answer-note-input").fill("本周内报修，月底前修好");
    await admin
      .getByRole("dialog")
      .getByRole("button", { name: /保\s*存/ })
      .click();
    await expect
      .poll(() => phone.getByTestId("question").filter({ hasText: asked }).getByTestId("answer-note").textContent(), {
        timeout: 30_000,
      })
      .toContain("月底前修好");
    await onAdmin.getByTestId("to-commitment").click();
    await admin
      .getByRole("dialog")
      .getByRole("button", { name: /保\s*存/ })
      .click();
    await admin.getByText("已记录为承诺事项").waitFor();

    // the secretary finds it on their account page
    await secretary.goto("/account");
    await expect
      .poll(() => secretary.getByTestId("my-commitments").textContent(), { timeout: 30_000 })
      .toContain(asked);
    await screenshot(secretary, "commitments-account");

    // and the hall sees it on the projector before the secretary's next 群众考书记 begins
    const next = await createForum(admin, {
      title: "E2E 下一次述职",
      mode: "examination",
      startsAt: new Date(Date.now() + 86_400_000).toISOString(),
      talks: [{ title: "路灯修好了吗", presenterId: sec1.id, plannedMinutes: 10 }],
    });
    await projector.goto(`/forums/${next.id}/screen`);
    await expect
      .poll(() => projector.getByTestId("screen").getAttribute("data-view"), { timeout: 30_000 })
      .toBe("commitments");
    await expect
      .poll(() => projector.getByTestId("screen-commitments").textContent(), { timeout: 30_000 })
      .toContain(asked);
    expect(await projector.getByTestId("screen-commitments").textContent()).toContain("进行中");
    await screenshot(projector, "commitments-projector", { fullPage: false });
    await phone.goto(`/forums/${next.id}`);
    await phone.getByTestId("previous-commitments").waitFor();
    await screenshot(phone, "commitments-room-phone", { fullPage: false });
  }, 300_000);
});
