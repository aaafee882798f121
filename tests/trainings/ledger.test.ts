import { eq } from "drizzle-orm";
import ExcelJS from "exceljs";
import { communities } from "../../server/org/schema.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LedgerRow } from "../../shared/trainings.ts";
import { createUser } from "../helpers/clients.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { createTraining } from "./helpers.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const rowOf = (rows: LedgerRow[], id: string) => rows.find((r) => r.user.id === id);

describe("the training ledger", () => {
  it("computes the plan's worked examples for 2026 exactly", async () => {
    const organiser = await createUser(server, { role: "organiser" });
    const community = "gongyuan-3";
    const liangwei = await createUser(server, {
      roles: ["secretary"],
      flags: ["liangwei"],
      communityId: community,
      hireDate: "2019-03-01",
    });
    const worker = await createUser(server, { roles: ["worker"], communityId: community });
    const newHire = await createUser(server, {
      roles: ["worker"],
      flags: ["new_hire"],
      communityId: community,
      hireDate: "2026-07-15",
    });
    const resident = await createUser(server, { roles: ["resident"], communityId: community });

    // 4 学时 of 岗位基本业务知识 in 2026 and 6 in 2027 (still within the new hire's 12 months), 8 of another type
    const basics2026 = await createTraining(organiser.client, {
      type: "岗位基本业务知识",
      hours: 4,
      startsAt: "2026-09-01T09:00:00+08:00",
      endsAt: "2026-09-01T12:00:00+08:00",
    });
    const basics2027 = await createTraining(organiser.client, {
      type: "岗位基本业务知识",
      hours: 6,
      startsAt: "2027-07-15T09:00:00+08:00",
      endsAt: "2027-07-15T12:00:00+08:00",
    });
    const tooLate = await createTraining(organiser.client, {
      type: "岗位基本业务知识",
      hours: 3,
      startsAt: "2027-07-16T09:00:00+08:00",
      endsAt: "2027-07-16T12:00:00+08:00",
    });
    const course = await createTraining(organiser.client, {
      type: "专题培训班",
      hours: 8,
      startsAt: "2026-10-10T09:00:00+08:00",
      endsAt: "2026-10-10T17:00:00+08:00",
    });
    for (const [training, person] of [
      [basics2026, newHire],
      [basics2027, newHire],
      [tooLate, newHire],
      [course, newHire],
      [course, liangwei],
    ] as const) {
      const res = await organiser.client.post(`/api/checkins/training/${training.id}/attendees`, {
        userId: person.user.id,
        reason: "补录纸质签到表",
      });
      expect(res.status).toBe(201);
    }

    const res = await organiser.client.get(`/api/reports/training?year=2026&communityId=${community}`);
    expect(res.status).toBe(200);
    const rows: LedgerRow[] = res.body.rows;
    expect(rowOf(rows, liangwei.user.id)).toMatchObject({
      required: 56,
      done: 8,
      missing: 48,
      sessions: 1,
      newHireRequired: null,
    });
    expect(rowOf(rows, worker.user.id)).toMatchObject({
      required: 40,
      done: 0,
      missing: 40,
      sessions: 0,
      newHireRequired: null,
    });
    expect(rowOf(rows, newHire.user.id)).toMatchObject({
      required: 20,
      done: 12,
      missing: 8,
      sessions: 2,
      newHireRequired: 30,
      newHireDone: 10,
      newHireDeadline: "2027-07-15",
    });
    // residents are not counted
    expect(rowOf(rows, resident.user.id)).toBeUndefined();

    // the next year: a full year's requirement, the new-hire column still shows until the deadline
    const next = await organiser.client.get(`/api/reports/training?year=2027&communityId=${community}`);
    expect(rowOf(next.body.rows, newHire.user.id)).toMatchObject({
      required: 40,
      done: 9,
      newHireRequired: 30,
      newHireDone: 10,
    });
  });

  it("rounds a pro-rated requirement up to whole 学时", async () => {
    const organiser = await createUser(server, { role: "organiser" });
    // hired in February: 11 months of 56 = 51.33… → 52
    const person = await createUser(server, {
      roles: ["worker", "secretary"],
      flags: ["liangwei"],
      communityId: "hedong-2",
      hireDate: "2026-02-03",
    });
    const res = await organiser.client.get("/api/reports/training?year=2026&communityId=hedong-2");
    expect(rowOf(res.body.rows, person.user.id)?.required).toBe(52);
  });

  it("shows organisers everyone, street admins their street, and refuses others", async () => {
    const organiser = await createUser(server, { role: "organiser" });
    const streetAdmin = await createUser(server, { role: "street_admin", streetId: "shuishang" });
    const inStreet = await createUser(server, { roles: ["worker"], communityId: "shuishang-1" });
    const elsewhere = await createUser(server, { roles: ["worker"], communityId: "tanzhong-1" });

    const all = await organiser.client.get("/api/reports/training?year=2026");
    expect(rowOf(all.body.rows, inStreet.user.id)).toBeDefined();
    expect(rowOf(all.body.rows, elsewhere.user.id)).toBeDefined();

    const own = await streetAdmin.client.get("/api/reports/training?year=2026");
    expect(own.status).toBe(200);
    expect(rowOf(own.body.rows, inStreet.user.id)).toBeDefined();
    expect(rowOf(own.body.rows, elsewhere.user.id)).toBeUndefined();
    expect(own.body.rows.every((r: LedgerRow) => r.user.streetId === "shuishang")).toBe(true);

    const other = await streetAdmin.client.get("/api/reports/training?year=2026&streetId=tanzhong");
    expect(other.status).toBe(403);
    for (const role of ["worker", "secretary", "resident", "mentor"] as const) {
      const person = await createUser(server, { role, communityId: "shuishang-1" });
      const res = await person.client.get("/api/reports/training?year=2026");
      expect(res.status, role).toBe(403);
      expect(res.body.error.code).toBe("forbidden");
    }
    // everyone sees their own line
    const mine = await inStreet.client.get("/api/reports/training/me?year=2026");
    expect(mine.body.row).toMatchObject({ user: { id: inStreet.user.id }, required: 40 });
    expect((await organiser.client.get("/api/reports/training?year=abc")).status).toBe(400);
  });

  it("exports the same rows as a spreadsheet with Chinese headers", async () => {
    const organiser = await createUser(server, { role: "organiser" });
    const person = await createUser(server, {
      roles: ["worker"],
      communityId: "jinglan-2",
      displayName: "表格测试人",
      hireDate: "2026-07-15",
    });
    const training = await createTraining(organiser.client, {
      hours: 6,
      startsAt: "2026-05-01T09:00:00+08:00",
      endsAt: "2026-05-01T12:00:00+08:00",
    });
    await organiser.client.post(`/api/checkins/training/${training.id}/attendees`, {
      userId: person.user.id,
      reason: "补录",
    });

    const res = await fetch(`${server.url}/api/reports/training?year=2026&communityId=jinglan-2&format=xlsx`, {
      headers: { cookie: organiser.client.cookie },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("spreadsheetml");
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await res.arrayBuffer());
    const sheet = workbook.worksheets[0]!;
    expect(sheet.name).toBe("2026年培训台账");
    const headers = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(headers).toEqual([
      "街道",
      "社区",
      "姓名",
      "身份",
      "入职日期",
      "应修学时",
      "已修学时",
      "欠缺学时",
      "参训次数",
      "新招聘应修岗位基本业务知识学时",
      "新招聘已修",
      "新招聘截止日期",
    ]);
    const line = sheet.getRows(2, sheet.rowCount - 1)!.find((r) => r.getCell(3).value === "表格测试人")!;
    const [place] = await server.ctx.db.select().from(communities).where(eq(communities.id, "jinglan-2"));
    expect((line.values as unknown[]).slice(1)).toEqual([
      "静兰街道",
      place!.name,
      "表格测试人",
      "",
      "2026-07-15",
      20,
      6,
      14,
      1,
      30,
      0,
      "2027-07-15",
    ]);
    expect((line.getCell(8).fill as { fgColor?: { argb?: string } }).fgColor?.argb).toBe("FFFFCCCC");
  });
});
