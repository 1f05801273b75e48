-- The database functions are kept as source files (src/db/functions/NN_name.sql) and applied after
-- the migrations whenever a file's content changes (src/db/sql-functions.ts). This records which
-- content each one was last applied from. It sits beside drizzle's own migration record: schema
-- bookkeeping, not data, so backups leave it out and a restore starts it afresh.
CREATE TABLE "drizzle"."sql_functions" (
	"name" text PRIMARY KEY NOT NULL,
	"sha256" text NOT NULL,
	"applied_at" timestamp with time zone DEFAULT now() NOT NULL
);
