-- 督查 (issue #21): inspection rounds (DC-01, per campaign) with the units they visit, their findings
-- (FX-0001) per unit with an optional score; a finding's photos are attachments, and the ledger item
-- it became names it (rectifications.inspection_finding_id, one item per finding).
CREATE TABLE "inspection_findings" (
	"id" serial PRIMARY KEY NOT NULL,
	"round_id" integer NOT NULL,
	"unit_id" integer NOT NULL,
	"content" text NOT NULL,
	"score" double precision,
	"recorded_by" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "inspection_rounds" (
	"id" serial PRIMARY KEY NOT NULL,
	"campaign_id" integer NOT NULL,
	"seq" integer NOT NULL,
	"name" text NOT NULL,
	"date" date NOT NULL,
	"leader_ids" jsonb NOT NULL,
	"checklist" jsonb NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"created_by" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "inspection_units" (
	"round_id" integer NOT NULL,
	"unit_id" integer NOT NULL,
	CONSTRAINT "inspection_units_round_id_unit_id_pk" PRIMARY KEY("round_id","unit_id")
);
--> statement-breakpoint
ALTER TABLE "attachments" ADD COLUMN "inspection_finding_id" integer;--> statement-breakpoint
ALTER TABLE "rectifications" ADD COLUMN "inspection_finding_id" integer;--> statement-breakpoint
ALTER TABLE "inspection_findings" ADD CONSTRAINT "inspection_findings_round_id_inspection_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."inspection_rounds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inspection_findings" ADD CONSTRAINT "inspection_findings_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inspection_findings" ADD CONSTRAINT "inspection_findings_recorded_by_members_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inspection_rounds" ADD CONSTRAINT "inspection_rounds_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inspection_rounds" ADD CONSTRAINT "inspection_rounds_created_by_members_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inspection_units" ADD CONSTRAINT "inspection_units_round_id_inspection_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."inspection_rounds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inspection_units" ADD CONSTRAINT "inspection_units_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "inspection_findings_round_idx" ON "inspection_findings" USING btree ("round_id","unit_id");--> statement-breakpoint
CREATE INDEX "inspection_findings_recorder_idx" ON "inspection_findings" USING btree ("recorded_by","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "inspection_rounds_seq_uq" ON "inspection_rounds" USING btree ("campaign_id","seq");--> statement-breakpoint
CREATE INDEX "inspection_units_unit_idx" ON "inspection_units" USING btree ("unit_id");--> statement-breakpoint
ALTER TABLE "attachments" ADD CONSTRAINT "attachments_inspection_finding_id_inspection_findings_id_fk" FOREIGN KEY ("inspection_finding_id") REFERENCES "public"."inspection_findings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rectifications" ADD CONSTRAINT "rectifications_inspection_finding_id_inspection_findings_id_fk" FOREIGN KEY ("inspection_finding_id") REFERENCES "public"."inspection_findings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "attachments_finding_idx" ON "attachments" USING btree ("inspection_finding_id") WHERE "attachments"."inspection_finding_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "rect_finding_uq" ON "rectifications" USING btree ("inspection_finding_id") WHERE "rectifications"."inspection_finding_id" is not null;