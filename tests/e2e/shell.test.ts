/**
 * The application shell in a real browser: sign-in, registration, home, the admin user list,
 * the phone layout, guards and the 404 page.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Browser, Page } from "playwright-core";
import type { User } from "../../shared/auth.ts";
import { LEVEL_LABELS, ROLE_LABELS } from "../../shared/enums.ts";
import {
  chooseFromUserMenu,
  DEMO_PASSWORD,
  launchBrowser,
  newPage,
  screenshot,
  signIn,
  startApp,
  type RunningApp,
} from "./harness.ts";

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

/** The demo user as the API describes it, so assertions don't hard-code seed names. */
async function demoUser(username: string): Promise<User> {
  const res = await fetch(`${app.baseUrl}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: app.baseUrl },
    body: JSON.stringify({ username, password: DEMO_PASSWORD }),
  });
  expect(res.status, `API login as ${username}`).toBe(200);
  return ((await res.json()) as { user: User }).user;
}

async function withPage<T>(viewport: { width: number; height: number } | undefined, run: (page: Page) => Promise<T>) {
  const page = await newPage(browser, { baseUrl: app.baseUrl, viewport });
  try {
    return await run(page);
  } finally {
    await page.context().close();
  }
}

describe("application shell", () => {
  test("login page renders the form", async () => {
    await withPage(undefined, async (page) => {
      await page.goto("/login");
      await expect.poll(() => page.title()).toBe("登录 · 社区工作者协作论坛");
      await page.getByLabel("用户名").waitFor();
      await screenshot(page, "login-desktop");
    });
  });

  test("sec1 signs in and sees the home with their name, role and level, and a live connection", async () => {
    const sec1 = await demoUser("sec1");
    await withPage(undefined, async (page) => {
      await signIn(page, "sec1");
      expect(new URL(page.url()).pathname).toBe("/");
      const greeting = page.getByTestId("home-greeting");
      await expect.poll(() => greeting.textContent()).toContain(sec1.displayName);
      expect(await page.getByTestId("home-role").textContent()).toBe(ROLE_LABELS[sec1.role]);
      expect(await page.getByTestId("home-level").textContent()).toBe(LEVEL_LABELS[sec1.level]);

      const areaList = page.getByRole("list", { name: "功能板块" });
      for (const area of ["书记论坛", "导师工作室", "党建项目", "老书记问答"]) {
        expect(await areaList.getByRole("link", { name: new RegExp(area) }).count()).toBe(1);
      }
      // 近期动态 shows the demo content this secretary takes part in
      const activity = page.getByRole("region", { name: "近期动态" });
      await activity.getByRole("link", { name: /李建华导师工作室/ }).waitFor();
      await activity.getByRole("link", { name: /红色管家/ }).waitFor();
      // the Socket.IO handshake authenticated by the session cookie succeeds
      await expect
        .poll(
          () =>
            page
              .getByRole("status")
              .filter({ hasText: /已连接|正在重连|离线/ })
              .textContent(),
          { timeout: 15_000 },
        )
        .toContain("已连接");
      await screenshot(page, "home-desktop");
      await page.setViewportSize({ width: 1920, height: 1080 });
      await screenshot(page, "home-projector");

      // an area opens its (lazily loaded) page inside the layout
      await areaList.getByRole("link", { name: /书记论坛/ }).click();
      await page.waitForURL("**/forums");
      await page.getByRole("heading", { name: "论坛与群众考书记" }).waitFor();
    });
  });

  test("a wrong password shows 用户名或密码错误 and stays on the login page", async () => {
    await withPage(undefined, async (page) => {
      await page.goto("/login");
      await page.getByLabel("用户名").fill("worker1");
      await page.getByLabel("密码", { exact: true }).fill("not-the-password");
      await page.getByRole("button", { name: /登\s*录/ }).click();
      const error = page.getByTestId("login-error");
      await error.waitFor();
      expect(await error.textContent()).toContain("用户名或密码错误");
      expect(new URL(page.url()).pathname).toBe("/login");
      await screenshot(page, "login-error");
    });
  });

  test("too many failed sign-ins show how long to wait", async () => {
    for (let i = 0; i < 12; i++) {
      const res = await fetch(`${app.baseUrl}/api/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: app.baseUrl },
        body: JSON.stringify({ username: "resident1", password: `wrong-${i}-password` }),
      });
      if (res.status === 429) break;
    }
    await withPage(undefined, async (page) => {
      await page.goto("/login");
      await page.getByLabel("用户名").fill("resident1");
      await page.getByLabel("密码", { exact: true }).fill(DEMO_PASSWORD);
      await page.getByRole("button", { name: /登\s*录/ }).click();
      const error = page.getByTestId("login-error");
      await error.waitFor();
      expect(await error.textContent()).toMatch(/尝试次数过多，请 \d+ 秒后再试/);
      expect(new URL(page.url()).pathname).toBe("/login");
      await screenshot(page, "login-rate-limited");
    });
  });

  test("a new account registers and lands on the home", async () => {
    const username = `e2e_${Date.now().toString(36)}`;
    await withPage(undefined, async (page) => {
      await page.goto("/register");
      await page.getByLabel("姓名").fill("测试居民");
      await page.getByLabel("用户名").fill(username);
      await page.getByLabel("密码", { exact: true }).fill("secret-pass-1");
      await page.getByLabel("确认密码").fill("secret-pass-1");
      await page.getByRole("button", { name: /注\s*册/ }).click();
      await page.waitForURL((url) => url.pathname === "/");
      await expect.poll(() => page.getByTestId("home-greeting").textContent()).toContain("测试居民");
      expect(await page.getByTestId("home-role").textContent()).toBe(ROLE_LABELS.resident);
      // the session survives a reload (cookie set by register)
      await page.reload();
      await expect.poll(() => page.getByTestId("home-greeting").textContent()).toContain("测试居民");
    });
  });

  test("a user changes their password in 账号设置 and signs in with the new one", async () => {
    const username = `e2e_pw_${Date.now().toString(36)}`;
    const res = await fetch(`${app.baseUrl}/api/auth/register`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: app.baseUrl },
      body: JSON.stringify({ username, password: "first-pass-1", displayName: "改密测试" }),
    });
    expect(res.status).toBe(201);
    await withPage(undefined, async (page) => {
      await signIn(page, username, "first-pass-1");
      await chooseFromUserMenu(page, "账号设置");
      await page.waitForURL("**/account");
      await page.getByLabel("当前密码").fill("first-pass-1");
      await page.getByLabel("新密码", { exact: true }).fill("second-pass-2");
      await page.getByLabel("确认新密码").fill("second-pass-2");
      await page.getByRole("button", { name: "修改密码" }).click();
      await page.getByText("密码已修改").waitFor();
      await screenshot(page, "account");
      await chooseFromUserMenu(page, "退出登录");
      await page.waitForURL((url) => url.pathname === "/login");
      await signIn(page, username, "second-pass-2");
      await expect.poll(() => page.getByTestId("home-greeting").textContent()).toContain("改密测试");
    });
  });

  test("at 375 px the home fits the screen and the nav is in a drawer", async () => {
    await withPage({ width: 375, height: 812 }, async (page) => {
      await signIn(page, "sec1");
      await page.getByTestId("home-greeting").waitFor();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, "horizontal overflow in px").toBeLessThanOrEqual(0);
      await screenshot(page, "home-375");

      await page.getByRole("button", { name: "打开导航菜单" }).click();
      const drawerNav = page.locator(".nav-drawer");
      await drawerNav.waitFor();
      await page.waitForTimeout(400); // let the slide-in animation finish before the picture
      await screenshot(page, "nav-drawer-375", { fullPage: false });
      await drawerNav.getByRole("link", { name: /老书记问答/ }).click();
      await page.waitForURL("**/qa");
      await page.getByRole("heading", { level: 1 }).filter({ hasText: "老书记问答" }).waitFor();
    });
  });

  test("admin opens 用户管理 and sees every demo user; search narrows the list", async () => {
    await withPage({ width: 1440, height: 900 }, async (page) => {
      await signIn(page, "admin");
      await chooseFromUserMenu(page, "用户管理");
      await page.waitForURL("**/admin/users");
      const table = page.getByTestId("users-table");
      await table.getByText("sec1", { exact: true }).waitFor();
      for (const username of ["admin", "mentor1", "veteran1", "sec2", "sec3", "worker1", "resident1"]) {
        expect(await table.getByText(username, { exact: true }).count(), username).toBe(1);
      }
      await screenshot(page, "admin-users");

      await page.getByLabel("搜索姓名或用户名").fill("veteran1");
      await expect.poll(() => table.locator("tbody tr.ant-table-row").count()).toBe(1);

      await page.setViewportSize({ width: 375, height: 812 });
      await page.getByLabel("搜索姓名或用户名").fill("");
      await screenshot(page, "admin-users-375");
    });
  });

  test("a secretary is refused the admin page, and a signed-out visitor is sent to sign in and back", async () => {
    await withPage(undefined, async (page) => {
      await page.goto("/proposals");
      await page.waitForURL((url) => url.pathname === "/login");
      expect(new URL(page.url()).searchParams.get("next")).toBe("/proposals");
      await page.getByLabel("用户名").fill("sec2");
      await page.getByLabel("密码", { exact: true }).fill(DEMO_PASSWORD);
      await page.getByRole("button", { name: /登\s*录/ }).click();
      await page.waitForURL("**/proposals");

      await page.goto("/admin/users");
      await page.getByRole("heading", { name: "无权访问" }).waitFor();

      await page.goto("/no-such-page");
      await page.getByRole("heading", { name: "页面不存在" }).waitFor();
    });
  });

  test("a user whose account is disabled is sent back to sign in at once", async () => {
    const username = `e2e_off_${Date.now().toString(36)}`;
    const registered = await fetch(`${app.baseUrl}/api/auth/register`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: app.baseUrl },
      body: JSON.stringify({ username, password: "victim-pass-1", displayName: "停用测试" }),
    });
    const { user } = (await registered.json()) as { user: User };
    await withPage(undefined, async (page) => {
      await signIn(page, username, "victim-pass-1");
      await expect
        .poll(() =>
          page
            .getByRole("status")
            .filter({ hasText: /已连接|正在重连|离线/ })
            .textContent(),
        )
        .toContain("已连接");

      const adminLogin = await fetch(`${app.baseUrl}/api/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: app.baseUrl },
        body: JSON.stringify({ username: "admin", password: DEMO_PASSWORD }),
      });
      const cookie = adminLogin.headers
        .getSetCookie()
        .map((c) => c.split(";")[0])
        .join("; ");
      const patched = await fetch(`${app.baseUrl}/api/users/${user.id}`, {
        method: "PATCH",
        headers: { "content-type": "application/json", origin: app.baseUrl, cookie },
        body: JSON.stringify({ disabled: true }),
      });
      expect(patched.status).toBe(200);

      await page.waitForURL((url) => url.pathname === "/login", { timeout: 10_000 });
      // told why, not just that the sign-in is gone
      await page.getByText("该账号已被停用，请联系管理员").waitFor();
    });
  });

  test("退出登录 ends the session", async () => {
    await withPage(undefined, async (page) => {
      await signIn(page, "worker1");
      await chooseFromUserMenu(page, "退出登录");
      await page.waitForURL((url) => url.pathname === "/login");
      await page.goto("/");
      await page.waitForURL((url) => url.pathname === "/login");
      const me = await page.evaluate(() => fetch("/api/me").then((r) => r.status));
      expect(me).toBe(401);
    });
  });
});

describe("connection indicator", () => {
  test("shows 正在重连… when the server goes away", async () => {
    // its own server, because this test stops it
    const own = await startApp();
    const page = await newPage(browser, { baseUrl: own.baseUrl });
    try {
      await signIn(page, "sec3");
      const indicator = page.getByRole("status").filter({ hasText: /已连接|正在重连|离线/ });
      await expect.poll(() => indicator.textContent()).toContain("已连接");
      await own.stop();
      await expect.poll(() => indicator.textContent(), { timeout: 15_000 }).toContain("正在重连…");
      await screenshot(page, "connection-reconnecting", { fullPage: false });
    } finally {
      await page.context().close();
      await own.stop();
    }
  });

  test("a connection attempt the network cut off half-way starts again as soon as the device is back online", async () => {
    const page = await newPage(browser, { baseUrl: app.baseUrl });
    try {
      // the first attempts reach nothing that answers, as over a link that died mid-handshake
      let answering = false;
      await page.context().routeWebSocket(/\/socket\.io\//, (ws) => {
        if (answering) ws.connectToServer();
      });
      await signIn(page, "sec3");
      const indicator = page.getByRole("status").filter({ hasText: /已连接|正在重连|离线/ });
      await expect.poll(() => indicator.textContent()).toContain("正在重连…");
      answering = true;
      await page.context().setOffline(true);
      await page.context().setOffline(false);
      // the pending attempt would otherwise wait out Socket.IO's 20 s connect timeout
      await expect.poll(() => indicator.textContent(), { timeout: 5_000 }).toContain("已连接");
    } finally {
      await page.context().close();
    }
  });
});

describe("a part of the page whose code cannot be fetched", () => {
  test("leaves the rest on screen: the header without its bell and menu, and a page that offers 重新加载", async () => {
    const page = await newPage(browser, { baseUrl: app.baseUrl });
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    try {
      await signIn(page, "sec3");
      // the bell's, the menu's and the account page's code never arrive, as when the server goes away first
      await page.context().route(/\/assets\/(Bell|UserMenu|AccountPage)-[^/]+\.js$/, (route) => route.abort());
      await page.goto("/");
      const indicator = page.getByRole("status").filter({ hasText: /已连接|正在重连|离线/ });
      await expect.poll(() => indicator.textContent()).toContain("已连接");
      expect(await page.getByRole("link", { name: /书记论坛/ }).count()).toBeGreaterThan(0);
      expect(await page.getByRole("button", { name: "用户菜单" }).count()).toBe(0);

      await page.goto("/account");
      const failed = page.getByRole("alert").filter({ hasText: "页面未能加载" });
      await failed.waitFor();
      expect(await page.getByRole("button", { name: "重新加载" }).isVisible()).toBe(true);
      // the header is still there around the failed page
      expect(await indicator.textContent()).toContain("已连接");
      expect(errors).toEqual([]);
    } finally {
      await page.context().close();
    }
  });
});
