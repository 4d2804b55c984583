-- Request groups (PromptLayer /create-group and track-group, specs/runtime.md §1.6) get a table of
-- their own. Until now a group was the audit event that created it (its id the event's id); those
-- groups move here with their ids, which applications already hold. The request log's group_id
-- becomes a bigint that references a group of the record's own workspace.
-- Written to run again over itself (a directory that lost its record of it migrates again).
CREATE TABLE IF NOT EXISTS "request_groups" (
  "id" bigint PRIMARY KEY NOT NULL,
  "workspace_id" uuid NOT NULL,
  "created_at" timestamp (6) with time zone DEFAULT now() NOT NULL,
  -- The API key that made it (no foreign key: a key can be revoked, its groups stay).
  "created_by" uuid,
  CONSTRAINT "request_groups_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE no action ON UPDATE no action,
  -- What the request log's composite foreign key points at: a group of the record's workspace.
  CONSTRAINT "request_groups_workspace_id_id_unique" UNIQUE ("workspace_id", "id")
);
--> statement-breakpoint
CREATE SEQUENCE IF NOT EXISTS "request_group_id_seq" AS bigint MINVALUE 1 START WITH 1 OWNED BY "request_groups"."id";
--> statement-breakpoint
-- The groups made so far: the audit events that stood for them, ids kept.
INSERT INTO "request_groups" ("id", "workspace_id", "created_at", "created_by")
SELECT "id", "workspace_id", "at", "actor" FROM "audit_events"
WHERE "action" = 'request_group.create' AND "workspace_id" IS NOT NULL
ON CONFLICT ("id") DO NOTHING;
--> statement-breakpoint
DO $$
BEGIN
  IF (SELECT data_type FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = 'request_logs' AND column_name = 'group_id') = 'text' THEN
    -- A record could name a group id no group had (track-request took any integer): it gets a
    -- group of its own in the record's workspace, so records that shared an id still share one.
    INSERT INTO "request_groups" ("id", "workspace_id", "created_at")
    SELECT DISTINCT ON ("group_id"::bigint) "group_id"::bigint, "workspace_id", min("created_at")
    FROM "request_logs" WHERE "group_id" ~ '^[1-9][0-9]{0,17}$'
    GROUP BY "group_id", "workspace_id"
    ORDER BY "group_id"::bigint, min("created_at")
    ON CONFLICT ("id") DO NOTHING;
    -- What is left cannot point at a group of its workspace (not an id, or another workspace's).
    UPDATE "request_logs" l SET "group_id" = NULL
    WHERE "group_id" IS NOT NULL AND NOT EXISTS (
      SELECT 1 FROM "request_groups" g WHERE g."workspace_id" = l."workspace_id" AND g."id"::text = l."group_id");
    ALTER TABLE "request_logs" ALTER COLUMN "group_id" TYPE bigint USING "group_id"::bigint;
  END IF;
END $$;
--> statement-breakpoint
-- New ids follow every group id there is (the ones moved here were audit event ids).
SELECT setval('request_group_id_seq', greatest(
  (SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END FROM "request_group_id_seq"),
  coalesce((SELECT max("id") FROM "request_groups"), 0) + 1), false);
--> statement-breakpoint
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'request_logs_group_fk'
                 AND conrelid = 'request_logs'::regclass) THEN
    -- Checked only for records in a group (a null group_id skips it); groups are never deleted.
    ALTER TABLE "request_logs" ADD CONSTRAINT "request_logs_group_fk"
      FOREIGN KEY ("workspace_id", "group_id") REFERENCES "request_groups" ("workspace_id", "id");
  END IF;
END $$;
--> statement-breakpoint
-- The native list's group filter.
CREATE INDEX IF NOT EXISTS "request_logs_group" ON "request_logs" ("workspace_id", "group_id") WHERE "group_id" IS NOT NULL;
