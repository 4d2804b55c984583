CREATE TABLE "prompt_external_ids" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"prompt_id" uuid NOT NULL,
	"source" text NOT NULL,
	"external_id" text NOT NULL,
	"created_at" timestamp (6) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "prompt_external_ids_pair" UNIQUE("workspace_id","source","external_id"),
	CONSTRAINT "prompt_external_ids_source_length" CHECK (char_length("prompt_external_ids"."source") between 1 and 128),
	CONSTRAINT "prompt_external_ids_id_length" CHECK (char_length("prompt_external_ids"."external_id") between 1 and 512)
);
--> statement-breakpoint
ALTER TABLE "prompt_external_ids" ADD CONSTRAINT "prompt_external_ids_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "prompt_external_ids" ADD CONSTRAINT "prompt_external_ids_prompt_id_prompts_id_fk" FOREIGN KEY ("prompt_id") REFERENCES "prompts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "prompt_external_ids_prompt" ON "prompt_external_ids" USING btree ("prompt_id");