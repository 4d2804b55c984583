// The merge of PATCH /rest/prompt-templates/{identifier}: a pure function from (base version content,
// patch) to the new version's content, or a typed error. No I/O; the route runs it under the
// prompt's row lock through registry.deriveVersion.
//
// Choices where PromptLayer's docs are silent (recorded in docs/compatibility.md):
// - index keys are canonical non-negative decimals "0".."len-1"; "len" (append), "-1", "01", "a" → 400;
// - `messages: null` / `content: null` → 400 (a template needs its list; "null removes" is documented
//   only for tools, functions, function_call, tool_choice, response_format);
// - `model_parameters: null` → 400; a key set to null inside model_parameters removes that key;
// - model_parameters / a non-null response_format on a base without metadata.model → 400;
// - an empty patch still creates a new version (a copy of the base, with the new commit message).
import { cloneJson, setKey } from '../../model/json-order.ts';
import type { Json, JsonObject, VersionContent } from '../../model/types.ts';
import {
  blockProblems,
  functionProblems,
  messageProblems,
  toolProblems,
  type BlueprintProblem,
} from './blueprint.ts';

export interface PatchBody {
  messages?: Json;
  tools?: Json;
  functions?: Json;
  function_call?: Json;
  tool_choice?: Json;
  content?: Json;
  model_parameters?: Json;
  response_format?: Json;
  commit_message?: string | null;
}

export interface PatchError {
  code: 'bad_request';
  field: string;
  message: string;
}

export type MergeResult = { ok: true; content: VersionContent } | { ok: false; error: PatchError };

const CHAT_ONLY = ['messages', 'tools', 'functions', 'function_call', 'tool_choice'] as const;

const isObj = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

class Refused extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** An object of string indices replaces those entries; an array replaces the list. */
function patchList(
  field: string,
  base: Json[] | null,
  patch: Json,
  validate: (item: Json, where: string) => void,
): Json[] {
  if (Array.isArray(patch)) {
    patch.forEach((item, i) => validate(item, `${field}[${i}]`));
    return patch.map((x) => cloneJson(x));
  }
  if (!isObj(patch))
    throw new Refused(field, `${field} must be an array (full replacement) or an object of string indices`);
  const out = (base ?? []).map((x) => cloneJson(x));
  for (const [key, item] of Object.entries(patch)) {
    if (!/^(0|[1-9][0-9]*)$/.test(key)) {
      throw new Refused(field, `${field}: index "${key}" is not a non-negative integer`);
    }
    const i = Number(key);
    if (i >= out.length) {
      throw new Refused(
        field,
        `${field}: index ${i} is out of bounds (the base has ${out.length} item${out.length === 1 ? '' : 's'})`,
      );
    }
    validate(item, `${field}[${i}]`);
    out[i] = cloneJson(item);
  }
  return out;
}

/** A blueprint rule as a patch-item validator: the first problem refuses the patch (400). */
const rule =
  (check: (item: Json, path: (string | number)[]) => BlueprintProblem[]) => (item: Json, where: string) => {
    const [first] = check(item, []);
    if (first) {
      const at = first.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('');
      throw new Refused(where, `${where}${at}: ${first.msg}`);
    }
  };

const aMessage = rule(messageProblems);
const aBlock = rule(blockProblems);
const aTool = rule(toolProblems);
const aFunction = rule(functionProblems);

function apply(base: VersionContent, patch: PatchBody): VersionContent {
  const has = (k: keyof PatchBody) =>
    Object.prototype.hasOwnProperty.call(patch, k) && patch[k] !== undefined;
  const chat = base.templateType === 'chat';
  if (!chat) {
    const wrong = CHAT_ONLY.find((k) => has(k));
    if (wrong)
      throw new Refused(wrong, `${wrong} applies to chat templates only; this is a completion template`);
  } else if (has('content')) {
    throw new Refused('content', 'content applies to completion templates only; this is a chat template');
  }
  const rfInParams = isObj(patch.model_parameters) && 'response_format' in patch.model_parameters;
  if (has('response_format') && rfInParams) {
    throw new Refused(
      'response_format',
      'response_format given both at the top level and inside model_parameters',
    );
  }

  const out: VersionContent = cloneJson(base);
  out.commitMessage = patch.commit_message ?? null;

  if (has('messages')) {
    if (patch.messages === null) throw new Refused('messages', 'messages cannot be null');
    out.messages = patchList(
      'messages',
      base.messages as Json[],
      patch.messages!,
      aMessage,
    ) as VersionContent['messages'];
    if (out.messages.length === 0)
      throw new Refused('messages', 'a chat template needs at least one message');
  }
  if (has('content')) {
    if (patch.content === null) throw new Refused('content', 'content cannot be null');
    out.content = patchList('content', base.content, patch.content!, aBlock);
  }
  for (const [key, check] of [
    ['tools', aTool],
    ['functions', aFunction],
  ] as const) {
    if (!has(key)) continue;
    out[key] = patch[key] === null ? null : patchList(key, base[key], patch[key]!, check);
  }
  if (has('function_call')) out.functionCall = patch.function_call ?? null;
  if (has('tool_choice')) out.toolChoice = patch.tool_choice ?? null;

  const hasModel = base.model !== null || base.provider !== null;
  if (has('model_parameters')) {
    const mp = patch.model_parameters;
    if (!isObj(mp)) throw new Refused('model_parameters', 'model_parameters must be an object');
    if (!hasModel && Object.keys(mp).length) {
      throw new Refused(
        'model_parameters',
        'the base version has no metadata.model to carry parameters; publish one with a model first',
      );
    }
    for (const [k, v] of Object.entries(mp)) {
      if (k === 'response_format') {
        if (v === null) out.responseFormat = null;
        else if (isObj(v)) out.responseFormat = cloneJson(v);
        else
          throw new Refused('model_parameters.response_format', 'response_format must be an object or null');
      } else if (v === null) delete out.params[k];
      else setKey(out.params, k, cloneJson(v));
    }
  }
  if (has('response_format')) {
    const rf = patch.response_format;
    if (rf === null) out.responseFormat = null;
    else if (!isObj(rf)) throw new Refused('response_format', 'response_format must be an object or null');
    else if (!hasModel) {
      throw new Refused(
        'response_format',
        'the base version has no metadata.model to carry response_format; publish one with a model first',
      );
    } else out.responseFormat = cloneJson(rf);
  }
  return out;
}

export function mergePatch(base: VersionContent, patch: PatchBody): MergeResult {
  try {
    return { ok: true, content: apply(base, patch) };
  } catch (e) {
    if (e instanceof Refused)
      return { ok: false, error: { code: 'bad_request', field: e.field, message: e.message } };
    throw e;
  }
}
