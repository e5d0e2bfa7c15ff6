-- One row per attempt at a task: who ran it, when, how it ended. Opened by the trigger below at
-- every hand-out (whichever statement hands out: create, dispatch batch, single, with grants);
-- closed by the statement that ends the attempt, which alone knows why it ended.
CREATE TABLE "task_attempts" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "task_attempts_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"task_id" uuid NOT NULL,
	"attempt" integer NOT NULL,
	"agent_id" uuid,
	"started_at" timestamp (6) with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp (6) with time zone,
	"outcome" text,
	"error" text
);--> statement-breakpoint
ALTER TABLE "task_attempts" ADD CONSTRAINT "task_attempts_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "task_attempts_task" ON "task_attempts" USING btree ("task_id","attempt");--> statement-breakpoint
-- At most one attempt open per task: closing "the open attempt" is then exact.
CREATE UNIQUE INDEX "task_attempts_open" ON "task_attempts" USING btree ("task_id") WHERE ended_at is null;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "status_reason" text;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "dependency_policy" text DEFAULT 'cancel' NOT NULL;--> statement-breakpoint
-- Dependants of a task, found when it fails (cascade); depends_on never changes, so this index
-- costs nothing on the status updates that stay heap-only.
CREATE INDEX "tasks_depends_on" ON "tasks" USING gin ("depends_on") WHERE cardinality(depends_on) > 0;--> statement-breakpoint
CREATE OR REPLACE FUNCTION "task_attempt_open"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' OR OLD.status IS DISTINCT FROM 'assigned' THEN
    -- A hand-out while an attempt is still open means the last one ended unrecorded.
    UPDATE task_attempts SET ended_at = clock_timestamp(), outcome = 'lost'
      WHERE task_id = NEW.id AND ended_at IS NULL;
    INSERT INTO task_attempts (task_id, attempt, agent_id, started_at)
      VALUES (NEW.id,
        coalesce((SELECT max(attempt) FROM task_attempts WHERE task_id = NEW.id), 0) + 1,
        NEW.assigned_agent_id, coalesce(NEW.assigned_at, clock_timestamp()));
  END IF;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER "tasks_attempt_open_insert" AFTER INSERT ON "tasks" FOR EACH ROW WHEN (NEW.status = 'assigned') EXECUTE FUNCTION "task_attempt_open"();--> statement-breakpoint
CREATE TRIGGER "tasks_attempt_open_update" AFTER UPDATE OF "status" ON "tasks" FOR EACH ROW WHEN (NEW.status = 'assigned' AND OLD.status IS DISTINCT FROM 'assigned') EXECUTE FUNCTION "task_attempt_open"();
