import { DASHBOARD_TABLE_LABELS, type Dashboard, type DashboardTable } from "../../shared/dashboard.ts";
import { CAPABILITY_LABELS } from "../../shared/vocabulary.ts";
import { addTableSheet, newWorkbook, workbookBytes } from "../lib/xlsx.ts";

interface Column {
  header: string;
  width: number;
}
type Sheet = { columns: Column[]; rows: (string | number)[][] };

/** Each exportable table of the dashboard: its Chinese columns and its rows. */
function sheetOf(dashboard: Dashboard, table: DashboardTable): Sheet {
  switch (table) {
    case "streets":
      return {
        columns: [
          { header: "街道", width: 12 },
          { header: "统计人数", width: 10 },
          { header: "应修学时", width: 10 },
          { header: "已修学时", width: 10 },
          { header: "完成率", width: 10 },
        ],
        rows: dashboard.streets.map((s) => [s.streetName, s.people, s.required, s.done, percent(s.done, s.required)]),
      };
    case "behind":
      return {
        columns: [
          { header: "姓名", width: 12 },
          { header: "街道", width: 10 },
          { header: "社区", width: 14 },
          { header: "应修学时", width: 10 },
          { header: "已修学时", width: 10 },
          { header: "欠缺学时", width: 10 },
        ],
        rows: dashboard.behind.map((b) => [
          b.displayName,
          b.streetName,
          b.communityName,
          b.required,
          b.done,
          b.missing,
        ]),
      };
    case "studios":
      return {
        columns: [
          { header: "工作室", width: 20 },
          { header: "导师", width: 12 },
          { header: "街道", width: 10 },
          { header: "消息数", width: 10 },
          { header: "完成任务数", width: 12 },
        ],
        rows: dashboard.studios.map((s) => [s.name, s.mentorName, s.streetName ?? "区级", s.messages, s.tasksDone]),
      };
    case "proposals":
      return {
        columns: [
          { header: "阶段", width: 12 },
          { header: "项目数", width: 10 },
        ],
        rows: dashboard.proposals.map((p) => [p.label, p.count]),
      };
    case "qa":
      return {
        columns: [
          { header: "姓名", width: 12 },
          { header: "街道", width: 10 },
          { header: "回答被采纳", width: 12 },
          { header: "论坛现场答疑", width: 14 },
        ],
        rows: dashboard.qa.map((a) => [a.displayName, a.streetName ?? "", a.answersAccepted, a.eventQuestionsAnswered]),
      };
    case "capabilities":
      return {
        columns: [
          { header: "能力", width: 14 },
          { header: "证据条数", width: 10 },
          { header: "画像值（0–100）", width: 16 },
        ],
        rows: dashboard.capabilities.map((c) => [CAPABILITY_LABELS[c.capability], c.count, c.value]),
      };
  }
}

const percent = (done: number, required: number) => (required > 0 ? `${Math.round((100 * done) / required)}%` : "—");

/** One table of the dashboard as a workbook, its sheet named in Chinese for the year and scope. */
export async function dashboardWorkbook(
  dashboard: Dashboard,
  table: DashboardTable,
  scopeName: string,
): Promise<Buffer> {
  const { columns, rows } = sheetOf(dashboard, table);
  const workbook = newWorkbook();
  const sheet = addTableSheet(
    workbook,
    `${dashboard.year}年${DASHBOARD_TABLE_LABELS[table]}`,
    columns.map((c) => ({ header: c.header, width: c.width })),
  );
  for (const row of rows) sheet.addRow(row);
  sheet.headerFooter.oddHeader = `${scopeName} ${dashboard.year}年${DASHBOARD_TABLE_LABELS[table]}`;
  return workbookBytes(workbook);
}

export const exportFileName = (dashboard: Dashboard, table: DashboardTable, scopeName: string) =>
  `${scopeName}${dashboard.year}年${DASHBOARD_TABLE_LABELS[table]}.xlsx`;
