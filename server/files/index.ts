import type { AppContext } from "../context.ts";
import type { Feature } from "../feature.ts";

const SWEEP_INTERVAL_MS = 60 * 60 * 1000;
/** one per server started in this process (tests start several) */
const sweepTimers = new Set<NodeJS.Timeout>();

/** The file store's housekeeping: files nobody references are deleted after the grace period. */
export const filesFeature: Feature = {
  name: "files",
  start(ctx: AppContext) {
    const graceMs = ctx.config.FILE_GRACE_HOURS * 60 * 60 * 1000;
    const sweep = () => ctx.files.sweep(graceMs).catch((err) => ctx.log.warn({ err }, "file sweep failed"));
    const timer = setInterval(sweep, SWEEP_INTERVAL_MS);
    timer.unref();
    sweepTimers.add(timer);
  },
  stop() {
    for (const timer of sweepTimers) clearInterval(timer);
    sweepTimers.clear();
  },
};
