import { randomUUID } from "node:crypto";
import { and, asc, eq, gte, lt } from "drizzle-orm";
import type { CreateTraining, Training, TrainingLevel } from "../../shared/trainings.ts";
import type { AppContext } from "../context.ts";
import { invalidInput, notFound } from "../lib/errors.ts";
import { communities } from "../org/schema.ts";
import { assertCanCreateTraining, canHostTraining, type Viewer } from "./policy.ts";
import { trainings } from "./schema.ts";
import { yearRange } from "./time.ts";

type TrainingRow = typeof trainings.$inferSelect;

export function toTraining(viewer: Viewer, row: TrainingRow): Training {
  return {
    id: row.id,
    title: row.title,
    theme: row.theme,
    level: row.level,
    type: row.type,
    startsAt: row.startsAt.toISOString(),
    endsAt: row.endsAt.toISOString(),
    place: row.place,
    hours: Number(row.hours),
    capabilities: row.capabilities,
    audience: row.audience,
    streetId: row.streetId,
    communityId: row.communityId,
    seriesId: row.seriesId,
    createdBy: row.createdBy,
    canHost: canHostTraining(viewer, row),
  };
}

/** The same day of the month `months` later (clamped to the month's last day), same clock time. */
function addMonths(date: Date, months: number): Date {
  const y = date.getUTCFullYear();
  const m = date.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return new Date(
    Date.UTC(
      y,
      m,
      Math.min(date.getUTCDate(), lastDay),
      date.getUTCHours(),
      date.getUTCMinutes(),
      date.getUTCSeconds(),
    ),
  );
}

/**
 * Creates a training, or for a community's 社工加油站 a monthly series of them ("每月一主题":
 * the same day and time each month; each month's theme can be edited afterwards).
 */
export async function createTraining(ctx: AppContext, viewer: Viewer, input: CreateTraining): Promise<Training[]> {
  let streetId = input.streetId;
  if (input.communityId) {
    const [community] = await ctx.db.select().from(communities).where(eq(communities.id, input.communityId));
    if (!community) throw invalidInput("社区不存在");
    if (streetId && streetId !== community.streetId) throw invalidInput("社区不属于所选街道");
    streetId = community.streetId;
  }
  if (input.level === "community" && !input.communityId) throw invalidInput("社区级培训须选择社区");
  assertCanCreateTraining(viewer, { level: input.level, streetId });

  const start = new Date(input.startsAt);
  const durationMs = Date.parse(input.endsAt) - start.getTime();
  const seriesId = input.repeatMonthly > 1 ? randomUUID() : null;
  const values = Array.from({ length: input.repeatMonthly }, (_, i) => {
    const startsAt = addMonths(start, i);
    return {
      title: input.title,
      theme: input.theme,
      level: input.level,
      type: input.type,
      startsAt,
      endsAt: new Date(startsAt.getTime() + durationMs),
      place: input.place,
      hours: input.hours,
      capabilities: input.capabilities,
      audience: input.audience,
      streetId,
      communityId: input.communityId,
      seriesId,
      createdBy: viewer.id,
    };
  });
  const rows = await ctx.db.insert(trainings).values(values).returning();
  return rows.map((row) => toTraining(viewer, row));
}

export async function getTraining(ctx: AppContext, viewer: Viewer, id: string): Promise<Training> {
  const [row] = await ctx.db.select().from(trainings).where(eq(trainings.id, id));
  if (!row) throw notFound("找不到该培训");
  return toTraining(viewer, row);
}

/** The yearly plan: every training of the year in date order (the client groups by month and level). */
export async function listPlan(
  ctx: AppContext,
  viewer: Viewer,
  year: number,
  level?: TrainingLevel,
): Promise<Training[]> {
  const { from, to } = yearRange(year);
  const rows = await ctx.db
    .select()
    .from(trainings)
    .where(
      and(gte(trainings.startsAt, from), lt(trainings.startsAt, to), level ? eq(trainings.level, level) : undefined),
    )
    .orderBy(asc(trainings.startsAt))
    .limit(5000);
  return rows.map((row) => toTraining(viewer, row));
}
