import type { Db } from "../db/client.ts";
import type { DemoUsers } from "../feature.ts";
import type { Feature } from "../feature.ts";
import { moderationRoutes } from "./routes.ts";
import { sensitiveWords } from "./schema.ts";

/** A few everyday words so the demo shows the check working; a real list is the operator's to import. */
async function seedWords(db: Db, _users: DemoUsers): Promise<void> {
  await db
    .insert(sensitiveWords)
    .values(["赌博", "博彩", "代开发票", "高利贷"].map((word) => ({ word })))
    .onConflictDoNothing();
}

export const moderationFeature: Feature = { name: "moderation", routes: moderationRoutes, seed: seedWords };
