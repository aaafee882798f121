import { and, asc, desc, eq, gte, inArray, lt, sql } from "drizzle-orm";
import { evidenceLink } from "../../shared/evidence.ts";
import { CAPABILITIES, type Capability } from "../../shared/enums.ts";
import {
  type AssessmentNote,
  type CapabilityScore,
  capabilityValue,
  type EvidenceEntry,
  GROWTH_LIMITS,
  type GrowthRecord,
  type LevelChangeEntry,
} from "../../shared/growth.ts";
import { factsOf, loadPerson, type PersonRow } from "../accounts/people.ts";
import type { PersonFacts } from "../accounts/policy.ts";
import { users } from "../auth/schema.ts";
import type { UserRow } from "../auth/sessions.ts";
import type { AppContext } from "../context.ts";
import { type Db, queryRows } from "../db/client.ts";
import { notFound } from "../lib/errors.ts";
import { communities, streets } from "../org/schema.ts";
import { mentorsOf } from "../studios/mentors.ts";
import { computeLedger } from "../trainings/ledger.ts";
import { DISTRICT_UTC_OFFSET_HOURS, yearRange } from "../trainings/time.ts";
import { canChangeLevel, canWriteNote, requireSeeRecord } from "./policy.ts";
import { assessmentNotes, evidence, levelChanges } from "./schema.ts";

/** The district's current year (UTC+8), the record's default. */
export const currentYear = (now = Date.now()) => new Date(now + DISTRICT_UTC_OFFSET_HOURS * 3_600_000).getUTCFullYear();

export interface RecordSubject {
  row: PersonRow;
  facts: PersonFacts;
  mentorIds: string[];
}

/** The person and who mentors them, or 404; then the viewer must be allowed to see the record (403). */
export async function loadSubject(
  ctx: Pick<AppContext, "db">,
  viewer: UserRow,
  userId: string,
): Promise<RecordSubject> {
  const row = await loadPerson(ctx.db, userId);
  if (!row) throw notFound("用户不存在");
  const subject = { row, facts: factsOf(row), mentorIds: await mentorsOf(ctx.db, userId) };
  requireSeeRecord(viewer, subject.facts, subject.mentorIds);
  return subject;
}

type EvidenceRow = typeof evidence.$inferSelect;
const toEntry = (
  row: Pick<
    EvidenceRow,
    "id" | "kind" | "sourceKind" | "sourceId" | "at" | "title" | "capabilities" | "score" | "detail"
  >,
): EvidenceEntry => ({
  id: row.id,
  kind: row.kind,
  sourceKind: row.sourceKind,
  sourceId: row.sourceId,
  at: row.at.toISOString(),
  title: row.title,
  capabilities: row.capabilities,
  score: row.score === null ? null : Number(row.score),
  detail: row.detail,
  link: evidenceLink(row),
});

/** A year of one person's evidence, newest first. */
export async function timeline(db: Db, userId: string, year: number): Promise<EvidenceEntry[]> {
  const { from, to } = yearRange(year);
  const rows = await db
    .select()
    .from(evidence)
    .where(and(eq(evidence.userId, userId), gte(evidence.at, from), lt(evidence.at, to)))
    .orderBy(desc(evidence.at), asc(evidence.id))
    .limit(GROWTH_LIMITS.timelineMax);
  return rows.map(toEntry);
}

/**
 * The six-capability profile of one person's year, aggregated by the database over the
 * (user_id, at) index. An item counts once for every capability it is tagged with; its score for
 * a capability is that capability's own score when the item has one (a 群众考书记 talk's averages),
 * else the item's score. docs/growth.md states the rule.
 */
