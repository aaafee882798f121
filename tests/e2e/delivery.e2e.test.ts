/**
 * How the client reaches a phone: assets compressed at build time and cached for a year,
 * index.html revalidated on every visit, as a real browser receives them.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { APIRequestContext, Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { firstScreenComponentOf } from "../../client/vite/antdStyles.ts";
import { launchBrowser, newPage, REPO_ROOT, signIn, startApp, type RunningApp } from "./harness.ts";

type FirstLoadRoute = { name: string; html: string; js: string[] };
const firstLoads = (): FirstLoadRoute[] =>
  JSON.parse(readFileSync(join(REPO_ROOT, "client", "dist", "first-load", "routes.json"), "utf8"));

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

/** A new examination forum sec2 hosts, and what `prepare` makes of it with sec2's session. */
async function newExamination<T>(prepare: (host: APIRequestContext, forumId: string) => Promise<T>): Promise<T> {
  const host = await newPage(browser, { baseUrl: app.baseUrl });
  await signIn(host, "sec2");
  const presenterId = ((await (await host.request.get("/api/forums/presenters")).json()) as { users: { id: string }[] })
    .users[0]!.id;
  const created = await host.request.post("/api/forums", {
    data: {
      title: "首次加载 现场评议",
      mode: "examination",
      startsAt: new Date().toISOString(),
      talks: [{ title: "议题", presenterId }],
    },
  });
  const forumId = ((await created.json()) as { forum: { id: string } }).forum.id;
  const made = await prepare(host.request, forumId);
  await host.context().close();
  return made;
}

/** A fresh printed ballot code of a new examination forum. */
const newBallotCode = () =>
  newExamination(async (host, forumId) => {
    const codes = await host.post(`/api/forums/${forumId}/ballot-codes`, { data: { group: "party", count: 1 } });
    return ((await codes.json()) as { codes: { code: string }[] }).codes[0]!.code;
  });

/** The venue QR's code of a new examination forum, with places for 群众代表. */
const newVenueCode = () =>
  newExamination(async (host, forumId) => {
    const venue = await host.put(`/api/forums/${forumId}/venue`, { data: { caps: { public: 5 } } });
    return ((await venue.json()) as { venue: { code: string } }).venue.code;
  });

