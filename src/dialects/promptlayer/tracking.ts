// PromptLayer's tracking bodies (specs/runtime.md §1.2–1.7) onto request-log records, and the
// answers its SDKs read. Pure and total: a tracking call reports an LLM call that already happened,
// so odd values are mapped (stringified, dropped, truncated) rather than refused — a refusal would
// make the SDK throw the tracking error in place of the LLM's own (§1.1 step 7).
import type { Json, JsonObject } from '../../model/types.ts';
import type { RequestLogInput, RequestLogStatus } from '../../model/request-log.ts';

const isObj = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
/** NUL is the one character PostgreSQL text cannot hold. */
const clean = (s: string) => s.replace(/\u0000/g, '');
const text = (v: unknown, max = 10_000): string | null =>
  typeof v === 'string' && v ? clean(v).slice(0, max) : typeof v === 'number' ? String(v) : null;

export const ERROR_MESSAGE_MAX = 1024;
/** PromptLayer's no-op tracer sends this span id: it means none. */
const NO_SPAN = /^0+$/;

/**
 * A timestamp as PromptLayer's clients send it: an ISO-8601 string, or a number read as pydantic
 * does (|n| ≤ 2e10 seconds, larger milliseconds). Anything else, or out of range: null.
 */
export function timestampOf(v: unknown): Date | null {
  let d: Date | null = null;
  if (typeof v === 'number' && Number.isFinite(v)) d = new Date(Math.abs(v) <= 2e10 ? v * 1000 : v);
  else if (typeof v === 'string' && v.trim()) {
    const s = v.trim();
    d = /^-?\d+(\.\d+)?$/.test(s) ? timestampOf(Number(s)) : new Date(s);
  }
  return d && !Number.isNaN(d.getTime()) && Math.abs(d.getFullYear()) < 10_000 ? d : null;
}

/** Nanoseconds since the epoch (a span's times: a string in JS, an integer in the spec). */
export function nanosOf(v: unknown): Date | null {
  if (typeof v === 'string' && /^\d{1,25}$/.test(v)) return new Date(Number(BigInt(v) / 1_000_000n));
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return new Date(v / 1e6);
  return timestampOf(v);
}

const count = (v: unknown): number | null =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 2_147_483_647 ? v : null;

export interface Tokens {
  input: number | null;
  output: number | null;
  cacheRead: number | null;
  cacheWrite: number | null;
}

/** Token counts from a provider response, whichever provider's shape it has (runtime.md §4). */
export function tokensOf(response: unknown): Tokens {
  const none = { input: null, output: null, cacheRead: null, cacheWrite: null };
  if (!isObj(response)) return none;
  const u = response['usage'];
  if (isObj(u)) {
    if ('prompt_tokens' in u || 'completion_tokens' in u) {
      const d = u['prompt_tokens_details'];
      return {
        input: count(u['prompt_tokens']),
        output: count(u['completion_tokens']),
        cacheRead: isObj(d) ? count(d['cached_tokens']) : null,
        cacheWrite: null,
      };
    }
    if ('input_tokens' in u || 'output_tokens' in u) {
      const d = u['input_tokens_details'];
      return {
        input: count(u['input_tokens']),
        output: count(u['output_tokens']),
        cacheRead: count(u['cache_read_input_tokens']) ?? (isObj(d) ? count(d['cached_tokens']) : null),
        cacheWrite: count(u['cache_creation_input_tokens']),
      };
    }
    if ('inputTokens' in u || 'promptTokens' in u) {
      return {
        input: count(u['inputTokens'] ?? u['promptTokens']),
        output: count(u['outputTokens'] ?? u['completionTokens']),
        cacheRead: null,
        cacheWrite: null,
      };
    }
  }
  const g = response['usageMetadata'] ?? response['usage_metadata'];
  if (isObj(g)) {
    return {
      input: count(g['promptTokenCount'] ?? g['prompt_token_count']),
      output: count(g['candidatesTokenCount'] ?? g['candidates_token_count']),
      cacheRead: count(g['cachedContentTokenCount'] ?? g['cached_content_token_count']),
      cacheWrite: null,
    };
  }
  return none;
}

const SECRET_KEYS = new Set([
  'apiKey',
  'api_key',
  'baseURL',
  'base_url',
  'credentials',
  'customer_credentials',
  'credential_override',
]);

