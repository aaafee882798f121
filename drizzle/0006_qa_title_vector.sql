ALTER TABLE "qa_questions" ADD COLUMN "title_vector" "tsvector" DEFAULT ''::tsvector NOT NULL;--> statement-breakpoint
CREATE INDEX "qa_questions_title_search_idx" ON "qa_questions" USING gin ("title_vector");--> statement-breakpoint
CREATE INDEX "qa_questions_title_lower_idx" ON "qa_questions" USING btree (lower("title"));--> statement-breakpoint
CREATE INDEX "qa_questions_created_idx" ON "qa_questions" USING btree ("created_at");