describe("client delivery", () => {
  test("the sign-in page's scripts arrive compressed and immutable; the page itself is revalidated", async () => {
    const page = await newPage(browser, { baseUrl: app.baseUrl });
    const scripts: { url: string; encoding?: string; cache?: string; length: number }[] = [];
    let documentCache: string | undefined;
    const reads: Promise<void>[] = [];
    const failedReads: unknown[] = [];
    page.on("response", (response) => {
      const read = async () => {
        const headers = await response.allHeaders();
        if (response.request().resourceType() === "document") documentCache = headers["cache-control"];
        if (response.url().includes("/assets/") && response.url().endsWith(".js")) {
          scripts.push({
            url: response.url(),
            encoding: headers["content-encoding"],
            cache: headers["cache-control"],
            length: Number(headers["content-length"] ?? 0),
          });
        }
      };
      // a read still running when the page closes fails: kept, not an unhandled rejection of the run
      reads.push(read().catch((err: unknown) => void failedReads.push(err)));
    });
    await page.goto("/login");
    await page.getByLabel("用户名").waitFor();
    await Promise.all(reads);
    expect(failedReads).toEqual([]);
    expect(documentCache).toBe("no-cache");
    expect(scripts.length).toBeGreaterThan(0);
    for (const script of scripts) {
      // files under 1 KB are not worth compressing and are sent as they are
      if (script.encoding === undefined) expect(script.length, script.url).toBeLessThan(1024);
      else expect(script.encoding, script.url).toMatch(/^(br|gzip)$/);
      expect(script.cache, script.url).toBe("public, max-age=31536000, immutable");
    }
    await page.context().close();
  });

  test("a client that accepts no compression still gets the plain file", async () => {
    const html = await fetch(`${app.baseUrl}/login`, { headers: { "accept-encoding": "identity" } });
    const asset = /\/assets\/[^"]+\.js/.exec(await html.text())?.[0];
    expect(asset).toBeTruthy();
    const plain = await fetch(app.baseUrl + asset, { headers: { "accept-encoding": "identity" } });
    expect(plain.status).toBe(200);
    expect(plain.headers.get("content-encoding")).toBeNull();
    const gzip = await fetch(app.baseUrl + asset, {
      headers: { "accept-encoding": "gzip" },
      decompress: false,
    } as RequestInit);
    expect(gzip.headers.get("content-encoding")).toBe("gzip");
  });
});

describe("first loads", () => {
  test("each first-load page's HTML asks for every script the page runs; other paths get the plain index.html", async () => {
    const room = firstLoads().find((route) => route.name === "forum-room");
    expect(room).toBeDefined();
    const html = await fetch(`${app.baseUrl}/forums/some-forum`).then((r) => r.text());
    for (const file of room!.js) expect(html, file).toContain(`/${file}"`);
    // the room's own code (client/vite/firstLoadChunks.ts names it after the one page that runs it)
    const roomChunk = room!.js.find((file) => /first-forum-room-/.test(file));
    expect(roomChunk).toBeDefined();
    // the forum list, a new forum and the home page are not the room: they do not fetch it
    for (const path of ["/", "/forums", "/forums/new", "/qa"]) {
      const other = await fetch(app.baseUrl + path).then((r) => r.text());
      expect(other, path).not.toContain(roomChunk);
      expect(other, path).toContain('<div id="root">');
    }
    const compressed = await fetch(`${app.baseUrl}/g/ABCD1234`, {
      headers: { "accept-encoding": "br" },
      decompress: false,
    } as RequestInit);
    expect(compressed.headers.get("content-encoding")).toBe("br");
    expect(compressed.headers.get("cache-control")).toBe("no-cache");
  });

  test("a worker opening a forum's QR link: the room's scripts come from the page itself, the session is asked once", async () => {
    const page = await newPage(browser, { baseUrl: app.baseUrl, viewport: { width: 375, height: 760 } });
    await signIn(page, "worker1");
    const forums = (await (await page.request.get("/api/forums")).json()) as { forums: { id: string }[] };
    const forumId = forums.forums[0]!.id;
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
    // as on a phone that never opened the hub: no service worker answers for the server
    await cdp.send("Network.setBypassServiceWorker", { bypass: true });
    // the room's own requests only: the home page that signing in opened may still be fetching its chunks
    const roomUrl = `${app.baseUrl}/forums/${forumId}`;
    const initiators = new Map<string, string>();
    const roomStateAskers: string[] = [];
    type Sent = {
      documentURL: string;
      request: { url: string };
      initiator: { type: string; stack?: { callFrames: { url: string }[] } };
    };
    cdp.on("Network.requestWillBeSent", (event: Sent) => {
      const path = new URL(event.request.url).pathname;
      if (event.documentURL === roomUrl && !initiators.has(path)) initiators.set(path, event.initiator.type);
      if (path === `/api/forums/${forumId}/room`)
        roomStateAskers.push(event.initiator.stack?.callFrames[0]?.url ?? event.initiator.type);
    });
    const sessionChecks: string[] = [];
    page.on("request", (request) => {
      if (new URL(request.url()).pathname === "/api/session") sessionChecks.push(request.url());
    });
    const warnings: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "warning" || message.type() === "error") warnings.push(message.text());
    });

    await page.goto(`/forums/${forumId}`);
    const box = page.locator(".questions-panel textarea");
    await box.fill("扫码进来的第一个问题");
    expect(await box.inputValue()).toBe("扫码进来的第一个问题");

    // the audience's agenda is a plain list: no tools, and none of the host's editor code fetched
    await page
      .getByTestId("agenda")
      .getByText(/协商六步法/)
      .waitFor({ state: "attached" });
    await page.waitForLoadState("networkidle");
    expect(await page.getByTestId("agenda").getByRole("button").count()).toBe(0);
    const editorCode = [...initiators.keys()].filter((path) => /\/(AgendaEditor|PresenterTools)-/.test(path));
    expect(editorCode).toEqual([]);

    const room = firstLoads().find((route) => route.name === "forum-room")!;
    const seen = JSON.stringify([...initiators]);
    for (const file of room.js) expect(initiators.get(`/${file}`), `${file} in ${seen}`).toBe("parser");
    expect(sessionChecks, JSON.stringify({ seen, warnings })).toHaveLength(1);
    // the room's state was asked for once, by the page's boot script, before the app's scripts ran
    expect(roomStateAskers).toEqual([`${app.baseUrl}/boot/forum-room.js`]);
    expect(warnings.filter((w) => /preload/i.test(w))).toEqual([]);
    await page.context().close();
  });

  test("a page opened cold is usable before antd's later stylesheet is fetched, which then takes its place", async () => {
    const code = await newBallotCode();
    const venueCode = await newVenueCode();

    // other pages link both parts, neither disabled
    const home = await fetch(`${app.baseUrl}/forums`).then((r) => r.text());
    expect(home).toMatch(/<link[^>]*antd-later-[^>]*data-after-first-render>/);

    const phone = await newPage(browser, { baseUrl: app.baseUrl, viewport: { width: 375, height: 760 } });
    await signIn(phone, "worker1");
    const forums = (await (await phone.request.get("/api/forums")).json()) as { forums: { id: string }[] };
    const cases = [
      { path: `/forums/${forums.forums[0]!.id}`, ready: phone.locator(".questions-panel textarea"), signedIn: true },
      { path: "/login", ready: phone.getByLabel("用户名"), signedIn: false },
      { path: `/g/${code}`, ready: phone.getByText("您的身份：党员代表"), signedIn: false },
      { path: `/v/${venueCode}`, ready: phone.getByRole("radio", { name: /群众代表/ }), signedIn: false },
    ];
    for (const { path, ready, signedIn } of cases) {
      if (!signedIn) await phone.context().clearCookies();
      // the later part is held back until the page has been checked: a first screen that waited for it would never come
      let release = () => {};
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      let asked = false;
      await phone.route("**/assets/antd-later-*.css", async (route) => {
        asked = true;
        await released;
        await route.continue();
      });
      await phone.goto(path);
      await ready.waitFor();
      if (signedIn) await ready.fill("先提一个问题");

      const shown = await phone.evaluate(() => [
        ...new Set([...document.querySelectorAll("[class]")].flatMap((el) => [...el.classList])),
      ]);
      const unstyled = shown.filter((name) => name.startsWith("ant-") && firstScreenComponentOf(name) === null);
      expect(unstyled, `${path}: antd classes on the first screen whose rules wait for the later part`).toEqual([]);

      // once painted, the page asks for the rest, and it lands before the app's own stylesheet
      await expect.poll(() => asked, { message: path }).toBe(true);
      release();
      await expect
        .poll(
          () =>
            phone.evaluate(() =>
              [...document.styleSheets]
                .map((sheet) => {
                  const href = sheet.href ?? "";
                  const name = /antd-later-/.test(href)
                    ? "later"
                    : /antd-first-screen-/.test(href)
                      ? "first"
                      : /\/index-/.test(href)
                        ? "app"
                        : "";
                  return name && sheet.cssRules.length > 0 ? name : "";
                })
                .filter(Boolean),
            ),
          { message: path },
        )
        .toEqual(["first", "later", "app"]);
      await phone.unroute("**/assets/antd-later-*.css");
    }
    await phone.context().close();
  });

  test("a ballot code's guest session and room are asked for by the page's boot script, once, and the app takes both", async () => {
    const code = await newBallotCode();
    const phone = await newPage(browser, { baseUrl: app.baseUrl, viewport: { width: 375, height: 760 } });
    const cdp = await phone.context().newCDPSession(phone);
    await cdp.send("Network.enable");
    type Sent = { request: { url: string; method: string }; initiator: { stack?: { callFrames: { url: string }[] } } };
    const redeems: string[] = [];
    const roomAskers: string[] = [];
    cdp.on("Network.requestWillBeSent", (event: Sent) => {
      const asker = event.initiator.stack?.callFrames[0]?.url ?? "";
      const path = new URL(event.request.url).pathname;
      if (event.request.method === "POST" && path === "/api/guest/code") redeems.push(asker);
      if (path === "/api/guest/room") roomAskers.push(asker);
    });
    const joins: string[] = [];
    cdp.on("Network.webSocketFrameSent", (event: { response: { payloadData: string } }) => {
      if (event.response.payloadData.includes('"forum:join"')) joins.push(event.response.payloadData);
    });
    await phone.goto(`/g/${code}`);
    await phone.getByText("您的身份：党员代表").waitFor();
    expect(redeems).toHaveLength(1);
    expect(new URL(redeems[0]!).pathname).toBe("/boot/guest-code.js");
    // the room for the first render: asked once, by the same script, once the code had opened the session
    expect(roomAskers.map((url) => new URL(url).pathname)).toEqual(["/boot/guest-code.js"]);
    // the script is the page's own file, allowed by the Content-Security-Policy, and leaves nothing behind
    expect(
      await phone.evaluate(
        () => ("earlyGuestCode" in window && window.earlyGuestCode !== undefined) || window.earlyRoom !== undefined,
      ),
    ).toBe(false);
    // and the room is live: the join followed on the realtime connection, and the question box takes typing
    await expect.poll(() => joins.length, { timeout: 10_000 }).toBe(1);
    await phone.getByRole("tab", { name: "提问" }).click();
    await phone.locator(".questions-panel textarea").fill("扫码后的第一个问题");
    expect(await phone.locator(".questions-panel textarea").inputValue()).toBe("扫码后的第一个问题");
    await phone.context().close();
  });

  test("a boot script that arrives after the app has redeemed the code does not redeem it again", async () => {
    const code = await newBallotCode();
    const phone = await newPage(browser, { baseUrl: app.baseUrl, viewport: { width: 375, height: 760 } });
    const redeems: string[] = [];
    phone.on("request", (request) => {
      if (request.method() === "POST" && new URL(request.url()).pathname === "/api/guest/code")
        redeems.push(request.url());
    });
    // a slow phone: the async boot script lands only after the app has taken the page over
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await phone.route("**/boot/guest-code.js", async (route) => {
      await held;
      await route.continue();
    });
    await phone.goto(`/g/${code}`, { waitUntil: "commit" });
    await phone.getByText("您的身份：党员代表").waitFor();
    release();
    // the load event waits for the async script to have run
    await phone.waitForLoadState("load");
    expect(redeems).toHaveLength(1);
    await phone.context().close();
  });

  test("a mangled ballot-code address shows why the code failed, not a blank page", async () => {
    const page = await newPage(browser, { baseUrl: app.baseUrl, viewport: { width: 375, height: 760 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    for (const path of ["/g/%E0%A4%A", "/g/NOT-A-CODE", "/g/ABCDEFGHJK"]) {
      await page.goto(path);
      await page.getByText("选票码无法使用").waitFor();
    }
    expect(errors).toEqual([]);
    await page.context().close();
  });

  test("a page whose scripts never arrive says it is still loading, then how to try again", async () => {
    const page = await newPage(browser, { baseUrl: app.baseUrl, viewport: { width: 375, height: 760 } });
    await page.route("**/assets/*.js", (route) => route.abort());
    await page.goto("/login", { waitUntil: "commit" });
    const status = page.getByRole("status");
    await expect.poll(() => status.textContent()).toContain("正在加载");
    const hint = page.getByText("网络较慢，仍在加载");
    expect(await hint.isVisible()).toBe(false);
    await hint.waitFor({ state: "visible", timeout: 20_000 });
    await page.getByRole("link", { name: "刷新页面" }).click();
    // the link reloads the page it is on, and the placeholder starts over
    await page.waitForURL((url) => url.pathname === "/login");
    await expect.poll(() => status.textContent()).toContain("正在加载");
    await page.context().close();
  });
});

describe("installable shell", () => {
  test("the manifest is served, the service worker takes over, and the sign-in page opens while the server is down", async () => {
    const manifest = await fetch(`${app.baseUrl}/manifest.webmanifest`);
    expect(manifest.status).toBe(200);
    const body = (await manifest.json()) as { name: string; lang: string; icons: { sizes: string }[] };
    expect(body.name).toBe("社区工作者协作论坛");
    expect(body.lang).toBe("zh-CN");
    expect(body.icons.map((i) => i.sizes)).toContain("512x512");
    const worker = await fetch(`${app.baseUrl}/sw.js`);
    expect(worker.headers.get("cache-control")).toBe("no-cache");

    const page = await newPage(browser, { baseUrl: app.baseUrl });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto("/login");
    await page.getByLabel("用户名").waitFor();
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    await expect
      .poll(() => page.evaluate(() => Boolean(navigator.serviceWorker.controller)), { timeout: 20_000 })
      .toBe(true);

    await app.pause();
    try {
      const fresh = await page.context().newPage();
      fresh.on("pageerror", (e) => errors.push(e.message));
      await fresh.goto(`${app.baseUrl}/login`);
      await fresh.getByLabel("用户名").waitFor();
      // API answers are never cached: with the server down, they fail instead of being made up.
      const status = await fresh.evaluate(() =>
        fetch("/api/health").then(
          (r) => r.status,
          () => 0,
        ),
      );
      expect(status).not.toBe(200);
    } finally {
      await app.resume();
    }
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
