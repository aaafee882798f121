-- 现场评议: the old three groups move to the plan's groups, each keeping the weight it had.
-- residents → 群众代表 (public), partyMembers → 党员代表 (party), secretaries → 同行书记 (secretaries);
-- 居民代表 and 列席企业代表 are new (weight 1; they had no ballots). Existing forums keep 同行书记 scoring,
-- since secretaries scored in them.
UPDATE "forums" SET
  "score_groups" = jsonb_build_array(
    jsonb_build_object('id', 'party', 'name', '党员代表', 'weight', COALESCE(("weights"->>'partyMembers')::numeric, 1)),
    jsonb_build_object('id', 'residentReps', 'name', '居民代表', 'weight', 1),
    jsonb_build_object('id', 'enterprise', 'name', '列席企业代表', 'weight', 1),
    jsonb_build_object('id', 'public', 'name', '群众代表', 'weight', COALESCE(("weights"->>'residents')::numeric, 1)),
    jsonb_build_object('id', 'secretaries', 'name', '同行书记', 'weight', COALESCE(("weights"->>'secretaries')::numeric, 1))
  ),
  "peer_scoring" = true
WHERE "weights" IS NOT NULL AND "score_groups" = '[]'::jsonb;
--> statement-breakpoint
UPDATE "forum_ballots" SET "score_group" = CASE "score_group"
  WHEN 'residents' THEN 'public'
  WHEN 'partyMembers' THEN 'party'
  ELSE "score_group" END,
  "mechanism" = 'account'
WHERE "score_group" IN ('residents', 'partyMembers');
--> statement-breakpoint
-- frozen boards keep their figures; each group entry gets its new id, its name and its ballots by mechanism
UPDATE "forum_talks" SET "frozen_scoreboard" = jsonb_set("frozen_scoreboard", '{groups}', (
  SELECT COALESCE(jsonb_agg(
    g || jsonb_build_object(
      'group', CASE g->>'group' WHEN 'residents' THEN 'public' WHEN 'partyMembers' THEN 'party' ELSE g->>'group' END,
      'name', CASE g->>'group' WHEN 'residents' THEN '群众代表' WHEN 'partyMembers' THEN '党员代表' WHEN 'secretaries' THEN '同行书记' ELSE g->>'group' END,
      'byMechanism', jsonb_build_object('printed', 0, 'venue', 0, 'account', COALESCE((g->>'ballots')::int, 0))
    ) ORDER BY ord), '[]'::jsonb)
  FROM jsonb_array_elements("frozen_scoreboard"->'groups') WITH ORDINALITY AS e(g, ord)
))
WHERE "frozen_scoreboard" IS NOT NULL AND NOT ("frozen_scoreboard"->'groups'->0 ? 'name');
