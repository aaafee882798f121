ALTER TABLE "forums" ADD COLUMN "street_id" text;--> statement-breakpoint
ALTER TABLE "studios" ADD COLUMN "street_id" text;--> statement-breakpoint
ALTER TABLE "qa_events" ADD COLUMN "street_id" text;--> statement-breakpoint
ALTER TABLE "forums" ADD CONSTRAINT "forums_street_id_streets_id_fk" FOREIGN KEY ("street_id") REFERENCES "public"."streets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "studios" ADD CONSTRAINT "studios_street_id_streets_id_fk" FOREIGN KEY ("street_id") REFERENCES "public"."streets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "qa_events" ADD CONSTRAINT "qa_events_street_id_streets_id_fk" FOREIGN KEY ("street_id") REFERENCES "public"."streets"("id") ON DELETE no action ON UPDATE no action;