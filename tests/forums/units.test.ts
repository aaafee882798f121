import { describe, expect, it } from "vitest";
import type { BallotScores, ScoreGroupDef } from "../../shared/forums.ts";
import { archiveScoresCsv } from "../../server/forums/archive.ts";
import { parseRange } from "../../server/files/serve.ts";
import { computeScoreboard } from "../../server/forums/scoreboard.ts";

const all = (n: number): BallotScores => ({
  service: n,
  mobilization: n,
  deliberation: n,
  projectOps: n,
  coordination: n,
  innovation: n,
  overall: n,
});
const meta = { forumId: "f", talkId: "t", roundStatus: "open" as const };
const groups = (w: Record<string, number>): ScoreGroupDef[] =>
  Object.entries(w).map(([id, weight]) => ({ id, name: id, weight }));

describe("computeScoreboard", () => {
  it("has no result without ballots", () => {
    const board = computeScoreboard(meta, groups({ residents: 1, partyMembers: 1, secretaries: 1 }), []);
    expect(board).toMatchObject({ ballots: 0, weighted: null, total: null });
    expect(board.groups.every((g) => g.means === null && g.ballots === 0)).toBe(true);
  });

  it("leaves out groups without ballots and groups weighted zero, instead of counting them as zero", () => {
    const ballots = [
      { scoreGroup: "residents" as const, scores: all(4) },
      { scoreGroup: "secretaries" as const, scores: all(1) },
    ];
    expect(computeScoreboard(meta, groups({ residents: 1, partyMembers: 5, secretaries: 0 }), ballots).total).toBe(4);
    expect(computeScoreboard(meta, groups({ residents: 1, partyMembers: 5, secretaries: 1 }), ballots).total).toBe(2.5);
  });

  it("one loud group cannot drown the others: group means first, then weights", () => {
    const ballots = [
      ...Array.from({ length: 99 }, () => ({ scoreGroup: "residents" as const, scores: all(5) })),
      { scoreGroup: "partyMembers" as const, scores: all(1) },
    ];
    expect(computeScoreboard(meta, groups({ residents: 1, partyMembers: 1, secretaries: 1 }), ballots).total).toBe(3);
  });

  it("counts each group's ballots by how they came in, and leaves out groups the forum no longer has", () => {
    const board = computeScoreboard(meta, groups({ party: 1, public: 1 }), [
      { scoreGroup: "party", mechanism: "printed", scores: all(4) },
      { scoreGroup: "party", mechanism: "venue", scores: all(2) },
      { scoreGroup: "gone", mechanism: "venue", scores: all(1) },
    ]);
    expect(board.groups[0]).toMatchObject({
      group: "party",
      ballots: 2,
      byMechanism: { printed: 1, venue: 1, account: 0 },
      means: { overall: 3 },
    });
    expect(board.ballots).toBe(2);
    expect(board.total).toBe(3);
  });
});

describe("parseRange", () => {
  it("reads the single ranges pdf.js sends and refuses unsatisfiable ones", () => {
    expect(parseRange(undefined, 100)).toBeNull();
    expect(parseRange("bytes=0-9", 100)).toEqual({ start: 0, end: 9 });
    expect(parseRange("bytes=90-", 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange("bytes=-10", 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange("bytes=50-500", 100)).toEqual({ start: 50, end: 99 });
    expect(parseRange("bytes=100-", 100)).toBe("invalid");
    expect(parseRange("bytes=0-1,5-6", 100)).toBeNull();
  });
});

describe("archiveScoresCsv", () => {
  it("neutralises spreadsheet formulas in talk titles and quotes commas", () => {
    const board = computeScoreboard(
      { ...meta, roundStatus: "closed" },
      groups({ residents: 1, partyMembers: 1, secretaries: 1 }),
      [{ scoreGroup: "residents", scores: all(3) }],
    );
    const csv = archiveScoresCsv({
      forum: { talks: [{ id: "t", title: '=HYPERLINK("x")', presenterName: "张, 丽" }] } as never,
      questions: [],
      commitments: [],
      chat: [],
      scoreboards: [board],
    });
    expect(csv).toContain(`"'=HYPERLINK(""x"")","张, 丽",加权结果`);
    expect(csv).not.toMatch(/(^|\n)=/);
  });
});
