import { readFileSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { afterAll, describe, expect, it } from "vitest";

/**
 * The data migration of 现场评议: forums made with the old three groups (居民群众 / 党员 / 同行书记)
 * keep their weights under the plan's groups, and their ballots and frozen boards follow. Applies the
 * real migration files, found by name so renumbering does not matter; the 现场评议 migration is
 * applied in two parts, the old rows going in just before its data step.
 */
const folder = new URL("../../drizzle/", import.meta.url);
const journal = JSON.parse(readFileSync(new URL("meta/_journal.json", folder), "utf8")) as {
  entries: { tag: string }[];
};
const tags = journal.entries.map((e) => e.tag);
const dataStep = tags.findIndex((t) => t.endsWith("_ballot_groups_and_guests"));
const DATA_MARKER = "-- 现场评议 data:";

const db = new PGlite();
afterAll(() => db.close());

async function run(sql: string) {
  for (const statement of sql.split("--> statement-breakpoint")) {
    if (statement.trim()) await db.exec(statement);
  }
}
const read = (tag: string) => readFileSync(new URL(`${tag}.sql`, folder), "utf8");
const apply = (tag: string) => run(read(tag));

describe("migrating old group weights", () => {
  it("moves residents → 群众代表, partyMembers → 党员代表, secretaries → 同行书记 with their weights", async () => {
    expect(dataStep).toBeGreaterThan(0);
    for (const tag of tags.slice(0, dataStep)) await apply(tag);
    const [schemaPart, dataPart] = read(tags[dataStep]!).split(DATA_MARKER);
    expect(dataPart).toBeDefined();
    await run(schemaPart!);
    const board = {
      forumId: "x",
      talkId: "y",
      roundStatus: "closed",
      ballots: 3,
      groups: [
        { group: "residents", weight: 3, ballots: 2, means: null },
        { group: "partyMembers", weight: 2, ballots: 1, means: null },
        { group: "secretaries", weight: 0.5, ballots: 0, means: null },
      ],
      weighted: null,
      total: 4.5,
    };
    await db.exec(`
      INSERT INTO users (id, username, display_name, password_hash) VALUES ('00000000-0000-4000-8000-000000000001', 'host', '主持人', 'x');
      INSERT INTO forums (id, title, mode, starts_at, host_id, weights)
        VALUES ('00000000-0000-4000-8000-000000000002', '旧论坛', 'examination', now(), '00000000-0000-4000-8000-000000000001',
                '{"residents": 3, "partyMembers": 2, "secretaries": 0.5}');
      INSERT INTO forum_talks (id, forum_id, position, title, presenter_id, round_status, frozen_scoreboard)
        VALUES ('00000000-0000-4000-8000-000000000003', '00000000-0000-4000-8000-000000000002', 1, '发言', '00000000-0000-4000-8000-000000000001',
                'closed', '${JSON.stringify(board)}');
      INSERT INTO forum_ballots (talk_id, user_id, forum_id, score_group, scores) VALUES
        ('00000000-0000-4000-8000-000000000003', '00000000-0000-4000-8000-000000000011', '00000000-0000-4000-8000-000000000002', 'residents', '{}'),
        ('00000000-0000-4000-8000-000000000003', '00000000-0000-4000-8000-000000000012', '00000000-0000-4000-8000-000000000002', 'partyMembers', '{}'),
        ('00000000-0000-4000-8000-000000000003', '00000000-0000-4000-8000-000000000013', '00000000-0000-4000-8000-000000000002', 'secretaries', '{}');
    `);
    await run(DATA_MARKER + dataPart!);
    for (const tag of tags.slice(dataStep + 1)) await apply(tag);

    const forum = (
      await db.query<{ score_groups: unknown; peer_scoring: boolean }>("SELECT score_groups, peer_scoring FROM forums")
    ).rows[0]!;
    expect(forum.score_groups).toEqual([
      { id: "party", name: "党员代表", weight: 2 },
      { id: "residentReps", name: "居民代表", weight: 1 },
      { id: "enterprise", name: "列席企业代表", weight: 1 },
      { id: "public", name: "群众代表", weight: 3 },
      { id: "secretaries", name: "同行书记", weight: 0.5 },
    ]);
    expect(forum.peer_scoring).toBe(true);
    const ballots = (
      await db.query<{ score_group: string; mechanism: string }>(
        "SELECT score_group, mechanism FROM forum_ballots ORDER BY user_id",
      )
    ).rows;
    expect(ballots).toEqual([
      { score_group: "public", mechanism: "account" },
      { score_group: "party", mechanism: "account" },
      { score_group: "secretaries", mechanism: "account" },
    ]);
    const frozen = (await db.query<{ frozen_scoreboard: typeof board }>("SELECT frozen_scoreboard FROM forum_talks"))
      .rows[0]!.frozen_scoreboard;
    expect(frozen.total).toBe(4.5);
    expect(frozen.groups).toEqual([
      {
        group: "public",
        name: "群众代表",
        weight: 3,
        ballots: 2,
        byMechanism: { printed: 0, venue: 0, account: 2 },
        means: null,
      },
      {
        group: "party",
        name: "党员代表",
        weight: 2,
        ballots: 1,
        byMechanism: { printed: 0, venue: 0, account: 1 },
        means: null,
      },
      {
        group: "secretaries",
        name: "同行书记",
        weight: 0.5,
        ballots: 0,
        byMechanism: { printed: 0, venue: 0, account: 0 },
        means: null,
      },
    ]);
    const columns = (
      await db.query<{ column_name: string }>(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'forums'",
      )
    ).rows;
    expect(columns.map((c) => c.column_name)).not.toContain("weights");
  }, 180_000);
});
