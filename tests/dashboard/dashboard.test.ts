import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Dashboard } from "../../shared/dashboard.ts";
import type { EvidenceKind } from "../../shared/evidence.ts";
import type { Capability } from "../../shared/vocabulary.ts";
import { capabilityProfile } from "../../server/dashboard/service.ts";
import { recordEvidence } from "../../server/evidence/service.ts";
import { createUser, emitAck, type TestUser } from "../helpers/clients.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { createStudio, joinStudio, send } from "../studios/helpers.ts";
import { createTraining } from "../trainings/helpers.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

/**
 * A small year, 2019, that no other test touches: two trainings, a forum and a 老书记论坛 event,
 * three check-ins, and a handful of evidence. Expectations below are worked out by hand, as changes
 * from what the year showed before (on PostgreSQL the test database outlives a run).
 */
const YEAR = 2019;
const at = (day: string) => `${day}T09:00:00+08:00`;
const until = (day: string) => `${day}T12:00:00+08:00`;

let organiser: TestUser;
let streetAdmin: TestUser;
let liangwei: TestUser; // 静兰, 两委: requires 56, attends 4 + 8
let worker: TestUser; // 静兰: requires 40, attends 8
let idle: TestUser; // 河东, 两委: requires 56, attends nothing
let before: { district: Dashboard; jinglan: Dashboard };

async function dashboardOf(who: TestUser, query = ""): Promise<Dashboard> {
  const res = await who.client.get(`/api/dashboard?year=${YEAR}${query}`);
  expect(res.status).toBe(200);
  return res.body.dashboard;
}

beforeAll(async () => {
  organiser = await createUser(server, { role: "organiser" });
  streetAdmin = await createUser(server, { role: "street_admin", streetId: "jinglan" });
  before = { district: await dashboardOf(organiser), jinglan: await dashboardOf(organiser, "&streetId=jinglan") };
  liangwei = await createUser(server, {
    roles: ["secretary"],
    flags: ["liangwei"],
    communityId: "jinglan-1",
    hireDate: "2015-03-01",
    displayName: "甲书记",
  });
  worker = await createUser(server, {
    roles: ["worker"],
    communityId: "jinglan-2",
    hireDate: "2015-03-01",
    displayName: "乙社工",
  });
  idle = await createUser(server, {
    roles: ["worker"],
    flags: ["liangwei"],
    communityId: "hedong-1",
    hireDate: "2015-03-01",
    displayName: "丙社工",
  });

  const streetTraining = await createTraining(organiser.client, {
    level: "street",
    streetId: "jinglan",
    hours: 4,
    startsAt: at("2019-04-02"),
    endsAt: until("2019-04-02"),
  });
  const districtTraining = await createTraining(organiser.client, {
    hours: 8,
    startsAt: at("2019-06-10"),
    endsAt: until("2019-06-10"),
  });
  await createTraining(organiser.client, { hours: 2, startsAt: at("2020-01-05"), endsAt: until("2020-01-05") }); // another year
  expect(
    (
      await organiser.client.post("/api/forums", {
        title: "静兰书记论坛",
        mode: "forum",
        startsAt: at("2019-05-01"),
        streetId: "jinglan",
      })
    ).status,
  ).toBe(201);
  expect(
    (await organiser.client.post("/api/qa/events", { title: "老书记论坛", startsAt: at("2019-09-01") })).status,
  ).toBe(201);

  for (const [training, person] of [
    [streetTraining, liangwei],
    [districtTraining, liangwei],
    [districtTraining, worker],
  ] as const) {
    const res = await organiser.client.post(`/api/checkins/training/${training.id}/attendees`, {
      userId: person.user.id,
      reason: "补录纸质签到表",
    });
    expect(res.status).toBe(201);
  }

  // The features' own evidence writes are not on this branch yet: the facts go in through the
  // evidence service they will call.
  const item = (person: TestUser, kind: EvidenceKind, day: string, capabilities: Capability[], n: number) => ({
    userId: person.user.id,
    kind,
    sourceKind: "training" as const,
    sourceId: `dashboard-test-${person.user.id}-${n}`,
    at: new Date(at(day)),
    title: "测试证据",
    capabilities,
  });
  await recordEvidence(server.ctx.db, [
    item(liangwei, "task_completed", "2019-03-01", ["service"], 1),
    item(liangwei, "proposal_submitted", "2019-04-01", ["projectOps", "innovation"], 2),
    item(liangwei, "proposal_approved", "2019-07-01", ["projectOps", "innovation"], 3),
    item(worker, "answer_accepted", "2019-08-01", ["service"], 4),
    item(worker, "event_question_answered", "2019-09-01", ["deliberation"], 5),
    item(idle, "answer_accepted", "2019-10-01", ["service"], 6),
    item(liangwei, "task_completed", "2020-02-01", ["service"], 7), // another year
  ]);
});

