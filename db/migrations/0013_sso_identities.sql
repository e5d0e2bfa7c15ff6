-- A user's single sign-on identities: the provider's issuer and its subject ("sub") name one
-- person for good (an e-mail address can change hands), so a returning user is found by this link.
CREATE TABLE "sso_identities" (
	"issuer" text NOT NULL,
	"subject" text NOT NULL,
	"user_id" uuid NOT NULL,
	"email" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_sign_in_at" timestamp with time zone,
	CONSTRAINT "sso_identities_issuer_subject_pk" PRIMARY KEY("issuer","subject")
);--> statement-breakpoint
ALTER TABLE "sso_identities" ADD CONSTRAINT "sso_identities_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "sso_identities_user" ON "sso_identities" USING btree ("user_id");--> statement-breakpoint
-- How a console sign-in met the MFA policy: the identity provider asserted MFA (amr), or the user
-- still owes their one-time code after signing in with a provider that didn't.
ALTER TABLE "console_sessions" ADD COLUMN "idp_mfa" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "console_sessions" ADD COLUMN "mfa_pending" boolean DEFAULT false NOT NULL;
