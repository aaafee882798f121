import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../server/db/client.ts";
import { msUntilNight, vacuumEmbedded } from "../../server/db/maintenance.ts";
import { createUser } from "../helpers/clients.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

describe("the nightly hour", () => {
  it("is the next 03:00 in the district (19:00 UTC), never now", () => {
    const hours = (iso: string) => msUntilNight(new Date(iso)) / 3_600_000;
    expect(hours("2026-12-02T06:00:00Z")).toBe(13);
    expect(hours("2026-12-02T18:30:00Z")).toBe(0.5);
    expect(hours("2026-12-02T19:00:00Z")).toBe(24);
    expect(hours("2026-12-31T20:00:00Z")).toBe(23);
  });
});

describe("the embedded database's vacuum", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.close());

  const stats = async () => {
    const [row] = await queryRows<{ vacuums: number; analyses: number }>(
      server.ctx.db,
      sql`select coalesce(vacuum_count, 0)::int as vacuums, coalesce(analyze_count, 0)::int as analyses
          from pg_stat_user_tables where relname = 'users'`,
    );
    return { vacuums: Number(row?.vacuums ?? 0), analyses: Number(row?.analyses ?? 0) };
  };

  it("vacuums and analyses every table, and the server answers as before", async () => {
    // PGlite runs no autovacuum: its counts move only when we vacuum (PostgreSQL's may move by themselves)
    const before = await stats();
    await vacuumEmbedded(server.ctx);
    if (server.ctx.dbKind === "pglite") {
      expect(await stats()).toEqual({ vacuums: before.vacuums + 1, analyses: before.analyses + 1 });
    }
    const user = await createUser(server);
    expect((await user.client.get("/api/me")).status).toBe(200);
  });
});
