import { AUDIT_ACTION_LABELS, type AuditEntryView } from "../../shared/audit.ts";
import { addTableSheet, newWorkbook, workbookBytes } from "../lib/xlsx.ts";

/** The columns of an export, with the Chinese headers a reader of the file sees. */
const COLUMNS: { header: string; width: number; value: (e: AuditEntryView) => string }[] = [
  { header: "时间（北京时间）", width: 20, value: (e) => beijingTime(e.at) },
  { header: "操作人", width: 14, value: (e) => e.actor?.displayName ?? "系统" },
  { header: "操作人账号", width: 14, value: (e) => e.actor?.username ?? "" },
  { header: "操作", width: 14, value: (e) => AUDIT_ACTION_LABELS[e.action] ?? e.action },
  { header: "操作代码", width: 20, value: (e) => e.action },
  { header: "对象类型", width: 10, value: (e) => e.targetType },
  { header: "对象", width: 14, value: (e) => e.targetName ?? "" },
  { header: "对象编号", width: 38, value: (e) => e.targetId ?? "" },
  { header: "修改前", width: 40, value: (e) => json(e.before) },
  { header: "修改后", width: 40, value: (e) => json(e.after) },
  { header: "附加信息", width: 30, value: (e) => json(e.meta) },
];

const json = (value: unknown) => (value === null || value === undefined ? "" : JSON.stringify(value));

export function beijingTime(iso: string): string {
  return new Date(new Date(iso).getTime() + 8 * 60 * 60 * 1000).toISOString().slice(0, 19).replace("T", " ");
}

export async function auditXlsx(entries: AuditEntryView[]): Promise<Uint8Array> {
  const workbook = newWorkbook();
  const sheet = addTableSheet(
    workbook,
    "审计日志",
    COLUMNS.map((c) => ({ header: c.header, width: c.width })),
  );
  for (const entry of entries) sheet.addRow(COLUMNS.map((c) => c.value(entry)));
  return workbookBytes(workbook);
}

/** CSV with a byte-order mark so Excel opens the Chinese text as UTF-8; cells that could run as formulas are defused. */
export function auditCsv(entries: AuditEntryView[]): string {
  const cell = (text: string) => {
    const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
    return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  const lines = [COLUMNS.map((c) => cell(c.header)).join(",")];
  for (const entry of entries) lines.push(COLUMNS.map((c) => cell(c.value(entry))).join(","));
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}
