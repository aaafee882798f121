ALTER TABLE "studio_members" ADD COLUMN "joined_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "studio_members" ADD COLUMN "left_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "studios" ADD COLUMN "kind" text DEFAULT 'mentor' NOT NULL;