// The shape rules of PromptLayer's prompt blueprint (spec §1.2–1.4) that the schema in schemas.ts
// leaves open: messages discriminated on `role` with each role's required fields, content blocks
// with a `type` (and a string `text` for text blocks), function tools with a named `function`, and
// legacy functions with a `name`. Pure: publish reports the problems as a 422 `detail` list, PATCH
// as a 400 (the merged result failed validation). Unknown keys stay allowed everywhere.
import type { Json, JsonObject } from '../../model/types.ts';

export interface BlueprintProblem {
  /** Path below the checked value, e.g. ['messages', 0, 'role']. */
  path: (string | number)[];
  msg: string;
  type: string;
}

export const ROLES = ['system', 'user', 'developer', 'assistant', 'tool', 'function', 'placeholder'] as const;
const CONTENT_REQUIRED = new Set(['system', 'user', 'developer', 'tool']);
const NAME_REQUIRED = new Set(['function', 'placeholder']);

type Path = (string | number)[];
const isObj = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const quoted = (xs: readonly string[]) => xs.map((x) => `'${x}'`).join(', ');

/** A content block: `{type, ...}`; a text block carries a string `text`. */
export function blockProblems(b: Json | undefined, path: Path): BlueprintProblem[] {
  if (!isObj(b)) return [{ path, msg: 'Input should be a content block object', type: 'model_type' }];
  if (typeof b['type'] !== 'string' || !b['type'])
    return [{ path: [...path, 'type'], msg: 'Content block needs a string type', type: 'missing' }];
  if (b['type'] === 'text' && typeof b['text'] !== 'string')
    return [{ path: [...path, 'text'], msg: 'A text block needs a string text', type: 'string_type' }];
  return [];
}

/** Message content: a list of content blocks (a plain string is accepted too), or null where allowed. */
function contentProblems(c: Json | undefined, path: Path, required: boolean): BlueprintProblem[] {
  if (c === undefined || c === null) {
    return required ? [{ path, msg: 'Field required', type: c === null ? 'list_type' : 'missing' }] : [];
  }
  if (typeof c === 'string') return [];
  if (!Array.isArray(c)) return [{ path, msg: 'Input should be a valid list', type: 'list_type' }];
  return c.flatMap((b, i) => blockProblems(b, [...path, i]));
}

/** One message of a chat template, by its role. */
export function messageProblems(m: Json | undefined, path: Path): BlueprintProblem[] {
  if (!isObj(m)) return [{ path, msg: 'Input should be a message object', type: 'model_type' }];
  const role = m['role'];
  if (role === undefined) return [{ path: [...path, 'role'], msg: 'Field required', type: 'missing' }];
  if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) {
    return [
      {
        path: [...path, 'role'],
        msg: `Input tag '${String(role)}' found using 'role' does not match any of the expected tags: ${quoted(ROLES)}`,
        type: 'union_tag_invalid',
      },
    ];
  }
  const out = contentProblems(m['content'], [...path, 'content'], CONTENT_REQUIRED.has(role));
  const fmt = m['template_format'];
  if (fmt !== undefined && fmt !== 'f-string' && fmt !== 'jinja2') {
    out.push({
      path: [...path, 'template_format'],
      msg: "Input should be 'f-string' or 'jinja2'",
      type: 'literal_error',
    });
  }
  const name = m['name'];
  if (NAME_REQUIRED.has(role) && (typeof name !== 'string' || !name)) {
    out.push({ path: [...path, 'name'], msg: `A ${role} message needs a name`, type: 'missing' });
  } else if (name !== undefined && name !== null && typeof name !== 'string') {
    out.push({ path: [...path, 'name'], msg: 'Input should be a valid string', type: 'string_type' });
  }
  if (role === 'tool' && typeof m['tool_call_id'] !== 'string') {
    out.push({
      path: [...path, 'tool_call_id'],
      msg: 'A tool message needs a tool_call_id',
      type: 'missing',
    });
  }
  if (role === 'assistant' && m['tool_calls'] !== undefined && m['tool_calls'] !== null) {
    const calls = m['tool_calls'];
    if (!Array.isArray(calls)) {
      out.push({ path: [...path, 'tool_calls'], msg: 'Input should be a valid list', type: 'list_type' });
    } else {
      calls.forEach((c, i) => {
        const at = [...path, 'tool_calls', i];
        if (!isObj(c) || typeof c['id'] !== 'string' || !isObj(c['function'])) {
          out.push({ path: at, msg: 'A tool call needs an id and a function', type: 'model_type' });
        }
      });
    }
  }
  return out;
}

/** A tool: `{type, ...}`; a function tool carries `function: {name}`; other types are kept as sent. */
export function toolProblems(t: Json | undefined, path: Path): BlueprintProblem[] {
  if (!isObj(t)) return [{ path, msg: 'Input should be a tool object', type: 'model_type' }];
  if (typeof t['type'] !== 'string' || !t['type'])
    return [{ path: [...path, 'type'], msg: 'A tool needs a string type', type: 'missing' }];
  if (t['type'] === 'function') return functionProblems(t['function'], [...path, 'function']);
  return [];
}

/** A function definition: `{name, description?, parameters?, strict?}`. */
export function functionProblems(f: Json | undefined, path: Path): BlueprintProblem[] {
  if (!isObj(f)) return [{ path, msg: 'Input should be a function object', type: 'model_type' }];
  if (typeof f['name'] !== 'string' || !f['name'])
    return [{ path: [...path, 'name'], msg: 'A function needs a string name', type: 'missing' }];
  return [];
}

/** Every problem of a whole `prompt_template` (chat or completion, by its `type`). */
export function templateProblems(template: JsonObject): BlueprintProblem[] {
  const out: BlueprintProblem[] = [];
  const list = (
    key: string,
    check: (v: Json, p: Path) => BlueprintProblem[],
    need: 'required' | 'nullable',
  ) => {
    const v = template[key];
    if (Array.isArray(v)) v.forEach((item, i) => out.push(...check(item, [key, i])));
    else if (v === undefined && need === 'required') {
      out.push({ path: [key], msg: 'Field required', type: 'missing' });
    } else if (v !== undefined && (v !== null || need === 'required')) {
      out.push({ path: [key], msg: 'Input should be a valid list', type: 'list_type' });
    }
  };
  if (template['type'] === 'completion') {
    list('content', blockProblems, 'required');
    const fmt = template['template_format'];
    if (fmt !== undefined && fmt !== 'f-string' && fmt !== 'jinja2') {
      out.push({
        path: ['template_format'],
        msg: "Input should be 'f-string' or 'jinja2'",
        type: 'literal_error',
      });
    }
  } else {
    list('messages', messageProblems, 'required');
    list('tools', toolProblems, 'nullable');
    list('functions', functionProblems, 'nullable');
  }
  return out;
}
