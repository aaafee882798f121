import type { Logger } from "./logger.ts";

/**
 * How the process ends, in one place: on SIGTERM/SIGINT it closes gracefully and exits 0; on a bug
 * that reached the top (an unhandled rejection or uncaught exception) it logs the error, closes as
 * much as it still can and exits 1, because after such a bug its state can no longer be trusted.
 * Something outside restarts it: `npm start` (scripts/start.mjs) or systemd (docs/DEPLOYMENT.md).
 * When started by `npm start` it also stops if that supervisor goes away (the IPC channel closes),
 * so a killed supervisor never leaves an orphan holding the port.
 */
export function manageLifecycle(close: () => Promise<void>, log: Logger, graceMs = 10_000): void {
  let ending = false;
  const end = (code: number) => {
    if (ending) return;
    ending = true;
    const force = setTimeout(() => {
      log.flush();
      process.exit(code || 1);
    }, graceMs);
    force.unref();
    close().then(
      () => {
        log.flush();
        process.exit(code);
      },
      (error: unknown) => {
        log.error({ err: error }, "shutdown failed");
        log.flush();
        process.exit(1);
      },
    );
  };
  const crash = (kind: string) => (error: unknown) => {
    log.fatal({ err: error, kind }, "bug reached the top of the process; exiting so it can be restarted");
    end(1);
  };
  process.on("unhandledRejection", crash("unhandledRejection"));
  process.on("uncaughtException", crash("uncaughtException"));
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      log.info({ signal }, "shutting down");
      end(0);
    });
  }
  if (process.send) process.once("disconnect", () => end(0));
}
