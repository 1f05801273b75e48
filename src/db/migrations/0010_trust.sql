CREATE TABLE "bind_locks" (
	"member_id" integer PRIMARY KEY NOT NULL,
	"locked_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "bind_requests" (
	"id" serial PRIMARY KEY NOT NULL,
	"platform" text NOT NULL,
	"platform_user_id" text NOT NULL,
	"member_id" integer NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decided_by" integer,
	"decided_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "bind_attempts" ADD COLUMN "target_member_id" integer;--> statement-breakpoint
ALTER TABLE "feedback" ADD COLUMN "code" text;--> statement-breakpoint
ALTER TABLE "bind_locks" ADD CONSTRAINT "bind_locks_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bind_requests" ADD CONSTRAINT "bind_requests_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bind_requests" ADD CONSTRAINT "bind_requests_decided_by_members_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "bind_requests_status_idx" ON "bind_requests" USING btree ("status","created_at");--> statement-breakpoint
ALTER TABLE "bind_attempts" ADD CONSTRAINT "bind_attempts_target_member_id_members_id_fk" FOREIGN KEY ("target_member_id") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "bind_attempts_target_idx" ON "bind_attempts" USING btree ("target_member_id","created_at");--> statement-breakpoint
ALTER TABLE "feedback" ADD CONSTRAINT "feedback_code_unique" UNIQUE("code");