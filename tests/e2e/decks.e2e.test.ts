/**
 * A PowerPoint deck in a real browser: the host uploads a .pptx made here, watches the button go
 * through 上传中 → 排队中/转换中, and a viewer on a phone sees the converted slides.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import PptxGenJS from "pptxgenjs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Forum } from "../../shared/forums.ts";
import { findSoffice } from "../../server/files/convert.ts";
import { launchBrowser, newPage, screenshot, signIn, startApp, type RunningApp } from "./harness.ts";

const soffice = findSoffice(process.env.SOFFICE_PATH);
if (!soffice)
  console.warn(
    "⚠ LibreOffice (soffice) is not installed: the .pptx browser test is SKIPPED (apt-get install libreoffice-impress)",
  );

async function makePptx(slides: number): Promise<string> {
  const pptx = new PptxGenJS();
  pptx.layout = "LAYOUT_16x9";
  for (let i = 1; i <= slides; i++) {
    const slide = pptx.addSlide();
    slide.background = { color: "A8071A" };
    slide.addText(`第 ${i} 页：楼道议事会`, { x: 0.5, y: 2, w: 9, h: 1.2, fontSize: 40, color: "FFFFFF", bold: true });
  }
  const path = join(mkdtempSync(join(tmpdir(), "deck-")), "楼道议事.pptx");
  writeFileSync(path, (await pptx.write({ outputType: "nodebuffer" })) as Buffer);
  return path;
}

describe.skipIf(!soffice)("PowerPoint decks in the browser", () => {
  let app: RunningApp;
  let browser: Browser;
  const pages: Page[] = [];
  beforeAll(async () => {
    app = await startApp({ readyTimeoutMs: 180_000 });
    browser = await launchBrowser();
  }, 240_000);
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

  test("a host uploads a .pptx, sees its progress, and the audience sees the slides", async () => {
    const host = await open("sec1");
    const viewer = await open("resident1", { width: 375, height: 760 });
    const me = (await (await host.request.get("/api/me")).json()) as { user: { id: string } };
    const res = await host.request.post("/api/forums", {
      data: {
        title: "PPT 上传测试论坛",
        mode: "forum",
        startsAt: new Date(Date.now() + 60_000).toISOString(),
        talks: [{ title: "楼道议事会的做法", presenterId: me.user.id, plannedMinutes: 10 }],
      },
    });
    expect(res.status(), await res.text()).toBe(201);
    const forum = ((await res.json()) as { forum: Forum }).forum;

    await host.goto(`/forums/${forum.id}`);
    await host.getByRole("button", { name: "开始论坛" }).click();
    await expect.poll(() => host.getByTestId("forum-status").textContent()).toBe("进行中");

    const seen = new Set<string>();
    const label = host.getByTestId("deck-upload-label").first();
    await host
      .locator('input[type="file"]')
      .first()
      .setInputFiles(await makePptx(3));
    // the button walks through the steps while LibreOffice converts (a few seconds at least)
    await expect
      .poll(
        async () => {
          const text = (await label.textContent()) ?? "";
          seen.add(text.replace(/\d+%/, "").trim());
          return text;
        },
        { timeout: 120_000, interval: 100 },
      )
      .toBe("更换演示文稿");
    expect(
      [...seen].some((s) => /排队中|转换中/.test(s)),
      `steps seen: ${[...seen].join(", ")}`,
    ).toBe(true);
    await screenshot(host, "deck-pptx-host");

    await viewer.goto(`/forums/${forum.id}`);
    const slide = viewer.getByTestId("pdf-slide").first();
    await expect.poll(() => slide.getAttribute("data-state"), { timeout: 30_000 }).toBe("ready");
    expect(await viewer.getByTestId("page-indicator").textContent()).toBe("第 1 / 3 页");
    await screenshot(viewer, "deck-pptx-viewer-phone");
  }, 240_000);
});
