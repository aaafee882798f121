import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import type { AppContext } from "../context.ts";
import { CheckinCodes } from "./codes.ts";
import { checkinKeys } from "./schema.ts";

const loaded = new WeakMap<AppContext, Promise<CheckinCodes>>();

/**
 * The check-in code maker of this server. Its key lives in the database, created by whichever
 * process starts first, so every process behind the load balancer accepts the others' codes.
 */
export function checkinCodes(ctx: AppContext): Promise<CheckinCodes> {
  let codes = loaded.get(ctx);
  if (!codes) {
    codes = (async () => {
      await ctx.db.insert(checkinKeys).values({ id: 1, secret: randomBytes(32).toString("hex") }).onConflictDoNothing();
      const [row] = await ctx.db.select().from(checkinKeys).where(eq(checkinKeys.id, 1));
      return new CheckinCodes(row!.secret, {
        periodSeconds: ctx.config.CHECKIN_CODE_SECONDS,
        graceSeconds: ctx.config.CHECKIN_CODE_GRACE_SECONDS,
      });
    })();
    codes.catch(() => loaded.delete(ctx));
    loaded.set(ctx, codes);
  }
  return codes;
}
