#!/usr/bin/env node
// Prints the JavaScript each entry route transfers before it is usable (brotli, as the server
// sends it) and fails when a route is over its budget. Run after `vite build` (npm run build:check).
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const DIST = fileURLToPath(new URL("../client/dist", import.meta.url));
const MANIFEST = join(DIST, ".vite", "manifest.json");
const BUDGET_BYTES = 250 * 1024;

/**
 * The routes people open cold, and the source modules each needs before it can be used: the
 * entry, then the lazy chunks its router loads on the way to the page.
 */
const ROUTES = [
  { name: "登录页 /login", modules: ["index.html", "src/pages/LoginPage.tsx"] },
  {
    name: "书记论坛现场（扫码进入）/forums/:id",
    modules: [
      "index.html",
      "src/layout/AppLayout.tsx",
      "src/features/forums/index.tsx",
      "src/features/forums/ForumRoomPage.tsx",
    ],
  },
  // a resident without an account: the printed ballot code (/g/:code) or the venue QR (/v/:code)
  {
    name: "居民现场（选票码、现场二维码）/g/:code /v/:code",
    modules: ["index.html", "src/features/guests/GuestPages.tsx"],
  },
];

if (!existsSync(MANIFEST)) {
  console.error("client/dist/.vite/manifest.json is missing: run `vite build` first");
  process.exit(2);
}
const manifest = JSON.parse(readFileSync(MANIFEST, "utf8"));

/** A chunk and everything it imports statically: what the browser fetches before running it. */
function closure(key, seen = new Set()) {
  const chunk = manifest[key];
  if (!chunk || seen.has(key)) return seen;
  seen.add(key);
  for (const dep of chunk.imports ?? []) closure(dep, seen);
  return seen;
}

/** Bytes on the wire: the .br file the server prefers, else the file itself (tiny files aren't compressed). */
function wireBytes(file) {
  const path = join(DIST, file);
  return existsSync(`${path}.br`) ? statSync(`${path}.br`).size : statSync(path).size;
}

let failed = false;
for (const route of ROUTES) {
  const keys = new Set();
  for (const module of route.modules) {
    const key = Object.keys(manifest).find((k) => k === module || k.endsWith(`/${module}`) || k === `client/${module}`);
    if (!key) {
      // a page the router loads lazily must be a chunk of its own, or the route's figure would be wrong
      console.error(`✗ ${route.name}: ${module} is not a chunk of its own (was it made a static import?)`);
      failed = true;
      continue;
    }
    closure(key, keys);
  }
  const files = [...new Set([...keys].map((k) => manifest[k].file).filter((f) => f.endsWith(".js")))];
  const total = files.reduce((sum, file) => sum + wireBytes(file), 0);
  const over = total > BUDGET_BYTES;
  failed ||= over;
  console.log(
    `${over ? "✗" : "✓"} ${route.name}: ${(total / 1024).toFixed(1)} KB JS in ${files.length} files (budget ${BUDGET_BYTES / 1024} KB)`,
  );
}
process.exit(failed ? 1 : 0);
