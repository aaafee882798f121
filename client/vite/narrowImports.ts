import type { Plugin } from "vite";

/**
 * Imports of a package's index, narrowed to the one file they use. The form engine's packages declare
 * no `sideEffects`, and its index assigns Field, List and useForm onto the Form it exports; so
 * antd's form context, which needs only the engine's provider, brought the whole engine and its
 * validator (~12 KB on the wire) into the entry of every page — antd's dialogs import that context,
 * and the app's `App` wraps every page in them. The provider's own file is the module the index
 * re-exports, so a page with a form still shares one context with it.
 */
const NARROWED: { importer: RegExp; source: string; to: string }[] = [
  {
    importer: /[\\/]antd[\\/]es[\\/]form[\\/]context\.js$/,
    source: "@rc-component/form",
    to: "@rc-component/form/es/FormContext.js",
  },
];

export function narrowImports(): Plugin {
  return {
    name: "narrow-imports",
    enforce: "pre",
    async resolveId(source, importer) {
      const rule = importer ? NARROWED.find((x) => x.source === source && x.importer.test(importer)) : undefined;
      if (!rule) return null;
      const resolved = await this.resolve(rule.to, importer, { skipSelf: true });
      // an upgrade that moved the file fails the build rather than quietly bundling the whole index again
      if (!resolved) throw new Error(`narrowImports: ${rule.to} not found (from ${importer})`);
      return resolved;
    },
  };
}
