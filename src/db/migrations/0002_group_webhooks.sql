ALTER TABLE "groups" ADD COLUMN "webhook_kind" text;--> statement-breakpoint
ALTER TABLE "groups" ADD COLUMN "webhook_url" text;--> statement-breakpoint
ALTER TABLE "groups" ADD COLUMN "webhook_secret" text;