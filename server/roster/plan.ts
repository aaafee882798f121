import { createRequire } from "node:module";

// pinyin-pro's dictionary takes ~0.1 s to load and only a roster import needs it: loaded on first
// use (its CommonJS build, so deriving a username stays synchronous).
const require = createRequire(import.meta.url);
const pinyinPro = () => require("pinyin-pro") as typeof import("pinyin-pro");
import { UsernameSchema } from "../../shared/auth.ts";
import type { Flag, Level, Role } from "../../shared/enums.ts";
import type { RosterColumn, RosterError, UnknownCommunity } from "../../shared/roster.ts";
import type { UserRow } from "../auth/sessions.ts";
import { FLAG_COLUMNS, LEVEL_BY_LABEL, ROLE_BY_LABEL, splitRoles } from "./columns.ts";
import type { Sheet, SheetRow } from "./read.ts";

/** What the import may write for one person: only the columns the file has. */
export interface PersonFields {
  displayName?: string;
  phone?: string | null;
  communityId?: string | null;
  streetId?: string | null;
  roles?: Role[];
  level?: Level;
  flags?: Flag[];
  hireDate?: string | null;
  partyMember?: boolean;
}

export type PlannedRow =
  | { row: number; kind: "create"; username: string; fields: PersonFields & { displayName: string; roles: Role[] } }
  | { row: number; kind: "update"; user: UserRow; patch: PersonFields }
  | { row: number; kind: "unchanged"; user: UserRow };

export interface OrgIndex {
  streets: { id: string; name: string; retired: boolean }[];
  communities: { id: string; streetId: string; name: string; retired: boolean }[];
}

export interface Plan {
  rows: PlannedRow[];
  errors: RosterError[];
  unknownCommunities: UnknownCommunity[];
}

/** Who is importing: organisers may touch the district, a street admin only their street. */
export interface ImportScope {
  /** null: the whole district */
  streetId: string | null;
  /** roles this importer may grant */
  grantable: ReadonlySet<Role>;
  /** people this importer may not change at all (e.g. admins, for an organiser) */
  untouchable: (user: UserRow) => boolean;
}

const YES = "是";
const NO = "否";

/**
 * Works out, row by row, what importing the sheet would do, without writing anything. A dry run
 * reports this plan; a real run writes it only when it has no errors.
 */
