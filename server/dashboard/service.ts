import { sql } from "drizzle-orm";
import { CAPABILITIES, type Capability } from "../../shared/vocabulary.ts";
import {
  DASHBOARD_BEHIND_LIMIT,
  DASHBOARD_QA_LIMIT,
  type Dashboard,
  type DashboardAnswerer,
  type DashboardBehind,
  type DashboardCapability,
  type DashboardStreetHours,
} from "../../shared/dashboard.ts";
import type { AppContext } from "../context.ts";
import { queryRows } from "../db/client.ts";
import { proposalsByStage } from "../proposals/stats.ts";
import { studioActivity } from "../studios/stats.ts";
import { ledgerQuery } from "../trainings/ledger.ts";
import { countActivitiesHeld } from "../trainings/stats.ts";
import { yearRange } from "../trainings/time.ts";

type Ctx = Pick<AppContext, "db" | "config">;
export interface DashboardFilter {
  year: number;
  /** undefined: the whole district */
  streetId?: string;
}

/**
 * The year of the district (or one street) for the 区级看板. Every figure is aggregated in the
 * database: the ledger's per-person statement is summed by street, evidence is counted by kind
 * and capability, and the studios and proposals features count their own tables.
 */
export async function getDashboard(ctx: Ctx, filter: DashboardFilter): Promise<Dashboard> {
  const { from, to } = yearRange(filter.year);
  const range = { from, to, streetId: filter.streetId };
  const [activities, ledger, evidence, studios, proposals] = await Promise.all([
    countActivitiesHeld(ctx.db, filter),
    ledgerFigures(ctx, filter),
    evidenceFigures(ctx, filter),
    studioActivity(ctx.db, range),
    proposalsByStage(ctx.db, range),
  ]);
  return {
    year: filter.year,
    streetId: filter.streetId ?? null,
    activities,
    ...ledger,
    ...evidence,
    studios,
    proposals,
  };
}

interface LedgerJson {
  counted: number;
  attended: number;
  sessions: number;
  streets: { street_id: string; street_name: string; people: number; required: number; done: number }[] | null;
  behind:
    | {
        id: string;
        display_name: string;
        street_name: string;
        community_name: string;
        required: number;
        done: number;
      }[]
    | null;
}

/** Attendance, hours by street and the people furthest behind: one pass over the ledger. */
async function ledgerFigures(
  ctx: Ctx,
  filter: DashboardFilter,
): Promise<Pick<Dashboard, "attendance" | "streets" | "behind">> {
  const streetFilter = filter.streetId ? sql`where s.id = ${filter.streetId}` : sql`where not s.retired`;
  const [row] = await queryRows<{ figures: LedgerJson }>(
    ctx.db,
    sql`with l as materialized (${ledgerQuery(ctx.config, { year: filter.year, streetId: filter.streetId })})
        select json_build_object(
          'counted', (select count(*) from l),
          'attended', (select count(*) from l where sessions > 0),
          'sessions', (select coalesce(sum(sessions), 0) from l),
          'streets', (select json_agg(x order by x.sort, x.street_id) from (
              select s.id as street_id, s.name as street_name, s.sort,
                     count(l.id) as people, coalesce(sum(l.required), 0) as required, coalesce(sum(l.done), 0) as done
              from streets s left join l on l.street_id = s.id
              ${streetFilter}
              group by s.id, s.name, s.sort) x),
          'behind', (select json_agg(b order by b.required - b.done desc, b.display_name, b.id) from (
              select id, display_name, street_name, community_name, required, done from l
              where required > done
              order by required - done desc, display_name, id
              limit ${DASHBOARD_BEHIND_LIMIT}) b)
        ) as figures`,
  );
  const figures = typeof row!.figures === "string" ? (JSON.parse(row!.figures) as LedgerJson) : row!.figures;
  const counted = Number(figures.counted);
  const attended = Number(figures.attended);
  const streets: DashboardStreetHours[] = (figures.streets ?? []).map((s) => ({
    streetId: s.street_id,
    streetName: s.street_name,
    people: Number(s.people),
    required: Number(s.required),
    done: Number(s.done),
  }));
  const behind: DashboardBehind[] = (figures.behind ?? []).map((b) => ({
    userId: b.id,
    displayName: b.display_name,
    streetName: b.street_name,
    communityName: b.community_name,
    required: Number(b.required),
    done: Number(b.done),
    missing: Number(b.required) - Number(b.done),
  }));
  return {
    attendance: {
      counted,
      attended,
      rate: counted === 0 ? null : attended / counted,
      sessions: Number(figures.sessions),
    },
    streets,
    behind,
  };
}

