import {
  BALLOT_MECHANISMS,
  type BallotMechanism,
  type BallotScores,
  type RoundStatus,
  SCORE_ITEMS,
  type ScoreGroupDef,
  type ScoreGroup,
  type ScoreGroupResult,
  type Scoreboard,
  type ScoreItem,
} from "../../shared/forums.ts";

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * The weighted group scoreboard of one talk. Each group's mean is taken over its own ballots, then
 * groups are combined by the forum's weights — so a hall full of one group cannot drown the
 * others. Groups without ballots drop out of the weighting rather than counting as zero. Ballots of
 * a group the forum no longer has are not counted.
 */
export function computeScoreboard(
  meta: { forumId: string; talkId: string; roundStatus: RoundStatus },
  groupDefs: ScoreGroupDef[],
  ballots: { scoreGroup: ScoreGroup; mechanism?: BallotMechanism; scores: BallotScores }[],
): Scoreboard {
  const groups: ScoreGroupResult[] = groupDefs.map(({ id: group, name, weight }) => {
    const mine = ballots.filter((b) => b.scoreGroup === group);
    const byMechanism = Object.fromEntries(
      BALLOT_MECHANISMS.map((m) => [m, mine.filter((b) => (b.mechanism ?? "account") === m).length]),
    ) as Record<BallotMechanism, number>;
    const means = mine.length
      ? (Object.fromEntries(
          SCORE_ITEMS.map((item) => [item, mine.reduce((sum, b) => sum + b.scores[item], 0) / mine.length]),
        ) as Record<ScoreItem, number>)
      : null;
    return { group, name, weight, ballots: mine.length, byMechanism, means };
  });

  const counted = groups.filter((g) => g.means && g.weight > 0);
  const weightSum = counted.reduce((sum, g) => sum + g.weight, 0);
  let weighted: Record<ScoreItem, number> | null = null;
  let total: number | null = null;
  if (weightSum > 0) {
    const exact = Object.fromEntries(
      SCORE_ITEMS.map((item) => [item, counted.reduce((sum, g) => sum + g.weight * g.means![item], 0) / weightSum]),
    ) as Record<ScoreItem, number>;
    total = round2(SCORE_ITEMS.reduce((sum, item) => sum + exact[item], 0) / SCORE_ITEMS.length);
    weighted = Object.fromEntries(SCORE_ITEMS.map((item) => [item, round2(exact[item])])) as Record<ScoreItem, number>;
  }
  return {
    ...meta,
    ballots: groups.reduce((sum, g) => sum + g.ballots, 0),
    groups: groups.map((g) => ({
      ...g,
      means: g.means
        ? (Object.fromEntries(SCORE_ITEMS.map((item) => [item, round2(g.means![item])])) as Record<ScoreItem, number>)
        : null,
    })),
    weighted,
    total,
  };
}
