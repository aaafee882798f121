import type { Feature } from "../feature.ts";
import { backfillEvidence } from "./backfill.ts";
import { evidenceRoutes } from "./routes.ts";

/**
 * 成长档案: the evidence each feature records (service.ts), the start-up backfill of facts made
 * before that, a person's record with its capability profile, level history and notes.
 */
export const evidenceFeature: Feature = {
  name: "evidence",
  routes: evidenceRoutes,
  // Once listening, not before: a rescan of every activity table that finds nothing new on all but
  // the first start, and no request needs it done first — a live write and the backfill of the same
  // fact meet on the evidence table's unique key.
  async start(ctx) {
    const added = await backfillEvidence(ctx.db);
    if (added > 0) ctx.log.info({ added }, "evidence backfilled");
  },
};
