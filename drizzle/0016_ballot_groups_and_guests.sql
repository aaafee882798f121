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
ALTER TABLE "forums" ALTER COLUMN "weights" DROP NOT NULL;--> statement-breakpoint
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
ALTER TABLE "forums" ADD CONSTRAINT "forums_venue_code_unique" UNIQUE("venue_code");