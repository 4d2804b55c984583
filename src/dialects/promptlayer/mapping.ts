// PromptLayer's wire shapes <-> the canonical model. A version's `metadata.model` {provider, name,
// parameters} becomes model/provider/params, with parameters.response_format lifted into the
// canonical responseFormat; keys PromptLayer carries that the model has no field for (chat-level
// `dataset_examples`, model display fields, custom metadata) are kept in the version's metadata.
import type { Json, JsonObject, Message, TemplateFormat, VersionContent } from '../../model/types.ts';
import { unprocessable } from '../../model/errors.ts';
import type { PromptRef, VersionSelector } from '../../registry/index.ts';
import { extractVersionVariables, type VersionMessage } from '../../templates/index.ts';
import { isIndexKey, mergeObjects, objectOf, setKey } from '../../model/json-order.ts';
import { foreignModel } from './foreign-view.ts';

// Objects are copied with mergeObjects / objectOf rather than spreads: they keep the key order
// the client wrote, integer-like keys included (src/model/json-order.ts).

/** Where this dialect keeps its extras inside the canonical version metadata. */
export const EXTRAS_KEY = '_promptlayer';
const MODEL_KNOWN = new Set(['provider', 'name', 'parameters']);
const CHAT_KNOWN = new Set([
  'type',
  'messages',
  'tools',
  'functions',
  'function_call',
  'tool_choice',
  'input_variables',
]);
const COMPLETION_KNOWN = new Set(['type', 'content', 'input_variables', 'template_format']);

/** PromptLayer wrote this version: its publish always records its extras. */
export const writtenByPromptLayer = (c: VersionContent) => EXTRAS_KEY in c.metadata;

export const isObject = (v: unknown): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** `{identifier}`: a positive integer is the template id (tried first), anything else a name. */
export function promptRefs(identifier: string): PromptRef[] {
  if (/^[1-9][0-9]{0,14}$/.test(identifier)) return [{ seq: Number(identifier) }, { name: identifier }];
  return [{ name: identifier }];
}

export function selectorOf(version?: number | null, label?: string | null): VersionSelector {
  if (label !== undefined && label !== null) return { label };
  if (version !== undefined && version !== null) return { number: version };
  return { latest: true };
}

function pick(o: JsonObject, skip: Set<string>): JsonObject {
  return objectOf(Object.entries(o).filter(([k, v]) => !skip.has(k) && v !== undefined)) as JsonObject;
}

/** A label's target version: `prompt_version_number`, else `prompt_version_id`; neither is a 422. */
export function labelTargetOf(b: {
  prompt_version_number?: number | undefined;
  prompt_version_id?: number | undefined;
}): VersionSelector {
  if (b.prompt_version_number !== undefined) return { number: b.prompt_version_number };
  if (b.prompt_version_id !== undefined) return { seq: b.prompt_version_id };
  throw unprocessable('prompt_version_number is required', [
    { loc: ['body', 'prompt_version_number'], msg: 'Field required', type: 'missing' },
  ]);
}

/** The PromptLayer `prompt_template` + `metadata` + `commit_message` of a publish, as canonical content. */
export function contentFromWire(
  template: JsonObject,
  metadata: JsonObject | null | undefined,
  commitMessage: string | null | undefined,
): Partial<VersionContent> {
  const type = template['type'] === 'completion' ? 'completion' : 'chat';
  const meta = mergeObjects(isObject(metadata) ? metadata : null) as JsonObject;
  const model = isObject(meta['model']) ? meta['model'] : null;
  delete meta['model'];
  // Like PromptLayer's server, keep only the template-level keys it knows (messages keep theirs).
  const kept = pick(template, type === 'chat' ? CHAT_KNOWN : COMPLETION_KNOWN);
  const extras: JsonObject = {
    template: 'dataset_examples' in kept ? { dataset_examples: kept['dataset_examples']! } : {},
  };
  const c: Partial<VersionContent> = {
    templateType: type,
    templateFormat: 'f-string',
    commitMessage: commitMessage ?? null,
    model: null,
    provider: null,
    params: {},
    responseFormat: null,
    tools: null,
    functions: null,
    functionCall: null,
    toolChoice: null,
  };
  if (model) {
    const params = mergeObjects(isObject(model['parameters']) ? model['parameters'] : null) as JsonObject;
    const rf = params['response_format'];
    delete params['response_format'];
    c.model = typeof model['name'] === 'string' ? model['name'] : null;
    c.provider = typeof model['provider'] === 'string' ? model['provider'] : null;
    c.params = params;
    c.responseFormat = isObject(rf) ? rf : null;
    extras['model'] = pick(model, MODEL_KNOWN);
  }
  if (type === 'chat') {
    c.messages = (template['messages'] as Message[]).map((m) => mergeObjects(m) as Message);
    c.content = null;
    c.tools = (template['tools'] as Json[] | null | undefined) ?? null;
    c.functions = (template['functions'] as Json[] | null | undefined) ?? null;
    c.functionCall = template['function_call'] ?? null;
    c.toolChoice = template['tool_choice'] ?? null;
  } else {
    c.messages = [];
    c.content = template['content'] as Json[];
    const fmt = template['template_format'];
    if (fmt === 'jinja2' || fmt === 'f-string') c.templateFormat = fmt;
  }
  c.metadata = mergeObjects(meta, { [EXTRAS_KEY]: extras }) as JsonObject;
  return c;
}

