// Keywords AI's logging body (`POST /api/request-logs/create/`, specs/runtime.md §2.2) onto the
// request log's record (§4, "KA log create" column). Pure; the route makes the one registry call.
import { badRequest } from '../../model/errors.ts';
import type { Json, JsonObject } from '../../model/types.ts';
import type { RequestLogInput, RequestScore } from '../../model/request-log.ts';
import type { PromptRef, VersionSelector } from '../../registry/index.ts';
import { PRODUCTION_LABEL } from '../../model/types.ts';
import { promptRefOf, versionSelectorOf } from './ids.ts';

type Body = Record<string, unknown>;

/** Keys that carry credentials: never stored (runtime.md §4 "Redaction"). */
const SECRET_KEYS = new Set([
  'api_key',
  'apikey',
  'apiKey',
  'authorization',
  'Authorization',
  'credentials',
  'customer_credentials',
  'credential_override',
  'baseURL',
]);

/** A copy without credential-bearing keys, at any depth. */
export function redact(v: unknown, depth = 0): Json {
  if (depth > 64 || v === null || typeof v !== 'object') return v as Json;
  if (Array.isArray(v)) return v.map((x) => redact(x, depth + 1));
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) if (!SECRET_KEYS.has(k)) out[k] = redact(x, depth + 1);
  return out;
}

const PARAM_KEYS = [
  'tools',
  'tool_choice',
  'response_format',
  'temperature',
  'top_p',
  'max_tokens',
  'frequency_penalty',
  'presence_penalty',
  'stop',
  'stream',
] as const;

/** A messages array, or a JSON string of one (both are documented). */
function messagesOf(field: string, v: unknown): Json | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') {
    try {
      return JSON.parse(v) as Json;
    } catch {
      // Plain text: the product takes it as the content of one message.
      return field.startsWith('completion') || field === 'output'
        ? { role: 'assistant', content: v }
        : [{ role: 'user', content: v }];
    }
  }
  if (typeof v !== 'object')
    throw badRequest(`${field}: must be a list of messages or a JSON string of one`, { field });
  return v as Json;
}

const str = (v: unknown): string | null =>
  v === undefined || v === null ? null : typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null;

const numOrNull = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * A time as ISO-8601 text or an epoch number (|n| ≤ 2e10: seconds, else milliseconds, as pydantic
 * reads it — runtime.md §0).
 */
export function timeOf(field: string, v: unknown): Date | null {
  if (v === undefined || v === null || v === '') return null;
  const d =
    typeof v === 'number'
      ? new Date(Math.abs(v) <= 2e10 ? v * 1000 : v)
      : typeof v === 'string'
        ? new Date(v)
        : new Date(Number.NaN);
  if (Number.isNaN(d.getTime())) throw badRequest(`${field}: not a valid time`, { field });
  return d;
}

const int = (v: unknown): number | null =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : null;

export interface KaLogPlan {
  input: RequestLogInput;
  prompt?: { ref: PromptRef; version: VersionSelector };
}

/** `{prompt_id, version?}`: omitted version = the live one (label `production`), as the gateway. */
function promptLink(p: Body): KaLogPlan['prompt'] {
  if (typeof p.prompt_id !== 'string')
    throw badRequest('prompt.prompt_id: This field is required.', { field: 'prompt.prompt_id' });
  const ref = promptRefOf(p.prompt_id);
  const v = p.version;
  const version: VersionSelector =
    v === undefined || v === null ? { label: PRODUCTION_LABEL } : versionSelectorOf(String(v), ref.id);
  return { ref, version };
}

