// How a run request and a stored (already rendered) version become one upstream body
// (specs/runtime.md §2.1.2, §3.3), pure. The caller's dialect picks the mode:
//  - `request_wins` (Keywords AI v1, override:false): every field the request sets wins.
//  - `prompt_wins`  (Keywords AI v1, override:true): every field the prompt sets wins.
//  - `append`       (Keywords AI v2, the native routes): the prompt is the base layer, request
//    messages are appended after the prompt's, and `patch` keys replace params on top.
// `stream` always comes from the request: a version stored with stream:true never makes a
// non-stream call stream (the client would mis-parse it).
import type { Json, JsonObject, VersionContent } from '../model/types.ts';
import type { WeightedModel } from './policy.ts';

/** The OpenAI chat-completions parameters forwarded upstream; everything else stays here. */
export const UPSTREAM_PARAMS: ReadonlySet<string> = new Set([
  'model',
  'messages',
  'stream',
  'stream_options',
  'temperature',
  'max_tokens',
  'max_completion_tokens',
  'top_p',
  'n',
  'stop',
  'presence_penalty',
  'frequency_penalty',
  'logit_bias',
  'logprobs',
  'top_logprobs',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'response_format',
  'reasoning_effort',
  'seed',
  'user',
  'functions',
  'function_call',
  'modalities',
  'audio',
  'prediction',
  'service_tier',
  'verbosity',
  'web_search_options',
]);

export type MergeMode = 'request_wins' | 'prompt_wins' | 'append';

export interface MergeInput {
  mode: MergeMode;
  /** The request's chat params (model, messages, temperature, …), as sent. */
  request: JsonObject;
  /** Keywords AI v1 `override_params`: applied last; its messages replace or append. */
  overrideParams?: JsonObject;
  overrideMessages?: 'override' | 'append';
  /** Keywords AI v2 `patch` / native `params`: replace params last (never messages). */
  patch?: JsonObject;
  /** The request's own routing lists (Keywords AI top-level params). */
  fallbackModels?: string[] | null;
  loadBalanceModels?: WeightedModel[] | null;
}

export interface Merged {
  body: JsonObject;
  fallbackModels: string[] | null;
  loadBalanceModels: WeightedModel[] | null;
}

/** The prompt's side of the merge: the version's model config with rendered messages. */
export function promptConfig(v: VersionContent, messages: Json[]): JsonObject {
  const out: JsonObject = {};
  if (v.model) out['model'] = v.model;
  out['messages'] = messages;
  for (const [k, val] of Object.entries(v.params)) {
    // Null settings are "not set" (another dialect's extras): never sent to a model.
    if (val !== null && k !== 'stream' && UPSTREAM_PARAMS.has(k)) out[k] = val;
  }
  if (v.tools !== null && v.tools.length > 0) out['tools'] = v.tools;
  if (v.toolChoice !== null) out['tool_choice'] = v.toolChoice;
  if (v.responseFormat !== null) out['response_format'] = v.responseFormat;
  if (v.functions !== null && v.functions.length > 0) out['functions'] = v.functions;
  if (v.functionCall !== null) out['function_call'] = v.functionCall;
  return out;
}

const upstreamOnly = (o: JsonObject): JsonObject => {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(o))
    if (v !== undefined && v !== null && UPSTREAM_PARAMS.has(k)) out[k] = v;
  return out;
};

const asArray = (v: Json | undefined): Json[] => (Array.isArray(v) ? v : []);

/** Merge a request over a version's config. Lists: see the header and §3.3. */
export function mergeRun(version: VersionContent, promptMessages: Json[], input: MergeInput): Merged {
  const prompt = promptConfig(version, promptMessages);
  const req = upstreamOnly(input.request);
  delete req['stream'];
  let body: JsonObject;
  if (input.mode === 'request_wins') body = { ...prompt, ...req };
  else if (input.mode === 'prompt_wins') body = { ...req, ...prompt };
  else {
    const { messages, ...rest } = req;
    body = { ...rest, ...prompt, messages: [...asArray(prompt['messages']), ...asArray(messages)] };
  }
  if (input.overrideParams) {
    const { messages, ...rest } = upstreamOnly(input.overrideParams);
    Object.assign(body, rest);
    if (messages !== undefined) {
      body['messages'] =
        input.overrideMessages === 'append' ? [...asArray(body['messages']), ...asArray(messages)] : messages;
    }
  }
  if (input.patch) {
    const { messages: _m, ...rest } = upstreamOnly(input.patch);
    Object.assign(body, rest);
  }
  if (input.request['stream'] === true) {
    body['stream'] = true;
    // Usage in the last chunk: the log needs the tokens of streamed runs too.
    const opts = input.request['stream_options'];
    body['stream_options'] = {
      ...(opts && typeof opts === 'object' && !Array.isArray(opts) ? opts : {}),
      include_usage: true,
    };
  } else {
    delete body['stream_options'];
  }
  // §3.3: the version's lists apply when the prompt wins; otherwise the request's, with the
  // version's only when the request has none.
  const promptWins = input.mode !== 'request_wins';
  const reqFallback = input.fallbackModels ?? null;
  const reqBalance = input.loadBalanceModels ?? null;
  const vBalance = version.loadBalanceModels?.length
    ? version.loadBalanceModels.map((m) => ({
        model: m.model,
        weight: m.weight,
        ...(m.credentials ? { credentials: m.credentials } : {}),
      }))
    : null;
  const vFallback = version.fallbackModels?.length ? version.fallbackModels : null;
  return {
    body,
    fallbackModels: promptWins ? (vFallback ?? reqFallback) : (reqFallback ?? vFallback),
    loadBalanceModels: promptWins ? (vBalance ?? reqBalance) : (reqBalance ?? vBalance),
  };
}
