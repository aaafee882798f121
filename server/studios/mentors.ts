import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { studioMembers } from "./schema.ts";

/**
 * The people who mentor `userId`: the mentor of every studio (导师工作室 or 帮带) the person is a
 * mentee in. Other features ask this instead of reading the studio tables (the 成长档案's
 * "their mentors may see it").
 */
export async function mentorsOf(db: Pick<Db, "selectDistinct">, userId: string): Promise<string[]> {
  const rows = await db
    .selectDistinct({ mentorId: studioMembers.userId })
    .from(studioMembers)
    .where(
      and(
        eq(studioMembers.role, "mentor"),
        sql`${studioMembers.studioId} in (select studio_id from studio_members where user_id = ${userId} and role = 'mentee')`,
      ),
    );
  return rows.map((r) => r.mentorId);
}
