// The database schema. `npm run db:generate` turns changes here into a committed SQL migration in
// drizzle/. Invariants that must hold under concurrency are constraints here, not code elsewhere.
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  doublePrecision,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import {
  WRITE_APIS,
  type Json,
  type JsonObject,
  type LoadBalanceModel,
  type Message,
} from '../model/types.ts';
import type { RequestAttempt, RequestScore } from '../model/request-log.ts';
import { orderedJson } from './json-columns.ts';

const ts = (name: string) => timestamp(name, { withTimezone: true, precision: 6 });
// Objects clients send are given back with their keys as sent: `json`, not `jsonb` (json-columns.ts).
const obj = (name: string) => orderedJson<JsonObject>(name).notNull().default({});
const doc = <T>(name: string) => orderedJson<T>(name);

export const workspaces = pgTable(
  'workspaces',
  {
    id: uuid('id').primaryKey(),
    seq: bigserial('seq', { mode: 'number' }).notNull().unique(),
    name: text('name').notNull(),
    description: text('description'),
    metadata: obj('metadata'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    deletedAt: ts('deleted_at'),
  },
  (t) => [
    uniqueIndex('workspaces_live_name')
      .on(t.name)
      .where(sql`${t.deletedAt} is null`),
  ],
);

export const projects = pgTable(
  'projects',
  {
    id: uuid('id').primaryKey(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id),
    name: text('name').notNull(),
    description: text('description'),
    metadata: obj('metadata'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    deletedAt: ts('deleted_at'),
  },
  (t) => [
    uniqueIndex('projects_live_name')
      .on(t.workspaceId, t.name)
      .where(sql`${t.deletedAt} is null`),
  ],
);

export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id').primaryKey(),
    name: text('name').notNull(),
    prefix: text('prefix').notNull(),
    // SHA-256 of the whole key: keys are 256 random bits, so a fast hash is enough and the
    // lookup can be an index probe; the comparison after the probe is constant-time.
    hash: text('hash').notNull().unique(),
    workspaceId: uuid('workspace_id').references(() => workspaces.id),
    role: text('role', { enum: ['admin', 'editor', 'viewer'] }).notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    revokedAt: ts('revoked_at'),
    lastUsedAt: ts('last_used_at'),
  },
  (t) => [check('api_keys_role', sql`${t.role} in ('admin','editor','viewer')`)],
);

export const prompts = pgTable(
  'prompts',
  {
    id: uuid('id').primaryKey(),
    seq: bigserial('seq', { mode: 'number' }).notNull().unique(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id),
    name: text('name').notNull(),
    description: text('description'),
    tags: jsonb('tags').$type<string[]>().notNull().default([]),
    projectId: uuid('project_id').references(() => projects.id),
    kind: text('kind', { enum: ['chat', 'completion'] })
      .notNull()
      .default('chat'),
    isSnippet: boolean('is_snippet').notNull().default(false),
    metadata: obj('metadata'),
    revision: integer('revision').notNull().default(1),
    lastVersion: integer('last_version').notNull().default(0),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    deletedAt: ts('deleted_at'),
  },
  (t) => [
    // Names are unique among live prompts only: a deleted name can be used again.
    uniqueIndex('prompts_live_name')
      .on(t.workspaceId, t.name)
      .where(sql`${t.deletedAt} is null`),
    index('prompts_workspace_created').on(t.workspaceId, t.createdAt),
    index('prompts_workspace_updated').on(t.workspaceId, t.updatedAt),
    // Every list answers its exact total: counting a workspace's live prompts reads this index
    // alone (an index-only scan), not the table.
    index('prompts_workspace_live')
      .on(t.workspaceId)
      .where(sql`${t.deletedAt} is null`),
  ],
);

/**
 * How many prompts each workspace has, live and deleted: the `total` of an unfiltered list, read
 * in one row instead of counted over the workspace (an O(n) scan: 30 ms at 100,000 prompts).
 * Kept by statement triggers on `prompts` (drizzle/0010_prompt_counts.sql), so every write path —
 * the registry, imports, a bulk load in SQL — keeps it exact, in the writing transaction.
 */
export const promptCounts = pgTable('prompt_counts', {
  workspaceId: uuid('workspace_id')
    .primaryKey()
    .references(() => workspaces.id),
  live: bigint('live', { mode: 'number' }).notNull().default(0),
  deleted: bigint('deleted', { mode: 'number' }).notNull().default(0),
});