function extrasOf(v: VersionContent): { template: JsonObject; model: JsonObject } {
  const e = v.metadata[EXTRAS_KEY];
  const template = isObject(e) && isObject(e['template']) ? e['template'] : {};
  const model = isObject(e) && isObject(e['model']) ? e['model'] : {};
  return { template, model };
}

function variablesOf(
  messages: VersionMessage[] | null,
  content: Json[] | null,
  fmt: TemplateFormat,
): string[] {
  try {
    return extractVersionVariables(messages, content as never, fmt);
  } catch {
    return []; // a template that does not parse declares nothing
  }
}

/** PromptLayer content is a list of blocks; a plain string (written natively) becomes one text block. */
export function blocksOf(content: Json | undefined): Json {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return content === undefined ? null : content;
}

export function wireMessage(m: Message, fmt: TemplateFormat): JsonObject {
  const own = (m['template_format'] as TemplateFormat | undefined) ?? fmt;
  // The defaults PromptLayer's server fills in on every message it stores.
  const defaults: JsonObject = { name: null, raw_request_display_role: '', dataset_examples: [] };
  if (m.role === 'assistant') Object.assign(defaults, { function_call: null, tool_calls: null });
  const tail = {
    content: blocksOf(m.content),
    template_format: own,
    input_variables: variablesOf([m as VersionMessage], null, own),
  };
  const keys = Object.keys(m);
  // Built in place, as mergeObjects would (a key keeps its first place, takes its last value),
  // unless an integer-like key needs the ordered path: this runs for every message of every render.
  if (keys.some(isIndexKey)) {
    return mergeObjects(
      defaults,
      objectOf(Object.entries(m).filter(([, v]) => v !== undefined)),
      tail,
    ) as JsonObject;
  }
  for (const k of keys) if (m[k] !== undefined) setKey(defaults, k, m[k]!);
  defaults['content'] = tail.content;
  defaults['template_format'] = tail.template_format;
  defaults['input_variables'] = tail.input_variables;
  return defaults;
}

/** The wire `prompt_template` of a version (optionally with already-transformed messages/content). */
export function templateWire(
  v: VersionContent,
  override?: { messages?: Message[]; content?: Json[] | null },
): JsonObject {
  const { template } = extrasOf(v);
  if (v.templateType === 'completion') {
    const content = override?.content !== undefined ? override.content : v.content;
    return {
      ...template,
      type: 'completion',
      content: content ?? [],
      template_format: v.templateFormat,
      input_variables: variablesOf(null, content, v.templateFormat),
    };
  }
  const messages = override?.messages ?? v.messages;
  return {
    dataset_examples: [],
    ...template,
    type: 'chat',
    messages: messages.map((m) => wireMessage(m, v.templateFormat)),
    functions: v.functions,
    tools: v.tools,
    function_call: v.functionCall,
    tool_choice: v.toolChoice,
    input_variables: variablesOf(messages as VersionMessage[], null, v.templateFormat),
  };
}

/** The wire `metadata`: custom keys plus `model` {provider, name, parameters}; null when empty. */
export function metadataWire(v: VersionContent): JsonObject | null {
  const { model } = extrasOf(v);
  const custom = objectOf(Object.entries(v.metadata).filter(([k]) => k !== EXTRAS_KEY));
  let out = custom as JsonObject;
  // Another API's version: a provider (and api_type) PromptLayer's run() can call, and only the
  // parameters that provider takes (foreign-view.ts).
  const foreign = writtenByPromptLayer(v) ? null : foreignModel(v);
  if (foreign) {
    const model: JsonObject = { provider: foreign.provider, name: foreign.name };
    if (foreign.apiType) model['api_type'] = foreign.apiType;
    model['parameters'] = foreign.parameters;
    out = mergeObjects(custom, { model }) as JsonObject;
  } else if (v.model !== null || v.provider !== null) {
    const parameters = mergeObjects(
      v.params,
      v.responseFormat ? { response_format: v.responseFormat } : null,
    );
    out = mergeObjects(custom, {
      model: mergeObjects(model, { provider: v.provider, name: v.model, parameters }) as JsonObject,
    }) as JsonObject;
  }
  return Object.keys(out).length ? out : null;
}
