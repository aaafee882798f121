/**
 * Browser end-to-end harness: the real server, bundled as `npm start` runs it, in a child process on a free
 * port with a fresh embedded database and the demo data, serving the built client, driven by
 * Chromium through playwright-core.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { SERVER_BUNDLE } from "../../scripts/buildServer.mjs";
import { freePort } from "../helpers/processes.ts";
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from "playwright-core";
import { afterEach, expect } from "vitest";

export const REPO_ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));
export const SCREENSHOT_DIR = join(REPO_ROOT, "test-results", "e2e");
export const DEMO_PASSWORD = "demo1234";

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

// ---------- client build ----------

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === "node_modules" || entry === "dist") continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/** True when client/dist is missing or older than any client source, shared/ file or the Vite config. */
export function clientBuildIsStale(): boolean {
  const built = join(REPO_ROOT, "client", "dist", "index.html");
  if (!existsSync(built)) return true;
  const builtAt = statSync(built).mtimeMs;
  const sources = [
    join(REPO_ROOT, "client", "src"),
    join(REPO_ROOT, "client", "index.html"),
    join(REPO_ROOT, "client", "vite"),
    join(REPO_ROOT, "shared"),
    join(REPO_ROOT, "vite.config.ts"),
  ];
  return sources.some((source) => newestMtime(source) > builtAt);
}

