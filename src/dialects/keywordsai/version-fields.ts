// Keywords AI version fields onto the canonical model and back (pure). Sampling settings live in
// `params`, `variables` are the variable defaults, `description` is the commit message, and
// `is_enforcing_response_format` is kept in the version's metadata. Versions written here use Jinja2
// templates (the product renders {{var}} with Jinja2).
import type { Json, JsonObject, LoadBalanceModel, Message, VersionContent } from '../../model/types.ts';
import type { VersionPatch } from './schemas.ts';
import { mergeObjects } from '../../model/json-order.ts';
import { foreignFields, writtenByKeywordsAi } from './foreign-view.ts';

/** The version fields kept in `params`, with the defaults the product gives a new version. */
export const PARAM_DEFAULTS: Record<string, Json> = {
  stream: false,
  temperature: 0.7,
  max_tokens: 4096,
  top_p: 1,
  frequency_penalty: 0,
  presence_penalty: 0,
  reasoning_effort: null,
  verbosity: null,
  seed: null,
  thinking: null,
};
export const PARAM_KEYS = Object.keys(PARAM_DEFAULTS);

export const ENFORCE_KEY = 'is_enforcing_response_format';

/** Fields that are not content: a PATCH carrying only these never touches the version's content. */
export const NON_CONTENT_KEYS = new Set(['deploy']);

/** The content of a new version: the body over the product's defaults. */
export function contentFromCreate(
  b: VersionPatch & { messages: unknown[]; model: string },
): Partial<VersionContent> {
  const params: JsonObject = { ...PARAM_DEFAULTS };
  for (const k of PARAM_KEYS) {
    const v = (b as Record<string, unknown>)[k];
    if (v !== undefined) params[k] = v as Json;
  }
  return {
    templateType: 'chat',
    templateFormat: 'jinja2',
    messages: b.messages as Message[],
    model: b.model,
    params,
    variableDefaults: (b.variables ?? {}) as JsonObject,
    responseFormat:
      b.response_format === undefined ? { type: 'text' } : (b.response_format as JsonObject | null),
    jsonSchema: (b.json_schema ?? null) as JsonObject | null,
    tools: (b.tools ?? null) as Json[] | null,
    toolChoice: (b.tool_choice ?? null) as Json,
    fallbackModels: b.fallback_models ?? null,
    loadBalanceModels: (b.load_balance_models ?? null) as LoadBalanceModel[] | null,
    metadata: { [ENFORCE_KEY]: b.is_enforcing_response_format ?? false },
    commitMessage: b.description === undefined ? '' : b.description,
  };
}

/**
 * The content change of a PATCH on `current`: only the fields the client sent change; `null`
 * clears a nullable field; params and metadata are merged key by key so extras written by other
 * dialects survive. Returns an empty object when the body carries no content field.
 */
export function contentFromPatch(b: VersionPatch, current: VersionContent): Partial<VersionContent> {
  const out: Partial<VersionContent> = {};
  const sent = (k: string) => (b as Record<string, unknown>)[k] !== undefined;
  const paramKeys = PARAM_KEYS.filter(sent);
  if (paramKeys.length) {
    // Merged in the order the version keeps its params (json-order.ts).
    out.params = mergeObjects(
      current.params,
      Object.fromEntries(paramKeys.map((k) => [k, (b as Record<string, unknown>)[k]])),
    ) as JsonObject;
  }
  if (b.messages !== undefined) {
    out.messages = b.messages as Message[];
    out.templateFormat = 'jinja2';
  }
  if (b.model !== undefined) out.model = b.model;
  if (b.description !== undefined) out.commitMessage = b.description;
  if (b.variables !== undefined) out.variableDefaults = (b.variables ?? {}) as JsonObject;
  if (b.response_format !== undefined) out.responseFormat = b.response_format as JsonObject | null;
  if (b.json_schema !== undefined) out.jsonSchema = b.json_schema as JsonObject | null;
  if (b.tools !== undefined) out.tools = b.tools as Json[] | null;
  if (b.tool_choice !== undefined) out.toolChoice = b.tool_choice as Json;
  if (b.fallback_models !== undefined) out.fallbackModels = b.fallback_models;
  if (b.load_balance_models !== undefined) {
    out.loadBalanceModels = b.load_balance_models as LoadBalanceModel[] | null;
  }
  if (b.is_enforcing_response_format !== undefined) {
    out.metadata = mergeObjects(current.metadata, {
      [ENFORCE_KEY]: b.is_enforcing_response_format,
    }) as JsonObject;
  }
  return out;
}

const param = (c: VersionContent, k: string): Json => (k in c.params ? (c.params[k] ?? null) : null);

/**
 * The product's version fields read from any version, whichever dialect wrote it. A version another
 * API wrote is mapped to what the Keywords AI SDK accepts (foreign-view.ts); one written here is
 * shown as written.
 */
export function kwFields(c: VersionContent) {
  const own = ownFields(c);
  return writtenByKeywordsAi(c) ? own : { ...own, ...foreignFields(c) };
}

function ownFields(c: VersionContent) {
  return {
    description: c.commitMessage,
    messages: c.messages,
    thinking: param(c, 'thinking'),
    model: c.model ?? '',
    stream: c.params.stream === true,
    temperature: param(c, 'temperature'),
    max_tokens: param(c, 'max_tokens'),
    top_p: param(c, 'top_p'),
    frequency_penalty: param(c, 'frequency_penalty'),
    presence_penalty: param(c, 'presence_penalty'),
    reasoning_effort: param(c, 'reasoning_effort'),
    verbosity: param(c, 'verbosity'),
    seed: param(c, 'seed'),
    variables: c.variableDefaults,
    fallback_models: c.fallbackModels,
    load_balance_models: c.loadBalanceModels,
    tools: c.tools,
    tool_choice: c.toolChoice,
    response_format: c.responseFormat,
    json_schema: c.jsonSchema,
    is_enforcing_response_format: c.metadata[ENFORCE_KEY] === true,
  };
}
export type KwFields = ReturnType<typeof kwFields>;
