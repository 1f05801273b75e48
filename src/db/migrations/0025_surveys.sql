-- 满意度测评 / 民主评议 / 群众评议 (issue #23): surveys (S-01) per campaign with a questionnaire per unit and
-- weighted respondent groups; anonymous ballots (random id, the day only, nobody named); unused one-time
-- ballot codes (hashes, deleted when used); and who in the directory answered in chat (no ballot id).
CREATE TABLE "survey_answered" (
	"survey_id" integer NOT NULL,
	"unit_id" integer NOT NULL,
	"member_id" integer NOT NULL,
	CONSTRAINT "survey_answered_survey_id_unit_id_member_id_pk" PRIMARY KEY("survey_id","unit_id","member_id")
);
--> statement-breakpoint
CREATE TABLE "survey_ballots" (
	"id" integer PRIMARY KEY NOT NULL,
	"survey_id" integer NOT NULL,
	"unit_id" integer NOT NULL,
	"group_name" text NOT NULL,
	"answers" jsonb NOT NULL,
	"comment" text,
	"answered_on" date NOT NULL
);
--> statement-breakpoint
CREATE TABLE "survey_codes" (
	"code_hash" text PRIMARY KEY NOT NULL,
	"survey_id" integer NOT NULL,
	"unit_id" integer NOT NULL,
	"group_name" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "survey_units" (
	"survey_id" integer NOT NULL,
	"unit_id" integer NOT NULL,
	"questions" jsonb NOT NULL,
	CONSTRAINT "survey_units_survey_id_unit_id_pk" PRIMARY KEY("survey_id","unit_id")
);
--> statement-breakpoint
CREATE TABLE "surveys" (
	"id" serial PRIMARY KEY NOT NULL,
	"campaign_id" integer NOT NULL,
	"seq" integer NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"deadline" date NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"mode" text DEFAULT 'open' NOT NULL,
	"threshold" double precision DEFAULT 80 NOT NULL,
	"items" jsonb NOT NULL,
	"groups" jsonb NOT NULL,
	"round" integer DEFAULT 1 NOT NULL,
	"parent_id" integer,
	"created_by" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"opened_on" date,
	"closed_on" date
);
--> statement-breakpoint
ALTER TABLE "survey_answered" ADD CONSTRAINT "survey_answered_survey_id_surveys_id_fk" FOREIGN KEY ("survey_id") REFERENCES "public"."surveys"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_answered" ADD CONSTRAINT "survey_answered_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_answered" ADD CONSTRAINT "survey_answered_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_ballots" ADD CONSTRAINT "survey_ballots_survey_id_surveys_id_fk" FOREIGN KEY ("survey_id") REFERENCES "public"."surveys"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_ballots" ADD CONSTRAINT "survey_ballots_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_codes" ADD CONSTRAINT "survey_codes_survey_id_surveys_id_fk" FOREIGN KEY ("survey_id") REFERENCES "public"."surveys"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_codes" ADD CONSTRAINT "survey_codes_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_units" ADD CONSTRAINT "survey_units_survey_id_surveys_id_fk" FOREIGN KEY ("survey_id") REFERENCES "public"."surveys"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_units" ADD CONSTRAINT "survey_units_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "surveys" ADD CONSTRAINT "surveys_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "surveys" ADD CONSTRAINT "surveys_parent_id_surveys_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."surveys"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "surveys" ADD CONSTRAINT "surveys_created_by_members_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "survey_ballots_unit_idx" ON "survey_ballots" USING btree ("survey_id","unit_id");--> statement-breakpoint
CREATE INDEX "survey_codes_survey_idx" ON "survey_codes" USING btree ("survey_id","unit_id");--> statement-breakpoint
CREATE UNIQUE INDEX "surveys_seq_uq" ON "surveys" USING btree ("campaign_id","seq");