export function planImport(sheet: Sheet, people: UserRow[], org: OrgIndex, scope: ImportScope): Plan {
  const errors: RosterError[] = [];
  const unknown = new Map<string, UnknownCommunity>();
  const rows: PlannedRow[] = [];
  const has = (column: RosterColumn) => sheet.headers.includes(column);

  const byUsername = new Map(people.map((p) => [p.username, p]));
  const byPhone = new Map<string, UserRow[]>();
  for (const p of people) if (p.phone) byPhone.set(p.phone, [...(byPhone.get(p.phone) ?? []), p]);
  const takenUsernames = new Set(people.map((p) => p.username));
  const seenInFile = new Map<string, number>();
  const communityStreet = new Map(org.communities.map((c) => [c.id, c.streetId]));

  for (const sheetRow of sheet.rows) {
    const rowErrors: RosterError[] = [];
    const fail = (column: string, message: string) => rowErrors.push({ row: sheetRow.row, column, message });
    const text = (column: RosterColumn) => cellText(sheetRow, column);

    // --- who is this row? ---
    const usernameCell = text("用户名").toLowerCase();
    const phoneCell = has("手机号") ? parsePhone(text("手机号"), fail) : undefined;
    let existing: UserRow | undefined;
    if (usernameCell) {
      const parsed = UsernameSchema.safeParse(usernameCell);
      if (!parsed.success) fail("用户名", parsed.error.issues[0]?.message ?? "用户名格式不正确");
      existing = byUsername.get(usernameCell);
    } else if (phoneCell) {
      const matches = byPhone.get(phoneCell) ?? [];
      if (matches.length > 1) fail("手机号", "该手机号对应多个账号，请填写用户名以区分");
      existing = matches[0];
    }
    const identity = existing?.username ?? (usernameCell || (phoneCell ? `phone:${phoneCell}` : ""));
    if (identity) {
      const earlier = seenInFile.get(identity);
      if (earlier) fail(usernameCell ? "用户名" : "手机号", `与第 ${earlier} 行是同一个人`);
      else seenInFile.set(identity, sheetRow.row);
    }

    // --- the fields the file gives ---
    const fields: PersonFields = {};
    const name = text("姓名");
    if (name) fields.displayName = name.slice(0, 40);
    else if (!existing) fail("姓名", "新人员必须填写姓名");
    if (phoneCell !== undefined) fields.phone = phoneCell;

    let rowStreet: { id: string; name: string } | undefined;
    if (has("街道") && text("街道")) {
      const wanted = text("街道");
      const street = org.streets.find((s) => !s.retired && (s.name === wanted || s.name === `${wanted}街道`));
      if (street) rowStreet = street;
      else fail("街道", `街道「${wanted}」不存在`);
    }
    if (has("社区")) {
      const wanted = text("社区");
      if (!wanted) fields.communityId = null;
      else {
        const candidates = org.communities.filter(
          (c) => !c.retired && c.name === wanted && (!rowStreet || c.streetId === rowStreet.id),
        );
        if (candidates.length === 1) {
          fields.communityId = candidates[0]!.id;
          rowStreet ??= org.streets.find((s) => s.id === candidates[0]!.streetId);
        } else if (candidates.length > 1) fail("社区", `有多个「${wanted}」，请填写街道以区分`);
        else if (!has("街道") || !text("街道") || rowStreet) {
          fail("社区", rowStreet ? `${rowStreet.name}没有「${wanted}」社区` : `社区「${wanted}」不存在，请填写街道`);
          const key = `${rowStreet?.id ?? ""}/${wanted}`;
          const entry = unknown.get(key) ?? {
            streetId: rowStreet?.id ?? null,
            streetName: rowStreet?.name ?? "",
            name: wanted,
            rows: [],
          };
          entry.rows.push(sheetRow.row);
          unknown.set(key, entry);
        }
      }
    }

    if (has("身份") && text("身份")) {
      const roles: Role[] = [];
      for (const label of splitRoles(text("身份"))) {
        const role = ROLE_BY_LABEL.get(label);
        if (!role) fail("身份", `不认识的身份「${label}」，可填：${[...ROLE_BY_LABEL.keys()].join("、")}`);
        else if (!roles.includes(role)) roles.push(role);
      }
      fields.roles = roles;
    }
    if (has("层级") && text("层级")) {
      const level = LEVEL_BY_LABEL.get(text("层级"));
      if (level) fields.level = level;
      else fail("层级", "层级只能是 新手、骨干 或 中坚");
    }
    const flagColumns = FLAG_COLUMNS.filter((f) => has(f.column));
    if (flagColumns.length > 0) {
      const kept = (existing?.flags ?? []).filter((flag) => !flagColumns.some((f) => f.flag === flag));
      const set = flagColumns.filter((f) => yesNo(text(f.column), f.column, fail)).map((f) => f.flag);
      fields.flags = [...kept, ...set];
    }
    if (has("入职日期")) fields.hireDate = parseDate(sheetRow.cells.get("入职日期"), fail);
    if (has("党员")) fields.partyMember = yesNo(text("党员"), "党员", fail);

    // --- may this importer do it? ---
    const roles = fields.roles ?? existing?.roles ?? ["worker"];
    if (roles.includes("street_admin")) {
      if (!rowStreet) fail("街道", "街道管理员必须填写所管理的街道");
      else fields.streetId = rowStreet.id;
    }
    for (const role of fields.roles ?? []) {
      if (!scope.grantable.has(role) && !existing?.roles.includes(role))
        fail("身份", `您不能授予「${labelOf(role)}」身份`);
    }
    if (existing && scope.untouchable(existing)) fail("用户名", "您不能修改该账号（管理员账号只能由管理员修改）");
    if (scope.streetId) {
      const street =
        rowStreet?.id ?? (existing?.communityId ? communityStreet.get(existing.communityId) : existing?.streetId);
      if (street !== scope.streetId) fail("街道", "只能导入本街道的人员");
      if (existing) {
        const existingStreet = existing.communityId ? communityStreet.get(existing.communityId) : existing.streetId;
        if (existingStreet !== scope.streetId) fail("用户名", "该人员不属于本街道");
      }
    }

    errors.push(...rowErrors);
    if (rowErrors.length > 0) continue;

    if (!existing) {
      const username = usernameCell || deriveUsername(name, takenUsernames);
      takenUsernames.add(username);
      rows.push({ row: sheetRow.row, kind: "create", username, fields: { ...fields, displayName: name, roles } });
      continue;
    }
    const patch = changedFields(existing, fields);
    rows.push(
      Object.keys(patch).length === 0
        ? { row: sheetRow.row, kind: "unchanged", user: existing }
        : { row: sheetRow.row, kind: "update", user: existing, patch },
    );
  }
  return { rows, errors, unknownCommunities: [...unknown.values()] };
}

