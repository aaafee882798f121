/**
 * A fresh demo's 成长档案 are full on the first visit: the evidence of the seeded trainings is derived
 * while seeding, not by the rescan that runs some seconds after each start.
 */
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { users } from "../../server/auth/schema.ts";
import { seedDemo } from "../../server/db/seed.ts";
import { evidence } from "../../server/evidence/schema.ts";
import { createFeatures } from "../../server/features.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

it("seeding the demo fills the demo workers' records before anyone opens them", async () => {
  expect(await seedDemo(server.ctx.db, server.ctx.log, createFeatures())).toBe(true);
  const [worker] = await server.ctx.db.select().from(users).where(eq(users.username, "worker1"));
  const attended = await server.ctx.db
    .select({ title: evidence.title })
    .from(evidence)
    .where(and(eq(evidence.userId, worker!.id), eq(evidence.kind, "attended")));
  expect(attended.map((item) => item.title)).toContain("社区协商议事实务专题培训");
});