/** What the year gained since `before`, figure by figure. */
function gained(after: Dashboard, was: Dashboard) {
  const minus = <K extends string>(a: Record<K, number>, b: Record<K, number>) =>
    Object.fromEntries(Object.keys(a).map((k) => [k, a[k as K] - b[k as K]])) as Record<K, number>;
  const done = (d: Dashboard, street: string) => d.streets.find((s) => s.streetId === street)?.done ?? 0;
  const counts = (d: Dashboard) =>
    Object.fromEntries(d.capabilities.map((c) => [c.capability, c.count])) as Record<Capability, number>;
  return {
    activities: minus(after.activities, was.activities),
    attended: after.attendance.attended - was.attendance.attended,
    sessions: after.attendance.sessions - was.attendance.sessions,
    jinglanDone: done(after, "jinglan") - done(was, "jinglan"),
    hedongDone: done(after, "hedong") - done(was, "hedong"),
    growth: minus(after.growth, was.growth),
    capabilities: minus(counts(after), counts(was)),
  };
}

/** The profile's rule (docs/growth.md): each count against the largest, 0–100. */
function expectProfileRule(d: Dashboard) {
  const max = Math.max(...d.capabilities.map((c) => c.count));
  for (const c of d.capabilities) expect(c.value).toBe(max === 0 ? 0 : Math.round((100 * c.count) / max));
}

describe("the capability profile's rule", () => {
  it("scales each count against the most-shown capability", () => {
    const profile = capabilityProfile(
      new Map([
        ["service", 3],
        ["projectOps", 2],
        ["innovation", 2],
        ["deliberation", 1],
      ]),
    );
    expect(Object.fromEntries(profile.map((c) => [c.capability, [c.count, c.value]]))).toEqual({
      service: [3, 100],
      mobilization: [0, 0],
      deliberation: [1, 33],
      projectOps: [2, 67],
      coordination: [0, 0],
      innovation: [2, 67],
    });
    expect(capabilityProfile(new Map()).every((c) => c.count === 0 && c.value === 0)).toBe(true);
  });
});

