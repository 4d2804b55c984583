// The request log on the native wire: schemas of the records, pages and usage figures, and the
// mapping from the registry's records. Field order is the order the mapping writes.
import { Type, type Static } from '@sinclair/typebox';
import type { PromptUsage, RequestLogRecord } from '../../registry/index.ts';
import { Anything, FreeObject, NullableTimestamp, Timestamp, nullable } from '../common/schema.ts';

const NStr = nullable(Type.String());
const NInt = nullable(Type.Integer());
const NNum = nullable(Type.Number());

const summaryFields = {
  id: Type.String({ description: 'PromptLayer `request_id` (an integer, as a string)' }),
  unique_id: Type.String({ description: 'Keywords AI `unique_id` (32 hex)' }),
  workspace_id: Type.String(),
  source: Type.String({ description: '`pl.track`, `pl.log`, `pl.span`, `ka.gateway`, `ka.log` or `native`' }),
  log_type: NStr,
  prompt_id: NStr,
  version_id: NStr,
  version_number: NInt,
  label: NStr,
  external_prompt_id: NStr,
  provider: NStr,
  model: NStr,
  response_model: NStr,
  api_type: NStr,
  function_name: NStr,
  bodies_omitted: Type.Boolean(),
  input_tokens: NInt,
  output_tokens: NInt,
  cache_read_tokens: NInt,
  cache_write_tokens: NInt,
  start_time: NullableTimestamp,
  end_time: NullableTimestamp,
  latency_ms: NNum,
  ttft_ms: NNum,
  cost_usd: NNum,
  status: Type.String({ description: '`success`, `warning` or `error`' }),
  status_code: NInt,
  error_type: NStr,
  error_message: NStr,
  tags: Type.Array(Type.String()),
  metadata: FreeObject(),
  customer_identifier: NStr,
  customer_name: NStr,
  customer_email: NStr,
  group_id: NInt,
  group_identifier: NStr,
  thread_identifier: NStr,
  custom_identifier: NStr,
  trace_id: NStr,
  span_id: NStr,
  parent_span_id: NStr,
  span_name: NStr,
  scores: Anything('[{name, value, source?}]'),
  stream: Type.Boolean(),
  attempts: Anything('gateway attempts [{provider, model, statusCode, errorType, latencyMs}], or null'),
  created_at: Timestamp,
};

export const RequestLogSummary = Type.Object(summaryFields, {
  description: 'A logged request without its bodies (GET /v1/request-logs/{id} has them)',
});

export const RequestLogFull = Type.Object(
  {
    ...summaryFields,
    input_variables: Anything('object, or null'),
    request: Anything('the request as sent (redacted of credentials), or null'),
    response: Anything('the response, or null'),
  },
  { description: 'A logged request in full' },
);

export const RequestLogPage = Type.Object({
  data: Type.Array(RequestLogSummary),
  next_cursor: nullable(Type.String({ description: 'pass as `cursor` for the next, older page' })),
});

const VersionUsage = Type.Object({
  version: NInt,
  count: Type.Integer(),
  errors: Type.Integer(),
  error_rate: Type.Number(),
  latency_p50_ms: NNum,
  latency_p95_ms: NNum,
  input_tokens: Type.Number(),
  output_tokens: Type.Number(),
  cost_usd: Type.Number(),
  scores: Type.Record(Type.String(), Type.Number(), { description: 'mean value per score name' }),
  first_at: NullableTimestamp,
  last_at: NullableTimestamp,
});

export const PromptUsageBody = Type.Object({
  prompt_id: Type.String(),
  since: Timestamp,
  until: Timestamp,
  label: nullable(Type.Object({ name: Type.String(), versions: Type.Array(Type.Integer()) })),
  versions: Type.Array(VersionUsage),
  buckets: nullable(
    Type.Array(
      Type.Object({
        start: Timestamp,
        version: NInt,
        count: Type.Integer(),
        errors: Type.Integer(),
        latency_p50_ms: NNum,
      }),
    ),
  ),
});

export type RequestLogSummaryT = Static<typeof RequestLogSummary>;
export type RequestLogFullT = Static<typeof RequestLogFull>;
export type RequestLogPageT = Static<typeof RequestLogPage>;
export type PromptUsageT = Static<typeof PromptUsageBody>;

const isoOrNull = (d: Date | null) => (d ? d.toISOString() : null);

export function requestLogSummaryWire(r: RequestLogRecord): RequestLogSummaryT {
  return {
    id: String(r.id),
    unique_id: r.uniqueId,
    workspace_id: r.workspaceId,
    source: r.source,
    log_type: r.logType,
    prompt_id: r.promptId,
    version_id: r.versionId,
    version_number: r.versionNumber,
    label: r.label,
    external_prompt_id: r.externalPromptId,
    provider: r.provider,
    model: r.model,
    response_model: r.responseModel,
    api_type: r.apiType,
    function_name: r.functionName,
    bodies_omitted: r.bodiesOmitted,
    input_tokens: r.inputTokens,
    output_tokens: r.outputTokens,
    cache_read_tokens: r.cacheReadTokens,
    cache_write_tokens: r.cacheWriteTokens,
    start_time: isoOrNull(r.startTime),
    end_time: isoOrNull(r.endTime),
    latency_ms: r.latencyMs,
    ttft_ms: r.ttftMs,
    cost_usd: r.costUsd,
    status: r.status,
    status_code: r.statusCode,
    error_type: r.errorType,
    error_message: r.errorMessage,
    tags: r.tags,
    metadata: r.metadata,
    customer_identifier: r.customerIdentifier,
    customer_name: r.customerName,
    customer_email: r.customerEmail,
    group_id: r.groupId,
    group_identifier: r.groupIdentifier,
    thread_identifier: r.threadIdentifier,
    custom_identifier: r.customIdentifier,
    trace_id: r.traceId,
    span_id: r.spanId,
    parent_span_id: r.parentSpanId,
    span_name: r.spanName,
    scores: r.scores,
    stream: r.stream,
    attempts: r.attempts,
    created_at: r.createdAt.toISOString(),
  };
}

export function requestLogFullWire(r: RequestLogRecord): RequestLogFullT {
  return {
    ...requestLogSummaryWire(r),
    input_variables: r.inputVariables,
    request: r.request,
    response: r.response,
  };
}

export function promptUsageWire(u: PromptUsage): PromptUsageT {
  return {
    prompt_id: u.promptId,
    since: u.since.toISOString(),
    until: u.until.toISOString(),
    label: u.label,
    versions: u.versions.map((v) => ({
      version: v.version,
      count: v.count,
      errors: v.errors,
      error_rate: v.errorRate,
      latency_p50_ms: v.latencyP50,
      latency_p95_ms: v.latencyP95,
      input_tokens: v.inputTokens,
      output_tokens: v.outputTokens,
      cost_usd: v.costUsd,
      scores: v.scores,
      first_at: isoOrNull(v.firstAt),
      last_at: isoOrNull(v.lastAt),
    })),
    buckets: u.buckets
      ? u.buckets.map((b) => ({
          start: b.start.toISOString(),
          version: b.version,
          count: b.count,
          errors: b.errors,
          latency_p50_ms: b.latencyP50,
        }))
      : null,
  };
}
