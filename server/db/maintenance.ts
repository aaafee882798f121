import { sql } from "drizzle-orm";
import type { AppContext } from "../context.ts";
import type { Feature } from "../feature.ts";

/**
 * 03:00 in the district (China keeps no daylight saving, so 19:00 UTC all year): nobody is in a
 * forum or an editor, and the vacuum holds the embedded database's one connection while it runs.
 */
const NIGHT_HOUR_UTC = 19;

/** Milliseconds from `now` to the next district night (never 0: at 19:00 sharp, the next day's). */
export function msUntilNight(now: Date): number {
  const night = new Date(now);
  night.setUTCHours(NIGHT_HOUR_UTC, 0, 0, 0);
  if (night.getTime() <= now.getTime()) night.setUTCDate(night.getUTCDate() + 1);
  return night.getTime() - now.getTime();
}

/**
 * Vacuums and analyses every table. PGlite runs neither autovacuum nor autoanalyze: without this,
 * every updated or deleted row (sessions, votes, read receipts, the live state written behind)
 * stays a dead tuple that later reads wade through, and the planner keeps the statistics of the
 * day the tables were created. The document log also vacuums itself after large compactions
 * (yjs/persistence.ts); PostgreSQL does all of this on its own.
 */
export async function vacuumEmbedded(ctx: Pick<AppContext, "db">): Promise<void> {
  await ctx.db.execute(sql`vacuum (analyze)`);
}

/** The embedded database's nightly housekeeping; nothing on PostgreSQL. */
export function createEmbeddedMaintenanceFeature(): Feature {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  return {
    name: "embedded-maintenance",
    start(ctx) {
      if (ctx.dbKind !== "pglite") return;
      const nightly = async () => {
        if (stopped) return;
        const started = performance.now();
        try {
          await vacuumEmbedded(ctx);
          ctx.log.info({ ms: Math.round(performance.now() - started) }, "embedded database vacuumed");
        } catch (err) {
          ctx.log.warn({ err }, "embedded database vacuum failed");
        }
        if (stopped) return;
        timer = setTimeout(nightly, msUntilNight(new Date()));
        timer.unref();
      };
      timer = setTimeout(nightly, msUntilNight(new Date()));
      timer.unref();
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
