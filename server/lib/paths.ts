import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The project's root (the folder of package.json), found from where this code runs: the same from
 * the sources (tests, tsx) and from the bundle `npm start` runs (build/server/main.mjs), which sits
 * elsewhere in the tree. Files the server reads at run time (migrations, the built client, the PDF
 * worker) are named from here, never relative to a module.
 */
export const PROJECT_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));

export function fromRoot(...parts: string[]): string {
  return join(PROJECT_ROOT, ...parts);
}

function findRoot(start: string): string {
  let dir = start;
  for (let depth = 0; depth < 8; depth++) {
    if (existsSync(join(dir, "package.json"))) return dir;
    dir = dirname(dir);
  }
  throw new Error(`no package.json above ${start}`);
}
