-- The plan at once (issue #21): phases may overlap, so more than one may be open (phases_one_open_uq
-- goes); a phase keeps its 工作内容 and 工作标准 from the plan, and the day its start was announced
-- (the phase-schedule job announces a phase on its start date unless a command already did).
DROP INDEX "phases_one_open_uq";--> statement-breakpoint
ALTER TABLE "phases" ADD COLUMN "work_content" text;--> statement-breakpoint
ALTER TABLE "phases" ADD COLUMN "work_standard" text;--> statement-breakpoint
ALTER TABLE "phases" ADD COLUMN "announced_on" date;--> statement-breakpoint
CREATE INDEX "phases_campaign_idx" ON "phases" USING btree ("campaign_id","status");--> statement-breakpoint
-- Phases opened before this were announced when they were opened.
UPDATE "phases" SET "announced_on" = ("created_at" AT TIME ZONE 'Asia/Shanghai')::date;
