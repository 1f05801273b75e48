-- A check-in has one shape in SQL: record_checkin and checkin_message take it as one jsonb object
-- (the same object checkin_messages takes a list of), and a message is claimed by one function,
-- claim_message, on every path. The functions' argument lists change, which CREATE OR REPLACE
-- cannot do: the old forms go here and src/db/functions/ creates the new ones after the migrations.
DROP FUNCTION IF EXISTS "checkin_messages"(jsonb);--> statement-breakpoint
DROP FUNCTION IF EXISTS "checkin_message"(text, text, date, int, int, int, int, int, int, text, date, int, text, text, text, text, int, text, text, timestamptz, jsonb, int, int, int, date, int);--> statement-breakpoint
DROP FUNCTION IF EXISTS "record_checkin"(int, int, int, int, text, date, int, text, text, text, text, int, text, text, timestamptz, jsonb, int, int, int, date, int);--> statement-breakpoint
DELETE FROM "drizzle"."sql_functions" WHERE "name" IN ('checkin_messages', 'checkin_message', 'record_checkin');
