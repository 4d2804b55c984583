-- Per workspace, the highest outbox position retention has deleted (src/registry/outbox.ts
-- pruneOutbox). A change stream that resumes from an earlier position has missed events and is
-- sent a `stream.gap` event first (docs/webhooks.md), so a client knows to resync.
CREATE TABLE "outbox_pruned" (
	"workspace_id" uuid PRIMARY KEY NOT NULL,
	"through_pos" bigint NOT NULL,
	"pruned_at" timestamp (6) with time zone DEFAULT now() NOT NULL
);
