// Langfuse's prompt shapes <-> the canonical model.
//   text prompt  <-> a completion template with one text block
//   chat prompt  <-> chat messages; `{type:"placeholder", name}` <-> `{role:"placeholder", name}`
//                    (PromptLayer's placeholder message); `type:"chatmessage"` is not stored, and
//                    never sent back (the JS SDK adds it itself, and drops any other `type`)
//   config       <-> model, provider, sampling params, tools, tool_choice, response_format,
//                    json_schema, functions, function_call; every other key in version metadata
//   `latest`     <-> computed (the newest live version), never stored
// Objects are copied with objectOf / mergeObjects so the client's key order survives.
import type { Json, JsonObject, Message, Prompt, VersionContent } from '../../model/types.ts';
import { mergeObjects, objectOf } from '../../model/json-order.ts';
import type { VersionView } from '../../registry/index.ts';
import type { ResolutionGraph } from '../../model/snippet-expansion.ts';

/** Where this dialect keeps config keys the model has no field for, inside version metadata. */
export const EXTRAS_KEY = '_langfuse';
export const LATEST = 'latest';

export const isObject = (v: unknown): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Config keys that are sampling parameters (the canonical `params`, seen by every dialect). */
const PARAM_KEYS = new Set([
  'temperature',
  'max_tokens',
  'max_completion_tokens',
  'max_output_tokens',
  'top_p',
  'top_k',
  'frequency_penalty',
  'presence_penalty',
  'stop',
  'seed',
  'n',
  'logit_bias',
  'logprobs',
  'top_logprobs',
  'reasoning_effort',
  'verbosity',
  'stream',
  'parallel_tool_calls',
  'service_tier',
]);

/** Config keys with a canonical field of their own. */
const FIELD_KEYS = {
  model: 'model',
  provider: 'provider',
  tools: 'tools',
  tool_choice: 'toolChoice',
  response_format: 'responseFormat',
  json_schema: 'jsonSchema',
  functions: 'functions',
  function_call: 'functionCall',
} as const satisfies Record<string, keyof VersionContent>;

export type WireChatItem =
  { role: string; content: string; type?: string } | { type: 'placeholder'; name: string };

export type WireChatOut = { role: string; content: string } | { type: 'placeholder'; name: string };

/** The canonical fields a Langfuse `config` sets; what has no field is kept in the extras. */
export function contentOfConfig(config: JsonObject | null | undefined): Partial<VersionContent> {
  const c: Partial<VersionContent> = {
    model: null,
    provider: null,
    params: {},
    tools: null,
    toolChoice: null,
    responseFormat: null,
    jsonSchema: null,
    functions: null,
    functionCall: null,
  };
  const params: [string, Json][] = [];
  const extras: [string, Json][] = [];
  for (const [k, v] of Object.entries(config ?? {})) {
    const field = (FIELD_KEYS as Record<string, keyof VersionContent>)[k];
    if (field === 'model' || field === 'provider') {
      if (typeof v === 'string') c[field] = v;
      else extras.push([k, v]); // a model that is not a name: kept as the client wrote it
    } else if (field === 'tools' || field === 'functions') {
      if (Array.isArray(v)) c[field] = v;
      else extras.push([k, v]);
    } else if (field === 'responseFormat' || field === 'jsonSchema') {
      if (isObject(v)) c[field] = v;
      else extras.push([k, v]);
    } else if (field === 'toolChoice' || field === 'functionCall') {
      // null is "not set" in the model: an explicit null is kept as the client wrote it.
      if (v !== null) c[field] = v;
      else extras.push([k, v]);
    } else if (PARAM_KEYS.has(k)) params.push([k, v]);
    else extras.push([k, v]);
  }
  c.params = objectOf(params) as JsonObject;
  c.metadata = extras.length ? { [EXTRAS_KEY]: { config: objectOf(extras) as JsonObject } } : {};
  return c;
}

function extrasOf(v: VersionContent): JsonObject {
  const e = v.metadata[EXTRAS_KEY];
  return isObject(e) && isObject(e['config']) ? e['config'] : {};
}

