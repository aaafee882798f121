import { sql } from "drizzle-orm";
import { PROPOSAL_STATUSES, PROPOSAL_STATUS_LABELS, type ProposalStatus } from "../../shared/proposals.ts";
import type { DashboardProposalStage } from "../../shared/dashboard.ts";
import { type Db, queryRows } from "../db/client.ts";

/**
 * The proposals begun between `from` and `to` (of the street's communities, when one is named),
 * counted by where they stand now; every stage is listed, an empty one with 0.
 */
export async function proposalsByStage(
  db: Db,
  filter: { from: Date; to: Date; streetId?: string },
): Promise<DashboardProposalStage[]> {
  const street = filter.streetId ? sql` and c.street_id = ${filter.streetId}` : sql``;
  const rows = await queryRows<{ status: ProposalStatus; count: number }>(
    db,
    sql`select p.status, count(*)::int as count
        from proposals p join communities c on c.id = p.community_id
        where p.created_at >= ${filter.from.toISOString()}::timestamptz and p.created_at < ${filter.to.toISOString()}::timestamptz${street}
        group by p.status`,
  );
  const counts = new Map(rows.map((r) => [r.status, Number(r.count)]));
  return PROPOSAL_STATUSES.map((status) => ({
    status,
    label: PROPOSAL_STATUS_LABELS[status],
    count: counts.get(status) ?? 0,
  }));
}
