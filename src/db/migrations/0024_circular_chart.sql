-- The circular's chart (issue #22): pictures the bot sends (images, the chart's PNG until it expires) and
-- an outbox row that shows one (outbox.image_id): the picture where the platform shows it, else its caption
-- with a signed link (/images/:id) or a note.
CREATE TABLE "images" (
	"id" serial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"file_name" text NOT NULL,
	"mime" text NOT NULL,
	"size" integer NOT NULL,
	"data" "bytea" NOT NULL,
	"params" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "image_id" integer;--> statement-breakpoint
CREATE INDEX "images_expires_idx" ON "images" USING btree ("expires_at");--> statement-breakpoint
ALTER TABLE "outbox" ADD CONSTRAINT "outbox_image_id_images_id_fk" FOREIGN KEY ("image_id") REFERENCES "public"."images"("id") ON DELETE set null ON UPDATE no action;