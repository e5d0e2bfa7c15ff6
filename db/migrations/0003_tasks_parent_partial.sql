DROP INDEX "tasks_parent";--> statement-breakpoint
CREATE INDEX "tasks_parent" ON "tasks" USING btree ("parent_task_id") WHERE parent_task_id is not null;