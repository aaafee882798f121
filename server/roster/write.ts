import type ExcelJS from "exceljs";
import { LEVEL_LABELS, ROLE_LABELS } from "../../shared/enums.ts";
import { ROSTER_COLUMNS } from "../../shared/roster.ts";
import type { UserRow } from "../auth/sessions.ts";
import type { InitialPassword } from "./apply.ts";
import { FLAG_COLUMNS } from "./columns.ts";
import type { OrgIndex } from "./plan.ts";
import { excel } from "../lib/xlsx.ts";

export const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

async function toBytes(workbook: ExcelJS.Workbook): Promise<Uint8Array> {
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}

function rosterSheet(workbook: ExcelJS.Workbook) {
  const sheet = workbook.addWorksheet("人员名册");
  sheet.columns = ROSTER_COLUMNS.map((header) => ({
    header,
    key: header,
    width: header === "身份" ? 24 : header === "社区" || header === "手机号" ? 16 : 12,
  }));
  sheet.getRow(1).font = { bold: true };
  // 手机号 and 入职日期 as text: Excel would otherwise turn phone numbers into 1.38E+10.
  sheet.getColumn("手机号").numFmt = "@";
  sheet.getColumn("入职日期").numFmt = "@";
  return sheet;
}

const yes = (on: boolean) => (on ? "是" : "否");

/** One person as a roster row, in the import's own format, so export → import is `unchanged`. */
function rosterRow(user: UserRow, org: OrgIndex): Record<string, string> {
  const community = org.communities.find((c) => c.id === user.communityId);
  const streetId = community?.streetId ?? user.streetId;
  const row: Record<string, string> = {
    姓名: user.displayName,
    用户名: user.username,
    手机号: user.phone ?? "",
    街道: org.streets.find((s) => s.id === streetId)?.name ?? "",
    社区: community?.name ?? "",
    身份: user.roles.map((role) => ROLE_LABELS[role]).join("、"),
    层级: LEVEL_LABELS[user.level],
    入职日期: user.hireDate ?? "",
    党员: yes(user.partyMember),
  };
  for (const { column, flag } of FLAG_COLUMNS) row[column] = yes(user.flags.includes(flag));
  return row;
}

export async function rosterWorkbook(people: UserRow[], org: OrgIndex): Promise<Uint8Array> {
  const workbook = new (excel().Workbook)();
  const sheet = rosterSheet(workbook);
  for (const person of people) sheet.addRow(rosterRow(person, org));
  return toBytes(workbook);
}

/** The template: the headers, one example row, and a sheet of notes on how to fill it in. */
export async function templateWorkbook(): Promise<Uint8Array> {
  const workbook = new (excel().Workbook)();
  const sheet = rosterSheet(workbook);
  sheet.addRow({
    姓名: "张丽",
    用户名: "",
    手机号: "13800001234",
    街道: "城中街道",
    社区: "五星社区",
    身份: "社区书记、社区导师",
    层级: "骨干",
    两委: "是",
    后备人选: "否",
    头雁: "是",
    全科社工: "否",
    入职日期: "2019-03-01",
    党员: "是",
  });
  const notes = workbook.addWorksheet("填写说明");
  notes.columns = [{ header: "说明", key: "note", width: 90 }];
  for (const note of [
    "第一行为表头，列的顺序可以调整；第二行为示例，导入前请删除或改为真实人员。",
    "用户名可留空：系统按姓名拼音生成（重名时加数字）；已有人员按用户名匹配，用户名为空时按手机号匹配。",
    "身份可填多个，用顿号“、”分隔：管理员、组织部、街道管理员、社区书记、社区导师、老书记、社区工作者、居民。",
    "层级：新手 / 骨干 / 中坚。两委、后备人选、头雁、全科社工、党员：填“是”或“否”，空白表示否。",
    "入职日期：2024-03-01 或 2024/3/1，也可以是 Excel 日期单元格。",
    "文件不超过 5 MB、5000 行。CSV 请保存为“CSV UTF-8（逗号分隔）”。",
  ]) {
    notes.addRow({ note });
  }
  return toBytes(workbook);
}

/** Initial passwords of the people a real run created: handed over once, never stored. */
export async function passwordsWorkbook(passwords: InitialPassword[]): Promise<Uint8Array> {
  const workbook = new (excel().Workbook)();
  const sheet = workbook.addWorksheet("初始密码");
  sheet.columns = [
    { header: "姓名", key: "displayName", width: 14 },
    { header: "用户名", key: "username", width: 18 },
    { header: "初始密码", key: "password", width: 16 },
    { header: "说明", key: "note", width: 30 },
  ];
  sheet.getRow(1).font = { bold: true };
  for (const p of passwords) sheet.addRow({ ...p, note: "首次登录后须修改密码" });
  return toBytes(workbook);
}
