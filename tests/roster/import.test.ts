import ExcelJS from "exceljs";
import { eq, inArray } from "drizzle-orm";
import iconv from "iconv-lite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "../../server/audit/schema.ts";
import { levelChanges } from "../../server/evidence/schema.ts";
import { users } from "../../server/auth/schema.ts";
import { ApiClient, createUser, type TestUser, uniqueName } from "../helpers/clients.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

let server: TestServer;
let organiser: TestUser;

beforeAll(async () => {
  server = await startTestServer();
  organiser = await createUser(server, { role: "admin" });
});
afterAll(() => server.close());

const HEADERS = [
  "姓名",
  "用户名",
  "手机号",
  "街道",
  "社区",
  "身份",
  "层级",
  "两委",
  "后备人选",
  "头雁",
  "全科社工",
  "入职日期",
  "党员",
];
let phoneCounter = 0;
/** A phone number no other test of this run uses. */
const uniquePhone = () =>
  `139${String(Date.now() % 1e5).padStart(5, "0")}${String((phoneCounter += 1)).padStart(3, "0")}`;

async function xlsxOf(rows: (string | Date)[][], headers = HEADERS): Promise<Blob> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet("名册");
  sheet.addRow(headers);
  for (const row of rows) sheet.addRow(row);
  return new Blob([await workbook.xlsx.writeBuffer()]);
}

async function upload(client: ApiClient, file: Blob, name: string, dryRun: boolean) {
  const form = new FormData();
  form.set("file", file, name);
  form.set("dryRun", String(dryRun));
  return client.post("/api/users/import", form, { origin: server.url });
}

const person = (over: Partial<Record<string, string>> = {}) => {
  const row: Record<string, string> = {
    姓名: "测试人员",
    用户名: uniqueName("r"),
    手机号: uniquePhone(),
    街道: "城中街道",
    社区: "五星社区",
    身份: "社区工作者",
    层级: "新手",
    两委: "否",
    后备人选: "",
    头雁: "",
    全科社工: "是",
    入职日期: "2024/3/1",
    党员: "是",
    ...over,
  };
  return HEADERS.map((h) => row[h] ?? "");
};

const countUsers = async (usernames: string[]) =>
  (await server.ctx.db.select({ id: users.id }).from(users).where(inArray(users.username, usernames))).length;

