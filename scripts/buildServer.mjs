// The server as `npm start` runs it: bundled by esbuild from server/main.ts (an entry module and the
// chunks it imports), with every package left as an import of node_modules. Started from the sources
// through tsx, the server spent about 2 s of its start-up in the TypeScript loader (every import, ours
// and the packages', answered from a worker thread); the bundle is plain JavaScript for Node. Tests and benchmarks still run the
// sources; the bundle is rebuilt whenever the server's or the shared sources are newer than it.
import { existsSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

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

export async function buildServer() {
  const esbuild = await import("esbuild");
  // chunks of an earlier build would stay behind under new names
  rmSync(OUT_DIR, { recursive: true, force: true });
  await esbuild.build({
    entryPoints: { main: join(root, "server/main.ts") },
    outdir: OUT_DIR,
    outExtension: { ".js": ".mjs" },
    // The entry's dynamic imports become chunks of their own, loaded when imported: server/main.ts
    // starts the embedded database before the rest of the server (and its packages) is loaded.
    splitting: true,
    chunkNames: "chunks/[name]-[hash]",
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    sourcemap: true,
    logLevel: "warning",
  });
  // esbuild answers from a service process of its own; npm start's only child must be the server
  await esbuild.stop();
}

export async function buildServerWhenStale() {
  const sources = Math.max(newestMtime(join(root, "server")), newestMtime(join(root, "shared")));
  if (existsSync(SERVER_BUNDLE) && statSync(SERVER_BUNDLE).mtimeMs >= sources) return false;
  await buildServer();
  return true;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await buildServer();
