import { createRequire } from "node:module";
import type ExcelJS from "exceljs";

const require = createRequire(import.meta.url);

/**
 * exceljs, loaded on first use: it takes a few hundred milliseconds to load, and nothing before the
 * first request needs it (only spreadsheet exports and roster imports do). It is CommonJS, so a
 * synchronous require keeps every caller synchronous.
 */
export function excel(): typeof ExcelJS {
  return require("exceljs") as typeof ExcelJS;
}

/**
 * The spreadsheets the hub hands out (ledger, audit log, 成长档案, 区级看板) share one look: our name as
 * the author, and on each table a bold header row that stays in view while scrolling.
 */
export function newWorkbook(): ExcelJS.Workbook {
  const workbook = new (excel().Workbook)();
  workbook.creator = "社区工作者协作论坛";
  return workbook;
}

/** A sheet whose first row is the given columns' Chinese headers, bold and frozen. */
export function addTableSheet(
  workbook: ExcelJS.Workbook,
  name: string,
  columns: Partial<ExcelJS.Column>[],
): ExcelJS.Worksheet {
  const sheet = workbook.addWorksheet(name, { views: [{ state: "frozen", ySplit: 1 }] });
  sheet.columns = columns;
  sheet.getRow(1).font = { bold: true };
  return sheet;
}

export async function workbookBytes(workbook: ExcelJS.Workbook): Promise<Buffer> {
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