describe("roster import", () => {
  it("a dry run reports what it would do and creates nobody; the real run creates them, once", async () => {
    const rows = [
      person({ 姓名: "李明" }),
      person({ 姓名: "王芳", 身份: "社区书记、社区导师", 两委: "是" }),
      person({ 姓名: "赵强", 入职日期: "2025-07-15" }),
    ];
    const usernames = rows.map((r) => r[1]!);
    const file = await xlsxOf(rows);

    const dry = await upload(organiser.client, file, "名册.xlsx", true);
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({
      created: 3,
      updated: 0,
      unchanged: 0,
      errors: [],
      applied: false,
      passwordsUrl: null,
    });
    expect(await countUsers(usernames)).toBe(0);

    const real = await upload(organiser.client, file, "名册.xlsx", false);
    expect(real.status).toBe(200);
    expect(real.body).toMatchObject({ created: 3, updated: 0, unchanged: 0, errors: [], applied: true });
    expect(await countUsers(usernames)).toBe(3);

    const [wang] = await server.ctx.db.select().from(users).where(eq(users.username, usernames[1]!));
    expect(wang).toMatchObject({
      displayName: "王芳",
      role: "secretary",
      communityId: "wuxing",
      partyMember: true,
      mustChangePassword: true,
      hireDate: "2024-03-01",
    });
    expect(wang!.roles.sort()).toEqual(["mentor", "secretary"]);
    expect(wang!.flags.sort()).toEqual(["generalist", "liangwei"]);

    // The passwords come once, as a spreadsheet, and the download is audited.
    const sheet = await fetch(server.url + real.body.passwordsUrl, { headers: { cookie: organiser.client.cookie } });
    expect(sheet.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await sheet.arrayBuffer());
    const handed = workbook.worksheets[0]!.getSheetValues()
      .slice(2)
      .map((r) => (r as string[]).slice(1, 4));
    expect(handed.map((r) => r[1]).sort()).toEqual([...usernames].sort());
    const [first] = handed;
    const signIn = await new ApiClient(server.url).post("/api/auth/login", {
      username: first![1],
      password: first![2],
    });
    expect(signIn.status).toBe(200);
    expect((await organiser.client.get(real.body.passwordsUrl)).status).toBe(404);
    const downloads = await server.ctx.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, "user.import_passwords_download"));
    expect(downloads.some((d) => d.actorId === organiser.user.id)).toBe(true);
    expect(JSON.stringify(downloads)).not.toContain(first![2]!);

    // Importing the same file again changes nothing.
    const again = await upload(organiser.client, file, "名册.xlsx", false);
    expect(again.body).toMatchObject({
      created: 0,
      updated: 0,
      unchanged: 3,
      errors: [],
      applied: true,
      passwordsUrl: null,
    });
  });

  it("a level changed by an import is in the person's level history, naming the file and row", async () => {
    const row = person({ 姓名: "周敏", 层级: "新手" });
    expect((await upload(organiser.client, await xlsxOf([row]), "名册.xlsx", false)).body).toMatchObject({
      created: 1,
      applied: true,
    });
    const promoted = [...row];
    promoted[HEADERS.indexOf("层级")] = "骨干";
    expect((await upload(organiser.client, await xlsxOf([promoted]), "年度调整.xlsx", false)).body).toMatchObject({
      updated: 1,
      applied: true,
    });
    const [zhou] = await server.ctx.db.select().from(users).where(eq(users.username, row[1]!));
    expect(zhou!.level).toBe("backbone");
    const history = await server.ctx.db.select().from(levelChanges).where(eq(levelChanges.userId, zhou!.id));
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({
      fromLevel: "novice",
      toLevel: "backbone",
      changedBy: organiser.user.id,
      reason: "名册导入（年度调整.xlsx 第 2 行）",
    });
  });

  it("one bad row is reported with its row and column, and nobody is imported", async () => {
    const rows = [
      person(),
      person({ 手机号: "12345" }),
      person({ 层级: "专家" }),
      person({ 两委: "可能" }),
      person({ 入职日期: "2024-02-30" }),
    ];
    const res = await upload(organiser.client, await xlsxOf(rows), "名册.xlsx", false);
    expect(res.status).toBe(200);
    expect(res.body.applied).toBe(false);
    expect(res.body.errors.map((e: { row: number; column: string }) => [e.row, e.column])).toEqual([
      [3, "手机号"],
      [4, "层级"],
      [5, "两委"],
      [6, "入职日期"],
    ]);
    expect(res.body.errors[0].message).toMatch(/11 位/);
    expect(await countUsers(rows.map((r) => r[1]!))).toBe(0);
  });

  it("lists an unknown community; once it is created the import passes", async () => {
    const community = uniqueName("新社区");
    const rows = [person({ 街道: "公园街道", 社区: community })];
    const dry = await upload(organiser.client, await xlsxOf(rows), "名册.xlsx", true);
    expect(dry.body.errors).toEqual([expect.objectContaining({ row: 2, column: "社区" })]);
    expect(dry.body.unknownCommunities).toEqual([
      { streetId: "gongyuan", streetName: "公园街道", name: community, rows: [2] },
    ]);

    const created = await organiser.client.post(
      "/api/org/communities",
      { streetId: "gongyuan", name: community },
      { origin: server.url },
    );
    expect(created.status).toBe(201);
    const real = await upload(organiser.client, await xlsxOf(rows), "名册.xlsx", false);
    expect(real.body).toMatchObject({ created: 1, errors: [], unknownCommunities: [], applied: true });
    const [row] = await server.ctx.db.select().from(users).where(eq(users.username, rows[0]![1]!));
    expect(row!.communityId).toBe(created.body.community.id);
  });

  it("reads a GBK-encoded CSV as Excel on Chinese Windows writes it, and a UTF-8 one with a BOM", async () => {
    const username = uniqueName("g");
    const csv = `${HEADERS.join(",")}\r\n${person({ 姓名: "黄海燕", 用户名: username, 身份: "社区书记" }).join(",")}\r\n`;
    const gbk = await upload(organiser.client, new Blob([new Uint8Array(iconv.encode(csv, "gbk"))]), "名册.csv", false);
    expect(gbk.body).toMatchObject({ created: 1, errors: [], applied: true });
    const [row] = await server.ctx.db.select().from(users).where(eq(users.username, username));
    expect(row!.displayName).toBe("黄海燕");

    const bom = await upload(organiser.client, new Blob([`\uFEFF${csv}`]), "名册.csv", true);
    expect(bom.body).toMatchObject({ created: 0, unchanged: 1, errors: [] });
  });

  it("derives usernames from the name's pinyin, numbered on clashes, and matches by phone when the username is empty", async () => {
    const phoneA = uniquePhone();
    const phoneB = uniquePhone();
    const rows = [
      person({ 姓名: "欧阳晓", 用户名: "", 手机号: phoneA }),
      person({ 姓名: "欧阳晓", 用户名: "", 手机号: phoneB }),
    ];
    const res = await upload(organiser.client, await xlsxOf(rows), "名册.xlsx", false);
    expect(res.body).toMatchObject({ created: 2, errors: [] });
    const made = await server.ctx.db
      .select()
      .from(users)
      .where(inArray(users.phone, [phoneA, phoneB]));
    const names = made.map((u) => u.username).sort();
    expect(names[0]).toMatch(/^ouyangxiao\d*$/);
    expect(names[1]).toMatch(/^ouyangxiao\d+$/);
    expect(new Set(names).size).toBe(2);
    const again = await upload(organiser.client, await xlsxOf(rows), "名册.xlsx", true);
    expect(again.body).toMatchObject({ created: 0, unchanged: 2 });
  });

  it("exports everyone an organiser manages, and the export imports back as unchanged", async () => {
    const res = await fetch(`${server.url}/api/users/export.xlsx`, { headers: { cookie: organiser.client.cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("spreadsheetml");
    const bytes = await res.arrayBuffer();
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes);
    expect((workbook.worksheets[0]!.getRow(1).values as string[]).slice(1)).toEqual(HEADERS);
    const back = await upload(organiser.client, new Blob([bytes]), "导出.xlsx", true);
    expect(back.body.errors).toEqual([]);
    expect(back.body).toMatchObject({ created: 0, updated: 0 });
    expect(back.body.unchanged).toBeGreaterThan(3);
    const exports = await server.ctx.db.select().from(auditLog).where(eq(auditLog.action, "user.export"));
    expect(exports.some((e) => e.actorId === organiser.user.id)).toBe(true);
  });

  it("keeps a street admin to their street, and lets nobody else import", async () => {
    const streetAdmin = await createUser(server, { role: "worker" });
    await server.ctx.db
      .update(users)
      .set({ roles: ["street_admin"], role: "street_admin", streetId: "gongyuan" })
      .where(eq(users.id, streetAdmin.user.id));
    const rows = [
      person({ 街道: "公园街道", 社区: "示例社区五" }),
      person({ 街道: "城中街道", 社区: "五星社区" }),
      person({ 街道: "公园街道", 社区: "示例社区五", 身份: "组织部" }),
    ];
    const res = await upload(streetAdmin.client, await xlsxOf(rows), "名册.xlsx", true);
    expect(res.body.errors.map((e: { row: number; column: string }) => [e.row, e.column])).toEqual([
      [3, "街道"],
      [4, "身份"],
    ]);
    const exported = await fetch(`${server.url}/api/users/export.xlsx`, {
      headers: { cookie: streetAdmin.client.cookie },
    });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await exported.arrayBuffer());
    const streetsInExport = new Set(
      workbook.worksheets[0]!.getSheetValues()
        .slice(2)
        .map((r) => (r as string[])[4]),
    );
    expect([...streetsInExport]).toEqual(["公园街道"]);

    const worker = await createUser(server, { role: "secretary" });
    expect((await upload(worker.client, await xlsxOf([person()]), "名册.xlsx", true)).status).toBe(403);
    expect((await worker.client.get("/api/users/export.xlsx")).status).toBe(403);
  });

  it("refuses junk with a clear Chinese message, and an oversized file with 413", async () => {
    const junk = await upload(organiser.client, new Blob([new Uint8Array(2048).fill(7)]), "名册.xlsx", true);
    expect(junk.status).toBe(400);
    expect(junk.body.error.message).toMatch(/xlsx/);
    const wrongSheet = await upload(organiser.client, await xlsxOf([["x", "y"]], ["编号", "备注"]), "名册.xlsx", true);
    expect(wrongSheet.status).toBe(400);
    expect(wrongSheet.body.error.message).toContain("姓名");
    const doc = await upload(organiser.client, new Blob(["hello"]), "名册.docx", true);
    expect(doc.status).toBe(400);
    const big = await upload(organiser.client, new Blob([new Uint8Array(6 * 1024 * 1024)]), "名册.csv", true);
    expect(big.status).toBe(413);
    const template = await fetch(`${server.url}/api/users/import/template.xlsx`, {
      headers: { cookie: organiser.client.cookie },
    });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await template.arrayBuffer());
    const check = await upload(organiser.client, new Blob([await workbook.xlsx.writeBuffer()]), "模板.xlsx", true);
    expect(check.body.errors).toEqual([]);
    expect(check.body.created + check.body.updated + check.body.unchanged).toBe(1);
  });
});