export const versions = pgTable(
  'versions',
  {
    id: uuid('id').primaryKey(),
    seq: bigserial('seq', { mode: 'number' }).notNull().unique(),
    promptId: uuid('prompt_id')
      .notNull()
      .references(() => prompts.id),
    number: integer('number').notNull(),
    status: text('status', { enum: ['draft', 'committed'] }).notNull(),
    revision: integer('revision').notNull().default(1),
    templateType: text('template_type', { enum: ['chat', 'completion'] }).notNull(),
    messages: doc<Message[]>('messages').notNull().default([]),
    content: doc<Json[]>('content'),
    templateFormat: text('template_format', { enum: ['mustache', 'jinja2', 'f-string'] }).notNull(),
    inputVariables: jsonb('input_variables').$type<string[]>().notNull().default([]),
    variableDefaults: obj('variable_defaults'),
    model: text('model'),
    provider: text('provider'),
    params: obj('params'),
    responseFormat: doc<JsonObject>('response_format'),
    jsonSchema: doc<JsonObject>('json_schema'),
    tools: doc<Json[]>('tools'),
    toolChoice: doc<Json>('tool_choice'),
    functions: doc<Json[]>('functions'),
    functionCall: doc<Json>('function_call'),
    fallbackModels: jsonb('fallback_models').$type<string[] | null>(),
    loadBalanceModels: doc<LoadBalanceModel[]>('load_balance_models'),
    metadata: obj('metadata'),
    commitMessage: text('commit_message'),
    author: uuid('author'),
    // The API the version came through (model/types.ts WRITE_APIS); NULL: written before 0008.
    writtenVia: text('written_via', { enum: WRITE_APIS }),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    committedAt: ts('committed_at'),
    deletedAt: ts('deleted_at'),
  },
  (t) => [
    // Version numbers are unique per prompt even under concurrent writers.
    uniqueIndex('versions_prompt_number').on(t.promptId, t.number),
    // At most one draft per prompt.
    uniqueIndex('versions_one_draft')
      .on(t.promptId)
      .where(sql`${t.status} = 'draft'`),
    check('versions_number_positive', sql`${t.number} > 0`),
    check('versions_status', sql`${t.status} in ('draft','committed')`),
  ],
);

export const labels = pgTable(
  'labels',
  {
    id: uuid('id').primaryKey(),
    seq: bigserial('seq', { mode: 'number' }).notNull().unique(),
    promptId: uuid('prompt_id')
      .notNull()
      .references(() => prompts.id),
    name: text('name').notNull(),
    versionId: uuid('version_id')
      .notNull()
      .references(() => versions.id),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  // One version per label name per prompt, enforced by the database.
  (t) => [uniqueIndex('labels_prompt_name').on(t.promptId, t.name), index('labels_version').on(t.versionId)],
);

export const labelHistory = pgTable(
  'label_history',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    promptId: uuid('prompt_id')
      .notNull()
      .references(() => prompts.id),
    labelName: text('label_name').notNull(),
    fromVersion: integer('from_version'),
    toVersion: integer('to_version'),
    actor: uuid('actor'),
    at: ts('at').notNull().defaultNow(),
  },
  (t) => [index('label_history_prompt').on(t.promptId, t.id)],
);

// External ids (PromptLayer): a (source, external_id) pair names at most one prompt per workspace, by
// a constraint, so concurrent upserts of one new pair cannot map it twice. A row goes with its prompt:
// while the prompt is soft-deleted the pair is dormant (invisible, and free for another prompt to
// take over); a restore brings back the rows no other prompt took.
export const externalIds = pgTable(
  'prompt_external_ids',
  {
    id: uuid('id').primaryKey(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id),
    promptId: uuid('prompt_id')
      .notNull()
      .references(() => prompts.id),
    source: text('source').notNull(),
    externalId: text('external_id').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    unique('prompt_external_ids_pair').on(t.workspaceId, t.source, t.externalId),
    index('prompt_external_ids_prompt').on(t.promptId),
    check('prompt_external_ids_source_length', sql`char_length(${t.source}) between 1 and 128`),
    check('prompt_external_ids_id_length', sql`char_length(${t.externalId}) between 1 and 512`),
  ],
);

export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    workspaceId: uuid('workspace_id'),
    actor: uuid('actor'),
    action: text('action').notNull(),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id').notNull(),
    before: jsonb('before').$type<Json>(),
    after: jsonb('after').$type<Json>(),
    at: ts('at').notNull().defaultNow(),
  },
  (t) => [index('audit_workspace').on(t.workspaceId, t.id), index('audit_entity').on(t.entityId, t.id)],
);

