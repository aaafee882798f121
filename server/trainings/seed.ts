import type { Db } from "../db/client.ts";
import type { DemoUsers } from "../feature.ts";
import { checkins, trainings } from "./schema.ts";

const DAY = 24 * 3_600_000;

/**
 * Two past trainings of the demo district that the demo workers attended, so the ledger and each
 * person's 成长档案 (filled by the evidence backfill when the demo is seeded) are not empty on a first visit.
 */
export async function seedTrainings(db: Db, users: DemoUsers): Promise<void> {
  const admin = users.admin;
  if (!admin) return;
  const now = Date.now();
  // kept inside the current year (district time), so a first visit's 成长档案 shows them
  const yearStart = Date.parse(`${new Date(now + 8 * 3_600_000).getUTCFullYear()}-01-01T08:00:00+08:00`);
  const past = (days: number) => new Date(Math.max(now - days * DAY, yearStart));
  const rows = await db
    .insert(trainings)
    .values([
      {
        title: "社区协商议事实务专题培训",
        theme: "议事规则与居民动员",
        level: "district",
        type: "专题培训班",
        startsAt: past(20),
        endsAt: new Date(past(20).getTime() + 3 * 3_600_000),
        place: "城中区党群服务中心",
        hours: 3,
        capabilities: ["deliberation", "mobilization"],
        audience: { roles: [], flags: [], streets: [], communities: [] },
        createdBy: admin.id,
      },
      {
        title: "社工加油站：为民服务窗口规范",
        level: "district",
        type: "社工加油站",
        startsAt: past(6),
        endsAt: new Date(past(6).getTime() + 2 * 3_600_000),
        place: "五星社区",
        hours: 2,
        capabilities: ["service"],
        audience: { roles: [], flags: [], streets: [], communities: [] },
        createdBy: admin.id,
      },
    ])
    .returning({ id: trainings.id, startsAt: trainings.startsAt });
  const attendees = ["worker1", "sec1", "sec2", "sec3"].flatMap((name) => (users[name] ? [users[name]!.id] : []));
  await db.insert(checkins).values(
    rows.flatMap((t) =>
      attendees.map((userId) => ({
        kind: "training" as const,
        activityId: t.id,
        userId,
        source: "code" as const,
        at: t.startsAt,
      })),
    ),
  );
}
