-- One row per running server process, rewritten every few seconds by the process itself: what it
-- counted (bus traffic, sockets, event-loop delay, memory, jobs it leads). Readers sum the rows seen
-- recently; a row not rewritten for three intervals is a process that is gone.
CREATE TABLE "cluster_processes" (
	"id" text PRIMARY KEY NOT NULL,
	"host" text NOT NULL,
	"pid" integer NOT NULL,
	"version" text NOT NULL,
	"started_at" timestamp (6) with time zone NOT NULL,
	"seen_at" timestamp (6) with time zone DEFAULT now() NOT NULL,
	"report" jsonb NOT NULL
);