// The request log (drizzle/0004_request_log.sql, where it is declared PARTITION BY RANGE
// (created_at) with daily partitions: drizzle cannot express that, so the SQL is hand-written and
// this declaration only types the queries). Ids come from request_log_id_seq in blocks.
export const requestLogs = pgTable(
  'request_logs',
  {
    id: bigint('id', { mode: 'number' }).notNull(),
    uniqueId: text('unique_id').notNull(),
    workspaceId: uuid('workspace_id').notNull(),
    source: text('source').notNull(),
    logType: text('log_type'),
    promptId: uuid('prompt_id'),
    versionId: uuid('version_id'),
    versionNumber: integer('version_number'),
    label: text('label'),
    externalPromptId: text('external_prompt_id'),
    provider: text('provider'),
    model: text('model'),
    responseModel: text('response_model'),
    apiType: text('api_type'),
    functionName: text('function_name'),
    inputVariables: doc<JsonObject>('input_variables'),
    request: doc<Json>('request'),
    response: doc<Json>('response'),
    bodiesOmitted: boolean('bodies_omitted').notNull().default(false),
    inputTokens: integer('input_tokens'),
    outputTokens: integer('output_tokens'),
    cacheReadTokens: integer('cache_read_tokens'),
    cacheWriteTokens: integer('cache_write_tokens'),
    startTime: ts('start_time'),
    endTime: ts('end_time'),
    latencyMs: doublePrecision('latency_ms'),
    ttftMs: doublePrecision('ttft_ms'),
    costUsd: doublePrecision('cost_usd'),
    status: text('status', { enum: ['success', 'warning', 'error'] })
      .notNull()
      .default('success'),
    statusCode: integer('status_code'),
    errorType: text('error_type'),
    errorMessage: text('error_message'),
    tags: text('tags').array().notNull().default([]),
    metadata: obj('metadata'),
    customerIdentifier: text('customer_identifier'),
    customerName: text('customer_name'),
    customerEmail: text('customer_email'),
    // A request group of the record's workspace (composite foreign key, 0011_request_groups.sql).
    groupId: bigint('group_id', { mode: 'number' }),
    groupIdentifier: text('group_identifier'),
    threadIdentifier: text('thread_identifier'),
    customIdentifier: text('custom_identifier'),
    traceId: text('trace_id'),
    spanId: text('span_id'),
    parentSpanId: text('parent_span_id'),
    spanName: text('span_name'),
    scores: doc<RequestScore[]>('scores').notNull().default([]),
    stream: boolean('stream').notNull().default(false),
    attempts: doc<RequestAttempt[]>('attempts'),
    createdAt: ts('created_at').notNull(),
  },
  (t) => [
    primaryKey({ name: 'request_logs_pk', columns: [t.id, t.createdAt] }),
    index('request_logs_version_usage').on(t.workspaceId, t.promptId, t.versionNumber, t.createdAt),
    index('request_logs_workspace_created').on(t.workspaceId, t.createdAt, t.id),
    index('request_logs_unique_id').on(t.uniqueId),
    index('request_logs_group')
      .on(t.workspaceId, t.groupId)
      .where(sql`${t.groupId} is not null`),
    check('request_logs_status', sql`${t.status} in ('success','warning','error')`),
  ],
);

/**
 * A request group (PromptLayer `/create-group`, drizzle/0011_request_groups.sql): an id in a
 * workspace that request-log records point at. Ids come from request_group_id_seq.
 */
export const requestGroups = pgTable(
  'request_groups',
  {
    id: bigint('id', { mode: 'number' }).primaryKey(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id),
    createdAt: ts('created_at').notNull().defaultNow(),
    /** The API key that made it. */
    createdBy: uuid('created_by'),
  },
  (t) => [unique('request_groups_workspace_id_id_unique').on(t.workspaceId, t.id)],
);

/** A workspace's request-log settings; no row means the defaults. */
export const requestLogSettings = pgTable('request_log_settings', {
  workspaceId: uuid('workspace_id')
    .primaryKey()
    .references(() => workspaces.id),
  storeBodies: boolean('store_bodies').notNull().default(true),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});
