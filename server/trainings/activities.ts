import { eq } from "drizzle-orm";
import type { Capability } from "../../shared/enums.ts";
import type { ActivityKind } from "../../shared/trainings.ts";
import type { AppContext } from "../context.ts";
import { forums } from "../forums/schema.ts";
import { notFound } from "../lib/errors.ts";
import { qaEvents } from "../qa/schema.ts";
import { canHostEvent, canHostTraining, type Viewer } from "./policy.ts";
import { trainings } from "./schema.ts";

/** Check-in opens this long before the start and closes this long after the end. */
export const CHECKIN_MARGIN_MS = 30 * 60_000;
/** A forum or event that has not been ended is taken to last this long after its start. */
const UNENDED_EVENT_MS = 4 * 3_600_000;

/** One thing a person can attend, whatever its kind: what check-in and the calendar need. */
export interface Activity {
  kind: ActivityKind;
  id: string;
  title: string;
  hours: number | null;
  /** the capabilities attending shows (a training's own tags; none for forums and events) */
  capabilities: Capability[];
  startsAt: Date;
  endsAt: Date;
  canHost: boolean;
}

export async function loadActivity(ctx: AppContext, viewer: Viewer, kind: ActivityKind, id: string): Promise<Activity> {
  if (kind === "training") {
    const [row] = await ctx.db.select().from(trainings).where(eq(trainings.id, id));
    if (!row) throw notFound("找不到该培训");
    return {
      kind,
      id,
      title: row.title,
      hours: Number(row.hours),
      capabilities: row.capabilities,
      startsAt: row.startsAt,
      endsAt: row.endsAt,
      canHost: canHostTraining(viewer, row),
    };
  }
  const table = kind === "forum" ? forums : qaEvents;
  const [row] = await ctx.db
    .select({
      title: table.title,
      hours: table.hours,
      startsAt: table.startsAt,
      endedAt: table.endedAt,
      status: table.status,
      hostId: table.hostId,
    })
    .from(table)
    .where(eq(table.id, id));
  if (!row) throw notFound(kind === "forum" ? "找不到该论坛" : "找不到该活动");
  // A live session is open until it is ended; an unended one is given a few hours.
  const endsAt =
    row.endedAt ??
    (row.status === "live"
      ? new Date(Date.now() + CHECKIN_MARGIN_MS)
      : new Date(row.startsAt.getTime() + UNENDED_EVENT_MS));
  return {
    kind,
    id,
    title: row.title,
    hours: row.hours === null ? null : Number(row.hours),
    capabilities: [],
    startsAt: row.startsAt,
    endsAt,
    canHost: canHostEvent(viewer, row),
  };
}

export function checkinWindow(activity: Activity): { opensAt: Date; closesAt: Date } {
  return {
    opensAt: new Date(activity.startsAt.getTime() - CHECKIN_MARGIN_MS),
    closesAt: new Date(activity.endsAt.getTime() + CHECKIN_MARGIN_MS),
  };
}

export function isCheckinOpen(activity: Activity, nowMs = Date.now()): boolean {
  const { opensAt, closesAt } = checkinWindow(activity);
  return activity.hours !== null && nowMs >= opensAt.getTime() && nowMs <= closesAt.getTime();
}
