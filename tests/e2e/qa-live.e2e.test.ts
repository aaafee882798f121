/**
 * The 老书记 board feels live: with a question open on one screen and the board list on another, a
 * vote, a new answer and the acceptance made by other people show up without a reload. The asker
 * cannot vote for their own question.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Browser, Page } from "playwright-core";
import { launchBrowser, newPage, screenshot, signIn, startApp, type RunningApp } from "./harness.ts";

let app: RunningApp;
let browser: Browser;
const pages: Page[] = [];
const errors: Error[] = [];

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

async function signedIn(username: string, viewport?: { width: number; height: number }): Promise<Page> {
  const page = await newPage(browser, { baseUrl: app.baseUrl, viewport });
  page.on("pageerror", (e) => errors.push(e));
  pages.push(page);
  await signIn(page, username);
  return page;
}

describe("老书记问答, live", () => {
  test("a second page sees a vote, an answer and the acceptance as they happen", async () => {
    const asker = await signedIn("worker1");
    const voter = await signedIn("resident1", { width: 375, height: 760 });
    const veteran = await signedIn("veteran1");
    const watcher = await signedIn("sec3");
    const boardWatcher = await signedIn("mentor1");

    const title = "楼道里的电动车充电怎么劝离？";
    const created = await asker.request.post("/api/questions", {
      data: { title, body: "劝了几次都不听，有没有好办法。", capability: "service" },
    });
    expect(created.status(), await created.text()).toBe(201);
    const id = ((await created.json()) as { question: { id: string } }).question.id;
    const path = `/qa/questions/${id}`;

    for (const page of [asker, voter, watcher]) {
      await page.goto(path);
      await expect.poll(() => page.getByTestId("qa-question-title").textContent()).toBe(title);
    }
    await boardWatcher.goto("/qa?sort=newest");
    const row = boardWatcher.getByTestId("qa-list").locator("li", { hasText: title });
    await expect.poll(() => row.getByTestId("qa-row-votes").textContent()).toBe("0");

    // the asker's own vote button is off; the server would refuse it anyway
    await asker.getByTestId("vote-own").first().waitFor();
    expect(await asker.getByTestId("vote-own").first().isDisabled()).toBe(true);
    expect(await asker.getByTestId("vote-button").count()).toBe(0);
    const refused = await asker.request.post(`/api/questions/${id}/vote`, { data: { up: true } });
    expect(refused.status()).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("self_vote");

    // another person votes from a phone: the open page and the board list both follow
    await voter.getByTestId("vote-button").first().click();
    await expect.poll(() => voter.getByTestId("vote-button").first().getAttribute("aria-pressed")).toBe("true");
    await expect.poll(() => watcher.getByTestId("vote-button").first().textContent()).toBe("1");
    await expect.poll(() => asker.getByTestId("vote-own").first().textContent()).toBe("1");
    await expect.poll(() => row.getByTestId("qa-row-votes").textContent()).toBe("1");
    // the watcher's own "voted" state is theirs: someone else's vote does not press their button
    expect(await watcher.getByTestId("vote-button").first().getAttribute("aria-pressed")).toBe("false");

    // a 老书记 answers: it appears on every open page of the question
    const answer = "先摸清是谁家的车，再请物业在楼下装充电桩，堵不如疏。";
    const answered = await veteran.request.post(`/api/questions/${id}/answers`, { data: { body: answer } });
    expect(answered.status()).toBe(201);
    for (const page of [watcher, asker])
      await expect.poll(() => page.getByTestId("qa-answers").textContent()).toContain(answer);

    // the asker accepts it: the watcher sees the mark without reloading
    await asker.getByRole("button", { name: /采\s*纳/ }).click();
    await expect.poll(() => watcher.getByTestId("qa-answers").textContent()).toContain("已采纳");
    await screenshot(watcher, "qa-live-watcher", { fullPage: false });
    await screenshot(voter, "qa-live-phone", { fullPage: false });
    expect(errors).toEqual([]);
  });
});