// Webhooks and the change stream (drizzle/0006_webhooks.sql). Outbox rows are written by triggers on
// audit_events and label_history — by the statement that records the change — and `pos` (commit
// order) is assigned by the sequencer (src/registry/outbox.ts).
export const outboxEvents = pgTable(
  'outbox_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    pos: bigint('pos', { mode: 'number' }).unique('outbox_events_pos'),
    workspaceId: uuid('workspace_id'),
    type: text('type').notNull(),
    promptId: uuid('prompt_id'),
    promptName: text('prompt_name'),
    data: jsonb('data').$type<JsonObject>().notNull(),
    actor: uuid('actor'),
    at: ts('at').notNull().defaultNow(),
    sequencedAt: ts('sequenced_at'),
  },
  (t) => [
    index('outbox_events_unsequenced')
      .on(t.id)
      .where(sql`${t.pos} is null`),
    index('outbox_events_workspace_pos').on(t.workspaceId, t.pos),
  ],
);

/**
 * Per workspace, the highest outbox position retention has deleted: a change stream resuming from
 * an earlier position has missed events, and is told so (a `stream.gap` event) instead of silently
 * skipping them (drizzle/0009_outbox_pruned.sql).
 */
export const outboxPruned = pgTable('outbox_pruned', {
  workspaceId: uuid('workspace_id').primaryKey(),
  throughPos: bigint('through_pos', { mode: 'number' }).notNull(),
  prunedAt: ts('pruned_at').notNull().defaultNow(),
});

export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    id: uuid('id').primaryKey(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id),
    url: text('url').notNull(),
    description: text('description'),
    events: jsonb('events').$type<string[] | null>(),
    prompts: jsonb('prompts').$type<string[] | null>(),
    mode: text('mode', { enum: ['standard', 'langfuse', 'promptlayer'] })
      .notNull()
      .default('standard'),
    secret: text('secret').notNull(),
    previousSecret: text('previous_secret'),
    previousSecretUntil: ts('previous_secret_until'),
    enabled: boolean('enabled').notNull().default(true),
    disabledReason: text('disabled_reason'),
    disabledAt: ts('disabled_at'),
    lastSuccessAt: ts('last_success_at'),
    lastFailureAt: ts('last_failure_at'),
    createdBy: uuid('created_by'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('webhook_endpoints_workspace').on(t.workspaceId),
    check('webhook_endpoints_mode', sql`${t.mode} in ('standard','langfuse','promptlayer')`),
  ],
);

export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    endpointId: uuid('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: 'cascade' }),
    eventId: bigint('event_id', { mode: 'number' })
      .notNull()
      .references(() => outboxEvents.id, { onDelete: 'cascade' }),
    part: smallint('part').notNull().default(0),
    status: text('status', { enum: ['pending', 'delivered', 'failed'] })
      .notNull()
      .default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: ts('next_attempt_at').notNull().defaultNow(),
    leaseUntil: ts('lease_until'),
    leaseOwner: text('lease_owner'),
    lastStatus: integer('last_status'),
    lastError: text('last_error'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    deliveredAt: ts('delivered_at'),
  },
  (t) => [
    unique('webhook_deliveries_once').on(t.endpointId, t.eventId, t.part),
    index('webhook_deliveries_endpoint').on(t.endpointId, t.id),
    // The claim's per-endpoint look-up: due deliveries of one endpoint, and its live leases. (Also
    // the only index of due deliveries: drizzle/0014 dropped one on next_attempt_at alone.)
    index('webhook_deliveries_endpoint_due')
      .on(t.endpointId, t.nextAttemptAt, t.id)
      .where(sql`${t.status} = 'pending'`),
    index('webhook_deliveries_event').on(t.eventId),
    check('webhook_deliveries_status', sql`${t.status} in ('pending','delivered','failed')`),
  ],
);

export const webhookAttempts = pgTable(
  'webhook_attempts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    deliveryId: bigint('delivery_id', { mode: 'number' })
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: 'cascade' }),
    endpointId: uuid('endpoint_id').notNull(),
    attempt: integer('attempt').notNull(),
    at: ts('at').notNull().defaultNow(),
    durationMs: integer('duration_ms').notNull(),
    status: integer('status'),
    error: text('error'),
    response: text('response'),
  },
  (t) => [index('webhook_attempts_delivery').on(t.deliveryId, t.id)],
);

export const schema = {
  workspaces,
  projects,
  apiKeys,
  prompts,
  versions,
  labels,
  labelHistory,
  externalIds,
  auditEvents,
  requestLogs,
  requestLogSettings,
  outboxEvents,
  webhookEndpoints,
  webhookDeliveries,
  webhookAttempts,
};
