-- The request log (issue 14; specs/runtime.md §4): one row per run or logged request, from every
-- API. Written in batches by src/delivery/request-log-writer.ts, never inside a prompt write.
--
-- Volume: the table is range-partitioned by day on created_at, so retention drops whole partitions
-- (no DELETE, no vacuum debt) and a time-range query reads only the days it names. The partitions
-- are made ahead by src/delivery/request-log-retention.ts; the default partition only catches rows
-- no daily partition was made for yet, and is moved into the daily one when it is made.
-- No foreign keys: a log outlives the prompts it names, and an insert must not lock them.
--
-- Ids come from request_log_id_seq in blocks of 64 (one nextval reserves 64 ids for one process),
-- so a writer answers PromptLayer's integer request_id without a round trip per call.
CREATE SEQUENCE "request_log_id_seq" AS bigint INCREMENT BY 64 MINVALUE 1 START WITH 1;
--> statement-breakpoint
CREATE TABLE "request_logs" (
  "id" bigint NOT NULL,
  "unique_id" text NOT NULL,
  "workspace_id" uuid NOT NULL,
  "source" text NOT NULL,
  "log_type" text,
  "prompt_id" uuid,
  "version_id" uuid,
  "version_number" integer,
  "label" text,
  "external_prompt_id" text,
  "provider" text,
  "model" text,
  "response_model" text,
  "api_type" text,
  "function_name" text,
  "input_variables" json,
  "request" json,
  "response" json,
  "bodies_omitted" boolean DEFAULT false NOT NULL,
  "input_tokens" integer,
  "output_tokens" integer,
  "cache_read_tokens" integer,
  "cache_write_tokens" integer,
  "start_time" timestamp (6) with time zone,
  "end_time" timestamp (6) with time zone,
  "latency_ms" double precision,
  "ttft_ms" double precision,
  "cost_usd" double precision,
  "status" text DEFAULT 'success' NOT NULL,
  "status_code" integer,
  "error_type" text,
  "error_message" text,
  "tags" text[] DEFAULT '{}' NOT NULL,
  "metadata" json DEFAULT '{}'::json NOT NULL,
  "customer_identifier" text,
  "customer_name" text,
  "customer_email" text,
  "group_id" text,
  "group_identifier" text,
  "thread_identifier" text,
  "custom_identifier" text,
  "trace_id" text,
  "span_id" text,
  "parent_span_id" text,
  "span_name" text,
  "scores" json DEFAULT '[]'::json NOT NULL,
  "stream" boolean DEFAULT false NOT NULL,
  "attempts" json,
  "created_at" timestamp (6) with time zone NOT NULL,
  -- A partitioned table's keys include the partition key; id alone is unique by construction.
  CONSTRAINT "request_logs_pk" PRIMARY KEY ("id", "created_at"),
  CONSTRAINT "request_logs_status" CHECK ("status" in ('success','warning','error'))
) PARTITION BY RANGE ("created_at");
--> statement-breakpoint
CREATE TABLE "request_logs_default" PARTITION OF "request_logs" DEFAULT;
--> statement-breakpoint
-- Per-version usage: "which version is better", "who still uses version 3".
CREATE INDEX "request_logs_version_usage" ON "request_logs" ("workspace_id", "prompt_id", "version_number", "created_at");
--> statement-breakpoint
-- The list, newest first, with its cursor (created_at, id).
CREATE INDEX "request_logs_workspace_created" ON "request_logs" ("workspace_id", "created_at", "id");
--> statement-breakpoint
CREATE INDEX "request_logs_unique_id" ON "request_logs" ("unique_id");
--> statement-breakpoint
-- A workspace's request-log settings; no row means the defaults (bodies stored).
CREATE TABLE "request_log_settings" (
  "workspace_id" uuid PRIMARY KEY NOT NULL REFERENCES "workspaces"("id"),
  "store_bodies" boolean DEFAULT true NOT NULL,
  "updated_at" timestamp (6) with time zone DEFAULT now() NOT NULL
);
