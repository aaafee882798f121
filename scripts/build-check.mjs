#!/usr/bin/env node
// Prints the JavaScript each first-load page transfers before it is usable (brotli, as the server
// sends it) and fails when a page is over its budget. Run after `vite build` (npm run build:check).
// The pages and their files are the build's own list, client/dist/first-load/routes.json (written
// by client/vite/firstLoads.ts): the same files the page's HTML asks for at once.
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const DIST = fileURLToPath(new URL("../client/dist", import.meta.url));
const ROUTES = join(DIST, "first-load", "routes.json");
const BUDGET_BYTES = 250 * 1024;
/** every first-load page must be listed: a page dropped from the list would escape the budget */
const EXPECTED = ["login", "forum-room", "guest", "venue"];

if (!existsSync(ROUTES)) {
  console.error("client/dist/first-load/routes.json is missing: run `vite build` first");
  process.exit(2);
}
const routes = JSON.parse(readFileSync(ROUTES, "utf8"));

/** Bytes on the wire: the .br file the server prefers, else the file itself (tiny files aren't compressed). */
function wireBytes(file) {
  const path = join(DIST, file);
  return existsSync(`${path}.br`) ? statSync(`${path}.br`).size : statSync(path).size;
}

let failed = false;
for (const name of EXPECTED) {
  if (!routes.some((route) => route.name === name)) {
    console.error(`✗ ${name}: not in first-load/routes.json`);
    failed = true;
  }
}
for (const route of routes) {
  const total = route.js.reduce((sum, file) => sum + wireBytes(file), 0);
  const over = total > BUDGET_BYTES;
  failed ||= over;
  console.log(
    `${over ? "✗" : "✓"} ${route.label}: ${(total / 1024).toFixed(1)} KB JS in ${route.js.length} files (budget ${BUDGET_BYTES / 1024} KB)`,
  );
}
process.exit(failed ? 1 : 0);
