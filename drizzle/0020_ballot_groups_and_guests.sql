CREATE TABLE "forum_ballot_codes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"forum_id" uuid NOT NULL,
	"code" text NOT NULL,
	"score_group" text NOT NULL,
	"guest_id" uuid,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"used_at" timestamp with time zone,
	CONSTRAINT "forum_ballot_codes_code_unique" UNIQUE("code"),
	CONSTRAINT "forum_ballot_codes_guest_id_unique" UNIQUE("guest_id")
);
--> statement-breakpoint
CREATE TABLE "forum_guest_sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"guest_id" uuid NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "forum_guests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"forum_id" uuid NOT NULL,
	"score_group" text NOT NULL,
	"mechanism" text NOT NULL,
	"device_token_hash" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "forum_guests_device_token_hash_unique" UNIQUE("device_token_hash")
);
--> statement-breakpoint
ALTER TABLE "forum_ballots" DROP CONSTRAINT "forum_ballots_user_id_users_id_fk";
--> statement-breakpoint
ALTER TABLE "forum_question_votes" DROP CONSTRAINT "forum_question_votes_user_id_users_id_fk";
--> statement-breakpoint
ALTER TABLE "forum_questions" DROP CONSTRAINT "forum_questions_author_id_users_id_fk";
--> statement-breakpoint
ALTER TABLE "forum_ballots" ADD COLUMN "mechanism" text DEFAULT 'account' NOT NULL;--> statement-breakpoint
ALTER TABLE "forums" ADD COLUMN "score_groups" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "forums" ADD COLUMN "peer_scoring" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "forums" ADD COLUMN "venue_code" text;--> statement-breakpoint
ALTER TABLE "forums" ADD COLUMN "venue_caps" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "forum_ballot_codes" ADD CONSTRAINT "forum_ballot_codes_forum_id_forums_id_fk" FOREIGN KEY ("forum_id") REFERENCES "public"."forums"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "forum_ballot_codes" ADD CONSTRAINT "forum_ballot_codes_guest_id_forum_guests_id_fk" FOREIGN KEY ("guest_id") REFERENCES "public"."forum_guests"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "forum_guest_sessions" ADD CONSTRAINT "forum_guest_sessions_guest_id_forum_guests_id_fk" FOREIGN KEY ("guest_id") REFERENCES "public"."forum_guests"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "forum_guests" ADD CONSTRAINT "forum_guests_forum_id_forums_id_fk" FOREIGN KEY ("forum_id") REFERENCES "public"."forums"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "forum_ballot_codes_forum_idx" ON "forum_ballot_codes" USING btree ("forum_id");--> statement-breakpoint
CREATE INDEX "forum_guest_sessions_guest_idx" ON "forum_guest_sessions" USING btree ("guest_id");--> statement-breakpoint
CREATE INDEX "forum_guests_forum_idx" ON "forum_guests" USING btree ("forum_id","score_group");--> statement-breakpoint
-- 现场评议 data: the old weights move to the new groups before the weights column goes.
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
--> statement-breakpoint
ALTER TABLE "forums" DROP COLUMN "weights";--> statement-breakpoint
ALTER TABLE "forums" ADD CONSTRAINT "forums_venue_code_unique" UNIQUE("venue_code");