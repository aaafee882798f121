import type { Feature } from "../feature.ts";
import { backfillEvidence } from "./backfill.ts";
import { evidenceRoutes } from "./routes.ts";

/**
 * How long after a start the routine rescan waits. Right after a restart every open page reconnects
 * and reloads at once; the rescan, which finds nothing new on all but the first start, should not
 * stand in their way (on the embedded database each of its statements runs on the server's thread).
 */
const RESCAN_AFTER_START_MS = 10_000;

/**
 * 成长档案: the evidence each feature records (service.ts), the backfill of facts made before that,
 * a person's record with its capability profile, level history and notes.
 */
export function createEvidenceFeature(): Feature {
  let timer: NodeJS.Timeout | undefined;
  let rescan: Promise<void> | undefined;
  return {
    name: "evidence",
    routes: evidenceRoutes,
    // Last of the features, so the demo's trainings, forums and proposals exist: a fresh demo's
    // records are full on the first visit.
    async seed(db) {
      await backfillEvidence(db);
    },
    // A rescan of every activity table, for facts made before the features recorded evidence
    // themselves or written around them. No request needs it first: a live write and the backfill
    // of the same fact meet on the evidence table's unique key.
    start(ctx) {
      timer = setTimeout(() => {
        rescan = backfillEvidence(ctx.db).then(
          (added) => {
            if (added > 0) ctx.log.info({ added }, "evidence backfilled");
          },
          (error: unknown) =>
            ctx.log.error({ err: error }, "evidence backfill failed; it runs again at the next start"),
        );
      }, RESCAN_AFTER_START_MS);
      timer.unref();
    },
    // the database closes after the features stop
    async stop() {
      clearTimeout(timer);
      await rescan;
    },
  };
}
