import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import type { Plugin } from "vite";
import { AFTER_FIRST_RENDER } from "./antdStyles.ts";

/**
 * A page people open cold (from a QR code, a bookmark, the sign-in link) and the source modules it
 * runs before it can be used: the lazy chunks the router loads on the way to it.
 */
export type FirstLoad = {
  /** file name of the page's HTML under first-load/ */
  name: string;
  /** how the size check names it */
  label: string;
  /** the paths it serves, as a regular expression the server matches against the request path */
  pattern: string;
  /** source modules relative to the client root, in the order the router reaches them */
  modules: string[];
  /** plain scripts from client/public the page runs as soon as each arrives, before the app's own */
  bootScripts?: string[];
};

/** What the server and the size check read: client/dist/first-load/routes.json. */
export type FirstLoadRoute = Omit<FirstLoad, "modules" | "bootScripts"> & {
  /** the HTML to answer with, relative to client/dist */
  html: string;
  /** every JavaScript file the page runs before it is usable, the entry's included */
  js: string[];
};

export const FIRST_LOAD_DIR = "first-load";

type ChunkInfo = {
  type: "chunk";
  fileName: string;
  imports: string[];
  moduleIds: string[];
  isEntry: boolean;
  viteMetadata?: { importedCss: Set<string> };
};

/**
 * Without this, the router discovers a page's chunks one round at a time (entry → area → page),
 * each round a phone's full round trip apart. For each first-load page we write a copy of
 * index.html that asks for every chunk the page will run at once (`modulepreload`), compressed
 * at build time like every other file; the server answers the page's paths with it. The page's
 * stylesheets are linked too: Vite's loader would otherwise fetch each only when its chunk runs,
 * and hold the chunk until it arrives.
 */
export function firstLoads(pages: FirstLoad[]): Plugin {
  let root = "";
  let outDir = "";
  return {
    name: "first-loads",
    apply: "build",
    enforce: "post",
    configResolved(config) {
      root = config.root;
      outDir = resolve(config.root, config.build.outDir);
    },
    writeBundle(_options, bundle) {
      const chunks = Object.values(bundle).filter((c): c is typeof c & ChunkInfo => c.type === "chunk");
      const byFile = new Map(chunks.map((c) => [c.fileName, c]));
      const entry = chunks.find((c) => c.isEntry);
      if (!entry) this.error("first-loads: the build has no entry chunk");

      const closure = (fileName: string, seen: Set<string>) => {
        if (seen.has(fileName)) return;
        seen.add(fileName);
        for (const dep of byFile.get(fileName)?.imports ?? []) closure(dep, seen);
      };
      const indexHtml = readFileSync(join(outDir, "index.html"), "utf8");
      const routes: FirstLoadRoute[] = [];
      mkdirSync(join(outDir, FIRST_LOAD_DIR), { recursive: true });

      for (const page of pages) {
        const js = new Set<string>();
        closure(entry.fileName, js);
        for (const module of page.modules) {
          const id = resolve(root, module);
          const chunk = chunks.find((c) => c.moduleIds.includes(id));
          // a page the router loads lazily must stay lazy, or the page would be fetched by everyone
          if (!chunk || chunk === entry) this.error(`first-loads: ${module} is not in a lazy chunk of its own`);
          closure(chunk.fileName, js);
        }
        const inIndex = (file: string) => indexHtml.includes(`/${file}"`);
        const css = new Set([...js].flatMap((file) => [...(byFile.get(file)?.viteMetadata?.importedCss ?? [])]));
        const preloads = [
          // high priority: an async script is otherwise fetched after everything the page links
          ...(page.bootScripts ?? []).map((src) => `<script src="${src}" async fetchpriority="high"></script>`),
          ...[...js]
            .filter((file) => !inIndex(file))
            .map((file) => `<link rel="modulepreload" crossorigin href="/${file}">`),
          ...[...css]
            .filter((file) => !inIndex(file))
            .map((file) => `<link rel="stylesheet" crossorigin href="/${file}">`),
        ];
        if (!indexHtml.includes("</head>")) this.error("first-loads: index.html has no </head>");
        const html = deferLaterStyles(indexHtml).replace("</head>", `${preloads.join("")}</head>`);
        const htmlFile = `${FIRST_LOAD_DIR}/${page.name}.html`;
        writeCompressed(join(outDir, htmlFile), html);
        // the boot scripts count against the page's budget like its modules
        const bootFiles = (page.bootScripts ?? []).map((src) => src.replace(/^\//, ""));
        routes.push({
          name: page.name,
          label: page.label,
          pattern: page.pattern,
          html: htmlFile,
          js: [...js, ...bootFiles],
        });
      }
      writeFileSync(join(outDir, FIRST_LOAD_DIR, "routes.json"), `${JSON.stringify(routes, null, 2)}\n`);
    },
  };
}

/**
 * A stylesheet marked for after the first render keeps its place (so the cascade's order is the
 * same as on every other page) but is `disabled`: the browser does not fetch it until the app
 * enables it, and the first screen's files have the phone's network to themselves.
 */
function deferLaterStyles(html: string): string {
  return html.replace(new RegExp(`<link\\b[^>]*\\b${AFTER_FIRST_RENDER}\\b[^>]*>`, "g"), (link) =>
    link.replace(/\s*\/?>$/, " disabled>"),
  );
}

/** The file and its .br and .gz beside it, as the server's static handler expects. */
function writeCompressed(path: string, text: string): void {
  const bytes = Buffer.from(text);
  writeFileSync(path, bytes);
  writeFileSync(`${path}.br`, brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
  writeFileSync(`${path}.gz`, gzipSync(bytes, { level: 9 }));
}
