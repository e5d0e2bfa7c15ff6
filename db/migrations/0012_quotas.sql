-- Quotas: per department (a rate, two caps) and per API token (a rate). NULL: no quota.
ALTER TABLE "departments" ADD COLUMN "quota_tasks_per_minute" integer;--> statement-breakpoint
ALTER TABLE "departments" ADD COLUMN "quota_max_pending_tasks" integer;--> statement-breakpoint
ALTER TABLE "departments" ADD COLUMN "quota_max_monthly_cost" double precision;--> statement-breakpoint
ALTER TABLE "api_tokens" ADD COLUMN "quota_requests_per_minute" integer;--> statement-breakpoint
-- Fixed-window counters of rate-limiter-flexible (lib/quotas/db-store.ts) when there is no Redis,
-- and always for the login and agent-secret limiters. auth_throttle is no longer written; it stays
-- for this release so a process of the previous version still running in a rolling upgrade works.
CREATE TABLE "rate_limits" (
	"key" text PRIMARY KEY NOT NULL,
	"points" integer NOT NULL,
	"expire" timestamp with time zone
);--> statement-breakpoint
CREATE INDEX "rate_limits_expire" ON "rate_limits" USING btree ("expire");--> statement-breakpoint
-- The 80% monthly-cost alert is raised once per department and month, however many processes evaluate.
CREATE UNIQUE INDEX "alerts_quota_once" ON "alerts" USING btree (("detail"->>'ruleKey')) WHERE "kind" = 'quota_cost';--> statement-breakpoint
-- The caps can't race: every insert into tasks (REST, batch, console, collaboration, schedules)
-- passes here. With a pending cap, inserts into one department queue on an advisory lock held to
-- the end of their transaction, and each counts what the ones before it committed (a statement in
-- a function takes a fresh snapshot), so parallel creates never exceed the cap. A task born
-- assigned (an agent took it at once) is not pending and passes. Its own SQLSTATE, answered as 409.
CREATE FUNCTION "enforce_task_caps"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  pending_cap integer;
  cost_cap double precision;
  used double precision;
BEGIN
  SELECT quota_max_pending_tasks, quota_max_monthly_cost INTO pending_cap, cost_cap FROM departments WHERE id = NEW.department_id;
  IF pending_cap IS NOT NULL AND NEW.status IN ('pending', 'scheduled') THEN
    PERFORM pg_advisory_xact_lock(hashtextextended('ecs:pending-cap:' || NEW.department_id, 0));
    SELECT count(*) INTO used FROM tasks WHERE department_id = NEW.department_id AND status IN ('pending', 'scheduled');
    IF used >= pending_cap THEN
      RAISE EXCEPTION USING ERRCODE = 'EQ409', MESSAGE = 'maxPendingTasks', DETAIL = json_build_object('limit', pending_cap, 'used', used, 'departmentId', NEW.department_id)::text;
    END IF;
  END IF;
  IF cost_cap IS NOT NULL THEN
    SELECT coalesce(sum(p.allocated * k.cost_per_unit), 0) INTO used
      FROM resource_pools p JOIN resource_kinds k ON k.type = p.type WHERE p.department_id = NEW.department_id;
    IF used >= cost_cap THEN
      RAISE EXCEPTION USING ERRCODE = 'EQ409', MESSAGE = 'maxMonthlyCost', DETAIL = json_build_object('limit', cost_cap, 'used', used, 'departmentId', NEW.department_id)::text;
    END IF;
  END IF;
  RETURN NEW;
END $$;--> statement-breakpoint
CREATE TRIGGER "tasks_enforce_quota_caps" BEFORE INSERT ON "tasks" FOR EACH ROW EXECUTE FUNCTION "enforce_task_caps"();