/** Only the fields whose value really differs; roles and flags compare as sets. */
function changedFields(user: UserRow, fields: PersonFields): PersonFields {
  const patch: PersonFields = {};
  const sameSet = (a: readonly string[], b: readonly string[]) =>
    a.length === b.length && a.every((x) => b.includes(x));
  for (const key of Object.keys(fields) as (keyof PersonFields)[]) {
    const next = fields[key];
    const current = user[key];
    const same = Array.isArray(next) ? sameSet(next, current as string[]) : (next ?? null) === (current ?? null);
    if (!same) (patch as Record<string, unknown>)[key] = next;
  }
  return patch;
}

const labelOf = (role: Role) => [...ROLE_BY_LABEL.entries()].find(([, r]) => r === role)?.[0] ?? role;

function cellText(row: SheetRow, column: string): string {
  const value = row.cells.get(column);
  if (value === undefined) return "";
  return value instanceof Date ? value.toISOString().slice(0, 10) : value.trim();
}

function yesNo(cell: string, column: string, fail: (column: string, message: string) => void): boolean {
  if (cell === "" || cell === NO) return false;
  if (cell === YES) return true;
  fail(column, "只能填“是”或“否”（空白表示否）");
  return false;
}

function parsePhone(cell: string, fail: (column: string, message: string) => void): string | null {
  if (!cell) return null;
  const digits = cell.replace(/[\s-]/g, "");
  if (/^1[3-9]\d{9}$/.test(digits)) return digits;
  fail("手机号", "手机号应为 11 位数字");
  return null;
}

/** 入职日期: YYYY-MM-DD, YYYY/M/D, an Excel date cell, or Excel's day number when the cell lost its format. */
function parseDate(value: string | Date | undefined, fail: (column: string, message: string) => void): string | null {
  if (value === undefined || value === "") return null;
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  const trimmed = value.trim();
  const match = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(trimmed);
  let date: Date | undefined;
  if (match) date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  else if (/^\d{5}$/.test(trimmed)) date = new Date(Date.UTC(1899, 11, 30) + Number(trimmed) * 86_400_000);
  const iso = date?.toISOString().slice(0, 10);
  // Reject dates that rolled over (2026-02-30 → 2026-03-02) as well as unreadable ones.
  if (
    !date ||
    Number.isNaN(date.getTime()) ||
    (match && iso !== `${match[1]}-${match[2]!.padStart(2, "0")}-${match[3]!.padStart(2, "0")}`)
  ) {
    fail("入职日期", "日期格式应为 2024-03-01 或 2024/3/1");
    return null;
  }
  return iso!;
}

/** A username from the name's pinyin (张丽 → zhangli), numbered on clashes (zhangli2, zhangli3, …). */
export function deriveUsername(name: string, taken: ReadonlySet<string>): string {
  const romanised = pinyinPro()
    .pinyin(name, { toneType: "none", type: "array", nonZh: "consecutive" })
    .join("")
    .toLowerCase()
    .replace(/ü/g, "v")
    .replace(/[^a-z0-9]/g, "");
  const base = (romanised.length >= 3 ? romanised : `${romanised}user`).slice(0, 28);
  if (!taken.has(base)) return base;
  for (let n = 2; n < 10_000; n += 1) if (!taken.has(`${base}${n}`)) return `${base}${n}`;
  throw new Error("no free username");
}
