import { dirname, resolve } from "node:path";
import type { ChunkingContext, CodeSplittingGroup, ModuleInfo } from "rolldown";
import type { FirstLoad } from "./firstLoads.ts";

/**
 * The code a cold-opened page runs beyond the entry, in a few files instead of dozens.
 *
 * Left to itself the bundler makes a small shared chunk of every antd component, icon and helper
 * that two pages use: the forum room ran 37 files. Over HTTP/1.1 a browser opens six connections
 * to a server, and each file costs one of them a full round trip before its bytes flow; on a
 * phone in a hall (150 ms) that left the link idle for most of a second. This group puts every
 * module that a first-load page imports statically (beyond the entry, which has its own group)
 * into one chunk per *set* of first-load pages that import it: the room's own code in one file,
 * what the room shares with the guest page in another, what all of them share in a third. A page
 * fetches only the files of sets it belongs to, so sign-in still loads none of the room's code.
 * Other pages that use one of these modules import it from that file (cached by then).
 */
export function firstLoadChunks(pages: FirstLoad[], clientRoot: string): CodeSplittingGroup[] {
  let context: ChunkingContext | null = null;
  let chunkOf = new Map<string, string>();
  const chunkName = (moduleId: string, ctx: ChunkingContext) => {
    // the graph is the same for the whole chunking pass: walked once per pass
    if (ctx !== context) {
      context = ctx;
      chunkOf = chunkNames(pages, clientRoot, ctx);
    }
    return chunkOf.get(moduleId);
  };
  // One group per set of pages. A captured module brings along what it imports (the bundler keeps
  // execution order that way), and what a module imports is reached by at least the same pages:
  // so the sets shared by more pages are captured first, and no page's file takes in a module
  // that another page of the set would then have to fetch it for.
  return subsets(pages.map((page) => page.name)).map((names) => {
    const name = `first-${names.join("+")}`;
    return {
      name: (moduleId, ctx) => (chunkName(moduleId, ctx) === name ? name : null),
      // the bundler asks for a label when the name is a function, and warns on every build without one
      debugName: name,
      // below the entry's group, so what the entry imports stays in the entry
      priority: names.length,
    };
  });
}

/** Every non-empty subset, each in the given order. */
function subsets(names: string[]): string[][] {
  const all: string[][] = [];
  for (let mask = 1; mask < 2 ** names.length; mask++) all.push(names.filter((_, i) => mask & (2 ** i)));
  return all;
}

/** module id → the name of the chunk of the pages that import it statically ("first-login+guest"). */
export function chunkNames(
  pages: FirstLoad[],
  clientRoot: string,
  ctx: Pick<ChunkingContext, "getModuleInfo">,
): Map<string, string> {
  const pagesOf = new Map<string, string[]>();
  for (const page of pages) {
    for (const id of reachedFrom(
      page.modules.map((module) => resolve(clientRoot, module)),
      ctx,
    ))
      pagesOf.set(id, [...(pagesOf.get(id) ?? []), page.name]);
  }
  // a barrel is not captured: it would take every component it re-exports along with it
  return new Map(
    [...pagesOf].filter(([id]) => !BARREL.test(id)).map(([id, names]) => [id, `first-${names.join("+")}`]),
  );
}

/**
 * A package's index that re-exports every component (`import { Tag } from "antd"`). Walking all
 * its imports would make every antd component used anywhere part of every page, so a page is
 * followed only into the components it names.
 */
const BARREL = /\/node_modules\/(antd\/es\/index\.js|@ant-design\/icons\/es\/(icons\/)?index\.js)$/;

/** Every module the given ones import statically, themselves included. */
function reachedFrom(starts: string[], ctx: Pick<ChunkingContext, "getModuleInfo">): Set<string> {
  const seen = new Set<string>();
  const stack = [...starts];
  for (const start of starts)
    if (!ctx.getModuleInfo(start)) throw new Error(`first-load chunks: ${start} is not in the build`);
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    const info = ctx.getModuleInfo(id);
    if (!info) continue;
    seen.add(id);
    // a barrel's imports are followed only from the names its importer uses (below)
    if (BARREL.test(id)) continue;
    for (const imported of info.importedIds) {
      if (!BARREL.test(imported)) stack.push(imported);
      else stack.push(...throughBarrel(ctx, imported, namesImported(info, imported)));
    }
  }
  return seen;
}

/** The names a module imports from a barrel (`import { Tag, type TagProps } from "antd"`). */
function namesImported(importer: ModuleInfo, barrel: string): string[] | null {
  const pkg = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(barrel)?.[1];
  if (!pkg || !importer.code) return null;
  const names: string[] = [];
  for (const match of importer.code.matchAll(/import\s*\{([^}]*)\}\s*from\s*["']([^"']+)["']/g)) {
    if (match[2] !== pkg) continue;
    for (const part of match[1]!.split(",")) {
      const name = part.trim().split(/\s+as\s+/)[0]!;
      if (name && !name.startsWith("type ")) names.push(name);
    }
  }
  return names;
}

/**
 * The modules behind the names a barrel re-exports, and what the barrel runs itself; all of its
 * imports when the names are not known (a package importing it, or a form this does not read).
 */
function throughBarrel(ctx: Pick<ChunkingContext, "getModuleInfo">, barrel: string, names: string[] | null): string[] {
  const info = ctx.getModuleInfo(barrel);
  if (!info?.code || names === null) return info ? [barrel, ...info.importedIds] : [];
  const code = info.code;
  const target = (specifier: string) => {
    const base = resolve(dirname(barrel), specifier);
    return info.importedIds.find((id) => id === base || id === `${base}.js` || id === `${base}/index.js`);
  };
  const found: string[] = [barrel];
  // the barrel's own imports (a version check, a context): not re-exports
  for (const match of code.matchAll(/^import\s+[^;]*?from\s*["']([^"']+)["']/gm)) {
    const id = target(match[1]!);
    if (id) found.push(id);
  }
  const missing = new Set(names);
  for (const match of code.matchAll(/export\s*\{([^}]*)\}\s*from\s*["']([^"']+)["']/g)) {
    const exported = match[1]!.split(",").map(
      (part) =>
        part
          .trim()
          .split(/\s+as\s+/)
          .at(-1)!,
    );
    const id = target(match[2]!);
    if (!id || !exported.some((name) => missing.has(name))) continue;
    found.push(id);
    for (const name of exported) missing.delete(name);
  }
  if (missing.size > 0) {
    // `export * from "./icons"`: the rest are further down
    for (const match of code.matchAll(/export\s*\*\s*from\s*["']([^"']+)["']/g)) {
      const id = target(match[1]!);
      if (id) found.push(...throughBarrel(ctx, id, [...missing]));
    }
  }
  return found;
}
