-- An agent's tokens carry the version they were issued under; rotating the secret bumps it, so
-- tokens made with the old secret stop working at once (existing tokens carry none and count as 1).
ALTER TABLE "agents" ADD COLUMN "credential_version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
-- A console sign-in is a row here: Auth.js's session cookie is a stateless JWT, so signing out
-- must mark it ended server-side for /api/v1 and the console socket to refuse the saved cookie.
CREATE TABLE "console_sessions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone
);--> statement-breakpoint
ALTER TABLE "console_sessions" ADD CONSTRAINT "console_sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "console_sessions_user" ON "console_sessions" USING btree ("user_id");