/**
 * What the evidence of the year shows: studio tasks, proposals and answers counted by kind, the
 * most active answerers, and the six-capability profile. A person's evidence belongs to the street
 * of their community.
 */
async function evidenceFigures(
  ctx: Ctx,
  filter: DashboardFilter,
): Promise<Pick<Dashboard, "growth" | "qa" | "capabilities">> {
  const { from, to } = yearRange(filter.year);
  const inScope = sql`e.at >= ${from.toISOString()}::timestamptz and e.at < ${to.toISOString()}::timestamptz
    ${filter.streetId ? sql`and c.street_id = ${filter.streetId}` : sql``}`;
  const scoped = sql`evidence e join users u on u.id = e.user_id left join communities c on c.id = u.community_id`;

  const [counts, capabilityRows, answerers] = await Promise.all([
    queryRows<Record<string, number>>(
      ctx.db,
      sql`select count(*) filter (where e.kind = 'task_completed')::int as tasks_done,
                 count(*) filter (where e.kind = 'proposal_submitted')::int as proposals_submitted,
                 count(*) filter (where e.kind = 'proposal_approved')::int as proposals_approved,
                 count(*) filter (where e.kind = 'answer_accepted')::int as answers_accepted,
                 count(*) filter (where e.kind = 'event_question_answered')::int as event_questions_answered
          from ${scoped} where ${inScope}`,
    ),
    queryRows<{ capability: string; count: number }>(
      ctx.db,
      sql`select cap as capability, count(*)::int as count
          from ${scoped} cross join lateral unnest(e.capabilities) as cap
          where ${inScope}
          group by cap`,
    ),
    queryRows<{
      user_id: string;
      display_name: string;
      street_name: string | null;
      accepted: number;
      event_answered: number;
    }>(
      ctx.db,
      sql`select e.user_id, u.display_name, s.name as street_name,
                 count(*) filter (where e.kind = 'answer_accepted')::int as accepted,
                 count(*) filter (where e.kind = 'event_question_answered')::int as event_answered
          from ${scoped} left join streets s on s.id = c.street_id
          where ${inScope} and e.kind in ('answer_accepted', 'event_question_answered')
          group by e.user_id, u.display_name, s.name
          order by count(*) desc, u.display_name, e.user_id
          limit ${DASHBOARD_QA_LIMIT}`,
    ),
  ]);
  const c = counts[0]!;
  const qa: DashboardAnswerer[] = answerers.map((a) => ({
    userId: a.user_id,
    displayName: a.display_name,
    streetName: a.street_name,
    answersAccepted: Number(a.accepted),
    eventQuestionsAnswered: Number(a.event_answered),
  }));
  return {
    growth: {
      tasksDone: Number(c.tasks_done),
      proposalsSubmitted: Number(c.proposals_submitted),
      proposalsApproved: Number(c.proposals_approved),
      answersAccepted: Number(c.answers_accepted),
      eventQuestionsAnswered: Number(c.event_questions_answered),
    },
    qa,
    capabilities: capabilityProfile(new Map(capabilityRows.map((r) => [r.capability, Number(r.count)]))),
  };
}

/**
 * The district's profile: each capability's count of tagged evidence, and its value, the count as
 * a share of the most-shown capability's (0–100, rounded). See docs/growth.md, 区级看板.
 */
export function capabilityProfile(counts: Map<string, number>): DashboardCapability[] {
  const max = Math.max(0, ...CAPABILITIES.map((cap) => counts.get(cap) ?? 0));
  return CAPABILITIES.map((capability: Capability) => {
    const count = counts.get(capability) ?? 0;
    return { capability, count, value: max === 0 ? 0 : Math.round((100 * count) / max) };
  });
}
