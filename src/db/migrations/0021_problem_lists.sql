-- 问题清单 (issue #21): units send in their own problems (上报), which wait for the office (待审核)
-- in rect_proposals, apart from the ledger, until approved into a rectification item; evidence
-- (佐证材料) sent with 整改 完成 is an attachment linked to the item and that history entry; an
-- item keeps the 责任人 its unit named (owner_name).
CREATE TABLE "rect_proposals" (
	"id" serial PRIMARY KEY NOT NULL,
	"campaign_id" integer,
	"unit_id" integer NOT NULL,
	"member_id" integer NOT NULL,
	"problem" text NOT NULL,
	"measures" text NOT NULL,
	"deadline" date NOT NULL,
	"owner_name" text,
	"owner_member_id" integer,
	"category" text,
	"status" text DEFAULT 'pending' NOT NULL,
	"file_name" text,
	"line" integer,
	"rounds" integer DEFAULT 1 NOT NULL,
	"comment" text,
	"reviewed_by" integer,
	"reviewed_at" timestamp with time zone,
	"rectification_id" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "attachments" ADD COLUMN "rectification_id" integer;--> statement-breakpoint
ALTER TABLE "attachments" ADD COLUMN "rect_history_id" integer;--> statement-breakpoint
ALTER TABLE "rectifications" ADD COLUMN "owner_name" text;--> statement-breakpoint
ALTER TABLE "rect_proposals" ADD CONSTRAINT "rect_proposals_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rect_proposals" ADD CONSTRAINT "rect_proposals_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rect_proposals" ADD CONSTRAINT "rect_proposals_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rect_proposals" ADD CONSTRAINT "rect_proposals_owner_member_id_members_id_fk" FOREIGN KEY ("owner_member_id") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rect_proposals" ADD CONSTRAINT "rect_proposals_reviewed_by_members_id_fk" FOREIGN KEY ("reviewed_by") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rect_proposals" ADD CONSTRAINT "rect_proposals_rectification_id_rectifications_id_fk" FOREIGN KEY ("rectification_id") REFERENCES "public"."rectifications"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "rect_proposals_unit_idx" ON "rect_proposals" USING btree ("unit_id","status");--> statement-breakpoint
CREATE INDEX "rect_proposals_status_idx" ON "rect_proposals" USING btree ("status","id");--> statement-breakpoint
CREATE UNIQUE INDEX "rect_proposals_rect_uq" ON "rect_proposals" USING btree ("rectification_id") WHERE "rect_proposals"."rectification_id" is not null;--> statement-breakpoint
ALTER TABLE "attachments" ADD CONSTRAINT "attachments_rectification_id_rectifications_id_fk" FOREIGN KEY ("rectification_id") REFERENCES "public"."rectifications"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attachments" ADD CONSTRAINT "attachments_rect_history_id_rectification_history_id_fk" FOREIGN KEY ("rect_history_id") REFERENCES "public"."rectification_history"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "attachments_rect_idx" ON "attachments" USING btree ("rectification_id");