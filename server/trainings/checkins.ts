import { and, asc, eq, ilike } from "drizzle-orm";
import type { ActivityKind, Checkin, CheckinBoard } from "../../shared/trainings.ts";
import { recordAudit } from "../audit/service.ts";
import { users } from "../auth/schema.ts";
import type { AppContext } from "../context.ts";
import { forums } from "../forums/schema.ts";
import { attendedEvidence } from "../evidence/facts.ts";
import { recordEvidence, withdrawEvidence } from "../evidence/service.ts";
import { AppError, forbidden, notFound } from "../lib/errors.ts";
import { communities } from "../org/schema.ts";
import { qaEvents } from "../qa/schema.ts";
import { checkinWindow, isCheckinOpen, loadActivity, type Activity } from "./activities.ts";
import type { TrainingsContext } from "./keys.ts";
import { isDistrictOrganiser, managedStreet, type Viewer } from "./policy.ts";
import { checkins } from "./schema.ts";

/** The Socket.IO room of the people watching one activity's attendance (its hosts). */
export const checkinRoom = (kind: ActivityKind, activityId: string) => `checkin:${kind}:${activityId}`;

const badCode = () => new AppError(400, "invalid_code", "签到码无效或已过期，请重新扫描现场的二维码");

type CheckinRow = typeof checkins.$inferSelect;
const toCheckin = (row: CheckinRow, displayName: string): Checkin => ({
  id: row.id,
  kind: row.kind,
  activityId: row.activityId,
  userId: row.userId,
  displayName,
  at: row.at.toISOString(),
  source: row.source,
});

function assertHost(activity: Activity): void {
  if (!activity.canHost) throw forbidden("只有主持人或组织者可以管理签到");
}

async function listCheckins(ctx: AppContext, kind: ActivityKind, activityId: string): Promise<Checkin[]> {
  const rows = await ctx.db
    .select({ checkin: checkins, displayName: users.displayName })
    .from(checkins)
    .innerJoin(users, eq(users.id, checkins.userId))
    .where(and(eq(checkins.kind, kind), eq(checkins.activityId, activityId)))
    .orderBy(asc(checkins.at));
  return rows.map((r) => toCheckin(r.checkin, r.displayName));
}

/** The host screen: the code on show now (while check-in is open) and who is in. */
export async function checkinBoard(
  ctx: TrainingsContext,
  viewer: Viewer,
  kind: ActivityKind,
  activityId: string,
): Promise<CheckinBoard> {
  const activity = await loadActivity(ctx, viewer, kind, activityId);
  assertHost(activity);
  const { opensAt, closesAt } = checkinWindow(activity);
  const open = isCheckinOpen(activity);
  const current = open ? ctx.checkinCodes.current(kind, activityId) : null;
  return {
    kind,
    activityId,
    title: activity.title,
    hours: activity.hours,
    opensAt: opensAt.toISOString(),
    closesAt: closesAt.toISOString(),
    open,
    code: current?.code ?? null,
    rotatesAt: current?.rotatesAt.toISOString() ?? null,
    checkins: await listCheckins(ctx, kind, activityId),
  };
}

/**
 * Inserts the attendance once, with its 成长档案 evidence in the same transaction; a repeat finds
 * the row already there.
 */
async function recordAttendance(ctx: AppContext, activity: Activity, userId: string, source: "code" | "manual") {
  return ctx.db.transaction(async (tx) => {
    const [inserted] = await tx
      .insert(checkins)
      .values({ kind: activity.kind, activityId: activity.id, userId, source })
      .onConflictDoNothing()
      .returning();
    if (inserted) {
      await recordEvidence(tx, attendedEvidence(activity, userId, inserted.at));
      return { row: inserted, created: true };
    }
    const [existing] = await tx
      .select()
      .from(checkins)
      .where(and(eq(checkins.kind, activity.kind), eq(checkins.activityId, activity.id), eq(checkins.userId, userId)));
    return { row: existing!, created: false };
  });
}

function announce(
  ctx: AppContext,
  kind: ActivityKind,
  activityId: string,
  change: { added?: Checkin; removedUserId?: string },
) {
  ctx.io.to(checkinRoom(kind, activityId)).emit("checkin:changed", { kind, activityId, ...change });
}

/** A person checks themselves in with the code they scanned. */
export async function checkInWithCode(ctx: TrainingsContext, viewer: Viewer & { displayName: string }, code: string) {
  const named = ctx.checkinCodes.verify(code.trim());
  if (!named) throw badCode();
  const activity = await loadActivity(ctx, viewer, named.kind, named.activityId).catch(() => {
    throw badCode();
  });
  if (activity.hours === null) throw new AppError(400, "checkin_closed", "该活动未设置学时，无需签到");
  if (!isCheckinOpen(activity))
    throw new AppError(400, "checkin_closed", "不在签到时间内（开始前 30 分钟至结束后 30 分钟）");
  const { row, created } = await recordAttendance(ctx, activity, viewer.id, "code");
  const checkin = toCheckin(row, viewer.displayName);
  if (created) announce(ctx, named.kind, named.activityId, { added: checkin });
  return { checkin, created, title: activity.title, hours: activity.hours };
}

