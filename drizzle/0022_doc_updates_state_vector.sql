ALTER TABLE "doc_updates" ADD COLUMN "state_vector" "bytea";--> statement-breakpoint
ALTER TABLE "doc_updates" ADD COLUMN "digest" "bytea";