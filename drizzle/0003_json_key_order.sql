-- Objects clients send are kept as `json` (the text as written, keys in their order) instead of
-- `jsonb` (keys sorted). Existing values keep their content; their key order is jsonb's, as stored.
-- A jsonb default cannot be converted in place, so it is dropped and set again. One statement per
-- table: the table is rewritten once.
ALTER TABLE "projects"
  ALTER COLUMN "metadata" DROP DEFAULT,
  ALTER COLUMN "metadata" SET DATA TYPE json USING "metadata"::json,
  ALTER COLUMN "metadata" SET DEFAULT '{}'::json;
--> statement-breakpoint
ALTER TABLE "prompts"
  ALTER COLUMN "metadata" DROP DEFAULT,
  ALTER COLUMN "metadata" SET DATA TYPE json USING "metadata"::json,
  ALTER COLUMN "metadata" SET DEFAULT '{}'::json;
--> statement-breakpoint
ALTER TABLE "versions"
  ALTER COLUMN "messages" DROP DEFAULT,
  ALTER COLUMN "messages" SET DATA TYPE json USING "messages"::json,
  ALTER COLUMN "messages" SET DEFAULT '[]'::json,
  ALTER COLUMN "content" SET DATA TYPE json USING "content"::json,
  ALTER COLUMN "variable_defaults" DROP DEFAULT,
  ALTER COLUMN "variable_defaults" SET DATA TYPE json USING "variable_defaults"::json,
  ALTER COLUMN "variable_defaults" SET DEFAULT '{}'::json,
  ALTER COLUMN "params" DROP DEFAULT,
  ALTER COLUMN "params" SET DATA TYPE json USING "params"::json,
  ALTER COLUMN "params" SET DEFAULT '{}'::json,
  ALTER COLUMN "response_format" SET DATA TYPE json USING "response_format"::json,
  ALTER COLUMN "json_schema" SET DATA TYPE json USING "json_schema"::json,
  ALTER COLUMN "tools" SET DATA TYPE json USING "tools"::json,
  ALTER COLUMN "tool_choice" SET DATA TYPE json USING "tool_choice"::json,
  ALTER COLUMN "functions" SET DATA TYPE json USING "functions"::json,
  ALTER COLUMN "function_call" SET DATA TYPE json USING "function_call"::json,
  ALTER COLUMN "load_balance_models" SET DATA TYPE json USING "load_balance_models"::json,
  ALTER COLUMN "metadata" DROP DEFAULT,
  ALTER COLUMN "metadata" SET DATA TYPE json USING "metadata"::json,
  ALTER COLUMN "metadata" SET DEFAULT '{}'::json;
--> statement-breakpoint
ALTER TABLE "workspaces"
  ALTER COLUMN "metadata" DROP DEFAULT,
  ALTER COLUMN "metadata" SET DATA TYPE json USING "metadata"::json,
  ALTER COLUMN "metadata" SET DEFAULT '{}'::json;
