import { sql } from "drizzle-orm";
import { type Db, queryRows } from "../db/client.ts";
import { yearRange } from "./time.ts";

export interface ActivitiesHeld {
  trainings: number;
  forums: number;
  events: number;
}

/**
 * Trainings, forums and 老书记论坛 events held in the year: begun by now, and run by the street
 * when one is named (district-level activities belong to no street). One statement, counted in SQL.
 */
export async function countActivitiesHeld(
  db: Db,
  filter: { year: number; streetId?: string },
): Promise<ActivitiesHeld> {
  const { from, to } = yearRange(filter.year);
  const held = sql`starts_at >= ${from.toISOString()}::timestamptz and starts_at < ${to.toISOString()}::timestamptz
    and starts_at <= now()`;
  const street = filter.streetId ? sql` and street_id = ${filter.streetId}` : sql``;
  const [row] = await queryRows<{ trainings: number; forums: number; events: number }>(
    db,
    sql`select (select count(*) from trainings where ${held}${street})::int as trainings,
               (select count(*) from forums where ${held}${street})::int as forums,
               (select count(*) from qa_events where ${held}${street})::int as events`,
  );
  return { trainings: Number(row!.trainings), forums: Number(row!.forums), events: Number(row!.events) };
}
