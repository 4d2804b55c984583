-- Webhooks and the change stream (issue 17). Written by hand; the lead regenerates the snapshot.
--
-- outbox_events: one row per change, inserted by triggers on audit_events and label_history, so the
-- row is written by the very statement that records the change (no extra round trip, commits or
-- rolls back with it, and no write path can forget it). `pos` is the commit order, assigned later by
-- the sequencer under an advisory lock (ids from a sequence are not commit-ordered: a cursor over
-- `id` could skip a row whose transaction committed late; one over `pos` cannot).
CREATE SEQUENCE "outbox_pos_seq";
--> statement-breakpoint
CREATE TABLE "outbox_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"pos" bigint,
	"workspace_id" uuid,
	"type" text NOT NULL,
	"prompt_id" uuid,
	"prompt_name" text,
	"data" jsonb NOT NULL,
	"actor" uuid,
	"at" timestamp (6) with time zone DEFAULT now() NOT NULL,
	"sequenced_at" timestamp (6) with time zone,
	CONSTRAINT "outbox_events_pos" UNIQUE("pos")
);
--> statement-breakpoint
CREATE INDEX "outbox_events_unsequenced" ON "outbox_events" USING btree ("id") WHERE "pos" is null;
--> statement-breakpoint
CREATE INDEX "outbox_events_workspace_pos" ON "outbox_events" USING btree ("workspace_id","pos");
--> statement-breakpoint
CREATE TABLE "webhook_endpoints" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"url" text NOT NULL,
	"description" text,
	"events" jsonb,
	"prompts" jsonb,
	"mode" text DEFAULT 'standard' NOT NULL,
	"secret" text NOT NULL,
	"previous_secret" text,
	"previous_secret_until" timestamp (6) with time zone,
	"enabled" boolean DEFAULT true NOT NULL,
	"disabled_reason" text,
	"disabled_at" timestamp (6) with time zone,
	"last_success_at" timestamp (6) with time zone,
	"last_failure_at" timestamp (6) with time zone,
	"created_by" uuid,
	"created_at" timestamp (6) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (6) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "webhook_endpoints_mode" CHECK ("webhook_endpoints"."mode" in ('standard','langfuse','promptlayer'))
);
--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ADD CONSTRAINT "webhook_endpoints_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
CREATE INDEX "webhook_endpoints_workspace" ON "webhook_endpoints" USING btree ("workspace_id");
--> statement-breakpoint
CREATE TABLE "webhook_deliveries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"endpoint_id" uuid NOT NULL,
	"event_id" bigint NOT NULL,
	"part" smallint DEFAULT 0 NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp (6) with time zone DEFAULT now() NOT NULL,
	"lease_until" timestamp (6) with time zone,
	"lease_owner" text,
	"last_status" integer,
	"last_error" text,
	"created_at" timestamp (6) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (6) with time zone DEFAULT now() NOT NULL,
	"delivered_at" timestamp (6) with time zone,
	CONSTRAINT "webhook_deliveries_once" UNIQUE("endpoint_id","event_id","part"),
	CONSTRAINT "webhook_deliveries_status" CHECK ("webhook_deliveries"."status" in ('pending','delivered','failed'))
);
--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_endpoint_id_fk" FOREIGN KEY ("endpoint_id") REFERENCES "webhook_endpoints"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_event_id_fk" FOREIGN KEY ("event_id") REFERENCES "outbox_events"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
CREATE INDEX "webhook_deliveries_due" ON "webhook_deliveries" USING btree ("next_attempt_at") WHERE "status" = 'pending';
--> statement-breakpoint
CREATE INDEX "webhook_deliveries_endpoint" ON "webhook_deliveries" USING btree ("endpoint_id","id");
--> statement-breakpoint
CREATE INDEX "webhook_deliveries_event" ON "webhook_deliveries" USING btree ("event_id");
--> statement-breakpoint
CREATE TABLE "webhook_attempts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"delivery_id" bigint NOT NULL,
	"endpoint_id" uuid NOT NULL,
	"attempt" integer NOT NULL,
	"at" timestamp (6) with time zone DEFAULT now() NOT NULL,
	"duration_ms" integer NOT NULL,
	"status" integer,
	"error" text,
	"response" text
);
--> statement-breakpoint
ALTER TABLE "webhook_attempts" ADD CONSTRAINT "webhook_attempts_delivery_id_fk" FOREIGN KEY ("delivery_id") REFERENCES "webhook_deliveries"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
CREATE INDEX "webhook_attempts_delivery" ON "webhook_attempts" USING btree ("delivery_id","id");
--> statement-breakpoint
-- The content hash receivers compare versions by: SHA-256 over the version's content fields as
-- canonical jsonb text (keys sorted), so equal content gives an equal hash whatever the key order.
CREATE FUNCTION "lectern_content_hash"(v jsonb) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  select 'sha256:' || encode(sha256(convert_to(jsonb_build_object(
    'templateType', v->'templateType', 'templateFormat', v->'templateFormat',
    'messages', v->'messages', 'content', v->'content', 'inputVariables', v->'inputVariables',
    'variableDefaults', v->'variableDefaults', 'model', v->'model', 'provider', v->'provider',
    'params', v->'params', 'responseFormat', v->'responseFormat', 'jsonSchema', v->'jsonSchema',
    'tools', v->'tools', 'toolChoice', v->'toolChoice', 'functions', v->'functions',
    'functionCall', v->'functionCall', 'fallbackModels', v->'fallbackModels',
    'loadBalanceModels', v->'loadBalanceModels', 'metadata', v->'metadata')::text, 'UTF8')), 'hex')
