// Provider-native request kwargs built from a version (PromptLayer's `llm_kwargs`): OpenAI's
// chat.completions / completions shape, or Anthropic's messages shape. PromptLayer calls this
// structure unstable; we follow its recordings: `{model, messages, ...parameters}`.
import type { Json, JsonObject, Message, VersionContent } from '../../model/types.ts';
import { isObject, writtenByPromptLayer } from './mapping.ts';
import { foreignModel, providerParameters } from './foreign-view.ts';
import { mergeObjects, setKey } from '../../model/json-order.ts';

export interface KwargsInput {
  version: VersionContent;
  messages: Message[];
  content: Json[] | null;
  provider?: string | null;
  model?: string | null;
  overrides?: JsonObject | null;
}

const textOf = (c: Json | undefined): string =>
  typeof c === 'string'
    ? c
    : Array.isArray(c)
      ? c
          .filter((b) => isObject(b) && b['type'] === 'text' && typeof b['text'] === 'string')
          .map((b) => (b as JsonObject)['text'] as string)
          .join('')
      : '';

const blocks = (c: Json | undefined): Json =>
  typeof c === 'string'
    ? [{ type: 'text', text: c }]
    : Array.isArray(c)
      ? c.map((b) => (isObject(b) ? pickBlock(b) : b))
      : null;

function pickBlock(b: JsonObject): JsonObject {
  if (b['type'] === 'text') return { type: 'text', text: b['text'] ?? '' };
  return b;
}

/** camelCase / provider-neutral override names onto each provider's parameter names. */
function translateOverrides(o: JsonObject, provider: 'openai' | 'anthropic'): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(o)) {
    if (k === 'maxOutputTokens' || k === 'max_output_tokens' || k === 'maxTokens') {
      out[provider === 'openai' ? 'max_completion_tokens' : 'max_tokens'] = v;
    } else if (k === 'topP') out['top_p'] = v;
    else if (k === 'topK') out['top_k'] = v;
    else if (k === 'stopSequences') out[provider === 'openai' ? 'stop' : 'stop_sequences'] = v;
    else setKey(out, k, v);
  }
  return out;
}

function openaiMessage(m: Message): JsonObject {
  const out: JsonObject = { role: m.role };
  if (m.role === 'system' || m.role === 'developer') out['content'] = textOf(m.content);
  else if (m.role === 'assistant' || m.role === 'tool' || m.role === 'function') {
    out['content'] = m.content === null || m.content === undefined ? null : textOf(m.content);
  } else out['content'] = blocks(m.content);
  for (const k of ['name', 'tool_calls', 'tool_call_id', 'function_call']) {
    const v = m[k];
    if (v !== undefined && v !== null) out[k] = v;
  }
  return out;
}

function anthropicTool(t: Json): Json {
  if (isObject(t) && t['type'] === 'function' && isObject(t['function'])) {
    const f = t['function'];
    return {
      name: f['name'] ?? '',
      description: f['description'] ?? '',
      input_schema: f['parameters'] ?? { type: 'object', properties: {} },
    };
  }
  return t;
}

export function buildLlmKwargs(input: KwargsInput): JsonObject | null {
  const v = input.version;
  // Another API's version: the provider inferred from its model, its parameters cut down to what
  // that provider takes (foreign-view.ts).
  const foreign = writtenByPromptLayer(v) ? null : foreignModel(v);
  const provider = input.provider ?? v.provider ?? foreign?.provider;
  if (!provider) return null;
  const kind: 'openai' | 'anthropic' = provider === 'anthropic' ? 'anthropic' : 'openai';
  const model = v.model !== null ? (input.model ?? foreign?.name ?? v.model) : null;
  // Merged with the keys in the order the version holds them (json-order.ts), not JavaScript's.
  const params = foreign
    ? providerParameters(v.params, provider, model ?? '')
    : (mergeObjects(v.params) as JsonObject);
  const rf = foreign && v.responseFormat?.['type'] === 'text' ? null : v.responseFormat;
  if (rf && kind === 'openai') setKey(params, 'response_format', rf);
  const overrides = translateOverrides(input.overrides ?? {}, kind);
  const chat = input.messages.filter((m) => m.role !== 'placeholder');
  const out: JsonObject = {};
  if (kind === 'openai') {
    if (v.templateType === 'completion') out['prompt'] = textOf(input.content ?? []);
    else out['messages'] = chat.map(openaiMessage);
    if (model) out['model'] = model;
    // A choice without anything to choose from is refused by OpenAI, so it goes only with its list.
    if (v.tools?.length) {
      out['tools'] = v.tools;
      if (v.toolChoice !== null) out['tool_choice'] = v.toolChoice;
    }
    if (v.functions?.length) {
      out['functions'] = v.functions;
      if (v.functionCall !== null) out['function_call'] = v.functionCall;
    }
  } else {
    const system = chat.filter((m) => m.role === 'system').map((m) => textOf(m.content));
    if (v.templateType === 'completion') {
      out['messages'] = [{ role: 'user', content: [{ type: 'text', text: textOf(input.content ?? []) }] }];
    } else {
      out['messages'] = chat
        .filter((m) => m.role !== 'system')
        .map((m) => ({ role: m.role === 'assistant' ? 'assistant' : 'user', content: blocks(m.content) }));
    }
    if (system.length) out['system'] = system.join('\n\n');
    if (model) out['model'] = model;
    if (v.tools?.length) {
      out['tools'] = v.tools.map(anthropicTool);
      if (v.toolChoice !== null) out['tool_choice'] = v.toolChoice;
    }
    out['max_tokens'] = 1024; // Anthropic requires it; the version's parameters override this default
  }
  return mergeObjects(out, params, overrides) as JsonObject;
}
