-- Tasks aimed at the right people (issue #21): the 名单's 党员, 班子成员 and 联络员 per person and 单位类型
-- per unit; a task's 对象 may be a unit type (tasks.unit_kind with audience 'units').
ALTER TABLE "members" ADD COLUMN "party_member" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "members" ADD COLUMN "leadership" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "members" ADD COLUMN "liaison" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "unit_kind" text;--> statement-breakpoint
ALTER TABLE "units" ADD COLUMN "kind" text;