/** A provider call's arguments without the credentials some SDK paths leave in them (§1.1 step 6). */
export function redactKwargs(kwargs: unknown): JsonObject {
  if (!isObj(kwargs)) return {};
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(kwargs)) {
    if (SECRET_KEYS.has(k)) continue;
    if ((k === 'headers' || k === 'defaultHeaders') && isObj(v)) {
      out[k] = Object.fromEntries(
        Object.entries(v).filter(([h]) => !/^(authorization|x-api-key|api-key)$/i.test(h)),
      ) as JsonObject;
    } else out[k] = v;
  }
  return out;
}

/** PromptLayer metadata is string → string: other values are kept as their JSON text. */
export function stringMetadata(m: unknown): JsonObject {
  if (!isObj(m)) return {};
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(m)) {
    if (v === null || v === undefined) continue;
    out[clean(k).slice(0, 1024)] = clean(typeof v === 'string' ? v : JSON.stringify(v));
  }
  return out;
}

export function tagsOf(t: unknown): string[] {
  return Array.isArray(t) ? t.filter((x) => typeof x === 'string').map((x) => clean(x).slice(0, 512)) : [];
}

const STATUS: Record<string, RequestLogStatus> = { SUCCESS: 'success', WARNING: 'warning', ERROR: 'error' };
export const statusOf = (s: unknown): RequestLogStatus =>
  (typeof s === 'string' && STATUS[s.toUpperCase()]) || 'success';

export const spanIdOf = (s: unknown): string | null =>
  typeof s === 'string' && s && !NO_SPAN.test(s) ? clean(s).slice(0, 64) : null;

const latency = (start: Date | null, end: Date | null) =>
  start && end ? Math.max(0, end.getTime() - start.getTime()) : null;

/** The `api_type` a `function_name` implies (§1.1 table), for records not tied to a version. */
export function apiTypeOfFunction(fn: string | null): string | null {
  if (!fn) return null;
  if (/chat\.completions\.create$|(^|\.)completions\.create$/.test(fn)) return 'chat-completions';
  if (/responses\.create$/.test(fn)) return 'responses';
  if (/images\.generate$/.test(fn)) return 'images';
  return null;
}

/** A `/track-request` body as a record (the prompt link is resolved by the registry). */
export function trackRequestRecord(b: JsonObject): RequestLogInput {
  const start = timestampOf(b['request_start_time']);
  const end = timestampOf(b['request_end_time']);
  const kwargs = redactKwargs(b['kwargs']);
  const response = isObj(b['request_response']) ? b['request_response'] : {};
  const t = tokensOf(response);
  const status = statusOf(b['status']);
  const vars = b['prompt_input_variables'];
  const fn = text(b['function_name'], 256);
  return {
    source: 'pl.track',
    provider: text(b['provider_type'], 64),
    model: text(kwargs['model'], 256),
    responseModel: text(response['model'], 256),
    apiType: apiTypeOfFunction(fn),
    functionName: fn,
    inputVariables: isObj(vars) ? vars : null,
    request: kwargs,
    response,
    inputTokens: t.input,
    outputTokens: t.output,
    cacheReadTokens: t.cacheRead,
    cacheWriteTokens: t.cacheWrite,
    startTime: start,
    endTime: end,
    latencyMs: latency(start, end),
    status,
    errorType: text(b['error_type'], 64),
    // Stored, never refused: the SDK would throw this failure in place of the LLM's error.
    errorMessage: text(b['error_message'], ERROR_MESSAGE_MAX),
    tags: tagsOf(b['tags']),
    metadata: stringMetadata(b['metadata']),
    groupId:
      typeof b['group_id'] === 'number' && Number.isSafeInteger(b['group_id']) && b['group_id'] > 0
        ? b['group_id']
        : null,
    spanId: spanIdOf(b['span_id']),
    stream: kwargs['stream'] === true,
  };
}

/** Content as PromptLayer's blueprint holds it: a list of blocks (a string is one text block). */
export function blocksOf(c: unknown): Json[] {
  if (typeof c === 'string') return [{ type: 'text', text: c }];
  if (Array.isArray(c)) {
    return c.map((b) => (typeof b === 'string' ? { type: 'text', text: b } : (b as Json)));
  }
  return [];
}

