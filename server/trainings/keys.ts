import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import type { AppContext } from "../context.ts";
import { CheckinCodes } from "./codes.ts";
import { checkinKeys } from "./schema.ts";

/**
 * The check-in code maker. Its key lives in the database, created by whichever process starts
 * first, so every process behind the load balancer accepts the others' codes.
 */
export async function loadCheckinCodes(ctx: Pick<AppContext, "db" | "config">): Promise<CheckinCodes> {
  await ctx.db
    .insert(checkinKeys)
    .values({ id: 1, secret: randomBytes(32).toString("hex") })
    .onConflictDoNothing();
  const [row] = await ctx.db.select().from(checkinKeys).where(eq(checkinKeys.id, 1));
  return new CheckinCodes(row!.secret, {
    periodSeconds: ctx.config.CHECKIN_CODE_SECONDS,
    graceSeconds: ctx.config.CHECKIN_CODE_GRACE_SECONDS,
  });
}

/** What the trainings feature's services get: the server's context and its check-in code maker, loaded once at start-up. */
export interface TrainingsContext extends AppContext {
  checkinCodes: CheckinCodes;
}