$$;
--> statement-breakpoint
-- A change to a snippet reaches every live prompt of its workspace that references it
-- (PromptLayer's `@@@name@@@`, `@@@name@version_number:N@@@`, `@@@name@label:L@@@`) in any live
-- version: one `prompt.dependency.updated` event each, in the same transaction.
CREATE FUNCTION "lectern_outbox_cascade"(ws uuid, snippet_id uuid, snippet_name text, cause text, actor uuid, at timestamptz, detail jsonb) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  pat text := '%@@@' || replace(replace(replace(snippet_name, '\', '\\'), '%', '\%'), '_', '\_') || '@%';
BEGIN
  INSERT INTO outbox_events (workspace_id, type, prompt_id, prompt_name, data, actor, at)
  SELECT p.workspace_id, 'prompt.dependency.updated', p.id, p.name,
         jsonb_build_object('snippet', snippet_name, 'snippet_id', snippet_id, 'cause', cause) || detail,
         actor, at
  FROM prompts p
  WHERE p.workspace_id = ws AND p.deleted_at IS NULL AND p.id <> snippet_id
    AND EXISTS (SELECT 1 FROM versions v WHERE v.prompt_id = p.id AND v.deleted_at IS NULL
                AND (v.messages::text LIKE pat OR coalesce(v.content::text, '') LIKE pat));
END
$$;
--> statement-breakpoint
-- Prompt and version changes, from the audit event every write records.
CREATE FUNCTION "lectern_outbox_from_audit"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  t text;
  pid uuid;
  pname text;
  snip boolean := false;
  d jsonb;
  v jsonb;
BEGIN
  IF NEW.entity_type = 'version' THEN
    v := coalesce(NEW.after, NEW.before);
    pid := (v->>'promptId')::uuid;
    SELECT name, is_snippet INTO pname, snip FROM prompts WHERE id = pid;
    d := jsonb_build_object('version', (v->>'number')::int, 'version_id', v->>'id',
                            'status', v->>'status', 'content_hash', lectern_content_hash(v),
                            'commit_message', v->'commitMessage', 'author', v->'author');
    t := CASE NEW.action
      WHEN 'version.create' THEN CASE WHEN snip THEN 'snippet.version.created' ELSE 'prompt.version.created' END
      WHEN 'version.edit' THEN 'prompt.draft.updated'
      WHEN 'version.commit' THEN 'prompt.version.committed'
      WHEN 'version.delete' THEN 'prompt.version.deleted'
    END;
  ELSIF NEW.entity_type = 'prompt' THEN
    pid := NEW.entity_id::uuid;
    pname := coalesce(NEW.after->>'name', NEW.before->>'name');
    d := jsonb_build_object('is_snippet', coalesce((NEW.after->>'isSnippet')::boolean, false));
    t := CASE NEW.action
      WHEN 'prompt.create' THEN 'prompt.created'
      WHEN 'prompt.delete' THEN 'prompt.deleted'
      WHEN 'prompt.restore' THEN 'prompt.restored'
      WHEN 'prompt.update' THEN CASE WHEN NEW.before->>'name' IS DISTINCT FROM NEW.after->>'name'
                                     THEN 'prompt.renamed' ELSE 'prompt.updated' END
    END;
    IF t = 'prompt.renamed' THEN
      d := d || jsonb_build_object('from', NEW.before->>'name', 'to', NEW.after->>'name');
    END IF;
  END IF;
  IF t IS NULL THEN
    RETURN NULL;
  END IF;
  INSERT INTO outbox_events (workspace_id, type, prompt_id, prompt_name, data, actor, at)
  VALUES (NEW.workspace_id, t, pid, pname, d, NEW.actor, NEW.at);
  IF snip AND t IN ('snippet.version.created', 'prompt.version.committed', 'prompt.draft.updated') THEN
    PERFORM lectern_outbox_cascade(NEW.workspace_id, pid, pname, t, NEW.actor, NEW.at,
                                   jsonb_build_object('snippet_version', (v->>'number')::int));
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "audit_events_outbox" AFTER INSERT ON "audit_events" FOR EACH ROW EXECUTE FUNCTION lectern_outbox_from_audit();
--> statement-breakpoint
-- Label set, moved and removed, with from -> to, from the label history every move appends to.
CREATE FUNCTION "lectern_outbox_from_label"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  ws uuid;
  pname text;
  snip boolean;
  t text;
BEGIN
  SELECT workspace_id, name, is_snippet INTO ws, pname, snip FROM prompts WHERE id = NEW.prompt_id;
  t := CASE WHEN NEW.to_version IS NULL THEN 'prompt.label.deleted' ELSE 'prompt.label.moved' END;
  INSERT INTO outbox_events (workspace_id, type, prompt_id, prompt_name, data, actor, at)
  VALUES (ws, t, NEW.prompt_id, pname,
          jsonb_build_object('label', NEW.label_name, 'from_version', NEW.from_version, 'to_version', NEW.to_version),
          NEW.actor, NEW.at);
  IF snip THEN
    PERFORM lectern_outbox_cascade(ws, NEW.prompt_id, pname, t, NEW.actor, NEW.at,
                                   jsonb_build_object('label', NEW.label_name, 'snippet_version', NEW.to_version));
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "label_history_outbox" AFTER INSERT ON "label_history" FOR EACH ROW EXECUTE FUNCTION lectern_outbox_from_label();
