-- 任务与提交: a submission is reviewed (通过 / 退回修改 with a comment) by the office, a leader for the
-- units they lead or a head for their unit. A resubmission is a new row, so every version is kept.
ALTER TABLE "submissions" ADD COLUMN "review_status" text DEFAULT 'submitted' NOT NULL;--> statement-breakpoint
ALTER TABLE "submissions" ADD COLUMN "reviewed_by" integer;--> statement-breakpoint
ALTER TABLE "submissions" ADD COLUMN "reviewed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "submissions" ADD COLUMN "review_comment" text;--> statement-breakpoint
ALTER TABLE "submissions" ADD CONSTRAINT "submissions_reviewed_by_members_id_fk" FOREIGN KEY ("reviewed_by") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;