import { FLAG_LABELS } from "../../shared/enums.ts";
import type { LedgerRow } from "../../shared/trainings.ts";
import { addTableSheet, newWorkbook, workbookBytes } from "../lib/xlsx.ts";

/** The ledger as a spreadsheet with Chinese headers; shortfalls are filled red as on screen. */
export async function ledgerWorkbook(year: number, rows: LedgerRow[]): Promise<Buffer> {
  const workbook = newWorkbook();
  const sheet = addTableSheet(workbook, `${year}年培训台账`, [
    { header: "街道", key: "street", width: 10 },
    { header: "社区", key: "community", width: 14 },
    { header: "姓名", key: "name", width: 12 },
    { header: "身份", key: "flags", width: 18 },
    { header: "入职日期", key: "hireDate", width: 12 },
    { header: "应修学时", key: "required", width: 10 },
    { header: "已修学时", key: "done", width: 10 },
    { header: "欠缺学时", key: "missing", width: 10 },
    { header: "参训次数", key: "sessions", width: 10 },
    { header: "新招聘应修岗位基本业务知识学时", key: "newHireRequired", width: 16 },
    { header: "新招聘已修", key: "newHireDone", width: 12 },
    { header: "新招聘截止日期", key: "newHireDeadline", width: 14 },
  ]);
  for (const row of rows) {
    const added = sheet.addRow({
      street: row.user.streetName,
      community: row.user.communityName,
      name: row.user.displayName,
      flags: row.user.flags.map((f) => FLAG_LABELS[f]).join("、"),
      hireDate: row.user.hireDate ?? "",
      required: row.required,
      done: row.done,
      missing: row.missing,
      sessions: row.sessions,
      newHireRequired: row.newHireRequired ?? "",
      newHireDone: row.newHireDone ?? "",
      newHireDeadline: row.newHireDeadline ?? "",
    });
    const red = { type: "pattern" as const, pattern: "solid" as const, fgColor: { argb: "FFFFCCCC" } };
    if (row.missing > 0) added.getCell("missing").fill = red;
    if (row.newHireRequired !== null && (row.newHireDone ?? 0) < row.newHireRequired)
      added.getCell("newHireDone").fill = red;
  }
  return workbookBytes(workbook);
}
