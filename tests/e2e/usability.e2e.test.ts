/**
 * The small things people tripped over, in a real browser: the notification popover on a phone,
 * a browser title per page with the unread count, Chinese everywhere a screen reader speaks,
 * a sign-in page that logs no error, and the start-up line.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { launchBrowser, newPage, screenshot, signIn, startApp, type RunningApp } from "./harness.ts";

let app: RunningApp;
let browser: Browser;

beforeAll(async () => {
  app = await startApp({ readyTimeoutMs: 150_000 });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const PRODUCT = "社区工作者协作论坛";

async function withPage<T>(
  viewport: { width: number; height: number } | undefined,
  run: (page: Page) => Promise<T>,
): Promise<T> {
  const page = await newPage(browser, { baseUrl: app.baseUrl, viewport });
  try {
    return await run(page);
  } finally {
    await page.context().close();
  }
}

/** Goes to `path` and waits until its page has named the tab (the pages load lazily). */
async function titleOf(page: Page, path: string): Promise<string> {
  await page.goto(path);
  await page.waitForFunction((product) => document.title.endsWith(` · ${product}`), PRODUCT);
  return page.title();
}

/** An API call from the signed-in page (same cookies), with the Origin the server requires. */
async function post(page: Page, path: string, data: unknown) {
  const res = await page.request.post(path, { data, headers: { origin: app.baseUrl } });
  expect(res.status(), `${path}: ${await res.text()}`).toBeLessThan(300);
  return res.json();
}

describe("the notification popover on a phone", () => {
  for (const width of [360, 390]) {
    test(`opens inside the viewport at ${width} px`, async () => {
      await withPage({ width, height: 780 }, async (page) => {
        await signIn(page, "sec1");
        await page.getByRole("button", { name: /^通知/ }).click();
        const popover = page.locator(".ant-popover:visible");
        await popover.getByText("通知", { exact: true }).waitFor();
        // wait for the placement to settle: the popover is measured after it is shown
        await expect
          .poll(
            async () => {
              const box = await popover.boundingBox();
              return box ? box.x >= 0 && box.x + box.width <= width : false;
            },
            { timeout: 15_000 },
          )
          .toBe(true);
        await screenshot(page, `notifications-popover-${width}`, { fullPage: false });
      });
    });
  }
});

describe("browser titles", () => {
  test("every main page names the tab after itself", async () => {
    await withPage(undefined, async (page) => {
      expect(await titleOf(page, "/login")).toBe(`登录 · ${PRODUCT}`);
      await signIn(page, "admin");
      const paths = [
        "/",
        "/forums",
        "/forums/new",
        "/studios",
        "/studios/new",
        "/proposals",
        "/qa",
        "/qa/ask",
        "/qa/leaders",
        "/qa/events",
        "/trainings",
        "/trainings/new",
        "/trainings/ledger",
        "/trainings/calendar",
        "/account",
        "/admin/users",
        "/admin/audit",
        "/admin/roster",
        "/admin/org",
        "/admin/words",
        "/no-such-page",
      ];
      const titles = new Map<string, string>();
      for (const path of paths) titles.set(path, await titleOf(page, path));
      expect(titles.get("/")).toBe(`首页 · ${PRODUCT}`);
      expect(titles.get("/studios")).toBe(`导师工作室 · ${PRODUCT}`);
      // no two pages share a title
      const seen = new Map<string, string>();
      for (const [path, title] of titles) {
        expect(seen.get(title), `${path} has the same title as ${seen.get(title)}: ${title}`).toBeUndefined();
        seen.set(title, path);
      }
    });
  });

  test("a page about one thing is named after it, and the unread count leads the title", async () => {
    await withPage(undefined, async (veteran) => {
      await signIn(veteran, "veteran1");
      const { user } = (await (await veteran.request.get("/api/session")).json()) as { user: { id: string } };
      expect(await titleOf(veteran, "/qa")).toBe(`老书记问答 · ${PRODUCT}`);

      await withPage(undefined, async (asker) => {
        await signIn(asker, "sec2");
        const { question } = await post(asker, "/api/questions", {
          title: "楼道堆物劝不动怎么办",
          body: "劝了三次，还是堆满了纸箱。",
        });
        // the section's name stands in while the question loads, then the question's own title
        await asker.goto(`/qa/questions/${question.id}`);
        await expect.poll(() => asker.title(), { timeout: 30_000 }).toBe(`楼道堆物劝不动怎么办 · ${PRODUCT}`);
        await post(asker, `/api/questions/${question.id}/invite`, { userId: user.id });
      });

      // the invitation arrives live: the count leads the title, and the bell names who invited
      await expect.poll(() => veteran.title(), { timeout: 30_000 }).toBe(`(1) 老书记问答 · ${PRODUCT}`);
      await veteran.getByRole("button", { name: /^通知/ }).click();
      await veteran.locator(".ant-popover:visible").getByText("刘洋书记邀请你回答问题").waitFor();
    });
  });
});

/**
 * What a screen reader would say, page by page: the name of every node in Chromium's
 * accessibility tree. English is allowed only in the few words everyone here uses as they are,
 * and in what people typed (the demo accounts' user names, text fields' contents).
 */
const ALLOWED_WORDS = /\b(PDF|Word|QR|Excel|CSV|Markdown|WiFi|APP|PPT|PPTX|DOCX|XLSX|Enter|Shift|Ctrl)\b/g;
const DEMO_USERNAMES = /\b(admin|organiser1|street1|mentor1|veteran1|sec[1-3]|worker1|resident1)\b/g;
const TYPED_ROLES = new Set(["textbox", "searchbox", "combobox", "textField"]);

