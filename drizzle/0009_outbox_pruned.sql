-- Per workspace, the highest outbox position retention has deleted (src/registry/outbox.ts
-- pruneOutbox). A change stream that resumes from an earlier position has missed events and is
-- sent a `stream.gap` event first (docs/webhooks.md), so a client knows to resync.
-- And the delivery claim's per-endpoint look-up (its concurrency cap): due deliveries of one
-- endpoint and its live leases, without reading the endpoint's whole delivery log.
-- Idempotent (IF NOT EXISTS): a directory that lost the record of it can run it again.
CREATE TABLE IF NOT EXISTS "outbox_pruned" (
	"workspace_id" uuid PRIMARY KEY NOT NULL,
	"through_pos" bigint NOT NULL,
	"pruned_at" timestamp (6) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "webhook_deliveries_endpoint_due" ON "webhook_deliveries" USING btree ("endpoint_id","next_attempt_at","id") WHERE "webhook_deliveries"."status" = 'pending';
