import type { Plugin } from "vite";

/**
 * Screen-reader names that dependencies hard-code in English, rewritten at build time (antd's
 * zh_CN locale does not reach them):
 * - every @ant-design/icons icon is `<span role="img" aria-label="bell">`, and that English name
 *   leaks into the name of the button around it (「plus 新建论坛」). Our icons are decorative —
 *   a button that is only an icon carries its own Chinese aria-label — so an icon is hidden from
 *   the accessibility tree unless its caller names it;
 * - InputNumber's step buttons say "Increase Value" / "Decrease Value";
 * - Segmented calls itself "segmented control" when the page gives it no label.
 * A rewrite that stops matching (after an upgrade) fails the build rather than letting English
 * back in unnoticed.
 */
const REWRITES: { file: RegExp; from: string; to: string }[] = [
  {
    file: /@ant-design[\\/]icons[\\/](es|lib)[\\/]components[\\/]AntdIcon(Light)?\.js$/,
    from: `"aria-label": icon.name`,
    to: `"aria-hidden": restProps["aria-label"] === undefined && restProps["aria-labelledby"] === undefined ? true : undefined`,
  },
  {
    file: /@rc-component[\\/]input-number[\\/](es|lib)[\\/]StepHandler\.js$/,
    from: `isUpAction ? 'Increase Value' : 'Decrease Value'`,
    to: `isUpAction ? '增加数值' : '减少数值'`,
  },
  {
    file: /@rc-component[\\/]segmented[\\/](es|lib)[\\/]index\.js$/,
    from: `"aria-label": "segmented control"`,
    to: `"aria-label": "选项切换"`,
  },
];

function rewrite(code: string, id: string): string | null {
  const path = id.split("?")[0]!;
  const rule = REWRITES.find((r) => r.file.test(path));
  if (!rule) return null;
  if (!code.includes(rule.from))
    throw new Error(`chineseLabels: ${path} no longer contains ${rule.from} — update client/vite/chineseLabels.ts`);
  return code.replace(rule.from, rule.to);
}

/** The Vite plugin for the build and the dev server. */
export function chineseLabels(): Plugin {
  return { name: "chinese-labels", enforce: "pre", transform: (code, id) => rewrite(code, id) };
}

/** The same rewrite for the dev server's dependency pre-bundling, which skips Vite plugins. */
export const chineseLabelsForDeps = {
  name: "chinese-labels-deps",
  transform: (code: string, id: string) => rewrite(code, id),
};
