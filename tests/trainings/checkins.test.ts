import { and, eq } from "drizzle-orm";
import nodeIcal from "node-ical";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "../../server/audit/schema.ts";
import { forums } from "../../server/forums/schema.ts";
import { loadCheckinCodes } from "../../server/trainings/keys.ts";
import { ApiClient, connectSocket, createUser, emitAck, nextEvent } from "../helpers/clients.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { createTraining } from "./helpers.ts";

const PERIOD_S = 2;
const GRACE_S = 3;
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({
    CHECKIN_CODE_SECONDS: String(PERIOD_S),
    CHECKIN_CODE_GRACE_SECONDS: String(GRACE_S),
  });
});
afterAll(() => server.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("check-in by rotating code", () => {
  it("checks a person in once; a repeat answers 200 with the same record; hosts see it live", async () => {
    const organiser = await createUser(server, { role: "organiser" });
    const worker = await createUser(server, { roles: ["worker"], communityId: "wuxing" });
    const training = await createTraining(organiser.client);

    const socket = await connectSocket(server, organiser.client);
    const watched = await emitAck(socket, "checkin:watch", { kind: "training", activityId: training.id });
    expect(watched.ok).toBe(true);
    expect(watched.board.open).toBe(true);
    const { code } = watched.board;
    expect(code).toMatch(/^t\./);

    const live = nextEvent(socket, "checkin:changed");
    const first = await worker.client.post("/api/checkins", { code });
    expect(first.status).toBe(201);
    expect(first.body.checkin).toMatchObject({
      userId: worker.user.id,
      kind: "training",
      activityId: training.id,
      source: "code",
    });
    expect((await live).added.userId).toBe(worker.user.id);

    const again = await worker.client.post("/api/checkins", { code });
    expect(again.status).toBe(200);
    expect(again.body.checkin.id).toBe(first.body.checkin.id);

    const board = await organiser.client.get(`/api/checkins/training/${training.id}`);
    expect(board.body.board.checkins.map((c: { userId: string }) => c.userId)).toEqual([worker.user.id]);
    socket.close();

    // a person who is not a host cannot watch or see the code
    const other = await connectSocket(server, worker.client);
    const refused = await emitAck(other, "checkin:watch", { kind: "training", activityId: training.id });
    expect(refused).toMatchObject({ ok: false, error: { code: "forbidden" } });
    other.close();
    expect((await worker.client.get(`/api/checkins/training/${training.id}`)).status).toBe(403);
  });

  it("accepts the previous code within the grace window and refuses it after", async () => {
    const organiser = await createUser(server, { role: "organiser" });
    const training = await createTraining(organiser.client);
    const { code } = (await organiser.client.get(`/api/checkins/training/${training.id}`)).body.board;
    const period = Number(code.split(".")[2]);
    const replacedAt = (period + 1) * PERIOD_S * 1000;
    const expiresAt = replacedAt + GRACE_S * 1000;

    // after the code was replaced, within the grace period
    await sleep(Math.max(0, replacedAt - Date.now()) + 300);
    const current = (await organiser.client.get(`/api/checkins/training/${training.id}`)).body.board.code;
    expect(current).not.toBe(code);
    const late = await createUser(server, { roles: ["worker"], communityId: "wuxing" });
    expect(Date.now()).toBeLessThan(expiresAt);
    expect((await late.client.post("/api/checkins", { code })).status).toBe(201);

    // after the grace period
    await sleep(Math.max(0, expiresAt - Date.now()) + 300);
    const tooLate = await createUser(server, { roles: ["worker"], communityId: "wuxing" });
    const refused = await tooLate.client.post("/api/checkins", { code });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe("invalid_code");
    expect(refused.body.error.message).toMatch(/签到码/);
  });

  it("refuses wrong codes, check-in outside the window, and anonymous callers", async () => {
    const organiser = await createUser(server, { role: "organiser" });
    const worker = await createUser(server, { roles: ["worker"], communityId: "wuxing" });
    const later = await createTraining(organiser.client, {
      startsAt: new Date(Date.now() + 2 * 3_600_000).toISOString(),
    });
    const board = (await organiser.client.get(`/api/checkins/training/${later.id}`)).body.board;
    expect(board).toMatchObject({ open: false, code: null });

    // a genuine code for the training, but hours before check-in opens
    const { code } = (await loadCheckinCodes(server.ctx)).current("training", later.id);
    const early = await worker.client.post("/api/checkins", { code });
    expect(early.status).toBe(400);
    expect(early.body.error).toMatchObject({ code: "checkin_closed" });
    expect(early.body.error.message).toMatch(/签到时间/);

    const forged = code.replace(/\.[a-z2-7]{16}$/, ".aaaaaaaaaaaaaaaa");
    expect((await worker.client.post("/api/checkins", { code: forged })).status).toBe(400);
    expect((await worker.client.post("/api/checkins", { code: "x".repeat(150) })).status).toBe(400);
    expect((await worker.client.post("/api/checkins", { nope: 1 })).status).toBe(400);
    expect((await new ApiClient(server.url).post("/api/checkins", { code }, { origin: server.url })).status).toBe(401);
  });

  it("rate limits check-in attempts per person", async () => {
    const limited = await startTestServer({ CHECKIN_LIMIT_PER_MINUTE: "3" });
    try {
      const worker = await createUser(limited, { roles: ["worker"], communityId: "wuxing" });
      const statuses: number[] = [];
      for (let i = 0; i < 5; i += 1)
        statuses.push((await worker.client.post("/api/checkins", { code: "wrong" })).status);
      expect(statuses).toEqual([400, 400, 400, 429, 429]);
    } finally {
      await limited.close();
    }
  });

  it("audits attendance added or removed by hand, with the reason", async () => {
    const streetAdmin = await createUser(server, { role: "street_admin", streetId: "hedong" });
    const worker = await createUser(server, { roles: ["worker"], communityId: "hedong-1" });
    const training = await createTraining(streetAdmin.client, { level: "street", streetId: "hedong" });

    const added = await streetAdmin.client.post(`/api/checkins/training/${training.id}/attendees`, {
      userId: worker.user.id,
      reason: "手机没电，现场核实",
    });
    expect(added.status).toBe(201);
    expect(added.body.checkin.source).toBe("manual");
    expect(
      (await streetAdmin.client.post(`/api/checkins/training/${training.id}/attendees`, { userId: worker.user.id }))
        .status,
    ).toBe(400);

    const removed = await streetAdmin.client.request(
      "DELETE",
      `/api/checkins/training/${training.id}/attendees/${worker.user.id}`,
      { reason: "误加" },
    );
    expect(removed.status).toBe(200);
    const trail = await server.ctx.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.targetType, "training"), eq(auditLog.targetId, training.id)));
    expect(trail.map((e) => [e.action, e.actorId, (e.meta as { reason: string }).reason])).toEqual([
      ["checkin.manual_add", streetAdmin.user.id, "手机没电，现场核实"],
      ["checkin.manual_remove", streetAdmin.user.id, "误加"],
    ]);
    // a worker cannot change attendance; a street admin of another street cannot either
    const outsider = await createUser(server, { role: "street_admin", streetId: "tanzhong" });
    for (const client of [worker.client, outsider.client]) {
      const res = await client.post(`/api/checkins/training/${training.id}/attendees`, {
        userId: worker.user.id,
        reason: "x",
      });
      expect(res.status).toBe(403);
    }
  });

  it("lets street admins create only their street's trainings", async () => {
    const streetAdmin = await createUser(server, { role: "street_admin", streetId: "hedong" });
    const worker = await createUser(server, { roles: ["worker"], communityId: "hedong-1" });
    const base = {
      title: "培训",
      type: "轮训",
      startsAt: "2026-03-01T09:00:00+08:00",
      endsAt: "2026-03-01T11:00:00+08:00",
      hours: 2,
    };
    expect((await streetAdmin.client.post("/api/trainings", { ...base, level: "district" })).status).toBe(403);
    expect(
      (await streetAdmin.client.post("/api/trainings", { ...base, level: "street", streetId: "tanzhong" })).status,
    ).toBe(403);
    expect(
      (await streetAdmin.client.post("/api/trainings", { ...base, level: "community", communityId: "hedong-2" }))
        .status,
    ).toBe(201);
    expect((await worker.client.post("/api/trainings", { ...base, level: "street", streetId: "hedong" })).status).toBe(
      403,
    );
    // a monthly 社工加油站 series
    const series = await streetAdmin.client.post("/api/trainings", {
      ...base,
      type: "社工加油站",
      level: "community",
      communityId: "hedong-2",
      startsAt: "2026-01-31T09:00:00+08:00",
      endsAt: "2026-01-31T11:00:00+08:00",
      repeatMonthly: 12,
    });
    expect(series.status).toBe(201);
    expect(series.body.trainings).toHaveLength(12);
    expect(series.body.trainings[1].startsAt).toBe("2026-02-28T01:00:00.000Z");
    expect(new Set(series.body.trainings.map((t: { seriesId: string }) => t.seriesId)).size).toBe(1);
    expect(
      (
        await streetAdmin.client.post("/api/trainings", {
          ...base,
          level: "street",
          streetId: "hedong",
          repeatMonthly: 3,
        })
      ).status,
    ).toBe(400);
  });

  it("counts a forum's attendance once its host sets 学时", async () => {
    const host = await createUser(server, { role: "organiser" });
    const worker = await createUser(server, { roles: ["worker"], communityId: "wuxing" });
    const [forum] = await server.ctx.db
      .insert(forums)
      .values({ title: "书记论坛", mode: "forum", startsAt: new Date(), hostId: host.user.id, scoreGroups: [] })
      .returning();
    const closed = await host.client.get(`/api/checkins/forum/${forum!.id}`);
    expect(closed.body.board).toMatchObject({ hours: null, open: false, code: null });
    expect((await worker.client.request("PUT", `/api/forums/${forum!.id}/hours`, { hours: 2 })).status).toBe(403);
    expect((await host.client.request("PUT", `/api/forums/${forum!.id}/hours`, { hours: 2 })).status).toBe(200);
    const { code } = (await host.client.get(`/api/checkins/forum/${forum!.id}`)).body.board;
    expect((await worker.client.post("/api/checkins", { code })).status).toBe(201);
    const year = new Date().getFullYear();
    const mine = await worker.client.get(`/api/reports/training/me?year=${year}`);
    expect(mine.body.row).toMatchObject({ done: 2, sessions: 1 });
  });
});

