ALTER TABLE "departments" ADD COLUMN "archived_at" timestamp with time zone;--> statement-breakpoint
-- The one guard that can't race: a task or agent inserted into an archived department is refused by
-- the insert itself. FOR KEY SHARE waits for an archive in flight (it holds the row FOR UPDATE)
-- and then reads the row as that archive left it. Its own SQLSTATE, answered as 409.
CREATE FUNCTION "refuse_archived_department"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM departments WHERE id = NEW.department_id AND archived_at IS NOT NULL FOR KEY SHARE;
  IF FOUND THEN
    RAISE EXCEPTION 'Department % is archived', NEW.department_id USING ERRCODE = 'EC409';
  END IF;
  RETURN NEW;
END $$;--> statement-breakpoint
CREATE TRIGGER "tasks_refuse_archived_department" BEFORE INSERT ON "tasks" FOR EACH ROW EXECUTE FUNCTION "refuse_archived_department"();--> statement-breakpoint
CREATE TRIGGER "agents_refuse_archived_department" BEFORE INSERT ON "agents" FOR EACH ROW EXECUTE FUNCTION "refuse_archived_department"();
