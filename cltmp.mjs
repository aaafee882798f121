import { chromium } from "playwright-core";
const base = "http://127.0.0.1:3998";
const r = await fetch(base + "/api/auth/login", { method: "POST", headers: { "content-type": "application/json", origin: base }, body: JSON.stringify({ username: "worker1", password: "demo1234" }) });
const cookie = r.headers.get("set-cookie").split(";")[0];
const forums = await (await fetch(base + "/api/forums", { headers: { cookie } })).json();
const id = forums.forums[0].id;
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox","--disable-gpu","--disable-background-networking","--disable-component-update","--disable-sync","--no-first-run","--disable-quic"] });
for (let run = 0; run < 2; run++) {
const ctx = await browser.newContext({ viewport: { width: 375, height: 760 }, isMobile: true });
const [name, value] = cookie.split("=");
await ctx.addCookies([{ name, value, url: base }]);
const page = await ctx.newPage();
const cdp = await ctx.newCDPSession(page); await cdp.send("Network.enable"); await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
await page.goto(`${base}/forums/${id}`, { waitUntil: "commit" });
const h = await page.waitForFunction(() => { const el = document.querySelector(".questions-panel textarea"); return el && !el.disabled && !el.readOnly && el.getClientRects().length > 0 ? performance.now() : false; }, null, { polling: "raf", timeout: 60000 });
const ready = await h.jsonValue();
const entries = await page.evaluate(() => performance.getEntriesByType("resource").map((e) => [e.name.replace(location.origin, ""), Math.round(e.startTime), Math.round(e.responseEnd), e.transferSize]));
const nav = await page.evaluate(() => { const n = performance.getEntriesByType("navigation")[0]; return [Math.round(n.responseEnd), Math.round(n.domContentLoadedEventEnd), Math.round(n.loadEventEnd)]; });
console.log("ready", Math.round(ready), "nav resp/dcl/load", nav);
if (run === 1) for (const e of entries) console.log(e.join("  "));
await ctx.close();
}
await browser.close();
