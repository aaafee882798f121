CREATE TABLE "doc_quarantine" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"doc_name" text NOT NULL,
	"data" "bytea" NOT NULL,
	"error" text NOT NULL,
	"stored_at" timestamp with time zone NOT NULL,
	"quarantined_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "doc_quarantine_doc_idx" ON "doc_quarantine" USING btree ("doc_name","id");