/**
 * The cold-opened pages' code in one file per set of pages (client/vite/firstLoadChunks.ts): a module
 * goes with every page that imports it, and a package's index of components counts only the
 * components a page names.
 */
import { describe, expect, test } from "vitest";
import { chunkNames } from "../../client/vite/firstLoadChunks.ts";

const ROOT = "/app/client";
const NM = "/app/node_modules";

type Module = { code: string; importedIds: string[] };

/** The bundler's view of a module graph, as the chunking pass hands it over. */
function graph(modules: Record<string, Module>) {
  return {
    getModuleInfo: (id: string) =>
      id in modules ? ({ id, ...modules[id]!, dynamicallyImportedIds: [] } as never) : null,
  };
}

const antd = `${NM}/antd/es/index.js`;
const icons = `${NM}/@ant-design/icons/es/index.js`;
const iconList = `${NM}/@ant-design/icons/es/icons/index.js`;
const modules: Record<string, Module> = {
  [`${ROOT}/src/Room.tsx`]: {
    code: 'import { Tag, type TagProps } from "antd";\nimport { LikeOutlined } from "@ant-design/icons";\nimport { helper } from "./shared.ts";',
    importedIds: [antd, icons, `${ROOT}/src/shared.ts`],
  },
  [`${ROOT}/src/Login.tsx`]: {
    code: 'import { Input as Box } from "antd";\nimport { helper } from "./shared.ts";',
    importedIds: [antd, `${ROOT}/src/shared.ts`],
  },
  [`${ROOT}/src/shared.ts`]: { code: "export const helper = 1;", importedIds: [`${NM}/dayjs/index.js`] },
  [`${NM}/dayjs/index.js`]: { code: "", importedIds: [] },
  [antd]: {
    code: [
      "import warning from './_util/warning';",
      "export { default as Input } from './input';",
      "export { default as Table } from './table';",
      "export { default as Tag } from './tag';",
    ].join("\n"),
    importedIds: [
      `${NM}/antd/es/_util/warning.js`,
      `${NM}/antd/es/input/index.js`,
      `${NM}/antd/es/table/index.js`,
      `${NM}/antd/es/tag/index.js`,
    ],
  },
  [`${NM}/antd/es/_util/warning.js`]: { code: "", importedIds: [] },
  [`${NM}/antd/es/input/index.js`]: { code: "", importedIds: [`${NM}/antd/es/input/Input.js`] },
  [`${NM}/antd/es/input/Input.js`]: { code: "", importedIds: [] },
  [`${NM}/antd/es/table/index.js`]: { code: "", importedIds: [] },
  [`${NM}/antd/es/tag/index.js`]: { code: "", importedIds: [] },
  [icons]: { code: 'export * from "./icons";', importedIds: [iconList] },
  [iconList]: {
    code: "export { default as LikeOutlined } from './LikeOutlined';\nexport { default as UserOutlined } from './UserOutlined';",
    importedIds: [
      `${NM}/@ant-design/icons/es/icons/LikeOutlined.js`,
      `${NM}/@ant-design/icons/es/icons/UserOutlined.js`,
    ],
  },
  [`${NM}/@ant-design/icons/es/icons/LikeOutlined.js`]: { code: "", importedIds: [] },
  [`${NM}/@ant-design/icons/es/icons/UserOutlined.js`]: { code: "", importedIds: [] },
};

const pages = [
  { name: "room", label: "", pattern: "", modules: ["src/Room.tsx"] },
  { name: "login", label: "", pattern: "", modules: ["src/Login.tsx"] },
];

describe("first-load chunks", () => {
  const names = chunkNames(pages, ROOT, graph(modules));

  test("a module goes with every page that imports it, and only those", () => {
    expect(names.get(`${ROOT}/src/Room.tsx`)).toBe("first-room");
    expect(names.get(`${ROOT}/src/Login.tsx`)).toBe("first-login");
    expect(names.get(`${ROOT}/src/shared.ts`)).toBe("first-room+login");
    expect(names.get(`${NM}/dayjs/index.js`)).toBe("first-room+login");
  });

  test("through antd's index a page takes the components it names, renamed or not, and nothing else", () => {
    expect(names.get(`${NM}/antd/es/tag/index.js`)).toBe("first-room");
    expect(names.get(`${NM}/antd/es/input/index.js`)).toBe("first-login");
    expect(names.get(`${NM}/antd/es/input/Input.js`)).toBe("first-login");
    expect(names.has(`${NM}/antd/es/table/index.js`)).toBe(false);
    // what the index runs itself goes with everyone who imports it
    expect(names.get(`${NM}/antd/es/_util/warning.js`)).toBe("first-room+login");
    // the index is never captured: it would take every component along
    expect(names.has(antd)).toBe(false);
  });

  test("an icon named through the icons' index and its `export *` is found; the others are not taken", () => {
    expect(names.get(`${NM}/@ant-design/icons/es/icons/LikeOutlined.js`)).toBe("first-room");
    expect(names.has(`${NM}/@ant-design/icons/es/icons/UserOutlined.js`)).toBe(false);
  });

  test("a page module missing from the build stops it", () => {
    const missing = [{ name: "gone", label: "", pattern: "", modules: ["src/Gone.tsx"] }];
    expect(() => chunkNames(missing, ROOT, graph(modules))).toThrow(/Gone\.tsx is not in the build/);
  });
});