function blueprintMessage(m: JsonObject): JsonObject {
  const role = typeof m['role'] === 'string' ? m['role'] : 'user';
  const out: JsonObject = {
    role,
    content: blocksOf(m['content']),
    input_variables: [],
    template_format: 'f-string',
    raw_request_display_role: role,
    dataset_examples: [],
    name: typeof m['name'] === 'string' ? m['name'] : null,
  };
  if (role === 'assistant') {
    out['function_call'] = m['function_call'] ?? null;
    out['tool_calls'] = Array.isArray(m['tool_calls']) ? m['tool_calls'] : null;
  }
  if (role === 'tool' && typeof m['tool_call_id'] === 'string') out['tool_call_id'] = m['tool_call_id'];
  return out;
}

/** The assistant message of a provider response (OpenAI chat or responses, Anthropic), if any. */
export function outputMessage(response: unknown): JsonObject | null {
  if (!isObj(response)) return null;
  const choices = response['choices'];
  if (Array.isArray(choices) && isObj(choices[0])) {
    const c = choices[0];
    if (isObj(c['message'])) return blueprintMessage({ ...c['message'], role: 'assistant' });
    if (typeof c['text'] === 'string') return blueprintMessage({ role: 'assistant', content: c['text'] });
  }
  if (Array.isArray(response['content'])) {
    const blocks = response['content'].filter(isObj);
    const texts = blocks
      .filter((b) => b['type'] === 'text')
      .map((b) => ({ type: 'text', text: b['text'] ?? '' }));
    const calls = blocks
      .filter((b) => b['type'] === 'tool_use')
      .map((b) => ({
        id: b['id'] ?? '',
        type: 'function',
        function: { name: b['name'] ?? '', arguments: JSON.stringify(b['input'] ?? {}) },
      }));
    return blueprintMessage({ role: 'assistant', content: texts, tool_calls: calls.length ? calls : null });
  }
  if (typeof response['output_text'] === 'string') {
    return blueprintMessage({ role: 'assistant', content: response['output_text'] });
  }
  return null;
}

/**
 * The `prompt_blueprint` PromptLayer answers for a tracked call: the logged call, not the stored
 * template (§1.2) — the request messages (Anthropic's `system` first), then the response's message.
 */
export function trackBlueprint(
  kwargs: JsonObject,
  response: JsonObject,
  provider: string | null,
  apiType: string | null,
): JsonObject {
  const messages: JsonObject[] = [];
  const system = kwargs['system'];
  if (system !== undefined && system !== null)
    messages.push(blueprintMessage({ role: 'system', content: system }));
  let type: 'chat' | 'completion' = 'chat';
  if (Array.isArray(kwargs['messages']))
    messages.push(...kwargs['messages'].filter(isObj).map(blueprintMessage));
  else if (Array.isArray(kwargs['input']))
    messages.push(...kwargs['input'].filter(isObj).map(blueprintMessage));
  else if (typeof kwargs['prompt'] === 'string') type = 'completion';
  const out = outputMessage(response);
  if (out && type === 'chat') messages.push(out);
  const parameters: JsonObject = {};
  for (const [k, v] of Object.entries(kwargs))
    if (!['model', 'messages', 'system', 'prompt', 'input'].includes(k)) parameters[k] = v;
  const template: JsonObject =
    type === 'chat'
      ? {
          type: 'chat',
          messages,
          functions: Array.isArray(kwargs['functions']) ? kwargs['functions'] : [],
          tools: Array.isArray(kwargs['tools']) ? kwargs['tools'] : [],
          function_call: kwargs['function_call'] ?? null,
          tool_choice: kwargs['tool_choice'] ?? null,
          input_variables: [],
          dataset_examples: [],
        }
      : {
          type: 'completion',
          content: blocksOf(kwargs['prompt']),
          input_variables: [],
          template_format: 'f-string',
        };
  const model: JsonObject = { provider, name: typeof kwargs['model'] === 'string' ? kwargs['model'] : null };
  if (apiType) model['api_type'] = apiType;
  model['parameters'] = parameters;
  return {
    prompt_template: template,
    commit_message: null,
    metadata: { model },
    provider_base_url_name: null,
    report_id: null,
    inference_client_name: null,
    provider_id: null,
  };
}

