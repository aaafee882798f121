import type { Feature } from "../feature.ts";
import { backfillEvidence } from "./backfill.ts";
import { evidenceRoutes } from "./routes.ts";

/**
 * 成长档案: the evidence each feature records (service.ts), the start-up backfill of facts made
 * before that, a person's record with its capability profile, level history and notes.
 */
export function createEvidenceFeature(): Feature {
  let backfill: Promise<void> | undefined;
  return {
    name: "evidence",
    routes: evidenceRoutes,
    // In the background once listening, not before: a rescan of every activity table that finds
    // nothing new on all but the first start, and no request needs it done first — a live write and
    // the backfill of the same fact meet on the evidence table's unique key. Awaited, it held the
    // first requests of every start for a tenth of a second.
    start(ctx) {
      backfill = backfillEvidence(ctx.db).then(
        (added) => {
          if (added > 0) ctx.log.info({ added }, "evidence backfilled");
        },
        (error: unknown) => ctx.log.error({ err: error }, "evidence backfill failed; it runs again at the next start"),
      );
    },
    // the database closes after the features stop
    async stop() {
      await backfill;
    },
  };
}
