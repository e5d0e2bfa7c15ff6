-- The TOTP time step last accepted per user: a code is good for one login, not for its whole window.
ALTER TABLE "users" ADD COLUMN IF NOT EXISTS "last_totp_step" bigint;--> statement-breakpoint
-- Failed logins per unknown username, counted like an account's own, so unknown names lock too.
CREATE TABLE IF NOT EXISTS "login_name_failures" (
	"username" text PRIMARY KEY NOT NULL,
	"failed_attempts" integer DEFAULT 0 NOT NULL,
	"locked_until" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "login_name_failures_updated" ON "login_name_failures" USING btree ("updated_at");--> statement-breakpoint
-- Fixed-window failure counters shared by every server process (per address, per agent).
CREATE TABLE IF NOT EXISTS "auth_throttle" (
	"key" text PRIMARY KEY NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"count" integer DEFAULT 0 NOT NULL
);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "auth_throttle_window" ON "auth_throttle" USING btree ("window_start");
