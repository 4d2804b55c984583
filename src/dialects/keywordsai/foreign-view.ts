// How a version written through another API (PromptLayer, NeMo, the native API) reads on the
// Keywords AI surface, so the Keywords AI SDK's pydantic models accept every list page
// (specs/runtime.md §5.1). Versions Keywords AI wrote are shown as written: these rules only map
// what another API could store and Keywords AI's client cannot take. Pure and total.
import type { Json, JsonObject, Message, VersionContent } from '../../model/types.ts';

/** Keywords AI's `Message.role` values; `placeholder` and `function` are not among them. */
const KA_ROLES = new Set(['user', 'assistant', 'system', 'tool', 'none', 'developer']);

/** Content block types the SDK's models know, each with the string fields it requires. */
const BLOCK_STRINGS: Record<string, string[]> = {
  text: ['text'],
  input_text: ['text'],
  output_text: ['text'],
  input_image: ['image'],
  input_file: ['file'],
  file: [],
  image_url: [],
  tool_use: ['id', 'name'],
  image: [],
  tool_result: ['tool_use_id'],
};

/**
 * Keywords AI's sampling settings the SDK types as non-null numbers, with the product defaults a
 * new version gets (the values the Keywords AI UI and SDK show for "not set").
 */
export const KA_SAMPLING_DEFAULTS = {
  temperature: 0.7,
  max_tokens: 4096,
  top_p: 1,
  frequency_penalty: 0,
  presence_penalty: 0,
} as const;

const isObj = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: Json | undefined): string =>
  typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v);

/** Keywords AI wrote this version: its create always records `is_enforcing_response_format`. */
export const writtenByKeywordsAi = (c: VersionContent) => 'is_enforcing_response_format' in c.metadata;

/** A sampling setting as the SDK requires it: the stored number, else the product default. */
export function samplingValue(key: keyof typeof KA_SAMPLING_DEFAULTS, v: Json | undefined): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) return KA_SAMPLING_DEFAULTS[key];
  return key === 'max_tokens' ? (Number.isInteger(v) && v > 0 ? v : KA_SAMPLING_DEFAULTS[key]) : v;
}

/** A text-only block of another product (PromptLayer `thinking`, `code`, …) as a text block. */
function textOfBlock(b: JsonObject): string | null {
  for (const k of ['text', 'thinking', 'code', 'content'])
    if (typeof b[k] === 'string') return b[k] as string;
  return null;
}

/** One content block the SDK accepts, or null to drop it. */
export function kaBlock(b: Json): Json | null {
  if (typeof b === 'string') return b;
  if (!isObj(b)) return null;
  const type = typeof b['type'] === 'string' ? (b['type'] as string) : '';
  const needs = BLOCK_STRINGS[type];
  if (needs && needs.every((k) => typeof b[k] === 'string')) {
    if (type === 'tool_result' && typeof b['content'] !== 'string')
      return { ...b, content: str(b['content']) };
    if (type === 'tool_use' && !isObj(b['input'])) return { ...b, input: {} };
    const url = b['image_url'];
    if (
      type === 'image_url' &&
      !(typeof url === 'string' || (isObj(url) && typeof url['url'] === 'string'))
    ) {
      return null;
    }
    if (type === 'image') {
      const s = b['source'];
      const ok = isObj(s) && ['type', 'media_type', 'data'].every((k) => typeof s[k] === 'string');
      return ok ? b : null;
    }
    return b;
  }
  const text = textOfBlock(b);
  return text === null ? null : { type: 'text', text };
}

function kaContent(c: Json | undefined): Json {
  if (c === undefined || c === null) return null;
  if (typeof c === 'string') return c;
  if (Array.isArray(c)) return c.map(kaBlock).filter((b): b is Json => b !== null);
  return str(c); // a number or an object where text belongs: shown as its JSON text
}

function kaToolCalls(calls: Json | undefined): Json[] | undefined {
  if (!Array.isArray(calls)) return undefined;
  return calls.filter(isObj).map((c) => {
    const f = isObj(c['function']) ? c['function'] : {};
    return {
      ...c,
      id: str(c['id']),
      type: typeof c['type'] === 'string' ? c['type'] : 'function',
      function: {
        ...f,
        name: str(f['name']),
        arguments: typeof f['arguments'] === 'string' ? f['arguments'] : JSON.stringify(f['arguments'] ?? {}),
      },
    };
  });
}