/** A host adds someone who attended but could not scan (no phone, no account yet at the time). */
export async function addAttendance(
  ctx: AppContext,
  viewer: Viewer,
  kind: ActivityKind,
  activityId: string,
  input: { userId: string; reason: string },
): Promise<{ checkin: Checkin; created: boolean }> {
  const activity = await loadActivity(ctx, viewer, kind, activityId);
  assertHost(activity);
  const [person] = await ctx.db
    .select({ displayName: users.displayName })
    .from(users)
    .where(eq(users.id, input.userId));
  if (!person) throw notFound("找不到该用户");
  return ctx.db.transaction(async (tx) => {
    const [inserted] = await tx
      .insert(checkins)
      .values({ kind, activityId, userId: input.userId, source: "manual" })
      .onConflictDoNothing()
      .returning();
    if (!inserted) {
      const [existing] = await tx
        .select()
        .from(checkins)
        .where(and(eq(checkins.kind, kind), eq(checkins.activityId, activityId), eq(checkins.userId, input.userId)));
      return { checkin: toCheckin(existing!, person.displayName), created: false };
    }
    await recordEvidence(tx, attendedEvidence(activity, input.userId, inserted.at));
    await recordAudit(tx, {
      actorId: viewer.id,
      action: "checkin.manual_add",
      targetType: kind,
      targetId: activityId,
      after: { userId: input.userId, checkinId: inserted.id },
      meta: { reason: input.reason },
    });
    const checkin = toCheckin(inserted, person.displayName);
    announce(ctx, kind, activityId, { added: checkin });
    return { checkin, created: true };
  });
}

export async function removeAttendance(
  ctx: AppContext,
  viewer: Viewer,
  kind: ActivityKind,
  activityId: string,
  userId: string,
  reason: string,
): Promise<void> {
  const activity = await loadActivity(ctx, viewer, kind, activityId);
  assertHost(activity);
  await ctx.db.transaction(async (tx) => {
    const [removed] = await tx
      .delete(checkins)
      .where(and(eq(checkins.kind, kind), eq(checkins.activityId, activityId), eq(checkins.userId, userId)))
      .returning();
    if (!removed) throw notFound("此人没有签到记录");
    await withdrawEvidence(tx, attendedEvidence(activity, userId, removed.at));
    await recordAudit(tx, {
      actorId: viewer.id,
      action: "checkin.manual_remove",
      targetType: kind,
      targetId: activityId,
      before: { userId, checkinId: removed.id, source: removed.source, at: removed.at.toISOString() },
      meta: { reason },
    });
  });
  announce(ctx, kind, activityId, { removedUserId: userId });
}

/** The host of a forum or 老书记论坛 event sets (or clears) its 学时. */
export async function setEventHours(
  ctx: AppContext,
  viewer: Viewer,
  kind: "forum" | "qa_event",
  id: string,
  hours: number | null,
) {
  const activity = await loadActivity(ctx, viewer, kind, id);
  if (!activity.canHost) throw forbidden("只有主持人或组织者可以设置学时");
  const table = kind === "forum" ? forums : qaEvents;
  await ctx.db.transaction(async (tx) => {
    await tx.update(table).set({ hours }).where(eq(table.id, id));
    await recordAudit(tx, {
      actorId: viewer.id,
      action: "activity.set_hours",
      targetType: kind,
      targetId: id,
      before: { hours: activity.hours },
      after: { hours },
    });
  });
  return { hours };
}

/** People a host may add by hand, found by name (a street admin's search stays in their street). */
export async function findAttendees(
  ctx: AppContext,
  viewer: Viewer,
  kind: ActivityKind,
  activityId: string,
  q: string,
) {
  const activity = await loadActivity(ctx, viewer, kind, activityId);
  assertHost(activity);
  const street = isDistrictOrganiser(viewer) ? null : managedStreet(viewer);
  const pattern = `%${q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
  return ctx.db
    .select({ id: users.id, displayName: users.displayName, communityId: users.communityId })
    .from(users)
    .leftJoin(communities, eq(communities.id, users.communityId))
    .where(
      and(
        eq(users.disabled, false),
        ilike(users.displayName, pattern),
        street ? eq(communities.streetId, street) : undefined,
      ),
    )
    .orderBy(asc(users.displayName))
    .limit(20);
}