type AxNode = {
  nodeId: string;
  ignored: boolean;
  role?: { value: string };
  name?: { value: unknown };
  childIds?: string[];
};

async function englishSpoken(page: Page): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { nodes } = (await cdp.send("Accessibility.getFullAXTree")) as { nodes: AxNode[] };
    const byId = new Map(nodes.map((n) => [n.nodeId, n]));
    // what sits inside a text field is the person's own words
    const typed = new Set<string>();
    const mark = (id: string) => {
      if (typed.has(id)) return;
      typed.add(id);
      for (const child of byId.get(id)?.childIds ?? []) mark(child);
    };
    for (const node of nodes)
      if (TYPED_ROLES.has(node.role?.value ?? "")) for (const child of node.childIds ?? []) mark(child);

    const found: string[] = [];
    for (const node of nodes) {
      if (node.ignored || typed.has(node.nodeId)) continue;
      const name = node.name?.value;
      if (typeof name !== "string") continue;
      const rest = name.replace(ALLOWED_WORDS, "").replace(DEMO_USERNAMES, "");
      if (/[A-Za-z]{2,}/.test(rest)) found.push(`${node.role?.value}: ${name}`);
    }
    return [...new Set(found)];
  } finally {
    await cdp.detach();
  }
}

describe("Chinese for the ear", () => {
  test("the main pages' accessibility tree holds no English", async () => {
    await withPage(undefined, async (page) => {
      await page.goto("/login");
      await page.getByLabel("用户名").waitFor();
      const spoken: Record<string, string[]> = { "/login": await englishSpoken(page) };
      await signIn(page, "admin");
      for (const path of [
        "/",
        "/forums",
        "/forums/new",
        "/studios",
        "/proposals",
        "/qa",
        "/qa/ask",
        "/trainings",
        "/trainings/new",
        "/account",
        "/admin/users",
      ]) {
        await titleOf(page, path);
        await page
          .locator(".ant-spin-spinning")
          .first()
          .waitFor({ state: "detached" })
          .catch(() => {});
        spoken[path] = await englishSpoken(page);
      }
      // the header's bell and menu, and an InputNumber's step buttons, are the classic offenders
      expect(spoken).toEqual(Object.fromEntries(Object.keys(spoken).map((path) => [path, []])));
    });
  });

  test("the phone header speaks Chinese too", async () => {
    await withPage({ width: 390, height: 780 }, async (page) => {
      await signIn(page, "sec1");
      await titleOf(page, "/");
      expect(await englishSpoken(page)).toEqual([]);
      await page.getByRole("button", { name: "打开导航菜单" }).waitFor();
    });
  });
});

describe("the session check", () => {
  test("GET /api/session answers 200 with null when signed out, and the sign-in page logs no error", async () => {
    const anonymous = await fetch(`${app.baseUrl}/api/session`);
    expect(anonymous.status).toBe(200);
    expect(await anonymous.json()).toEqual({ user: null });

    await withPage(undefined, async (page) => {
      const errors: string[] = [];
      page.on("console", (message) => {
        if (message.type() === "error") errors.push(message.text());
      });
      page.on("pageerror", (error) => errors.push(error.message));
      await page.goto("/");
      await page.waitForURL((url) => url.pathname === "/login");
      await page.getByLabel("用户名").waitFor();
      await page.waitForLoadState("networkidle");
      expect(errors).toEqual([]);

      await signIn(page, "worker1");
      const signedIn = (await (await page.request.get("/api/session")).json()) as { user: { username: string } };
      expect(signedIn.user.username).toBe("worker1");
    });
  });
});

describe("less motion", () => {
  /**
   * In seconds: the sign-in button's transition (antd's own), and the animation of an element that
   * asks for a two-second one that never ends (as antd's slides, zooms and spinners do).
   */
  async function motionOf(reducedMotion: "reduce" | "no-preference") {
    const page = await newPage(browser, { baseUrl: app.baseUrl, reducedMotion });
    try {
      await page.goto("/login");
      const button = page.getByRole("button", { name: /登\s*录/ });
      const transition = await button.evaluate((el) => Number.parseFloat(getComputedStyle(el).transitionDuration));
      const animation = await page.evaluate(() => {
        const probe = document.createElement("div");
        probe.style.animation = "probe-spin 2s linear infinite";
        document.body.append(probe);
        const style = getComputedStyle(probe);
        const seconds = {
          duration: Number.parseFloat(style.animationDuration),
          repeats: style.animationIterationCount,
        };
        probe.remove();
        return seconds;
      });
      return { transition, animation };
    } finally {
      await page.context().close();
    }
  }

  test("whoever asks the system for less motion gets no transitions and no endless animations", async () => {
    const usual = await motionOf("no-preference");
    expect(usual.transition).toBeGreaterThan(0.1);
    expect(usual.animation).toEqual({ duration: 2, repeats: "infinite" });
    const reduced = await motionOf("reduce");
    expect(reduced.transition).toBeLessThan(0.001);
    expect(reduced.animation.duration).toBeLessThan(0.001);
    expect(reduced.animation.repeats).toBe("1");
  });
});

describe("start-up output", () => {
  test("npm start says where the hub is and, on a fresh database, how to sign in", () => {
    const port = new URL(app.baseUrl).port;
    const lines = app.output().split("\n");
    expect(lines).toContain(`已启动：http://localhost:${port}`);
    expect(lines.find((line) => line.startsWith("演示账号："))).toMatch(/admin、.*sec1.*密码均为 demo1234/);
  });
});
