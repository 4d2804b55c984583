// The Keywords AI SDK's client-side models (respan_sdk / keywordsai_sdk pydantic `Prompt`,
// `PromptVersion`, `Message`), written as checks: there is no Keywords AI npm SDK, so tests hold
// answers to these rules instead (specs/runtime.md §5.1). A `null` where the model's type is not
// Optional fails, as pydantic's ValidationError does; a missing key takes the model's default and
// passes; unknown keys are ignored. Each check returns the problems found (empty: the SDK accepts).

type J = unknown;
const isObj = (v: J): v is Record<string, J> => typeof v === 'object' && v !== null && !Array.isArray(v);

const ROLES = new Set(['user', 'assistant', 'system', 'tool', 'none', 'developer']);

function optional(o: Record<string, J>, k: string, ok: (v: J) => boolean, at: string, out: string[]) {
  if (k in o && o[k] !== undefined && !ok(o[k])) out.push(`${at}.${k}: ${JSON.stringify(o[k])}`);
}
const isStr = (v: J) => typeof v === 'string';
const isNum = (v: J) => typeof v === 'number' && Number.isFinite(v);
const isInt = (v: J) => typeof v === 'number' && Number.isInteger(v);
const isBool = (v: J) => typeof v === 'boolean';
const orNull = (f: (v: J) => boolean) => (v: J) => v === null || f(v);
const isDate = (v: J) => typeof v === 'string' && !Number.isNaN(Date.parse(v));

/** A content block of `Message.content`. */
function blockOk(b: J): boolean {
  if (typeof b === 'string') return true;
  if (!isObj(b)) return false;
  switch (b['type']) {
    case 'text':
    case 'input_text':
    case 'output_text':
      return isStr(b['text']);
    case 'image_url':
      return isStr(b['image_url']) || (isObj(b['image_url']) && isStr(b['image_url']['url']));
    case 'input_image':
      return isStr(b['image']);
    case 'input_file':
      return isStr(b['file']);
    case 'file':
      return true;
    case 'tool_use':
      return isStr(b['id']) && isStr(b['name']) && isObj(b['input']);
    case 'image': {
      const s = b['source'];
      return isObj(s) && isStr(s['type']) && isStr(s['media_type']) && isStr(s['data']);
    }
    case 'tool_result':
      return isStr(b['tool_use_id']) && isStr(b['content']);
    default:
      return false;
  }
}

export function messageProblems(m: J, at: string): string[] {
  const out: string[] = [];
  if (!isObj(m)) return [`${at}: not an object`];
  if (!isStr(m['role']) || !ROLES.has(m['role'] as string))
    out.push(`${at}.role: ${JSON.stringify(m['role'])}`);
  const c = m['content'];
  if (!(c === undefined || c === null || isStr(c) || (Array.isArray(c) && c.every(blockOk)))) {
    out.push(`${at}.content: ${JSON.stringify(c)}`);
  }
  optional(m, 'name', orNull(isStr), at, out);
  optional(m, 'tool_call_id', orNull(isStr), at, out);
  optional(
    m,
    'tool_calls',
    orNull(
      (v) =>
        Array.isArray(v) &&
        v.every(
          (t) =>
            isObj(t) &&
            isStr(t['id']) &&
            isStr(t['type']) &&
            isObj(t['function']) &&
            isStr(t['function']['name']) &&
            isStr(t['function']['arguments']),
        ),
    ),
    at,
    out,
  );
  return out;
}

const variableOk = (v: J) =>
  isStr(v) ||
  (isObj(v) &&
    ((v['_type'] === 'text' && isStr(v['value'])) ||
      (v['_type'] === 'image_url' && isStr(v['value'])) ||
      (v['_type'] === 'json' && isObj(v['value']))));

export function versionProblems(v: J, at = 'version'): string[] {
  if (!isObj(v)) return [`${at}: not an object`];
  const out: string[] = [];
  for (const k of ['temperature', 'top_p', 'frequency_penalty', 'presence_penalty'])
    optional(v, k, isNum, at, out);
  optional(v, 'max_tokens', isInt, at, out);
  for (const k of ['stream', 'readonly', 'is_enforcing_response_format']) optional(v, k, isBool, at, out);
  optional(v, 'model', isStr, at, out);
  optional(v, 'version', isInt, at, out);
  optional(v, 'prompt_version_id', isStr, at, out);
  optional(v, 'created_at', isDate, at, out);
  optional(v, 'updated_at', isDate, at, out);
  optional(v, 'description', orNull(isStr), at, out);
  optional(v, 'reasoning_effort', orNull(isStr), at, out);
  optional(
    v,
    'fallback_models',
    orNull((x) => Array.isArray(x) && x.every(isStr)),
    at,
    out,
  );
  optional(
    v,
    'load_balance_models',
    orNull((x) => Array.isArray(x) && x.every(isObj)),
    at,
    out,
  );
  optional(
    v,
    'tools',
    orNull((x) => Array.isArray(x) && x.every(isObj)),
    at,
    out,
  );
  optional(
    v,
    'tool_choice',
    orNull((x) => isStr(x) || isObj(x)),
    at,
    out,
  );
  optional(
    v,
    'response_format',
    orNull((x) => isStr(x) || isObj(x)),
    at,
    out,
  );
  optional(
    v,
    'id',
    orNull((x) => isInt(x) || isStr(x)),
    at,
    out,
  );
  optional(
    v,
    'prompt',
    orNull((x) => isInt(x) || isStr(x)),
    at,
    out,
  );
  optional(v, 'variables', (x) => isObj(x) && Object.values(x).every(variableOk), at, out);
  if ('messages' in v) {
    if (!Array.isArray(v['messages'])) out.push(`${at}.messages: not a list`);
    else v['messages'].forEach((m, i) => out.push(...messageProblems(m, `${at}.messages[${i}]`)));
  }
  return out;
}

export function promptProblems(p: J, at = 'prompt'): string[] {
  if (!isObj(p)) return [`${at}: not an object`];
  const out: string[] = [];
  optional(p, 'name', isStr, at, out);
  optional(p, 'description', isStr, at, out);
  optional(p, 'prompt_id', isStr, at, out);
  optional(p, 'tags', (x) => Array.isArray(x) && x.every(isObj), at, out);
  optional(p, 'commit_count', isInt, at, out);
  optional(p, 'starred', isBool, at, out);
  for (const k of ['current_version', 'live_version']) {
    if (p[k] !== undefined && p[k] !== null) out.push(...versionProblems(p[k], `${at}.${k}`));
  }
  const versions = p['prompt_versions'];
  if (Array.isArray(versions))
    versions.forEach((v, i) => out.push(...versionProblems(v, `${at}.prompt_versions[${i}]`)));
  else if (versions !== undefined && versions !== null) out.push(`${at}.prompt_versions: not a list`);
  return out;
}

/** A list page `{results, count, next, previous}` of prompts or of versions. */
export function listPageProblems(page: J, item: 'prompt' | 'version'): string[] {
  if (!isObj(page)) return ['page: not an object'];
  const out: string[] = [];
  if (!isInt(page['count'])) out.push('page.count');
  for (const k of ['next', 'previous']) if (!orNull(isStr)(page[k])) out.push(`page.${k}`);
  if (!Array.isArray(page['results'])) return [...out, 'page.results'];
  page['results'].forEach((r, i) =>
    out.push(
      ...(item === 'prompt' ? promptProblems(r, `results[${i}]`) : versionProblems(r, `results[${i}]`)),
    ),
  );
  return out;
}
