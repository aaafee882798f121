import {
  AlignmentType,
  Document,
  HeadingLevel,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
  type FileChild,
} from "docx";
import { BUDGET_SECTION, budgetOf, formatYuan, nodeText, type PmNode } from "../../shared/proposals.ts";

const HEADINGS = [
  HeadingLevel.HEADING_1,
  HeadingLevel.HEADING_2,
  HeadingLevel.HEADING_3,
  HeadingLevel.HEADING_4,
  HeadingLevel.HEADING_5,
  HeadingLevel.HEADING_6,
] as const;

function runs(node: PmNode): TextRun[] {
  const out: TextRun[] = [];
  const walk = (n: PmNode) => {
    if (n.type === "text") {
      const marks = new Set((n.marks ?? []).map((m) => m.type));
      out.push(
        new TextRun({
          text: n.text ?? "",
          bold: marks.has("bold"),
          italics: marks.has("italic"),
          strike: marks.has("strike"),
          underline: marks.has("underline") ? {} : undefined,
        }),
      );
    } else if (n.type === "hardBreak") out.push(new TextRun({ text: "", break: 1 }));
    else for (const c of n.content ?? []) walk(c);
  };
  walk(node);
  return out;
}

function blocks(node: PmNode, list?: { ordered: boolean; index: number; level: number }): FileChild[] {
  switch (node.type) {
    case "heading": {
      const level = Math.min(6, Math.max(1, Number(node.attrs?.level ?? 1)));
      return [new Paragraph({ heading: HEADINGS[level - 1], children: runs(node) })];
    }
    case "paragraph": {
      if (list) {
        const prefix = list.ordered ? `${list.index}. ` : "• ";
        return [
          new Paragraph({ indent: { left: 360 * (list.level + 1) }, children: [new TextRun(prefix), ...runs(node)] }),
        ];
      }
      return [new Paragraph({ children: runs(node) })];
    }
    case "bulletList":
    case "orderedList":
      return (node.content ?? []).flatMap((item, i) =>
        (item.content ?? []).flatMap((b) =>
          blocks(b, { ordered: node.type === "orderedList", index: i + 1, level: (list?.level ?? -1) + 1 }),
        ),
      );
    case "blockquote":
      return (node.content ?? []).flatMap((b) => blocks(b));
    case "codeBlock":
      return nodeText(node)
        .split("\n")
        .map((line) => new Paragraph({ children: [new TextRun({ text: line, font: "Consolas" })] }));
    case "table": {
      const rows = (node.content ?? []).map(
        (row) =>
          new TableRow({
            tableHeader: row.content?.[0]?.type === "tableHeader",
            children: (row.content ?? []).map(
              (cell) =>
                new TableCell({
                  columnSpan: Number(cell.attrs?.colspan ?? 1),
                  rowSpan: Number(cell.attrs?.rowspan ?? 1),
                  children: (() => {
                    const inner = (cell.content ?? []).flatMap((b) => blocks(b)) as Paragraph[];
                    const paragraphs = inner.filter((b) => b instanceof Paragraph);
                    if (cell.type === "tableHeader") {
                      return [new Paragraph({ children: [new TextRun({ text: nodeText(cell), bold: true })] })];
                    }
                    return paragraphs.length ? paragraphs : [new Paragraph("")];
                  })(),
                }),
            ),
          }),
      );
      return rows.length ? [new Table({ rows, width: { size: 100, type: WidthType.PERCENTAGE } })] : [];
    }
    default:
      return node.content ? [new Paragraph({ children: runs(node) })] : [];
  }
}

/** A Word document: the title, every section heading and block, the budget table and its total. */
export async function toDocx(doc: PmNode, title: string): Promise<Uint8Array> {
  const children: FileChild[] = [
    new Paragraph({ heading: HeadingLevel.TITLE, alignment: AlignmentType.CENTER, children: [new TextRun(title)] }),
  ];
  const budget = budgetOf(doc);
  let inBudget = false;
  for (const block of doc.content ?? []) {
    if (block.type === "heading" && Number(block.attrs?.level ?? 1) <= 2)
      inBudget = nodeText(block).trim() === BUDGET_SECTION;
    children.push(...blocks(block));
    if (inBudget && block.type === "table" && budget) {
      children.push(
        new Paragraph({ children: [new TextRun({ text: `预算合计：${formatYuan(budget.total)} 元`, bold: true })] }),
      );
    }
  }
  const document = new Document({
    creator: "社区工作者协作论坛",
    title,
    styles: { default: { document: { run: { font: "SimSun", size: 24 } } } },
    sections: [{ children }],
  });
  return new Uint8Array(await Packer.toBuffer(document));
}
