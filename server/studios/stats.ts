import { sql } from "drizzle-orm";
import type { DashboardStudio } from "../../shared/dashboard.ts";
import { type Db, queryRows } from "../db/client.ts";

/**
 * Each studio's activity between `from` and `to`, for the district dashboard: messages sent (not
 * withdrawn) and task completions. With a street, the studios that street runs plus district-level
 * studios with a member from it. Counted in SQL, one statement.
 */
export async function studioActivity(
  db: Db,
  filter: { from: Date; to: Date; streetId?: string },
): Promise<DashboardStudio[]> {
  const from = filter.from.toISOString();
  const to = filter.to.toISOString();
  const inStreet = filter.streetId
    ? sql`where s.street_id = ${filter.streetId} or (s.street_id is null and exists (
        select 1 from studio_members sm join users u on u.id = sm.user_id join communities c on c.id = u.community_id
        where sm.studio_id = s.id and c.street_id = ${filter.streetId}))`
    : sql``;
  const rows = await queryRows<{
    id: string;
    name: string;
    mentor_name: string;
    street_name: string | null;
    messages: number;
    tasks_done: number;
  }>(
    db,
    sql`select s.id, s.name, m.display_name as mentor_name, st.name as street_name,
               (select count(*) from studio_messages msg
                 where msg.studio_id = s.id and msg.withdrawn_at is null
                   and msg.created_at >= ${from}::timestamptz and msg.created_at < ${to}::timestamptz)::int as messages,
               (select count(*) from studio_task_states ts join studio_tasks t on t.id = ts.task_id
                 where t.studio_id = s.id and ts.state = 'done'
                   and ts.done_at >= ${from}::timestamptz and ts.done_at < ${to}::timestamptz)::int as tasks_done
        from studios s
        join users m on m.id = s.mentor_id
        left join streets st on st.id = s.street_id
        ${inStreet}
        order by messages desc, s.name, s.id`,
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    mentorName: r.mentor_name,
    streetName: r.street_name,
    messages: Number(r.messages),
    tasksDone: Number(r.tasks_done),
  }));
}