describe("calendar", () => {
  it("serves a personal iCalendar feed that parses and lists the person's events, until revoked", async () => {
    const organiser = await createUser(server, { role: "organiser" });
    const worker = await createUser(server, { roles: ["worker"], communityId: "gongyuan-1", flags: ["liangwei"] });
    const soon = Date.now() + 3 * 86_400_000;
    const at = (offsetH: number) => new Date(soon + offsetH * 3_600_000).toISOString();
    await createTraining(organiser.client, {
      title: "两委成员轮训",
      type: "轮训",
      startsAt: at(0),
      endsAt: at(3),
      audience: { roles: [], flags: ["liangwei"], streets: [], communities: [] },
    });
    await createTraining(organiser.client, {
      title: "公园街道集中培训",
      level: "street",
      streetId: "gongyuan",
      startsAt: at(24),
      endsAt: at(27),
    });
    await createTraining(organiser.client, {
      title: "别的街道的培训",
      level: "street",
      streetId: "tanzhong",
      startsAt: at(48),
      endsAt: at(50),
    });
    await createTraining(organiser.client, {
      title: "后备人选特训营",
      type: "特训营",
      startsAt: at(72),
      endsAt: at(74),
      audience: { roles: [], flags: ["reserve"], streets: [], communities: [] },
    });

    const issued = await worker.client.post("/api/calendar-token");
    expect(issued.status).toBe(201);
    const url: string = issued.body.url;
    expect(url).toMatch(/\/api\/calendar\/[a-z2-7]{40}\.ics$/);

    // no cookie: a calendar app subscribes with the address alone
    const res = await fetch(url.replace(/^https?:\/\/[^/]+/, server.url));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/calendar");
    const parsed = nodeIcal.sync.parseICS(await res.text());
    const titles = Object.values(parsed)
      .filter((c) => c?.type === "VEVENT")
      .map((e) => (e as { summary: string }).summary);
    // forums and events of other tests on this server appear too: they concern everyone
    expect(titles).toEqual(expect.arrayContaining(["两委成员轮训", "公园街道集中培训"]));
    expect(titles).not.toContain("别的街道的培训");
    expect(titles).not.toContain("后备人选特训营");

    expect((await worker.client.get("/api/calendar-token")).body.active).toBe(true);
    expect((await worker.client.delete("/api/calendar-token")).status).toBe(200);
    expect((await fetch(url.replace(/^https?:\/\/[^/]+/, server.url))).status).toBe(404);
    expect((await fetch(`${server.url}/api/calendar/nonsense.ics`)).status).toBe(404);
  });
});
