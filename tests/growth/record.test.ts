import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import ExcelJS from "exceljs";
import type { GrowthRecord } from "../../shared/growth.ts";
import { auditLog } from "../../server/audit/schema.ts";
import { users } from "../../server/auth/schema.ts";
import { recordEvidence } from "../../server/evidence/service.ts";
import { createUser, findUserRow } from "../helpers/clients.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { createStudio } from "../studios/helpers.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

const at = (date: string) => new Date(`${date}T10:00:00+08:00`);

/** A mentee of a fresh studio, living in 五星社区 (城中街道), with a fellow mentee. */
async function subjectWithMentor() {
  const fixture = await createStudio(server, { menteeCount: 2 });
  const [subject, fellow] = fixture.mentees as [(typeof fixture.mentees)[0], (typeof fixture.mentees)[0]];
  await server.ctx.db.update(users).set({ communityId: "wuxing" }).where(eq(users.id, subject.user.id));
  return { ...fixture, subject, fellow };
}

describe("who may see a 成长档案", () => {
  it("the person, their mentor, their street admin and organisers; peers and other streets get 403, in the spreadsheet too", async () => {
    const { subject, fellow, mentor } = await subjectWithMentor();
    const streetAdmin = await createUser(server, { role: "street_admin", streetId: "chengzhong" });
    const otherStreet = await createUser(server, { role: "street_admin", streetId: "gongyuan" });
    const organiser = await createUser(server, { role: "organiser" });
    const neighbour = await createUser(server, { role: "worker", communityId: "wuxing" });
    const base = `/api/people/${subject.user.id}/record?year=2025`;
    const xlsx = `/api/people/${subject.user.id}/record.xlsx?year=2025`;

    for (const allowed of [subject, mentor, streetAdmin, organiser]) {
      const res = await allowed.client.get(base);
      expect(res.status).toBe(200);
      expect(res.body.user.id).toBe(subject.user.id);
      const file = await allowed.client.request("GET", xlsx);
      expect(file.status).toBe(200);
      expect(file.headers.get("content-type")).toContain("spreadsheetml");
    }
    for (const refused of [fellow, neighbour, otherStreet]) {
      expect((await refused.client.get(base)).status).toBe(403);
      expect((await refused.client.get(xlsx)).status).toBe(403);
    }
    expect((await subject.client.get(`/api/people/not-a-uuid/record`)).status).toBe(400);
  });
});

describe("the capability profile", () => {
  it("matches a hand computation for a small fixed history (docs/growth.md)", async () => {
    const person = await createUser(server, { role: "worker", communityId: "wuxing" });
    const userId = person.user.id;
    await recordEvidence(server.ctx.db, [
      {
        userId,
        kind: "attended",
        sourceKind: "training",
        sourceId: "t-1",
        at: at("2025-03-01"),
        title: "培训",
        capabilities: ["service"],
        detail: { hours: 3 },
      },
      {
        userId,
        kind: "task_completed",
        sourceKind: "studio_task",
        sourceId: "k-1",
        at: at("2025-04-01"),
        title: "任务",
        capabilities: ["service", "mobilization"],
      },
      {
        userId,
        kind: "proposal_approved",
        sourceKind: "proposal",
        sourceId: "p-1",
        at: at("2025-05-01"),
        title: "项目",
        capabilities: ["projectOps", "innovation"],
        score: 80,
      },
      {
        userId,
        kind: "talk_given",
        sourceKind: "forum_talk",
        sourceId: "f-1",
        at: at("2025-06-01"),
        title: "述职",
        capabilities: ["service", "mobilization", "deliberation", "projectOps", "coordination", "innovation"],
        score: 70,
        detail: {
          capabilityScores: {
            service: 60,
            mobilization: 90,
            deliberation: 70,
            projectOps: 100,
            coordination: 50,
            innovation: 40,
          },
        },
      },
      // another year: left out
      {
        userId,
        kind: "attended",
        sourceKind: "training",
        sourceId: "t-0",
        at: at("2024-12-31"),
        title: "去年的培训",
        capabilities: ["service"],
      },
    ]);
    const record: GrowthRecord = (await person.client.get(`/api/people/${userId}/record?year=2025`)).body;
    expect(record.evidence.map((e) => e.title)).toEqual(["述职", "项目", "任务", "培训"]);
    const byCap = Object.fromEntries(record.capabilities.map((c) => [c.capability, c]));
    // value = min(count, 10) × 5 + average × 0.5
    expect(byCap.service).toEqual({ capability: "service", count: 3, scored: 1, average: 60, value: 45 });
    expect(byCap.mobilization).toEqual({ capability: "mobilization", count: 2, scored: 1, average: 90, value: 55 });
    expect(byCap.deliberation).toEqual({ capability: "deliberation", count: 1, scored: 1, average: 70, value: 40 });
    expect(byCap.projectOps).toEqual({ capability: "projectOps", count: 2, scored: 2, average: 90, value: 55 });
    expect(byCap.coordination).toEqual({ capability: "coordination", count: 1, scored: 1, average: 50, value: 30 });
    expect(byCap.innovation).toEqual({ capability: "innovation", count: 2, scored: 2, average: 60, value: 40 });

    // the spreadsheet carries the same timeline under Chinese headers
    const file = await fetch(`${server.url}/api/people/${userId}/record.xlsx?year=2025`, {
      headers: { cookie: person.client.cookie },
    });
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await file.arrayBuffer());
    const sheet = book.getWorksheet("2025年成长档案")!;
    expect(sheet.getRow(1).values).toEqual([undefined, "日期", "类别", "内容", "体现能力", "得分（百分制）", "学时"]);
    expect(sheet.rowCount).toBe(5);
    expect(sheet.getRow(2).getCell(3).value).toBe("述职");
  });
});