/**
 * One message in Keywords AI's shape, or null to drop it: a `placeholder` (a slot filled at run time
 * through PromptLayer) has no Keywords AI counterpart; a legacy `function` result becomes a `tool`
 * message with its name.
 */
export function kaMessage(m: Message): JsonObject | null {
  if (m.role === 'placeholder') return null;
  const role = m.role === 'function' ? 'tool' : KA_ROLES.has(m.role) ? m.role : 'user';
  const out: JsonObject = { ...(m as JsonObject), role, content: kaContent(m.content) };
  if (m.role === 'function') out['tool_call_id'] = null;
  for (const k of ['name', 'tool_call_id']) {
    const v = out[k];
    if (v !== undefined && v !== null && typeof v !== 'string') out[k] = str(v);
  }
  const calls = kaToolCalls(m['tool_calls']);
  if (calls) out['tool_calls'] = calls;
  else if (out['tool_calls'] !== undefined) out['tool_calls'] = null;
  return out;
}

const TYPED = new Set(['text', 'image_url', 'json']);

/** Variable defaults the SDK accepts: strings, or `{_type, value}` objects of its three kinds. */
export function kaVariables(defaults: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(defaults)) {
    if (v === null) continue;
    if (typeof v === 'string') out[k] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
    else if (Array.isArray(v)) out[k] = { _type: 'text', value: JSON.stringify(v) };
    else if (typeof v['_type'] === 'string' && TYPED.has(v['_type'])) {
      const typedOk = v['_type'] === 'json' ? isObj(v['value']) : typeof v['value'] === 'string';
      out[k] = typedOk ? v : { _type: 'json', value: v };
    } else out[k] = { _type: 'json', value: v };
  }
  return out;
}

const strOrNull = (v: Json | undefined): string | null =>
  v === undefined || v === null ? null : typeof v === 'string' ? v : str(v);

/** A completion template (PromptLayer, native) reads as the one user message it sends. */
function messagesOf(c: VersionContent): JsonObject[] {
  if (c.templateType === 'completion') {
    const content = kaContent(c.content ?? []);
    return [{ role: 'user', content: Array.isArray(content) ? content : str(content) }];
  }
  return c.messages.map(kaMessage).filter((m): m is JsonObject => m !== null);
}

/** The fields of kwFields() that another API's version can hold in shapes the SDK refuses. */
export interface ForeignFields {
  messages: JsonObject[];
  temperature: number;
  max_tokens: number;
  top_p: number;
  frequency_penalty: number;
  presence_penalty: number;
  reasoning_effort: string | null;
  variables: JsonObject;
  fallback_models: string[] | null;
  load_balance_models: JsonObject[] | null;
  tools: JsonObject[] | null;
  tool_choice: Json;
  response_format: Json;
}

/** A `str | object | null` field: anything else another API stored reads as not set. */
const strOrObject = (v: Json | undefined): Json => (typeof v === 'string' || isObj(v) ? v : null);

export function foreignFields(c: VersionContent): ForeignFields {
  const p = c.params;
  return {
    messages: messagesOf(c),
    temperature: samplingValue('temperature', p['temperature']),
    max_tokens: samplingValue('max_tokens', p['max_tokens']),
    top_p: samplingValue('top_p', p['top_p']),
    frequency_penalty: samplingValue('frequency_penalty', p['frequency_penalty']),
    presence_penalty: samplingValue('presence_penalty', p['presence_penalty']),
    reasoning_effort: strOrNull(p['reasoning_effort']),
    variables: kaVariables(c.variableDefaults),
    fallback_models: Array.isArray(c.fallbackModels)
      ? c.fallbackModels.filter((m) => typeof m === 'string')
      : null,
    load_balance_models: Array.isArray(c.loadBalanceModels)
      ? (c.loadBalanceModels as unknown as Json[]).filter(isObj)
      : null,
    tools: Array.isArray(c.tools) ? c.tools.filter(isObj) : null,
    tool_choice: strOrObject(c.toolChoice),
    response_format: strOrObject(c.responseFormat),
  };
}
