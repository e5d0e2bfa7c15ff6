-- Delayed tasks wait as 'scheduled' until available_at; only the promoter reads this index.
CREATE INDEX "tasks_scheduled_due" ON "tasks" USING btree ("available_at") WHERE status = 'scheduled';--> statement-breakpoint
CREATE TABLE "schedules" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"department_id" text NOT NULL REFERENCES "departments"("id"),
	"cron" text NOT NULL,
	"timezone" text DEFAULT 'UTC' NOT NULL,
	"task" jsonb NOT NULL,
	"overlap" text DEFAULT 'allow' NOT NULL,
	"catch_up" text DEFAULT 'latest' NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"next_fire_at" timestamp (6) with time zone,
	"last_fired_at" timestamp (6) with time zone,
	"created_by" text,
	"created_at" timestamp (6) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (6) with time zone DEFAULT now() NOT NULL
);--> statement-breakpoint
CREATE INDEX "schedules_due" ON "schedules" USING btree ("next_fire_at") WHERE enabled;--> statement-breakpoint
CREATE INDEX "schedules_department_created" ON "schedules" USING btree ("department_id","created_at");--> statement-breakpoint
-- One row per (schedule, fire time): the claim that makes each firing create one task, however
-- many processes run the firing loop. Deleting a schedule keeps its tasks (schedule_id set null).
CREATE TABLE "schedule_firings" (
	"schedule_id" uuid NOT NULL REFERENCES "schedules"("id") ON DELETE CASCADE,
	"fire_time" timestamp (6) with time zone NOT NULL,
	"task_id" uuid,
	"outcome" text NOT NULL,
	"manual" boolean DEFAULT false NOT NULL,
	"fired_at" timestamp (6) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "schedule_firings_pk" PRIMARY KEY ("schedule_id","fire_time")
);--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "schedule_id" uuid REFERENCES "schedules"("id") ON DELETE SET NULL;--> statement-breakpoint
CREATE INDEX "tasks_schedule" ON "tasks" USING btree ("schedule_id","created_at") WHERE schedule_id is not null;
