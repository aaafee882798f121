/**
 * antd's stylesheet split for pages opened cold (client/vite/antdStyles.ts): every rule lands in
 * exactly one part, in its place, and nothing a first-screen component needs is left for later.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import postcss from "postcss";
import { describe, expect, test } from "vitest";
import { firstScreenComponentOf, splitAntdStyles } from "../../client/vite/antdStyles.ts";

const antdCss = readFileSync(createRequire(import.meta.url).resolve("antd/dist/antd.css"), "utf8");

/** Every rule as "its at-rule context > selector { declarations }", in the file's order. */
function rules(css: string): string[] {
  const list: string[] = [];
  postcss.parse(css).walkRules((rule) => {
    const context: string[] = [];
    for (let parent = rule.parent; parent && parent.type === "atrule"; parent = parent.parent)
      context.unshift(`@${(parent as postcss.AtRule).name} ${(parent as postcss.AtRule).params}`);
    list.push(`${context.join(" ")} > ${rule.selector} { ${rule.nodes.map(String).join(";")} }`);
  });
  return list;
}

describe("antd's stylesheet in two parts", () => {
  test("classes are matched to their component, look-alikes kept apart", () => {
    expect(firstScreenComponentOf("ant-input")).toBe("ant-input");
    expect(firstScreenComponentOf("ant-input-affix-wrapper-focused")).toBe("ant-input");
    expect(firstScreenComponentOf("ant-btn-color-primary")).toBe("ant-btn");
    expect(firstScreenComponentOf("ant-input-number-handler")).toBeNull();
    expect(firstScreenComponentOf("ant-select-selector")).toBeNull();
    expect(firstScreenComponentOf("ant-color-picker")).toBeNull(); // not ant-col
    expect(firstScreenComponentOf("ant-inputs")).toBeNull();
  });

  test("every rule of the whole lands in exactly one part, each part in the whole's order", () => {
    const { firstScreen, later } = splitAntdStyles(antdCss);
    const whole = rules(antdCss);
    const first = rules(firstScreen);
    const rest = rules(later);
    // keyframes stay whole in the first part; every other rule is in one part only
    const isKeyframe = (rule: string) => rule.startsWith("@keyframes");
    expect(first.length + rest.length).toBe(whole.length);
    expect(rest.filter(isKeyframe)).toEqual([]);
    // both are subsequences of the whole: walk the whole once, taking each part's rules in turn
    for (const part of [first, rest]) {
      let at = 0;
      for (const rule of whole) if (rule === part[at]) at++;
      expect(at).toBe(part.length);
    }
    // the first part is the small one
    expect(firstScreen.length).toBeLessThan(antdCss.length / 2);
  });

  test("no rule left for later names a first-screen component; none kept first names only later ones", () => {
    const { firstScreen, later } = splitAntdStyles(antdCss);
    const classesOf = (selector: string) => selector.match(/\bant-[a-z0-9-]+/g) ?? [];
    postcss.parse(later).walkRules((rule) => {
      for (const selector of rule.selectors) {
        const classes = classesOf(selector);
        expect(classes.length, selector).toBeGreaterThan(0);
        for (const name of classes) expect(firstScreenComponentOf(name), selector).toBeNull();
      }
    });
    let onlyLater = 0;
    postcss.parse(firstScreen).walkRules((rule) => {
      if (rule.parent?.type === "atrule" && /keyframes$/.test((rule.parent as postcss.AtRule).name)) return;
      const touchesFirst = rule.selectors.some((selector) => {
        const classes = classesOf(selector);
        return classes.length === 0 || classes.some((name) => firstScreenComponentOf(name) !== null);
      });
      if (!touchesFirst) onlyLater++;
    });
    expect(onlyLater).toBe(0);
  });
});
