import {
  type BallotScores,
  type GroupWeights,
  type RoundStatus,
  SCORE_GROUPS,
  SCORE_ITEMS,
  type ScoreGroup,
  type ScoreGroupResult,
  type Scoreboard,
  type ScoreItem,
} from "../../shared/forums.ts";

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * The weighted group scoreboard of one talk. Each group's mean is taken over its own ballots, then
 * groups are combined by the forum's weights — so a hall full of one group cannot drown the
 * others. Groups without ballots drop out of the weighting rather than counting as zero.
 */
export function computeScoreboard(
  meta: { forumId: string; talkId: string; roundStatus: RoundStatus },
  weights: GroupWeights,
  ballots: { scoreGroup: ScoreGroup; scores: BallotScores }[],
): Scoreboard {
  const groups: ScoreGroupResult[] = SCORE_GROUPS.map((group) => {
    const mine = ballots.filter((b) => b.scoreGroup === group);
    const means = mine.length
      ? (Object.fromEntries(
          SCORE_ITEMS.map((item) => [item, mine.reduce((sum, b) => sum + b.scores[item], 0) / mine.length]),
        ) as Record<ScoreItem, number>)
      : null;
    return { group, weight: weights[group], ballots: mine.length, means };
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
    ballots: ballots.length,
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