/** A `/log-request` template (`input`/`output`): string content becomes a text block. */
export function logTemplate(t: JsonObject): JsonObject {
  if (t['type'] === 'completion') return { ...t, content: blocksOf(t['content']) };
  const messages = Array.isArray(t['messages']) ? t['messages'].filter(isObj) : [];
  return { ...t, type: 'chat', messages: messages.map((m) => ({ ...m, content: blocksOf(m['content']) })) };
}

/** A `/log-request` body as a record (the prompt link is resolved by the registry). */
export function logRequestRecord(b: JsonObject): RequestLogInput {
  const start = timestampOf(b['request_start_time']);
  const end = timestampOf(b['request_end_time']);
  const input = logTemplate(isObj(b['input']) ? b['input'] : {});
  const output = logTemplate(isObj(b['output']) ? b['output'] : {});
  const params = isObj(b['parameters']) ? redactKwargs(b['parameters']) : {};
  const score = b['score'];
  const scoreName = text(b['score_name'], 256);
  const scored = typeof score === 'number' && (score !== 0 || scoreName !== null);
  const price = b['price'];
  return {
    source: 'pl.log',
    provider: text(b['provider'], 64),
    model: text(b['model'], 256),
    apiType: text(b['api_type'], 64),
    functionName: text(b['function_name'], 256),
    inputVariables: isObj(b['prompt_input_variables']) ? b['prompt_input_variables'] : null,
    request: { input, parameters: params },
    response: output,
    inputTokens: count(b['input_tokens']),
    outputTokens: count(b['output_tokens']),
    startTime: start,
    endTime: end,
    latencyMs: latency(start, end),
    costUsd: typeof price === 'number' && Number.isFinite(price) && price >= 0 ? price : null,
    status: statusOf(b['status']),
    errorType: text(b['error_type'], 64),
    errorMessage: text(b['error_message'], ERROR_MESSAGE_MAX),
    tags: tagsOf(b['tags']),
    metadata: stringMetadata(b['metadata']),
    spanId: spanIdOf(b['span_id']),
    scores: scored ? [{ name: scoreName ?? 'default', value: score, source: 'pl.log' }] : [],
  };
}

/** The blueprint `/log-request` answers: input and output messages, and the model (§1.4). */
export function logBlueprint(b: JsonObject): JsonObject {
  const input = logTemplate(isObj(b['input']) ? b['input'] : {});
  const output = logTemplate(isObj(b['output']) ? b['output'] : {});
  const template =
    input['type'] === 'chat'
      ? { ...input, messages: [...(input['messages'] as Json[]), ...((output['messages'] as Json[]) ?? [])] }
      : input;
  return {
    prompt_template: template,
    commit_message: null,
    metadata: {
      model: {
        provider: text(b['provider'], 64),
        name: text(b['model'], 256),
        parameters: isObj(b['parameters']) ? redactKwargs(b['parameters']) : {},
      },
    },
  };
}

/** A span of `/spans-bulk` as a record of its own (§1.7): trace, span, timing and status. */
export function spanRecord(s: JsonObject): RequestLogInput {
  const ctx = isObj(s['context']) ? s['context'] : {};
  const status = isObj(s['status']) ? s['status'] : {};
  const attrs = isObj(s['attributes']) ? s['attributes'] : {};
  const start = nanosOf(s['start_time']);
  const end = nanosOf(s['end_time']);
  const failed = typeof status['status_code'] === 'string' && /ERROR$/.test(status['status_code']);
  const parsed = (v: Json | undefined): Json => {
    if (typeof v !== 'string') return v ?? null;
    try {
      return JSON.parse(v) as Json;
    } catch {
      return v;
    }
  };
  return {
    source: 'pl.span',
    traceId: text(ctx['trace_id'], 64),
    spanId: spanIdOf(ctx['span_id']),
    parentSpanId: spanIdOf(s['parent_id']),
    spanName: text(s['name'], 512),
    startTime: start,
    endTime: end,
    latencyMs: latency(start, end),
    status: failed ? 'error' : 'success',
    errorMessage: failed ? text(status['description'], ERROR_MESSAGE_MAX) : null,
    request: parsed(attrs['function_input']),
    response: parsed(attrs['function_output']),
    metadata: stringMetadata(
      Object.fromEntries(
        Object.entries(attrs).filter(([k]) => k !== 'function_input' && k !== 'function_output'),
      ),
    ),
  };
}
