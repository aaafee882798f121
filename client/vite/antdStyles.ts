import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import postcss, { type Rule } from "postcss";
import type { Plugin } from "vite";

/** Marks a stylesheet a page opened cold may load after its first render (see firstLoads.ts). */
export const AFTER_FIRST_RENDER = "data-after-first-render";

/**
 * The antd components a page opened cold (the forum room, the guest pages, sign-in) shows in its
 * first screen, by their class prefix. A browser test (tests/e2e/delivery.e2e.test.ts, first loads)
 * opens those pages and fails if their first screen shows a component missing here.
 */
export const FIRST_SCREEN_COMPONENTS = [
  "ant-alert",
  "ant-app",
  "ant-avatar",
  "ant-badge",
  "ant-btn",
  "ant-checkbox",
  "ant-col",
  "ant-dropdown-trigger",
  "ant-empty",
  "ant-form",
  "ant-input",
  // the venue QR's page: a phone picks its group first
  "ant-radio",
  "ant-row",
  "ant-space",
  "ant-spin",
  "ant-tag",
  "ant-typography",
  "ant-wave",
];

/** Components whose prefix begins with a first-screen one's but which are not on a first screen. */
const LOOK_ALIKES = ["ant-input-number"];

/** The antd component a class belongs to if it is a first-screen one (`ant-input-affix-wrapper` → `ant-input`). */
export function firstScreenComponentOf(className: string): string | null {
  let best: string | null = null;
  for (const prefix of [...FIRST_SCREEN_COMPONENTS, ...LOOK_ALIKES]) {
    const matches = className === prefix || className.startsWith(`${prefix}-`);
    if (matches && (best === null || prefix.length > best.length)) best = prefix;
  }
  return best !== null && FIRST_SCREEN_COMPONENTS.includes(best) ? best : null;
}

/**
 * A rule goes to the later sheet only when none of its selectors could touch a first-screen
 * component: a rule naming no antd class at all (resets, animations) or a first-screen one in any
 * selector stays in the first sheet, so nothing the first screen shows waits for the second.
 */
function isLater(rule: Rule): boolean {
  if (rule.parent?.type === "atrule" && /keyframes$/.test((rule.parent as postcss.AtRule).name)) return false;
  return rule.selectors.every((selector) => {
    const classes = selector.match(/\bant-[a-z0-9-]+/g) ?? [];
    return classes.length > 0 && classes.every((name) => firstScreenComponentOf(name) === null);
  });
}

/** Splits antd's stylesheet in two, each keeping the rules' order (and their @media) of the whole. */
export function splitAntdStyles(css: string): { firstScreen: string; later: string } {
  const keep = (later: boolean) => {
    const root = postcss.parse(css);
    root.walkRules((rule) => {
      if (isLater(rule) !== later) rule.remove();
    });
    root.walkAtRules((atRule) => {
      if (atRule.nodes?.length === 0) atRule.remove();
    });
    return root.toString();
  };
  return { firstScreen: keep(false), later: keep(true) };
}

/**
 * antd's prebuilt stylesheet (the theme sets `zeroRuntime`) is about 1 MB, 75 KB compressed, for
 * every component; a phone in a hall opening the forum room needs about a fifth of it. The build
 * writes it as two files linked from index.html, the first-screen part first, then the rest, both
 * before the app's own styles so our overrides keep winning. The pages opened cold
 * (client/vite/firstLoads.ts) carry the rest's link `disabled` — a disabled stylesheet is not
 * fetched — and the app enables it once the first screen is painted (main.tsx). In development
 * the whole file is linked as it is.
 */
export function antdStyles(): Plugin {
  const require = createRequire(import.meta.url);
  const source = require.resolve("antd/dist/antd.css");
  let build = false;
  let files: { firstScreen: string; later: string } | null = null;
  return {
    name: "antd-styles",
    configResolved(config) {
      build = config.command === "build";
    },
    buildStart() {
      if (!build) return;
      const parts = splitAntdStyles(readFileSync(source, "utf8"));
      const emit = (name: string, text: string) => {
        const hash = createHash("sha256").update(text).digest("base64url").slice(0, 8);
        const fileName = `assets/${name}-${hash}.css`;
        this.emitFile({ type: "asset", fileName, source: text });
        return fileName;
      };
      files = { firstScreen: emit("antd-first-screen", parts.firstScreen), later: emit("antd-later", parts.later) };
    },
    transformIndexHtml() {
      const link = (href: string, extra: Record<string, string | boolean> = {}) => ({
        tag: "link",
        attrs: { rel: "stylesheet", crossorigin: true, href, ...extra },
        // before the app's own stylesheet, which Vite links at the end of <head>
        injectTo: "head-prepend" as const,
      });
      if (!build) return [link(`/@fs${source}`)];
      if (!files) throw new Error("antd-styles: the stylesheets were not written");
      return [link(`/${files.firstScreen}`), link(`/${files.later}`, { [AFTER_FIRST_RENDER]: true })];
    },
  };
}
