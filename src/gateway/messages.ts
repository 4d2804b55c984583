// Rendered version messages → the OpenAI chat `messages` a provider accepts, pure. Lectern keeps
// every dialect's extras inside messages (template_format, input_variables, PromptLayer's
// raw_request_display_role …); a provider refuses unknown keys, so only the chat wire's keys go.
import type { Json, JsonObject } from '../model/types.ts';

const MESSAGE_KEYS = new Set([
  'role',
  'content',
  'name',
  'tool_calls',
  'tool_call_id',
  'function_call',
  'refusal',
  'audio',
]);
const TEXT_TYPES = new Set(['text', 'input_text', 'output_text']);

function part(p: Json): Json | undefined {
  if (typeof p === 'string') return { type: 'text', text: p };
  if (!p || typeof p !== 'object' || Array.isArray(p)) return undefined;
  const type = p['type'];
  if (typeof type === 'string' && TEXT_TYPES.has(type))
    return { type: 'text', text: String(p['text'] ?? '') };
  if (type === 'image_url') return { type: 'image_url', image_url: p['image_url'] ?? null };
  // input_audio, file …: the provider's own part shapes pass through.
  const { template_format: _f, input_variables: _i, ...rest } = p;
  return rest;
}

function toolCalls(v: Json): Json {
  if (!Array.isArray(v)) return v;
  return v.map((c) => {
    if (!c || typeof c !== 'object' || Array.isArray(c)) return c;
    const fn = c['function'];
    if (fn && typeof fn === 'object' && !Array.isArray(fn) && typeof fn['arguments'] !== 'string') {
      return { ...c, function: { ...fn, arguments: JSON.stringify(fn['arguments'] ?? {}) } };
    }
    return c;
  });
}

/** One upstream message per rendered one; placeholders (PromptLayer's slot markers) are dropped. */
export function upstreamMessages(rendered: readonly Record<string, unknown>[]): Json[] {
  const out: Json[] = [];
  for (const m of rendered) {
    if (m['role'] === 'placeholder') continue;
    const msg: JsonObject = {};
    for (const [k, v] of Object.entries(m)) {
      if (!MESSAGE_KEYS.has(k) || v === undefined || v === null) continue;
      msg[k] = v as Json;
    }
    const content = msg['content'];
    if (Array.isArray(content)) msg['content'] = content.map(part).filter((p): p is Json => p !== undefined);
    else if (content === undefined && !msg['tool_calls'] && !msg['function_call']) msg['content'] = '';
    if (msg['tool_calls'] !== undefined) msg['tool_calls'] = toolCalls(msg['tool_calls']);
    out.push(msg);
  }
  return out;
}

/** A completion template's rendered content as one user message (the gateway speaks chat). */
export function completionAsMessages(content: readonly Record<string, unknown>[] | string | null): Json[] {
  if (content === null) return [];
  const text =
    typeof content === 'string'
      ? content
      : content.map((p) => (typeof p['text'] === 'string' ? p['text'] : '')).join('');
  return [{ role: 'user', content: text }];
}

/** Plain text of a message list (a nested `_type: "prompt"` variable is inserted as this). */
export function flattenText(messages: readonly Json[]): string {
  const texts: string[] = [];
  for (const m of messages) {
    if (!m || typeof m !== 'object' || Array.isArray(m)) continue;
    const c = m['content'];
    if (typeof c === 'string') texts.push(c);
    else if (Array.isArray(c)) {
      for (const p of c)
        if (p && typeof p === 'object' && !Array.isArray(p) && typeof p['text'] === 'string')
          texts.push(p['text']);
    }
  }
  return texts.join('\n\n');
}
