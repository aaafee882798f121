import { sql, type SQL } from "drizzle-orm";
import { NEW_HIRE_REQUIRED_HOURS, NEW_HIRE_TRAINING_TYPE, type LedgerRow } from "../../shared/trainings.ts";
import type { Config } from "../config.ts";
import { type Db, queryRows } from "../db/client.ts";
import { DISTRICT_UTC_OFFSET_HOURS, yearRange } from "./time.ts";

/** The plan's minimum days a year: 两委 members 7, every other counted worker 5. */
export const LIANGWEI_DAYS = 7;
export const OTHER_DAYS = 5;

export interface LedgerFilter {
  year: number;
  streetId?: string;
  communityId?: string;
  /** one person's own line (the account page) */
  userId?: string;
}

interface Raw {
  id: string;
  display_name: string;
  community_id: string;
  community_name: string;
  street_id: string;
  street_name: string;
  flags: string[] | string;
  hire_date: string | null;
  required: number;
  done: number;
  sessions: number;
  new_hire_required: number | null;
  new_hire_done: number | null;
  new_hire_deadline: string | null;
}

/**
 * The training ledger (培训台账) in one SQL statement: the people counted, each one's requirement
 * for the year (pro-rated by hire month), the 学时 attended in the year, and the new hire's
 * 岗位基本业务知识 hours within 12 months of hiring. The database aggregates; Node only shapes
 * the rows it gets back, one per person. See docs/trainings.md for the rules.
 */
export async function computeLedger(
  ctx: { db: Db; config: Pick<Config, "TRAINING_HOURS_PER_DAY"> },
  filter: LedgerFilter,
): Promise<LedgerRow[]> {
  const query = sql`${ledgerQuery(ctx.config, filter)} order by p.street_id, p.community_id, p.display_name, p.id`;
  const rows = await queryRows<Raw>(ctx.db, query);
  return rows.map((r) => ({
    user: {
      id: r.id,
      displayName: r.display_name,
      communityId: r.community_id,
      communityName: r.community_name,
      streetId: r.street_id,
      streetName: r.street_name,
      flags: parseTextArray(r.flags) as LedgerRow["user"]["flags"],
      hireDate: r.hire_date,
    },
    required: Number(r.required),
    done: Number(r.done),
    missing: Math.max(0, Number(r.required) - Number(r.done)),
    newHireRequired: r.new_hire_required === null ? null : Number(r.new_hire_required),
    newHireDone: r.new_hire_done === null ? null : Number(r.new_hire_done),
    newHireDeadline: r.new_hire_deadline,
    sessions: Number(r.sessions),
  }));
}

/**
 * The ledger's statement, one row per person counted (the columns of `Raw`, unordered), for
 * reports that aggregate over it in SQL (the district dashboard) instead of fetching every line.
 */
export function ledgerQuery(config: Pick<Config, "TRAINING_HOURS_PER_DAY">, filter: LedgerFilter): SQL {
  const { from, to } = yearRange(filter.year);
  const yearStart = `${filter.year}-01-01`;
  const yearEnd = `${filter.year}-12-31`;
  const hoursPerDay = config.TRAINING_HOURS_PER_DAY;
  const offset = `${DISTRICT_UTC_OFFSET_HOURS} hours`;
  const where: SQL[] = [sql`not u.disabled`, sql`u.roles && array['secretary','worker']::text[]`];
  if (filter.streetId) where.push(sql`c.street_id = ${filter.streetId}`);
  if (filter.communityId) where.push(sql`u.community_id = ${filter.communityId}`);
  if (filter.userId) where.push(sql`u.id = ${filter.userId}::uuid`);

  // local midnight of a date column, as an instant (the district is UTC+8 all year)
  const midnight = (date: SQL) => sql`((${date})::timestamp - ${offset}::interval) at time zone 'UTC'`;
  const deadline = sql`(p.hire_date + interval '12 months')::date`;
  const inYear = sql`a.starts_at >= ${from.toISOString()}::timestamptz and a.starts_at < ${to.toISOString()}::timestamptz`;
  // the new hire's window: from the hire date through the deadline day; without a hire date, the year
  const inNewHireWindow = sql`case when p.hire_date is null then ${inYear}
    else a.starts_at >= ${midnight(sql`p.hire_date`)} and a.starts_at < ${midnight(sql`${deadline} + 1`)} end`;

  // Only activities that can count: the year, widened by the new-hire windows that overlap it.
  const near = sql`starts_at >= ${from.toISOString()}::timestamptz - interval '13 months'
    and starts_at < ${to.toISOString()}::timestamptz + interval '13 months'`;
  return sql`
    with people as (
      select u.id, u.display_name, u.community_id, c.name as community_name, c.street_id, s.name as street_name,
             u.flags, u.hire_date,
             case when 'liangwei' = any(u.flags) then ${LIANGWEI_DAYS}::int else ${OTHER_DAYS}::int end as days,
             case when u.hire_date is null or u.hire_date < ${yearStart}::date then 12
                  when u.hire_date > ${yearEnd}::date then 0
                  else 13 - extract(month from u.hire_date)::int end as months,
             ('new_hire' = any(u.flags)
               or (u.hire_date is not null and u.hire_date <= ${yearEnd}::date
                   and (u.hire_date + interval '12 months')::date >= ${yearStart}::date)) as new_hire
      from users u
      join communities c on c.id = u.community_id
      join streets s on s.id = c.street_id
      where ${sql.join(where, sql` and `)}
    ),
    activities as (
      select 'training' as kind, id, hours, type, starts_at from trainings where ${near}
      union all select 'forum', id, hours, null, starts_at from forums where hours is not null and ${near}
      union all select 'qa_event', id, hours, null, starts_at from qa_events where hours is not null and ${near}
    ),
    -- Sum each person's attendance first, grouped by one key, and only over activities near the
    -- year; then attach it to the people. (Joining every check-in to the people and grouping by all
    -- their columns was several times slower.)
    attended as (
      select p.id as user_id,
             sum(a.hours) filter (where ${inYear}) as done,
             count(a.id) filter (where ${inYear}) as sessions,
             sum(a.hours) filter (where p.new_hire and a.type = ${NEW_HIRE_TRAINING_TYPE} and ${inNewHireWindow}) as new_hire_done
      from activities a
      join checkins ck on ck.kind = a.kind and ck.activity_id = a.id
      join people p on p.id = ck.user_id
      group by p.id
    )
    select p.id, p.display_name, p.community_id, p.community_name, p.street_id, p.street_name, p.flags,
           to_char(p.hire_date, 'YYYY-MM-DD') as hire_date,
           ceil(p.days * ${hoursPerDay}::numeric * p.months / 12)::float8 as required,
           coalesce(att.done, 0)::float8 as done,
           coalesce(att.sessions, 0)::int as sessions,
           case when p.new_hire then ${NEW_HIRE_REQUIRED_HOURS}::float8 end as new_hire_required,
           case when p.new_hire then coalesce(att.new_hire_done, 0)::float8 end as new_hire_done,
           case when p.new_hire and p.hire_date is not null then to_char(${deadline}, 'YYYY-MM-DD') end as new_hire_deadline
    from people p
    left join attended att on att.user_id = p.id`;
}

/** Raw queries may hand back a text[] as `{a,b}` when the driver does not parse it. */
function parseTextArray(value: string[] | string): string[] {
  if (Array.isArray(value)) return value;
  const inner = value.replace(/^\{|\}$/g, "");
  return inner ? inner.split(",") : [];
}
