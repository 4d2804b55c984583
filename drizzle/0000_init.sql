CREATE TABLE "api_keys" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"prefix" text NOT NULL,
	"hash" text NOT NULL,
	"workspace_id" uuid,
	"role" text NOT NULL,
	"created_at" timestamp (6) with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp (6) with time zone,
	"last_used_at" timestamp (6) with time zone,
	CONSTRAINT "api_keys_hash_unique" UNIQUE("hash"),
	CONSTRAINT "api_keys_role" CHECK ("api_keys"."role" in ('admin','editor','viewer'))
);
--> statement-breakpoint
CREATE TABLE "audit_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"workspace_id" uuid,
	"actor" uuid,
	"action" text NOT NULL,
	"entity_type" text NOT NULL,
	"entity_id" text NOT NULL,
	"before" jsonb,
	"after" jsonb,
	"at" timestamp (6) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "label_history" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"prompt_id" uuid NOT NULL,
	"label_name" text NOT NULL,
	"from_version" integer,
	"to_version" integer,
	"actor" uuid,
	"at" timestamp (6) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "labels" (
	"id" uuid PRIMARY KEY NOT NULL,
	"seq" bigserial NOT NULL,
	"prompt_id" uuid NOT NULL,
	"name" text NOT NULL,
	"version_id" uuid NOT NULL,
	"created_at" timestamp (6) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (6) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "labels_seq_unique" UNIQUE("seq")
);
--> statement-breakpoint
CREATE TABLE "projects" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp (6) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (6) with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp (6) with time zone
);
--> statement-breakpoint
CREATE TABLE "prompts" (
	"id" uuid PRIMARY KEY NOT NULL,
	"seq" bigserial NOT NULL,
	"workspace_id" uuid NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"tags" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"project_id" uuid,
	"kind" text DEFAULT 'chat' NOT NULL,
	"is_snippet" boolean DEFAULT false NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"revision" integer DEFAULT 1 NOT NULL,
	"last_version" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp (6) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (6) with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp (6) with time zone,
	CONSTRAINT "prompts_seq_unique" UNIQUE("seq")
);
--> statement-breakpoint
CREATE TABLE "versions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"seq" bigserial NOT NULL,
	"prompt_id" uuid NOT NULL,
	"number" integer NOT NULL,
	"status" text NOT NULL,
	"revision" integer DEFAULT 1 NOT NULL,
	"template_type" text NOT NULL,
	"messages" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"content" jsonb,
	"template_format" text NOT NULL,
	"input_variables" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"variable_defaults" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"model" text,
	"provider" text,
	"params" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"response_format" jsonb,
	"json_schema" jsonb,
	"tools" jsonb,
	"tool_choice" jsonb,
	"functions" jsonb,
	"function_call" jsonb,
	"fallback_models" jsonb,
	"load_balance_models" jsonb,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"commit_message" text,
	"author" uuid,
	"created_at" timestamp (6) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (6) with time zone DEFAULT now() NOT NULL,
	"committed_at" timestamp (6) with time zone,
	"deleted_at" timestamp (6) with time zone,
	CONSTRAINT "versions_seq_unique" UNIQUE("seq"),
	CONSTRAINT "versions_number_positive" CHECK ("versions"."number" > 0),
	CONSTRAINT "versions_status" CHECK ("versions"."status" in ('draft','committed'))
);
--> statement-breakpoint
CREATE TABLE "workspaces" (
	"id" uuid PRIMARY KEY NOT NULL,
	"seq" bigserial NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp (6) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (6) with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp (6) with time zone,
	CONSTRAINT "workspaces_seq_unique" UNIQUE("seq")
);
--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "label_history" ADD CONSTRAINT "label_history_prompt_id_prompts_id_fk" FOREIGN KEY ("prompt_id") REFERENCES "prompts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "labels" ADD CONSTRAINT "labels_prompt_id_prompts_id_fk" FOREIGN KEY ("prompt_id") REFERENCES "prompts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "labels" ADD CONSTRAINT "labels_version_id_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "projects" ADD CONSTRAINT "projects_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "prompts" ADD CONSTRAINT "prompts_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "prompts" ADD CONSTRAINT "prompts_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "versions" ADD CONSTRAINT "versions_prompt_id_prompts_id_fk" FOREIGN KEY ("prompt_id") REFERENCES "prompts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_workspace" ON "audit_events" USING btree ("workspace_id","id");--> statement-breakpoint
CREATE INDEX "audit_entity" ON "audit_events" USING btree ("entity_id","id");--> statement-breakpoint
CREATE INDEX "label_history_prompt" ON "label_history" USING btree ("prompt_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "labels_prompt_name" ON "labels" USING btree ("prompt_id","name");--> statement-breakpoint
CREATE INDEX "labels_version" ON "labels" USING btree ("version_id");--> statement-breakpoint
CREATE UNIQUE INDEX "projects_live_name" ON "projects" USING btree ("workspace_id","name") WHERE "projects"."deleted_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "prompts_live_name" ON "prompts" USING btree ("workspace_id","name") WHERE "prompts"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "prompts_workspace_created" ON "prompts" USING btree ("workspace_id","created_at");--> statement-breakpoint
CREATE INDEX "prompts_workspace_updated" ON "prompts" USING btree ("workspace_id","updated_at");--> statement-breakpoint
CREATE UNIQUE INDEX "versions_prompt_number" ON "versions" USING btree ("prompt_id","number");--> statement-breakpoint
CREATE UNIQUE INDEX "versions_one_draft" ON "versions" USING btree ("prompt_id") WHERE "versions"."status" = 'draft';--> statement-breakpoint
CREATE UNIQUE INDEX "workspaces_live_name" ON "workspaces" USING btree ("name") WHERE "workspaces"."deleted_at" is null;