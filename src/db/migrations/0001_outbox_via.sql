ALTER TABLE "outbox" ADD COLUMN "via" text;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "failure_reported" boolean DEFAULT false NOT NULL;