describe("organisation editing", () => {
  it("merges a community into another: its people move and it is retired, hidden from the public tree", async () => {
    const a = (
      await organiser.client.post(
        "/api/org/communities",
        { streetId: "hedong", name: uniqueName("甲") },
        { origin: server.url },
      )
    ).body.community;
    const b = (
      await organiser.client.post(
        "/api/org/communities",
        { streetId: "hedong", name: uniqueName("乙") },
        { origin: server.url },
      )
    ).body.community;
    const rows = [person({ 街道: "河东街道", 社区: a.name }), person({ 街道: "河东街道", 社区: a.name })];
    expect((await upload(organiser.client, await xlsxOf(rows), "名册.xlsx", false)).body.created).toBe(2);

    const merged = await organiser.client.post(
      `/api/org/communities/${a.id}/merge`,
      { intoId: b.id },
      { origin: server.url },
    );
    expect(merged.body).toEqual({ moved: 2 });
    const moved = await server.ctx.db
      .select()
      .from(users)
      .where(
        inArray(
          users.username,
          rows.map((r) => r[1]!),
        ),
      );
    expect(moved.map((u) => u.communityId)).toEqual([b.id, b.id]);
    const tree = (await new ApiClient(server.url).get("/api/org")).body.streets;
    const hedong = tree.find((s: { id: string }) => s.id === "hedong");
    expect(hedong.communities.some((c: { id: string }) => c.id === a.id)).toBe(false);
    expect(Object.keys(hedong.communities[0]).sort()).toEqual(["demo", "id", "name", "streetId"]);
    const manage = (await organiser.client.get("/api/org/manage")).body.streets;
    expect(
      manage.find((s: { id: string }) => s.id === "hedong").communities.find((c: { id: string }) => c.id === a.id)
        .retired,
    ).toBe(true);
  });

  it("renames and retires; only organisers may edit", async () => {
    const c = (
      await organiser.client.post(
        "/api/org/communities",
        { streetId: "tanzhong", name: uniqueName("丙") },
        { origin: server.url },
      )
    ).body.community;
    const renamed = await organiser.client.patch(`/api/org/communities/${c.id}`, { name: `${c.name}新` });
    expect(renamed.body.community.name).toBe(`${c.name}新`);
    const secretary = await createUser(server, { role: "secretary" });
    expect((await secretary.client.patch(`/api/org/communities/${c.id}`, { retired: true })).status).toBe(403);
    expect(
      (await organiser.client.patch(`/api/org/communities/${c.id}`, { retired: true })).body.community.retired,
    ).toBe(true);
    const audit = await server.ctx.db.select().from(auditLog).where(eq(auditLog.targetId, c.id));
    expect(audit.map((a) => a.action).sort()).toEqual([
      "org.community_create",
      "org.community_update",
      "org.community_update",
    ]);
  });

  it("names the demo placeholders 示例社区 and never 示范", async () => {
    const tree = (await new ApiClient(server.url).get("/api/org")).body.streets;
    const names = tree.flatMap((s: { communities: { name: string }[] }) => s.communities.map((c) => c.name));
    expect(names).toContain("五星社区");
    expect(names).toContain("示例社区一");
    expect(names.some((n: string) => n.includes("示范"))).toBe(false);
  });
});
