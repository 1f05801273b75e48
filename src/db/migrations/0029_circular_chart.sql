-- The circular's chart (issue #22): an outbox row may carry an image (outbox.image_id, a PNG kept in
-- export_files like an export's file) that the platform shows as a picture, or a link/note where it cannot.
ALTER TABLE "outbox" ADD COLUMN "image_id" integer;--> statement-breakpoint
ALTER TABLE "outbox" ADD CONSTRAINT "outbox_image_id_export_files_id_fk" FOREIGN KEY ("image_id") REFERENCES "public"."export_files"("id") ON DELETE set null ON UPDATE no action;