export async function capabilityProfile(db: Db, userId: string, year: number): Promise<CapabilityScore[]> {
  const { from, to } = yearRange(year);
  const rows = await queryRows<{ capability: Capability; count: number; scored: number; average: number | null }>(
    db,
    sql`select t.capability, count(*)::int as count, count(t.score)::int as scored, round(avg(t.score), 2)::float8 as average
        from (
          select c.capability, coalesce((e.detail -> 'capabilityScores' ->> c.capability)::numeric, e.score) as score
          from evidence e cross join lateral unnest(e.capabilities) as c(capability)
          where e.user_id = ${userId}::uuid and e.at >= ${from.toISOString()}::timestamptz and e.at < ${to.toISOString()}::timestamptz
        ) t
        group by t.capability`,
  );
  const byCapability = new Map(rows.map((r) => [r.capability, r]));
  return CAPABILITIES.map((capability) => {
    const row = byCapability.get(capability);
    const count = Number(row?.count ?? 0);
    const average = row?.average == null ? null : Number(row.average);
    return { capability, count, scored: Number(row?.scored ?? 0), average, value: capabilityValue(count, average) };
  });
}

async function levelHistory(db: Db, userId: string): Promise<LevelChangeEntry[]> {
  const rows = await db
    .select({ change: levelChanges, changer: { id: users.id, displayName: users.displayName } })
    .from(levelChanges)
    .innerJoin(users, eq(users.id, levelChanges.changedBy))
    .where(eq(levelChanges.userId, userId))
    .orderBy(desc(levelChanges.at));
  const cited = [...new Set(rows.flatMap((r) => r.change.evidenceIds))];
  const items = cited.length
    ? await db
        .select({
          id: evidence.id,
          title: evidence.title,
          sourceKind: evidence.sourceKind,
          sourceId: evidence.sourceId,
          detail: evidence.detail,
        })
        .from(evidence)
        .where(and(eq(evidence.userId, userId), inArray(evidence.id, cited)))
    : [];
  const byId = new Map(items.map((i) => [i.id, { id: i.id, title: i.title, link: evidenceLink(i) }]));
  return rows.map(({ change, changer }) => ({
    id: change.id,
    from: change.fromLevel,
    to: change.toLevel,
    changedBy: changer,
    at: change.at.toISOString(),
    reason: change.reason,
    evidence: change.evidenceIds.flatMap((id) => byId.get(id) ?? []),
  }));
}

async function notes(db: Db, userId: string): Promise<AssessmentNote[]> {
  const rows = await db
    .select({ note: assessmentNotes, author: { id: users.id, displayName: users.displayName } })
    .from(assessmentNotes)
    .innerJoin(users, eq(users.id, assessmentNotes.authorId))
    .where(eq(assessmentNotes.userId, userId))
    .orderBy(desc(assessmentNotes.at));
  return rows.map(({ note, author }) => ({ id: note.id, author, body: note.body, at: note.at.toISOString() }));
}

async function placeOf(db: Db, row: PersonRow): Promise<{ communityName: string | null; streetName: string | null }> {
  const streetId = row.communityStreetId ?? row.streetId;
  const [community] = row.communityId
    ? await db.select({ name: communities.name }).from(communities).where(eq(communities.id, row.communityId))
    : [];
  const [street] = streetId
    ? await db.select({ name: streets.name }).from(streets).where(eq(streets.id, streetId))
    : [];
  return { communityName: community?.name ?? null, streetName: street?.name ?? null };
}

/** `GET /api/people/:id/record`: the whole 成长档案 of one year, for those who may see it. */
export async function loadRecord(
  ctx: AppContext,
  viewer: UserRow,
  userId: string,
  year = currentYear(),
): Promise<GrowthRecord> {
  const { row, facts, mentorIds } = await loadSubject(ctx, viewer, userId);
  const [place, ledger, items, capabilities, history, noteList] = await Promise.all([
    placeOf(ctx.db, row),
    computeLedger(ctx, { year, userId }),
    timeline(ctx.db, userId, year),
    capabilityProfile(ctx.db, userId, year),
    levelHistory(ctx.db, userId),
    notes(ctx.db, userId),
  ]);
  return {
    user: { id: row.id, displayName: row.displayName, level: row.level, ...place },
    year,
    hours: ledger[0] ?? null,
    evidence: items,
    capabilities,
    levelHistory: history,
    notes: noteList,
    can: { changeLevel: canChangeLevel(viewer, facts), writeNote: canWriteNote(viewer, facts, mentorIds) },
  };
}
