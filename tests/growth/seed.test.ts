/**
 * A fresh demo's 成长档案 are full on the first visit: the evidence of what the demo seeds wrote is
 * derived while seeding (the evidence feature's seed step, after every other feature's), not by the
 * rescan that runs some seconds after each start. The database may be shared with other test files
 * (PostgreSQL in CI), so the facts here are this test's own, written around the services as a seed
 * writes them.
 */
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { evidence } from "../../server/evidence/schema.ts";
import { createFeatures } from "../../server/features.ts";
import { checkins } from "../../server/trainings/schema.ts";
import { createUser } from "../helpers/clients.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { createTraining } from "../trainings/helpers.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

it("the last seed step is the evidence feature's, and it derives the records of what the seeds before it wrote", async () => {
  const seeding = createFeatures().filter((feature) => feature.seed);
  const last = seeding.at(-1);
  expect(last?.name).toBe("evidence");

  const organiser = await createUser(server, { role: "organiser" });
  const worker = await createUser(server, { roles: ["worker"], communityId: "wuxing" });
  const training = await createTraining(organiser.client, { hours: 2 });
  await server.ctx.db
    .insert(checkins)
    .values({ kind: "training", activityId: training.id, userId: worker.user.id, source: "manual" });
  const attended = () =>
    server.ctx.db
      .select({ sourceId: evidence.sourceId })
      .from(evidence)
      .where(and(eq(evidence.userId, worker.user.id), eq(evidence.kind, "attended")));
  expect(await attended()).toEqual([]);

  await last?.seed?.(server.ctx.db, {});
  expect(await attended()).toEqual([{ sourceId: training.id }]);
});
