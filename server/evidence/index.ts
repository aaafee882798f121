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
  async prepare(ctx) {
    const added = await backfillEvidence(ctx.db);
    if (added > 0) ctx.log.info({ added }, "evidence backfilled");
  },
};
