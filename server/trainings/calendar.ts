import { createHash, randomBytes } from "node:crypto";
import { encodeBase32LowerCaseNoPadding } from "@oslojs/encoding";
import { and, asc, eq, gte, lt } from "drizzle-orm";
import ical from "ical-generator";
import type { CalendarItem } from "../../shared/trainings.ts";
import { users } from "../auth/schema.ts";
import type { UserRow } from "../auth/sessions.ts";
import type { AppContext } from "../context.ts";
import { forums } from "../forums/schema.ts";
import { invalidInput } from "../lib/errors.ts";
import { communities } from "../org/schema.ts";
import { qaEvents } from "../qa/schema.ts";
import { isDistrictOrganiser, managedStreet } from "./policy.ts";
import { calendarTokens, checkins, trainings } from "./schema.ts";

const MAX_RANGE_MS = 500 * 86_400_000;
/** A forum or event without an end is shown as lasting this long. */
const EVENT_LENGTH_MS = 2 * 3_600_000;

type Person = Pick<UserRow, "id" | "roles" | "flags" | "communityId" | "streetId">;
type TrainingRow = typeof trainings.$inferSelect;

/**
 * Whether a training concerns a person: its audience (each list left empty means "anyone"); a
 * street- or community-level training with no lists of places is for its own street or community.
 */
function concerns(person: Person, personStreet: string | null, t: TrainingRow, attended: Set<string>): boolean {
  if (attended.has(t.id) || t.createdBy === person.id || isDistrictOrganiser(person)) return true;
  if (t.streetId && managedStreet(person) === t.streetId) return true;
  const a = t.audience;
  const streets = a.streets.length ? a.streets : t.level === "street" && t.streetId ? [t.streetId] : [];
  const places = a.communities.length ? a.communities : t.level === "community" && t.communityId ? [t.communityId] : [];
  return (
    (a.roles.length === 0 || a.roles.some((r) => person.roles.includes(r))) &&
    (a.flags.length === 0 || a.flags.some((f) => person.flags.includes(f))) &&
    (streets.length === 0 || (personStreet !== null && streets.includes(personStreet))) &&
    (places.length === 0 || (person.communityId !== null && places.includes(person.communityId)))
  );
}

/** Trainings that concern the person, and every forum and 老书记论坛 event, in [from, to). */
export async function calendarItems(ctx: AppContext, person: Person, from: Date, to: Date): Promise<CalendarItem[]> {
  if (to.getTime() <= from.getTime() || to.getTime() - from.getTime() > MAX_RANGE_MS)
    throw invalidInput("日期范围须在 500 天以内");
  const [place] = person.communityId
    ? await ctx.db
        .select({ streetId: communities.streetId })
        .from(communities)
        .where(eq(communities.id, person.communityId))
    : [];
  const [trainingRows, mine, forumRows, eventRows] = await Promise.all([
    ctx.db
      .select()
      .from(trainings)
      .where(and(gte(trainings.startsAt, from), lt(trainings.startsAt, to)))
      .orderBy(asc(trainings.startsAt))
      .limit(5000),
    ctx.db
      .select({ id: checkins.activityId })
      .from(checkins)
      .where(and(eq(checkins.userId, person.id), eq(checkins.kind, "training"))),
    ctx.db
      .select()
      .from(forums)
      .where(and(gte(forums.startsAt, from), lt(forums.startsAt, to)))
      .limit(1000),
    ctx.db
      .select()
      .from(qaEvents)
      .where(and(gte(qaEvents.startsAt, from), lt(qaEvents.startsAt, to)))
      .limit(1000),
  ]);
  const attended = new Set(mine.map((m) => m.id));
  const items: CalendarItem[] = [
    ...trainingRows
      .filter((t) => concerns(person, place?.streetId ?? null, t, attended))
      .map((t) => ({
        kind: "training" as const,
        id: t.id,
        title: t.title,
        startsAt: t.startsAt.toISOString(),
        endsAt: t.endsAt.toISOString(),
        place: t.place,
        hours: Number(t.hours),
        level: t.level,
        type: t.type,
      })),
    ...[
      ...forumRows.map((f) => ({ kind: "forum" as const, row: f })),
      ...eventRows.map((e) => ({ kind: "qa_event" as const, row: e })),
    ].map(({ kind, row }) => ({
      kind,
      id: row.id,
      title: row.title,
      startsAt: row.startsAt.toISOString(),
      endsAt: (row.endedAt ?? new Date(row.startsAt.getTime() + EVENT_LENGTH_MS)).toISOString(),
      place: "",
      hours: row.hours === null ? null : Number(row.hours),
      level: null,
      type: null,
    })),
  ];
  return items.sort((a, b) => a.startsAt.localeCompare(b.startsAt));
}

// ---------------- the personal iCalendar feed

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

/** A new feed address for the person; any earlier one stops working. The token is shown once. */
export async function issueCalendarToken(ctx: AppContext, userId: string): Promise<string> {
  const token = encodeBase32LowerCaseNoPadding(randomBytes(25));
  await ctx.db
    .insert(calendarTokens)
    .values({ userId, tokenHash: hashToken(token) })
    .onConflictDoUpdate({ target: calendarTokens.userId, set: { tokenHash: hashToken(token), createdAt: new Date() } });
  return token;
}

export async function revokeCalendarToken(ctx: AppContext, userId: string): Promise<void> {
  await ctx.db.delete(calendarTokens).where(eq(calendarTokens.userId, userId));
}

export async function calendarTokenStatus(
  ctx: AppContext,
  userId: string,
): Promise<{ active: boolean; createdAt: string | null }> {
  const [row] = await ctx.db.select().from(calendarTokens).where(eq(calendarTokens.userId, userId));
  return { active: Boolean(row), createdAt: row?.createdAt.toISOString() ?? null };
}

const KIND_NAMES = { training: "培训", forum: "书记论坛", qa_event: "老书记论坛" } as const;

/** The feed behind a token (null when unknown or revoked): 90 days back, a year ahead. */
export async function calendarFeed(ctx: AppContext, token: string, baseUrl: string): Promise<string | null> {
  if (!/^[a-z2-7]{40}$/.test(token)) return null;
  const [row] = await ctx.db
    .select({ user: users })
    .from(calendarTokens)
    .innerJoin(users, eq(users.id, calendarTokens.userId))
    .where(eq(calendarTokens.tokenHash, hashToken(token)));
  if (!row || row.user.disabled) return null;
  const now = Date.now();
  const items = await calendarItems(ctx, row.user, new Date(now - 90 * 86_400_000), new Date(now + 365 * 86_400_000));
  const calendar = ical({
    name: `${row.user.displayName}的培训与活动`,
    prodId: { company: "社区工作者协作论坛", product: "培训台账", language: "ZH" },
  });
  for (const item of items) {
    const details = [KIND_NAMES[item.kind], item.type, item.hours !== null ? `${item.hours} 学时` : null]
      .filter(Boolean)
      .join(" · ");
    calendar.createEvent({
      id: `${item.kind}-${item.id}@luntan`,
      start: new Date(item.startsAt),
      end: new Date(item.endsAt),
      summary: item.title,
      description: details,
      location: item.place || undefined,
      url: `${baseUrl}${item.kind === "training" ? `/trainings/${item.id}` : item.kind === "forum" ? `/forums/${item.id}` : `/qa/events/${item.id}`}`,
    });
  }
  return calendar.toString();
}
