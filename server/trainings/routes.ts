import type { Hono } from "hono";
import {
  ActivityKindSchema,
  AttendeeSearchQuerySchema,
  CalendarQuerySchema,
  CheckinBodySchema,
  CreateTrainingSchema,
  LedgerQuerySchema,
  ManualAttendanceSchema,
  PlanQuerySchema,
  RemoveAttendanceSchema,
  SetHoursSchema,
  YearQuerySchema,
} from "../../shared/trainings.ts";
import type { AppContext } from "../context.ts";
import { type ApiContext, type ApiEnv, type PublicEnv, readId, readJson, readQuery } from "../http/env.ts";
import { notFound, parseWith } from "../lib/errors.ts";
import { createRateLimit } from "../lib/rateLimit.ts";
import {
  calendarFeed,
  calendarItems,
  calendarTokenStatus,
  issueCalendarToken,
  revokeCalendarToken,
} from "./calendar.ts";
import type { TrainingsContext } from "./keys.ts";
import {
  addAttendance,
  checkInWithCode,
  findAttendees,
  checkinBoard,
  removeAttendance,
  setEventHours,
} from "./checkins.ts";
import { computeLedger } from "./ledger.ts";
import { ledgerWorkbook } from "./ledgerXlsx.ts";
import { ledgerStreetScope } from "./policy.ts";
import { createTraining, getTraining, listPlan } from "./service.ts";

const readKind = (c: ApiContext) => parseWith(ActivityKindSchema, c.req.param("kind"));

export function trainingRoutes(api: Hono<ApiEnv>, ctx: TrainingsContext): void {
  // a wrong code costs an attempt too, so codes cannot be guessed by trying many
  const checkinLimit = createRateLimit({
    name: "checkin",
    points: ctx.config.CHECKIN_LIMIT_PER_MINUTE,
    windowSeconds: 60,
    redis: ctx.redis?.pub,
  });

  // ---- trainings and the yearly plan
  api.post("/trainings", async (c) => {
    const created = await createTraining(ctx, c.var.user, await readJson(c, CreateTrainingSchema));
    return c.json({ training: created[0], trainings: created }, 201);
  });
  api.get("/trainings", async (c) => {
    const { year, level } = readQuery(c, PlanQuerySchema);
    return c.json({ trainings: await listPlan(ctx, c.var.user, year, level) });
  });
  api.get("/trainings/:id", async (c) => c.json({ training: await getTraining(ctx, c.var.user, readId(c)) }));

  // ---- 学时 on forums and 老书记论坛 events
  api.put("/forums/:id/hours", async (c) => {
    const { hours } = await readJson(c, SetHoursSchema);
    return c.json(await setEventHours(ctx, c.var.user, "forum", readId(c), hours));
  });
  api.put("/qa/events/:id/hours", async (c) => {
    const { hours } = await readJson(c, SetHoursSchema);
    return c.json(await setEventHours(ctx, c.var.user, "qa_event", readId(c), hours));
  });

  // ---- check-in (签到)
  api.post("/checkins", async (c) => {
    const user = c.var.user;
    await checkinLimit.consume(user.id);
    const { code } = await readJson(c, CheckinBodySchema);
    const result = await checkInWithCode(ctx, user, code);
    return c.json(
      { checkin: result.checkin, created: result.created, activity: { title: result.title, hours: result.hours } },
      result.created ? 201 : 200,
    );
  });
  api.get("/checkins/:kind/:id", async (c) =>
    c.json({ board: await checkinBoard(ctx, c.var.user, readKind(c), readId(c)) }),
  );
  api.get("/checkins/:kind/:id/candidates", async (c) => {
    const { q } = readQuery(c, AttendeeSearchQuerySchema);
    return c.json({ users: await findAttendees(ctx, c.var.user, readKind(c), readId(c), q) });
  });
  api.post("/checkins/:kind/:id/attendees", async (c) => {
    const input = await readJson(c, ManualAttendanceSchema);
    const result = await addAttendance(ctx, c.var.user, readKind(c), readId(c), input);
    return c.json({ checkin: result.checkin }, result.created ? 201 : 200);
  });
  api.delete("/checkins/:kind/:id/attendees/:userId", async (c) => {
    const { reason } = await readJson(c, RemoveAttendanceSchema);
    await removeAttendance(ctx, c.var.user, readKind(c), readId(c), readId(c, "userId"), reason);
    return c.json({ ok: true });
  });

  // ---- the training ledger (培训台账)
  api.get("/reports/training", async (c) => {
    const user = c.var.user;
    const query = readQuery(c, LedgerQuerySchema);
    const streetId = ledgerStreetScope(user, query.streetId);
    const rows = await computeLedger(ctx, { year: query.year, streetId, communityId: query.communityId });
    if (query.format === "xlsx") {
      const file = await ledgerWorkbook(query.year, rows);
      return c.body(new Uint8Array(file), 200, {
        "content-type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "content-disposition": `attachment; filename="training-ledger-${query.year}.xlsx"; filename*=UTF-8''${encodeURIComponent(`${query.year}年培训台账.xlsx`)}`,
      });
    }
    return c.json({ rows });
  });
  /** Each person's own line, for the account page. */
  api.get("/reports/training/me", async (c) => {
    const user = c.var.user;
    const { year } = readQuery(c, YearQuerySchema);
    const [row] = await computeLedger(ctx, { year, userId: user.id });
    return c.json({ row: row ?? null });
  });

  // ---- calendar
  api.get("/calendar", async (c) => {
    const { from, to } = readQuery(c, CalendarQuerySchema);
    return c.json({ items: await calendarItems(ctx, c.var.user, new Date(from), new Date(to)) });
  });
  api.get("/calendar-token", async (c) => c.json(await calendarTokenStatus(ctx, c.var.user.id)));
  api.post("/calendar-token", async (c) => {
    const token = await issueCalendarToken(ctx, c.var.user.id);
    return c.json({ url: `${origin(ctx, c.req.url)}/api/calendar/${token}.ics` }, 201);
  });
  api.delete("/calendar-token", async (c) => {
    await revokeCalendarToken(ctx, c.var.user.id);
    return c.json({ ok: true });
  });
}

/** Calendar apps subscribe without a cookie: the long random token in the address is the credential. */
export function trainingPublicRoutes(api: Hono<PublicEnv>, ctx: AppContext): void {
  api.get("/calendar/:file", async (c) => {
    const match = /^([a-z2-7]{40})\.ics$/.exec(c.req.param("file"));
    const feed = match ? await calendarFeed(ctx, match[1]!, origin(ctx, c.req.url)) : null;
    if (feed === null) throw notFound("日历订阅链接无效或已停用");
    return c.body(feed, 200, {
      "content-type": "text/calendar; charset=utf-8",
      "cache-control": "private, max-age=300",
    });
  });
}

function origin(ctx: AppContext, requestUrl: string): string {
  return ctx.config.PUBLIC_ORIGIN ? new URL(ctx.config.PUBLIC_ORIGIN).origin : new URL(requestUrl).origin;
}
