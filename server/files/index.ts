import type { AppContext } from "../context.ts";
import type { Feature } from "../feature.ts";

const SWEEP_INTERVAL_MS = 60 * 60 * 1000;

/** The file store's housekeeping: files nobody references are deleted after the grace period. */
export function createFilesFeature(): Feature {
  let timer: NodeJS.Timeout | undefined;
  return {
    name: "files",
    start(ctx: AppContext) {
      const graceMs = ctx.config.FILE_GRACE_HOURS * 60 * 60 * 1000;
      timer = setInterval(
        () => ctx.files.sweep(graceMs).catch((err) => ctx.log.warn({ err }, "file sweep failed")),
        SWEEP_INTERVAL_MS,
      );
      timer.unref();
    },
    stop() {
      clearInterval(timer);
    },
  };
}
