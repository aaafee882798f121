// The server as `npm start` runs it: bundled by esbuild from server/main.ts (an entry module and the
// chunks it imports), the packages it imports bundled with it. Started from the sources through tsx,
// the server spent about 2 s of its start-up in the TypeScript loader (every import, ours and the
// packages', answered from a worker thread); the bundle is plain JavaScript for Node, and with the
// packages inside it Node no longer resolves and reads some hundreds of files of node_modules at each
// start (about 0.2 s of 1.25, docs/PERFORMANCE.md). The browser tests and the start-up benchmark run
// this bundle; unit tests and the other benchmarks run the sources. It is rebuilt when it is stale
// (buildServerWhenStale).
import { existsSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = new URL("..", import.meta.url).pathname;
const OUT_DIR = join(root, "build/server");
export const SERVER_BUNDLE = join(OUT_DIR, "main.mjs");

/** Newest modification time of the files under `dir` (build output and packages skipped). */
export function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "dist" || entry.name === "node_modules") continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * Packages loaded from node_modules as they are. Bundled are those every start loads (the web
 * framework, Socket.IO, the database layer, Yjs, zod, pino…); left outside:
 * - what finds files beside its own code: PGlite (its WASM and data), the argon2 addon, ws's optional
 *   addons, tinypool (starts its workers from its own entry files);
 * - what is loaded only on first use or with Redis, so costs a start nothing: the Redis client and
 *   adapter, spreadsheets, Word export, file-type sniffing, Markdown, pinyin;
 * - pdf-lib (bundled, its CommonJS re-exports come out undefined) and the build tools.
 */
const KEPT_OUTSIDE = [
  "@electric-sql/pglite",
  "@electric-sql/pglite/*",
  "@node-rs/argon2",
  "bufferutil",
  "utf-8-validate",
  "tinypool",
  "ioredis",
  "@socket.io/redis-adapter",
  "exceljs",
  "docx",
  "file-type",
  "markdown-it",
  "pinyin-pro",
  "pdf-lib",
  "esbuild",
  "vite",
  "tsx",
];

/**
 * Builds the bundle into `outDir` (build/server unless told). `packagesInside: false` leaves every
 * package in node_modules, as the bundle was built before: the start-up benchmark's comparison.
 * `outDir` must stay inside the project, where the packages left outside are found.
 */
export async function buildServer({ outDir = OUT_DIR, packagesInside = true } = {}) {
  const esbuild = await import("esbuild");
  // chunks of an earlier build would stay behind under new names
  rmSync(outDir, { recursive: true, force: true });
  await esbuild.build({
    entryPoints: { main: join(root, "server/main.ts") },
    outdir: outDir,
    outExtension: { ".js": ".mjs" },
    // The entry's dynamic imports become chunks of their own, loaded when imported: server/main.ts
    // starts the embedded database before the rest of the server (and its packages) is loaded.
    splitting: true,
    chunkNames: "chunks/[name]-[hash]",
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    ...(packagesInside
      ? {
          external: KEPT_OUTSIDE,
          // CommonJS packages inside an ES module still call require() for Node's own modules
          banner: {
            js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
          },
        }
      : { packages: "external" }),
    sourcemap: true,
    logLevel: "warning",
  });
  // esbuild answers from a service process of its own; npm start's only child must be the server
  await esbuild.stop();
}

/** npm rewrites this file at every install: packages changed since the bundle means a new bundle. */
const INSTALLED_PACKAGES = join(root, "node_modules/.package-lock.json");

/** Builds the bundle when it is older than the server's or shared sources, the installed packages or this script. */
export async function buildServerWhenStale() {
  const installed = existsSync(INSTALLED_PACKAGES) ? statSync(INSTALLED_PACKAGES).mtimeMs : 0;
  const script = statSync(fileURLToPath(import.meta.url)).mtimeMs;
  const sources = Math.max(newestMtime(join(root, "server")), newestMtime(join(root, "shared")), installed, script);
  if (existsSync(SERVER_BUNDLE) && statSync(SERVER_BUNDLE).mtimeMs >= sources) return false;
  await buildServer();
  return true;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await buildServer();