/** Runs `vite build` when the built client is missing or stale (the server serves client/dist). */
export function ensureClientBuilt(): void {
  if (!clientBuildIsStale()) return;
  const vite = join(REPO_ROOT, "node_modules", "vite", "bin", "vite.js");
  const result = spawnSync(process.execPath, [vite, "build", "--logLevel", "warn"], {
    cwd: REPO_ROOT,
    // Vitest sets NODE_ENV=test, which would make Vite bundle React's development build.
    env: { ...process.env, NODE_ENV: "production" },
    encoding: "utf8",
    timeout: 180_000,
  });
  if (result.status !== 0) {
    throw new Error(`vite build failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
}

// ---------- server ----------

export type RunningApp = {
  baseUrl: string;
  /** stdout+stderr of the server so far, for failure messages */
  output: () => string;
  /** Stops the server process (as a deploy does) but keeps its port and data directory. */
  pause: () => Promise<void>;
  /** Starts the server again on the same port with the same data, once paused. */
  resume: () => Promise<void>;
  stop: () => Promise<void>;
};

export type StartOptions = {
  /** extra environment for the server, e.g. `{ ALLOW_REGISTRATION: "false" }` */
  env?: Record<string, string>;
  /** how long to wait for GET /api/health (default 60 s: the first PGlite start migrates and seeds) */
  readyTimeoutMs?: number;
};

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((done) => {
    const timer = setTimeout(() => done(false), timeoutMs);
    child.once("exit", () => {
      clearTimeout(timer);
      done(true);
    });
  });
}

const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

/**
 * Starts the real server (the bundle `npm start` runs) on a free port with a fresh
 * DATA_DIR and the demo data, and resolves once `GET /api/health` answers.
 */
export async function startApp(options: StartOptions = {}): Promise<RunningApp> {
  ensureClientBuilt();
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), "forum-e2e-"));
  const baseUrl = `http://127.0.0.1:${port}`;
  let output = "";

  const spawnServer = () => {
    // the bundle `npm start` runs (built by global-setup.ts), packages and all
    const child = spawn(process.execPath, [SERVER_BUNDLE], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        NODE_ENV: "production",
        PORT: String(port),
        HOST: "127.0.0.1",
        DATA_DIR: dataDir,
        SEED_DEMO: "true",
        LOG_LEVEL: "warn",
        DATABASE_URL: "",
        REDIS_URL: "",
        ...options.env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    return child;
  };

  let child = spawnServer();

  const kill = async () => {
    if (exited(child)) return;
    child.kill("SIGTERM");
    if (!(await waitForExit(child, 10_000))) {
      child.kill("SIGKILL");
      await waitForExit(child, 5_000);
    }
  };

  const stop = async () => {
    await kill();
    rmSync(dataDir, { recursive: true, force: true });
  };

  const waitReady = async () => {
    const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
    while (true) {
      if (exited(child)) {
        await stop();
        throw new Error(
          `server exited before it was ready (code ${child.exitCode}, signal ${child.signalCode}):\n${output}`,
        );
      }
      try {
        const res = await fetch(`${baseUrl}/api/health`, { signal: AbortSignal.timeout(2_000) });
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`server did not answer /api/health within the timeout:\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  const resume = async () => {
    if (!exited(child)) throw new Error("resume() while the server is still running");
    child = spawnServer();
    await waitReady();
  };

  await waitReady();
  return { baseUrl, output: () => output, pause: kill, resume, stop };
}

// ---------- browser ----------

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`Chromium not found at ${CHROMIUM_PATH} (set CHROMIUM_PATH)`);
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

export type NewPageOptions = {
  viewport?: { width: number; height: number };
  /** the app's address; relative `page.goto("/login")` then works */
  baseUrl?: string;
  /** the system setting 减弱动态效果 (prefers-reduced-motion) */
  reducedMotion?: "reduce" | "no-preference";
};

// ---------- Content-Security-Policy ----------

/**
 * The server always sends its Content-Security-Policy, so every browser test runs under it. Any
 * violation — reported by the page's `securitypolicyviolation` event or by Chromium's own
 * "Refused to …" console error (which also covers workers) — fails the test that caused it.
 */
const cspViolations: string[] = [];
const CSP_MARKER = "[csp-violation]";
const reportViolations = `document.addEventListener("securitypolicyviolation", (e) => {
  console.error(${JSON.stringify(CSP_MARKER)}, e.violatedDirective, e.blockedURI, e.sourceFile + ":" + e.lineNumber);
});`;

function watchForCsp(page: Page): void {
  page.on("console", (message) => {
    const text = message.text();
    if (text.startsWith(CSP_MARKER) || /Content Security Policy/i.test(text))
      cspViolations.push(`${page.url()}: ${text}`);
  });
}

/** Violations seen since the last check (and forgets them). */
export function takeCspViolations(): string[] {
  return cspViolations.splice(0);
}

// Registered for every test file that imports the harness (not for the global setup, which runs
// outside any test file).
if (process.env.VITEST_WORKER_ID) {
  afterEach(() => {
    const seen = takeCspViolations();
    if (seen.length > 0) throw new Error(`Content-Security-Policy violations:\n${seen.join("\n")}`);
  });
}

/**
 * A page in its own browser context (own cookies), zh-CN, desktop 1280×800 unless told, watched
 * for CSP violations. Close it with `page.context().close()`.
 */
export async function newPage(browser: Browser, options: NewPageOptions = {}): Promise<Page> {
  const context: BrowserContext = await browser.newContext({
    viewport: options.viewport ?? { width: 1280, height: 800 },
    locale: "zh-CN",
    timezoneId: "Asia/Shanghai",
    baseURL: options.baseUrl,
    deviceScaleFactor: 1,
    reducedMotion: options.reducedMotion ?? "no-preference",
  });
  context.setDefaultTimeout(15_000);
  await context.addInitScript(reportViolations);
  context.on("page", watchForCsp);
  const page = await context.newPage();
  return page;
}

/**
 * Saves a screenshot as test-results/e2e/<name>.png and returns its path: the full page unless
 * `fullPage: false` (use that for overlays such as drawers, which belong to the viewport).
 */
export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: options.fullPage ?? true });
  return path;
}

/** Signs in through the login form and waits for the home page (or `next`). */
export async function signIn(page: Page, username: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto("/login");
  await page.getByLabel("用户名").fill(username);
  await page.getByLabel("密码", { exact: true }).fill(password);
  await page.getByRole("button", { name: /登\s*录/ }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));
}

/**
 * Clicks an element of an antd popup (a dropdown menu, a select's options, a pop-confirm) once the
 * popup has stopped moving. antd's popups slide or zoom in and are aligned after they first show; on
 * a loaded machine a click can press on the element and release on the popup's edge (seen in CI: no
 * click, the user menu still open), which Playwright's own check of two equal frames does not catch.
 */
export async function clickSettled(target: Locator): Promise<void> {
  await target.waitFor();
  await expect.poll(() => hasSettled(target), { message: "the popup settles" }).toBe(true);
  await target.click();
}

/** Opens the user menu in the header and picks `item`. */
export async function chooseFromUserMenu(page: Page, item: string): Promise<void> {
  await page.getByRole("button", { name: /用户菜单/ }).click();
  await clickSettled(page.getByRole("menuitem", { name: item }));
}

/** No animation runs in the element's popup, and the element stays put for 100 ms. */
function hasSettled(locator: Locator): Promise<boolean> {
  return locator.evaluate(async (element) => {
    const popup = element.closest(".ant-dropdown, .ant-select-dropdown, .ant-popover") ?? element;
    const box = () => JSON.stringify(element.getBoundingClientRect());
    const before = box();
    await new Promise((resolve) => setTimeout(resolve, 100));
    return popup.getAnimations({ subtree: true }).length === 0 && box() === before;
  });
}
