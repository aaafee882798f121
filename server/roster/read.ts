import { parse as parseCsv } from "csv-parse/sync";
import type ExcelJS from "exceljs";
import { ROSTER_LIMITS } from "../../shared/roster.ts";
import { invalidInput } from "../lib/errors.ts";
import { excel } from "../lib/xlsx.ts";

/** One data row of the sheet: its own row number and its cells by header. */
export interface SheetRow {
  row: number;
  cells: Map<string, string | Date>;
}

export interface Sheet {
  headers: string[];
  rows: SheetRow[];
}

/** Reads an uploaded roster (.xlsx or .csv) into header-keyed rows; a bad file is a 400 in Chinese. */
export async function readRoster(fileName: string, bytes: Uint8Array): Promise<Sheet> {
  const lower = fileName.toLowerCase();
  if (lower.endsWith(".csv")) return fromTable(csvTable(bytes));
  if (lower.endsWith(".xlsx")) return fromTable(await xlsxTable(bytes));
  if (lower.endsWith(".xls"))
    throw invalidInput("不支持旧版 .xls 文件：请在 Excel 中“另存为” .xlsx 或 CSV（UTF-8）后再导入");
  throw invalidInput("只能导入 .xlsx 或 .csv 文件");
}

type Cell = string | Date;
interface Table {
  /** rows with their spreadsheet row numbers; blank cells are empty strings */
  rows: { row: number; cells: Cell[] }[];
}

/**
 * UTF-8 with or without BOM; a GBK file (what Excel on Chinese Windows writes as "CSV") is
 * recognised because it is not valid UTF-8, and decoded as GB18030, GBK's superset.
 */
export function decodeCsv(bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    try {
      return new TextDecoder("gb18030", { fatal: true }).decode(bytes);
    } catch {
      throw invalidInput("无法识别 CSV 文件的编码：请在 Excel 中选择“另存为 → CSV UTF-8（逗号分隔）”后再导入");
    }
  }
}

function csvTable(bytes: Uint8Array): Table {
  let records: string[][];
  try {
    records = parseCsv(decodeCsv(bytes), { relax_column_count: true, skip_empty_lines: false, trim: true, bom: true });
  } catch {
    throw invalidInput("CSV 文件格式有误，无法读取：请检查引号和逗号");
  }
  return { rows: records.map((cells, i) => ({ row: i + 1, cells })) };
}

async function xlsxTable(bytes: Uint8Array): Promise<Table> {
  const workbook = new (excel().Workbook)();
  try {
    await workbook.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as ArrayBuffer);
  } catch {
    throw invalidInput("文件不是有效的 .xlsx 表格，无法读取");
  }
  // The roster is the first sheet whose header names 姓名; a workbook may hold notes or other sheets.
  for (const sheet of workbook.worksheets) {
    const rows: Table["rows"] = [];
    sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
      if (rows.length > ROSTER_LIMITS.maxRows + 10) return;
      const cells: Cell[] = [];
      row.eachCell({ includeEmpty: true }, (cell, column) => {
        cells[column - 1] = cellValue(cell.value);
      });
      rows.push({ row: rowNumber, cells: Array.from(cells, (c) => c ?? "") });
    });
    if (findHeader(rows) >= 0) return { rows };
  }
  throw invalidInput("找不到人员名册：没有哪个工作表的表头含有「姓名」列（请使用导入模板）");
}

/** The text (or date) a person sees in a cell, whatever way Excel stored it. */
function cellValue(value: ExcelJS.CellValue): Cell {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) return value;
  if (typeof value === "object") {
    if ("richText" in value)
      return value.richText
        .map((part) => part.text)
        .join("")
        .trim();
    if ("text" in value && typeof value.text === "string") return value.text.trim();
    if ("result" in value) return cellValue((value.result ?? "") as ExcelJS.CellValue);
    if ("error" in value) return "";
    return "";
  }
  return String(value).trim();
}

/** Index of the header row: the first of the top rows that names 姓名. */
function findHeader(rows: Table["rows"]): number {
  return rows.slice(0, 10).findIndex((r) => r.cells.some((c) => typeof c === "string" && c.trim() === "姓名"));
}

function fromTable(table: Table): Sheet {
  const headerIndex = findHeader(table.rows);
  if (headerIndex < 0) throw invalidInput("表头中缺少「姓名」列（请使用导入模板）");
  const headers = table.rows[headerIndex]!.cells.map((c) => (typeof c === "string" ? c.trim() : ""));
  const rows: SheetRow[] = [];
  for (const { row, cells } of table.rows.slice(headerIndex + 1)) {
    if (cells.every((c) => c === "")) continue;
    const byHeader = new Map<string, Cell>();
    headers.forEach((header, i) => {
      if (header) byHeader.set(header, cells[i] ?? "");
    });
    rows.push({ row, cells: byHeader });
  }
  if (rows.length > ROSTER_LIMITS.maxRows)
    throw invalidInput(`名册最多 ${ROSTER_LIMITS.maxRows} 行，本文件有 ${rows.length} 行`);
  if (rows.length === 0) throw invalidInput("名册中没有人员数据");
  return { headers: headers.filter(Boolean), rows };
}