describe("level changes and notes", () => {
  it("an organiser changes the level with a reason and cited evidence: users.level, the history and the audit log agree", async () => {
    const { subject, mentor } = await subjectWithMentor();
    const organiser = await createUser(server, { role: "organiser" });
    await recordEvidence(server.ctx.db, {
      userId: subject.user.id,
      kind: "proposal_approved",
      sourceKind: "proposal",
      sourceId: `p-${subject.user.id}`,
      at: new Date(),
      title: "楼栋微治理项目",
      capabilities: ["projectOps"],
      score: 88,
    });
    const record: GrowthRecord = (await subject.client.get(`/api/people/${subject.user.id}/record`)).body;
    const cited = record.evidence[0]!.id;
    const path = `/api/people/${subject.user.id}/level`;

    expect((await mentor.client.post(path, { level: "backbone", reason: "项目通过评审" })).status).toBe(403);
    expect((await subject.client.post(path, { level: "backbone", reason: "项目通过评审" })).status).toBe(403);
    expect((await organiser.client.post(path, { level: "backbone", reason: "" })).status).toBe(400);
    expect(
      (
        await organiser.client.post(path, {
          level: "backbone",
          reason: "项目通过评审",
          evidenceIds: [crypto.randomUUID()],
        })
      ).status,
    ).toBe(400);

    const changed = await organiser.client.post(path, {
      level: "backbone",
      reason: "项目通过评审，带教任务完成",
      evidenceIds: [cited],
    });
    expect(changed.status).toBe(201);
    expect(changed.body.levelChange).toMatchObject({
      from: "novice",
      to: "backbone",
      reason: "项目通过评审，带教任务完成",
      evidence: [{ id: cited, title: "楼栋微治理项目" }],
    });
    expect((await organiser.client.post(path, { level: "backbone", reason: "再次调整" })).status).toBe(409);
    expect((await findUserRow(server, subject.user.id))!.level).toBe("backbone");

    const audit = await server.ctx.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.targetId, subject.user.id), eq(auditLog.action, "user.level")));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actorId: organiser.user.id,
      before: { level: "novice" },
      after: { level: "backbone" },
      meta: { reason: "项目通过评审，带教任务完成" },
    });

    const after: GrowthRecord = (await subject.client.get(`/api/people/${subject.user.id}/record`)).body;
    expect(after.user.level).toBe("backbone");
    expect(after.levelHistory).toHaveLength(1);
    expect(after.levelHistory[0]).toMatchObject({
      from: "novice",
      to: "backbone",
      changedBy: { id: organiser.user.id },
    });
    expect(after.can).toEqual({ changeLevel: false, writeNote: false });
  });

  it("a level changed on the people screen is in the history too, with who and why", async () => {
    const person = await createUser(server, { role: "worker", communityId: "wuxing" });
    const organiser = await createUser(server, { role: "organiser" });
    expect((await organiser.client.patch(`/api/users/${person.user.id}`, { level: "core" })).status).toBe(200);
    // a patch that leaves the level alone adds nothing
    expect((await organiser.client.patch(`/api/users/${person.user.id}`, { displayName: "改名之后" })).status).toBe(
      200,
    );
    const record: GrowthRecord = (await organiser.client.get(`/api/people/${person.user.id}/record`)).body;
    expect(record.levelHistory).toHaveLength(1);
    expect(record.levelHistory[0]).toMatchObject({
      from: "novice",
      to: "core",
      reason: "在人员管理中修改",
      changedBy: { id: organiser.user.id },
    });
  });

  it("the street admin of the person's street may change the level; one of another street may not", async () => {
    const person = await createUser(server, { role: "worker", communityId: "wuxing" });
    const own = await createUser(server, { role: "street_admin", streetId: "chengzhong" });
    const other = await createUser(server, { role: "street_admin", streetId: "gongyuan" });
    const path = `/api/people/${person.user.id}/level`;
    expect((await other.client.post(path, { level: "core", reason: "表现突出" })).status).toBe(403);
    expect((await own.client.post(path, { level: "core", reason: "表现突出" })).status).toBe(201);
  });

  it("notes are written by the mentor and organisers, not by the person or a peer", async () => {
    const { subject, fellow, mentor } = await subjectWithMentor();
    const path = `/api/people/${subject.user.id}/notes`;
    expect((await subject.client.post(path, { body: "自评" })).status).toBe(403);
    expect((await fellow.client.post(path, { body: "同伴评价" })).status).toBe(403);
    const written = await mentor.client.post(path, { body: "议事组织能力明显提升" });
    expect(written.status).toBe(201);
    expect(written.body.note).toMatchObject({ author: { id: mentor.user.id }, body: "议事组织能力明显提升" });
    const record: GrowthRecord = (await mentor.client.get(`/api/people/${subject.user.id}/record`)).body;
    expect(record.notes.map((n) => n.body)).toEqual(["议事组织能力明显提升"]);
    expect(record.can.writeNote).toBe(true);
  });
});
