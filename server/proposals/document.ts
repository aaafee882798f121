import * as Y from "yjs";
import {
  BUDGET_HEADERS,
  BUDGET_SECTION,
  PROPOSAL_DOC_FIELD,
  PROPOSAL_SECTIONS,
  type PmNode,
} from "../../shared/proposals.ts";

/*
 * The proposal document as y-prosemirror (Tiptap Collaboration) stores it: one Y.XmlFragment
 * "default" whose children are Y.XmlElements named after ProseMirror nodes (heading with attr
 * `level`, paragraph, table/tableRow/tableHeader/tableCell …) and Y.XmlText holding inline text
 * with marks as formatting attributes.
 */

export const fragmentOf = (doc: Y.Doc) => doc.getXmlFragment(PROPOSAL_DOC_FIELD);

function element(
  name: string,
  children: (Y.XmlElement | Y.XmlText)[],
  attrs: Record<string, unknown> = {},
): Y.XmlElement {
  const el = new Y.XmlElement(name);
  for (const [key, value] of Object.entries(attrs)) el.setAttribute(key, value as string);
  el.insert(0, children);
  return el;
}

function text(value: string): Y.XmlText {
  const t = new Y.XmlText();
  if (value) t.insert(0, value);
  return t;
}

const paragraph = (value = "") => element("paragraph", [text(value)]);
const heading = (value: string, level = 2) => element("heading", [text(value)], { level });
const cell = (name: "tableCell" | "tableHeader", value = "") =>
  element(name, [paragraph(value)], { colspan: 1, rowspan: 1 });

/** The budget table: a header row and three empty rows. */
function budgetTable(): Y.XmlElement {
  const header = element(
    "tableRow",
    BUDGET_HEADERS.map((h) => cell("tableHeader", h)),
  );
  const rows = Array.from({ length: 3 }, () =>
    element(
      "tableRow",
      BUDGET_HEADERS.map(() => cell("tableCell")),
    ),
  );
  return element("table", [header, ...rows]);
}

/** Fills an empty document with the template's sections; the 项目名称 section holds the title. */
export function writeTemplate(doc: Y.Doc, title: string): void {
  const fragment = fragmentOf(doc);
  doc.transact(() => {
    const blocks: Y.XmlElement[] = [];
    for (const section of PROPOSAL_SECTIONS) {
      blocks.push(heading(section));
      if (section === BUDGET_SECTION) blocks.push(budgetTable());
      else blocks.push(paragraph(section === "项目名称" ? title : ""));
    }
    fragment.insert(0, blocks);
  });
}

/** The template as one encoded update, ready to store as a new document's first row. */
export function templateUpdate(title: string): Uint8Array {
  const doc = new Y.Doc();
  try {
    writeTemplate(doc, title);
    return Y.encodeStateAsUpdate(doc);
  } finally {
    doc.destroy();
  }
}

/** y-prosemirror stores marks as XmlText formatting attributes named after the mark. */
function xmlTextToNodes(t: Y.XmlText): PmNode[] {
  const nodes: PmNode[] = [];
  for (const op of t.toDelta() as { insert: unknown; attributes?: Record<string, unknown> }[]) {
    if (typeof op.insert !== "string" || op.insert === "") continue;
    const marks = Object.entries(op.attributes ?? {}).map(([type, attrs]) =>
      attrs && typeof attrs === "object" && Object.keys(attrs).length > 0
        ? { type, attrs: attrs as Record<string, unknown> }
        : { type },
    );
    nodes.push(marks.length ? { type: "text", text: op.insert, marks } : { type: "text", text: op.insert });
  }
  return nodes;
}

function elementToNode(el: Y.XmlElement): PmNode {
  const attrs = el.getAttributes() as Record<string, unknown>;
  const content: PmNode[] = [];
  for (const child of el.toArray()) {
    if (child instanceof Y.XmlText) content.push(...xmlTextToNodes(child));
    else if (child instanceof Y.XmlElement) content.push(elementToNode(child));
  }
  const node: PmNode = { type: el.nodeName };
  if (Object.keys(attrs).length > 0) {
    node.attrs = Object.fromEntries(Object.entries(attrs).map(([k, v]) => [k, k === "level" ? Number(v) : v]));
  }
  if (content.length > 0) node.content = content;
  return node;
}

/** The document as ProseMirror JSON (for completeness, budget and export). */
export function docToJson(doc: Y.Doc): PmNode {
  const content: PmNode[] = [];
  for (const child of fragmentOf(doc).toArray()) {
    if (child instanceof Y.XmlElement) content.push(elementToNode(child));
  }
  return { type: "doc", content };
}

/** Decodes a stored snapshot (or a document's updates) into a fresh Y.Doc; the caller destroys it. */
export function docFromUpdates(updates: Uint8Array[]): Y.Doc {
  const doc = new Y.Doc();
  doc.transact(() => {
    for (const u of updates) Y.applyUpdate(doc, u);
  });
  return doc;
}

/**
 * Makes `target`'s fragment hold the same content as `source`'s, as one transaction on `target`:
 * everything is deleted and copies of the source's blocks are inserted. History stays in the log.
 */
export function replaceContent(target: Y.Doc, source: Y.Doc): void {
  const from = fragmentOf(source);
  const to = fragmentOf(target);
  target.transact(() => {
    if (to.length > 0) to.delete(0, to.length);
    const copies = from.toArray().map((child) => (child as Y.XmlElement | Y.XmlText).clone());
    to.insert(0, copies);
  });
}
