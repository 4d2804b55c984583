-- Written to run again over itself (a directory that lost its record of it migrates again).
CREATE TABLE IF NOT EXISTS "prompt_counts" (
	"workspace_id" uuid PRIMARY KEY NOT NULL,
	"live" bigint DEFAULT 0 NOT NULL,
	"deleted" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "prompt_counts_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE no action ON UPDATE no action
);
--> statement-breakpoint
-- Kept in the writing statement itself: statement-level triggers over the transition tables add
-- each statement's net change per workspace (a bulk insert of 100,000 prompts is one update, not
-- 100,000). A transition table belongs to one event: one trigger for inserts, one for deletes.
CREATE OR REPLACE FUNCTION "lectern_prompt_counts"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO prompt_counts (workspace_id, live, deleted)
    SELECT workspace_id, count(*) FILTER (WHERE deleted_at IS NULL), count(*) FILTER (WHERE deleted_at IS NOT NULL)
    FROM new_rows GROUP BY workspace_id
    ORDER BY workspace_id
    ON CONFLICT (workspace_id) DO UPDATE
      SET live = prompt_counts.live + excluded.live, deleted = prompt_counts.deleted + excluded.deleted;
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE prompt_counts c SET live = c.live - d.live, deleted = c.deleted - d.deleted
    FROM (SELECT workspace_id, count(*) FILTER (WHERE deleted_at IS NULL) AS live,
                 count(*) FILTER (WHERE deleted_at IS NOT NULL) AS deleted
          FROM old_rows GROUP BY workspace_id) d
    WHERE c.workspace_id = d.workspace_id;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE TRIGGER "prompt_counts_insert" AFTER INSERT ON "prompts"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "lectern_prompt_counts"();
--> statement-breakpoint
-- An update moves a count only when it deletes, restores or moves a prompt: a row trigger whose
-- WHEN is checked without calling the function, so the hot writes (a version bumps its prompt's
-- revision) pay nothing and take no lock on the counter row.
CREATE OR REPLACE FUNCTION "lectern_prompt_counts_moved"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO prompt_counts AS c (workspace_id, live, deleted)
  SELECT w, sum(l), sum(d) FROM (VALUES
    (OLD.workspace_id, -(OLD.deleted_at IS NULL)::int, -(OLD.deleted_at IS NOT NULL)::int),
    (NEW.workspace_id, (NEW.deleted_at IS NULL)::int, (NEW.deleted_at IS NOT NULL)::int)) v(w, l, d)
  GROUP BY w ORDER BY w
  ON CONFLICT (workspace_id) DO UPDATE SET live = c.live + excluded.live, deleted = c.deleted + excluded.deleted;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE TRIGGER "prompt_counts_update" AFTER UPDATE OF "deleted_at", "workspace_id" ON "prompts"
  FOR EACH ROW WHEN ((OLD."deleted_at" IS NULL) IS DISTINCT FROM (NEW."deleted_at" IS NULL)
                     OR OLD."workspace_id" IS DISTINCT FROM NEW."workspace_id")
  EXECUTE FUNCTION "lectern_prompt_counts_moved"();
--> statement-breakpoint
CREATE OR REPLACE TRIGGER "prompt_counts_delete" AFTER DELETE ON "prompts"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "lectern_prompt_counts"();
--> statement-breakpoint
INSERT INTO "prompt_counts" ("workspace_id", "live", "deleted")
SELECT "id", (SELECT count(*) FROM "prompts" p WHERE p."workspace_id" = w."id" AND p."deleted_at" IS NULL),
       (SELECT count(*) FROM "prompts" p WHERE p."workspace_id" = w."id" AND p."deleted_at" IS NOT NULL)
FROM "workspaces" w
ON CONFLICT ("workspace_id") DO UPDATE SET "live" = excluded."live", "deleted" = excluded."deleted";