describe("the district dashboard", () => {
  it("shows an organiser the district's year as worked out by hand", async () => {
    const d = await dashboardOf(organiser);
    expect(d.streetId).toBeNull();
    expect(gained(d, before.district)).toEqual({
      activities: { trainings: 2, forums: 1, events: 1 },
      attended: 2, // 甲 and 乙
      sessions: 3,
      jinglanDone: 20, // 4 + 8 + 8
      hedongDone: 0,
      growth: {
        tasksDone: 1,
        proposalsSubmitted: 1,
        proposalsApproved: 1,
        answersAccepted: 2,
        eventQuestionsAnswered: 1,
      },
      capabilities: { service: 3, mobilization: 0, deliberation: 1, projectOps: 2, coordination: 0, innovation: 2 },
    });
    expect(d.attendance.rate).toBeCloseTo(d.attendance.attended / d.attendance.counted, 10);
    expect(d.streets.find((s) => s.streetId === "jinglan")!.required).toBeGreaterThanOrEqual(96); // 56 + 40, and anyone else counted
    expect(d.streets.map((s) => s.streetId)).toContain("tanzhong");
    expectProfileRule(d);

    expect(d.behind).toContainEqual(
      expect.objectContaining({ userId: idle.user.id, streetName: "河东街道", required: 56, done: 0, missing: 56 }),
    );
    const missing = d.behind.map((b) => b.missing);
    expect(missing).toEqual([...missing].sort((a, b) => b - a));
    expect(d.qa).toContainEqual(
      expect.objectContaining({
        userId: worker.user.id,
        displayName: "乙社工",
        streetName: "静兰街道",
        answersAccepted: 1,
        eventQuestionsAnswered: 1,
      }),
    );
    expect(d.qa).toContainEqual(
      expect.objectContaining({ userId: idle.user.id, answersAccepted: 1, eventQuestionsAnswered: 0 }),
    );
    expect(d.qa.findIndex((a) => a.userId === worker.user.id)).toBeLessThan(
      d.qa.findIndex((a) => a.userId === idle.user.id),
    );
  });

  it("shows a street admin their street only, and refuses another street", async () => {
    const d = await dashboardOf(streetAdmin);
    expect(d.streetId).toBe("jinglan");
    expect(d.streets.map((s) => s.streetId)).toEqual(["jinglan"]);
    expect(gained(d, before.jinglan)).toEqual({
      activities: { trainings: 1, forums: 1, events: 0 }, // the district's training and event are no street's
      attended: 2,
      sessions: 3,
      jinglanDone: 20,
      hedongDone: 0,
      growth: {
        tasksDone: 1,
        proposalsSubmitted: 1,
        proposalsApproved: 1,
        answersAccepted: 1,
        eventQuestionsAnswered: 1,
      },
      capabilities: { service: 2, mobilization: 0, deliberation: 1, projectOps: 2, coordination: 0, innovation: 2 },
    });
    expectProfileRule(d);
    expect(d.behind.map((b) => b.userId)).not.toContain(idle.user.id);
    expect(d.behind).toContainEqual(
      expect.objectContaining({ userId: liangwei.user.id, required: 56, done: 12, missing: 44 }),
    );
    expect(d.qa.map((a) => a.userId)).toContain(worker.user.id);
    expect(d.qa.map((a) => a.userId)).not.toContain(idle.user.id);

    // asking for its own street is the same; any other street is refused, in JSON and in exports
    expect((await streetAdmin.client.get(`/api/dashboard?year=${YEAR}&streetId=jinglan`)).status).toBe(200);
    const other = await streetAdmin.client.get(`/api/dashboard?year=${YEAR}&streetId=hedong`);
    expect(other.status).toBe(403);
    expect(other.body.error.code).toBe("forbidden");
    expect((await streetAdmin.client.get(`/api/dashboard/behind.xlsx?year=${YEAR}&streetId=hedong`)).status).toBe(403);

    // an organiser may pick the same street and sees the same figures
    const picked = await organiser.client.get(`/api/dashboard?year=${YEAR}&streetId=jinglan`);
    expect(picked.body.dashboard).toEqual(d);
  });

  it("refuses a secretary, a worker and an anonymous visitor, on the JSON and on the exports", async () => {
    const secretary = await createUser(server, { role: "secretary", communityId: "jinglan-3" });
    for (const client of [secretary.client, worker.client]) {
      const json = await client.get(`/api/dashboard?year=${YEAR}`);
      expect(json.status).toBe(403);
      expect(json.body.error.code).toBe("forbidden");
      expect((await client.get(`/api/dashboard/streets.xlsx?year=${YEAR}`)).status).toBe(403);
    }
    const anonymous = await fetch(`${server.url}/api/dashboard?year=${YEAR}`);
    expect(anonymous.status).toBe(401);
  });

  it("rejects a bad year, an unknown table and an unknown street", async () => {
    expect((await organiser.client.get("/api/dashboard?year=abc")).status).toBe(400);
    expect((await organiser.client.get(`/api/dashboard/secrets.xlsx?year=${YEAR}`)).status).toBe(400);
    expect((await organiser.client.get(`/api/dashboard?year=${YEAR}&streetId=nowhere`)).status).toBe(404);
  });

  it("exports each table as a spreadsheet with Chinese headers and sheet names", async () => {
    const service = (await dashboardOf(organiser)).capabilities.find((c) => c.capability === "service")!;
    const expected: Record<string, { sheet: string; headers: string[]; first?: unknown[] }> = {
      streets: { sheet: "2019年各街道学时", headers: ["街道", "统计人数", "应修学时", "已修学时", "完成率"] },
      behind: { sheet: "2019年欠缺学时最多", headers: ["姓名", "街道", "社区", "应修学时", "已修学时", "欠缺学时"] },
      studios: { sheet: "2019年导师工作室", headers: ["工作室", "导师", "街道", "消息数", "完成任务数"] },
      proposals: { sheet: "2019年项目申报进度", headers: ["阶段", "项目数"], first: ["草稿", 0] },
      qa: {
        sheet: "2019年老书记答疑",
        headers: ["姓名", "街道", "回答被采纳", "论坛现场答疑"],
        first: ["乙社工", "静兰街道", 1, 1],
      },
      capabilities: {
        sheet: "2019年六能力画像",
        headers: ["能力", "证据条数", "画像值（0–100）"],
        first: ["为民服务力", service.count, service.value],
      },
    };
    for (const [table, want] of Object.entries(expected)) {
      const res = await fetch(`${server.url}/api/dashboard/${table}.xlsx?year=${YEAR}`, {
        headers: { cookie: organiser.client.cookie },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toContain("spreadsheetml");
      expect(decodeURIComponent(res.headers.get("content-disposition") ?? "")).toContain(`全区${want.sheet}.xlsx`);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(await res.arrayBuffer());
      const sheet = workbook.worksheets[0]!;
      expect(sheet.name).toBe(want.sheet);
      expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(want.headers);
      if (want.first) expect((sheet.getRow(2).values as unknown[]).slice(1)).toEqual(want.first);
    }
    // the street's own figures in a street admin's export
    const res = await fetch(`${server.url}/api/dashboard/streets.xlsx?year=${YEAR}`, {
      headers: { cookie: streetAdmin.client.cookie },
    });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await res.arrayBuffer());
    expect(workbook.worksheets[0]!.getRow(2).getCell(1).value).toBe("静兰街道");
    expect(workbook.worksheets[0]!.rowCount).toBe(2);
  });

  it("counts a studio's messages and finished tasks of the year", async () => {
    const { studio, mentor } = await createStudio(server);
    const m = await joinStudio(server, mentor, studio.id);
    await send(m.socket, studio.id, "本月任务安排");
    const withdrawn = await send(m.socket, studio.id, "发错了");
    await send(m.socket, studio.id, "请大家按时完成");
    expect(
      (await emitAck(m.socket, "studio:withdraw", { studioId: studio.id, messageId: withdrawn.message.id })).ok,
    ).toBe(true);
    m.socket.disconnect();
    const year = new Date(Date.now() + 8 * 3_600_000).getUTCFullYear();
    const res = await organiser.client.get(`/api/dashboard?year=${year}`);
    const row = (res.body.dashboard as Dashboard).studios.find((s) => s.id === studio.id);
    expect(row).toMatchObject({ name: studio.name, messages: 2, tasksDone: 0 });
    expect(
      (await organiser.client.get(`/api/dashboard?year=${YEAR}`)).body.dashboard.studios.find(
        (s: { id: string }) => s.id === studio.id,
      ),
    ).toMatchObject({ messages: 0 });
  });
});