export function kaLogPlan(raw: Body): KaLogPlan {
  // Respan/Keywords AI parameters may come nested; top-level fields win (runtime.md §2.1).
  const nested = (k: string) =>
    raw[k] && typeof raw[k] === 'object' && !Array.isArray(raw[k]) ? (raw[k] as Body) : {};
  const b: Body = { ...nested('keywordsai_params'), ...nested('respan_params'), ...raw };
  const prompt =
    b.prompt && typeof b.prompt === 'object' && !Array.isArray(b.prompt) ? (b.prompt as Body) : null;
  const custom = b.is_custom_prompt === true || prompt?.is_custom_prompt === true;

  const messages = messagesOf('prompt_messages', b.prompt_messages ?? b.messages ?? b.input);
  const completion = messagesOf('completion_message', b.completion_message ?? b.output);
  const completions = messagesOf('completion_messages', b.completion_messages);
  const params: JsonObject = {};
  for (const k of PARAM_KEYS) if (b[k] !== undefined) params[k] = b[k] as Json;
  const request =
    b.full_request !== undefined
      ? redact(b.full_request)
      : messages !== undefined || Object.keys(params).length
        ? redact({ model: b.model as string, ...(messages !== undefined ? { messages } : {}), ...params })
        : null;
  const response =
    b.full_response !== undefined
      ? redact(b.full_response)
      : completion !== undefined || completions !== undefined || b.tool_calls !== undefined
        ? redact({
            ...(completion !== undefined ? { message: completion } : {}),
            ...(completions !== undefined ? { messages: completions } : {}),
            ...(b.tool_calls !== undefined ? { tool_calls: b.tool_calls } : {}),
          })
        : null;

  const usage = (b.usage && typeof b.usage === 'object' ? b.usage : {}) as Body;
  const details = (usage.prompt_tokens_details ?? {}) as Body;
  const inputTokens = int(usage.prompt_tokens) ?? int(b.prompt_tokens);
  const outputTokens = int(usage.completion_tokens) ?? int(b.completion_tokens);
  const cacheRead =
    int(details.cached_tokens) ?? int(usage.cache_read_input_tokens) ?? int(b.prompt_cache_hit_tokens);
  const cacheWrite = int(usage.cache_creation_input_tokens) ?? int(b.prompt_cache_creation_tokens);

  // Cost as sent; else from unit prices (USD per 1M tokens) and the tokens.
  let cost = numOrNull(b.cost);
  const inPrice = numOrNull(b.prompt_unit_price);
  const outPrice = numOrNull(b.completion_unit_price);
  if (cost === null && (inPrice !== null || outPrice !== null))
    cost = ((inputTokens ?? 0) * (inPrice ?? 0) + (outputTokens ?? 0) * (outPrice ?? 0)) / 1e6;

  // Seconds on this wire; milliseconds in the record.
  const latency = numOrNull(b.latency ?? b.generation_time);
  const ttft = numOrNull(b.time_to_first_token ?? b.ttft);
  const end = timeOf('timestamp', b.timestamp);
  let start = timeOf('start_time', b.start_time);
  if (!start && end && latency !== null) start = new Date(end.getTime() - latency * 1000);

  const statusCode = int(b.status_code) ?? 200;
  const errorMessage = str(b.error_message);
  const status: RequestLogInput['status'] =
    b.status === 'error' || statusCode >= 400 || (errorMessage && b.status !== 'success')
      ? 'error'
      : Array.isArray(b.warnings)
        ? b.warnings.length
          ? 'warning'
          : 'success'
        : b.warnings
          ? 'warning'
          : 'success';

  const cp = (b.customer_params && typeof b.customer_params === 'object' ? b.customer_params : {}) as Body;
  const metadata: JsonObject = {
    ...((b.metadata && typeof b.metadata === 'object' && !Array.isArray(b.metadata)
      ? b.metadata
      : {}) as JsonObject),
    ...((b.properties && typeof b.properties === 'object' && !Array.isArray(b.properties)
      ? b.properties
      : {}) as JsonObject),
  };
  if (b.session_identifier !== undefined) metadata.session_identifier = b.session_identifier as Json;
  if (b.span_workflow_name !== undefined) metadata.span_workflow_name = b.span_workflow_name as Json;
  if (b.environment !== undefined) metadata.environment = b.environment as Json;
  const scores: RequestScore[] = [];
  if (typeof b.positive_feedback === 'boolean')
    scores.push({ name: 'positive_feedback', value: b.positive_feedback ? 1 : 0, source: 'keywordsai' });

  const variables = (prompt?.variables ?? b.variables) as JsonObject | undefined;
  const input: RequestLogInput = {
    source: 'ka.log',
    logType: str(b.log_type) ?? 'chat',
    externalPromptId: custom ? (str(prompt?.prompt_id) ?? str(b.prompt_id)) : null,
    functionName: custom ? str(b.prompt_name) : null,
    model: b.model as string,
    provider: providerOf(b.model as string),
    inputVariables:
      variables && typeof variables === 'object' && !Array.isArray(variables)
        ? (redact(variables) as JsonObject)
        : null,
    request,
    response,
    inputTokens,
    outputTokens,
    cacheReadTokens: cacheRead,
    cacheWriteTokens: cacheWrite,
    startTime: start,
    endTime: end,
    latencyMs: latency === null ? null : latency * 1000,
    ttftMs: ttft === null ? null : ttft * 1000,
    costUsd: cost,
    status,
    statusCode,
    errorMessage,
    metadata,
    customerIdentifier: str(b.customer_identifier) ?? str(cp.customer_identifier),
    customerName: str(b.customer_name) ?? str(cp.name),
    customerEmail: str(b.customer_email) ?? str(cp.email),
    groupIdentifier: str(b.group_identifier) ?? str(cp.group_identifier),
    threadIdentifier: str(b.thread_identifier),
    customIdentifier: str(b.custom_identifier),
    traceId: str(b.trace_unique_id),
    spanId: str(b.span_unique_id),
    parentSpanId: str(b.span_parent_id),
    spanName: str(b.span_name),
    scores,
    stream: b.stream === true,
  };
  const link =
    !custom && prompt
      ? promptLink(prompt)
      : !custom && typeof b.prompt_id === 'string'
        ? promptLink(b)
        : undefined;
  return link ? { input, prompt: link } : { input };
}

/** runtime.md §5.3: the provider a model name implies. */
export function providerOf(model: string): string {
  const m = model.toLowerCase();
  if (m.startsWith('azure/')) return 'openai.azure';
  if (m.startsWith('bedrock/')) return 'amazon.bedrock';
  if (/^(claude-|anthropic\/)/.test(m)) return 'anthropic';
  if (/^(gemini-|gemini\/|google\/)/.test(m)) return 'google';
  if (/^(mistral-|mixtral-|codestral-|mistral\/)/.test(m)) return 'mistral';
  return 'openai';
}
