-- A keyed MAC per audit row, written with the row (lib/audit/chain.ts). Rows from before this
-- migration keep mac null and their unkeyed hashes: verification reports them as legacy. The
-- unique index turns a replayed row (a copy of a real row and its MAC) into an insert error; it
-- never names hash or prev_hash, so the chainer's update stays heap-only.
ALTER TABLE "audit_log" ADD COLUMN "mac" text;--> statement-breakpoint
CREATE UNIQUE INDEX "audit_mac" ON "audit_log" USING btree ("mac");