/** A version's `config`: model first, then its parameters and tools, then every other key kept. */
export function configOf(v: VersionContent): JsonObject {
  const out: Record<string, Json> = {};
  if (v.model !== null) out['model'] = v.model;
  if (v.provider !== null) out['provider'] = v.provider;
  const fields: [string, Json | null][] = [
    ['tools', v.tools],
    ['tool_choice', v.toolChoice],
    ['response_format', v.responseFormat],
    ['json_schema', v.jsonSchema],
    ['functions', v.functions],
    ['function_call', v.functionCall],
  ];
  const tail = Object.fromEntries(fields.filter(([, x]) => x !== null)) as JsonObject;
  return mergeObjects(out, v.params, tail, extrasOf(v)) as JsonObject;
}

/** Chat items as the canonical messages (placeholders become PromptLayer's placeholder messages). */
export function messagesOfWire(items: WireChatItem[]): Message[] {
  return items.map((m) =>
    'name' in m && m.type === 'placeholder'
      ? { role: 'placeholder', name: m.name }
      : { role: (m as { role: string }).role, content: (m as { content: string }).content },
  );
}

/** A canonical content value as Langfuse's string content: text blocks joined, other blocks dropped. */
export function textOf(content: Json | undefined): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let out = '';
  for (const b of content) {
    if (typeof b === 'string') out += b;
    else if (isObject(b) && typeof b['text'] === 'string') out += b['text'];
  }
  return out;
}

/** Canonical messages as Langfuse chat items: `{role, content}` with no `type`, or a placeholder. */
export function wireMessages(messages: Message[]): WireChatOut[] {
  return messages.map((m) =>
    m.role === 'placeholder' && typeof m['name'] === 'string'
      ? { type: 'placeholder', name: m['name'] }
      : { role: m.role, content: textOf(m.content) },
  );
}

/** The stored text (or messages) of a version, in Langfuse's shape. */
export function promptOf(
  v: Pick<VersionContent, 'templateType' | 'messages' | 'content'>,
): string | WireChatOut[] {
  return v.templateType === 'completion' ? textOf(v.content) : wireMessages(v.messages);
}

/** A version's labels as Langfuse shows them: its own (sorted), and `latest` on the newest. */
export function labelsOf(v: { labels: string[] }, isLatest: boolean): string[] {
  const out = v.labels.filter((l) => l !== LATEST);
  if (isLatest) out.push(LATEST);
  return out.sort();
}

export interface PromptWire {
  id: string;
  createdAt: string;
  updatedAt: string;
  projectId: string;
  createdBy: string;
  name: string;
  version: number;
  type: 'text' | 'chat';
  prompt: string | WireChatOut[];
  config: JsonObject;
  labels: string[];
  tags: string[];
  commitMessage: string | null;
  isActive: boolean | null;
}

/** The prompt row Langfuse answers with (create and label updates: `isActive` is its raw, null). */
export function promptWire(
  prompt: Prompt,
  v: VersionView,
  isLatest: boolean,
  body: string | WireChatOut[] = promptOf(v),
  isActive: boolean | null = null,
): PromptWire {
  return {
    id: v.id,
    createdAt: v.createdAt.toISOString(),
    updatedAt: v.updatedAt.toISOString(),
    projectId: prompt.workspaceId,
    createdBy: 'API',
    name: prompt.name,
    version: v.number,
    type: v.templateType === 'completion' ? 'text' : 'chat',
    prompt: body,
    config: configOf(v),
    labels: labelsOf(v, isLatest),
    tags: prompt.tags,
    commitMessage: v.commitMessage,
    isActive,
  };
}

/** GET's answer: the row, `isActive` recomputed from the labels, and the resolution graph. */
export function fetchedWire(
  prompt: Prompt,
  v: VersionView,
  isLatest: boolean,
  body: string | WireChatOut[],
  graph: ResolutionGraph | null,
): PromptWire & { resolutionGraph: ResolutionGraph | null } {
  const row = promptWire(prompt, v, isLatest, body);
  return { ...row, isActive: row.labels.includes('production'), resolutionGraph: graph };
}
