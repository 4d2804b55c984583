// How a version written through another API (Keywords AI, NeMo, the native API) reads on the
// PromptLayer surface, so PromptLayer's `pl.run()` can call a provider with it (specs/runtime.md
// §5.2–5.3): a provider inferred from the model name when none is stored, `api_type` for the OpenAI
// family, and model parameters cut down to what that provider takes: no nulls, no other product's
// routing keys, no reasoning settings the model does not know. Versions PromptLayer wrote are shown
// as written. Pure and total.
import type { Json, JsonObject, VersionContent } from '../../model/types.ts';
import { providerOfModel } from '../../model/provider-of-model.ts';
import { objectOf } from '../../model/json-order.ts';

/** Keys another product keeps among the parameters that no provider takes. */
const NOT_PARAMETERS = new Set([
  'stream', // the SDK sets it per call
  'fallback_models',
  'load_balance_models',
  'variables',
  'is_enforcing_response_format',
  'model', // the model is metadata.model.name
]);

/** The parameters Anthropic's Messages API takes (it refuses any other key). */
const ANTHROPIC_PARAMS = new Set([
  'max_tokens',
  'temperature',
  'top_p',
  'top_k',
  'stop_sequences',
  'thinking',
  'metadata',
  'service_tier',
]);

/** Default `max_tokens` for an Anthropic version that has none (Anthropic requires one). */
export const ANTHROPIC_DEFAULT_MAX_TOKENS = 1024;

const OPENAI_FAMILY = new Set(['openai', 'openai.azure']);
const EFFORTS = new Set(['minimal', 'low', 'medium', 'high', 'xhigh']);
/** OpenAI models that take `reasoning_effort` (the o-series and GPT-5) and `verbosity` (GPT-5). */
const reasons = (model: string) => /^(?:openai\/)?(?:o\d|gpt-5)/i.test(model);
const verbose = (model: string) => /^(?:openai\/)?gpt-5/i.test(model);

const isObj = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The model parameters a provider takes, from another product's stored parameters: nulls (another
 * product's "not set") and routing keys dropped; reasoning settings kept only when set, well formed
 * and known to the provider and model; NeMo's `stop` onto Anthropic's `stop_sequences`.
 */
export function providerParameters(params: JsonObject, provider: string, model: string): JsonObject {
  const out: [string, Json][] = [];
  for (const [k, v] of Object.entries(params)) {
    if (v === null || v === undefined || NOT_PARAMETERS.has(k)) continue;
    if (k === 'reasoning_effort') {
      if (OPENAI_FAMILY.has(provider) && typeof v === 'string' && EFFORTS.has(v) && reasons(model))
        out.push([k, v]);
      continue;
    }
    if (k === 'verbosity') {
      if (OPENAI_FAMILY.has(provider) && typeof v === 'string' && verbose(model)) out.push([k, v]);
      continue;
    }
    if (k === 'thinking') {
      const ok =
        provider === 'anthropic' && isObj(v) && (v['type'] === 'enabled' || v['type'] === 'disabled');
      if (ok) out.push([k, v]);
      continue;
    }
    if (provider === 'anthropic') {
      if (k === 'stop') {
        const stops = Array.isArray(v) ? v : [v];
        out.push(['stop_sequences', stops.filter((s) => typeof s === 'string')]);
      } else if (k === 'max_completion_tokens') out.push(['max_tokens', v]);
      else if (ANTHROPIC_PARAMS.has(k)) out.push([k, v]);
      continue;
    }
    out.push([k, v]);
  }
  return objectOf(out) as JsonObject;
}

export interface PlModel {
  provider: string;
  name: string;
  /** `chat-completions` for the OpenAI family; absent for other providers. */
  apiType: string | null;
  parameters: JsonObject;
}

/**
 * `metadata.model` of a version another API wrote, or null when it names no model (nothing to run;
 * PromptLayer's own answer for such a template has no model either).
 */
export function foreignModel(c: VersionContent): PlModel | null {
  // A version is never changed once read (a memoised read is shared by every render of it), and
  // every render of one asks this twice (metadata, llm_kwargs): worked out once per version object.
  let m = foreignModels.get(c);
  if (m === undefined) foreignModels.set(c, (m = foreignModelOf(c)));
  return m;
}

const foreignModels = new WeakMap<VersionContent, PlModel | null>();

function foreignModelOf(c: VersionContent): PlModel | null {
  if (c.model === null) return null;
  const inferred = providerOfModel(c.model);
  const provider = c.provider ?? inferred.provider;
  const name = c.provider === null ? inferred.model : c.model;
  const parameters = providerParameters(c.params, provider, name);
  if (c.responseFormat && OPENAI_FAMILY.has(provider) && c.responseFormat['type'] !== 'text') {
    parameters['response_format'] = c.responseFormat;
  }
  return {
    provider,
    name,
    apiType: OPENAI_FAMILY.has(provider) ? 'chat-completions' : null,
    parameters,
  };
}
