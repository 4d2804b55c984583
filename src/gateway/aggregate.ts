// A streamed chat completion (the SSE text as it went to the client) folded into the one
// `chat.completion` body the request log keeps, pure. Runs after the stream ended, off the path
// of the bytes: the client got every chunk untouched and unparsed.
import type { Json, JsonObject } from '../model/types.ts';

interface ChoiceAcc {
  index: number;
  role: string;
  content: string;
  refusal: string;
  finish_reason: Json;
  tool_calls: { id?: string; type?: string; function: { name: string; arguments: string } }[];
}

export interface Aggregated {
  response: JsonObject;
  usage: JsonObject | null;
  /** An `{"error": …}` event the upstream sent mid-stream. */
  error: JsonObject | null;
}

const obj = (v: unknown): Record<string, Json> | null =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, Json>) : null;

export function aggregateSse(text: string): Aggregated {
  const choices = new Map<number, ChoiceAcc>();
  let id: Json = null;
  let model: Json = null;
  let created: Json = null;
  let usage: JsonObject | null = null;
  let error: JsonObject | null = null;
  for (const line of text.split('\n')) {
    if (!line.startsWith('data:')) continue;
    const data = line.slice(5).trim();
    if (data === '' || data === '[DONE]') continue;
    let chunk: Record<string, Json> | null;
    try {
      chunk = obj(JSON.parse(data));
    } catch {
      continue;
    }
    if (!chunk) continue;
    if (chunk['error'] !== undefined) {
      error = obj(chunk['error']) ?? { message: String(chunk['error']) };
      continue;
    }
    id ??= chunk['id'] ?? null;
    model ??= chunk['model'] ?? null;
    created ??= chunk['created'] ?? null;
    if (obj(chunk['usage'])) usage = obj(chunk['usage']);
    for (const c of Array.isArray(chunk['choices']) ? chunk['choices'] : []) {
      const choice = obj(c);
      if (!choice) continue;
      const index = typeof choice['index'] === 'number' ? choice['index'] : 0;
      let acc = choices.get(index);
      if (!acc) {
        acc = { index, role: 'assistant', content: '', refusal: '', finish_reason: null, tool_calls: [] };
        choices.set(index, acc);
      }
      const delta = obj(choice['delta']);
      if (delta) {
        if (typeof delta['role'] === 'string') acc.role = delta['role'];
        if (typeof delta['content'] === 'string') acc.content += delta['content'];
        if (typeof delta['refusal'] === 'string') acc.refusal += delta['refusal'];
        for (const tc of Array.isArray(delta['tool_calls']) ? delta['tool_calls'] : []) {
          const call = obj(tc);
          if (!call) continue;
          const i = typeof call['index'] === 'number' ? call['index'] : acc.tool_calls.length;
          const slot = (acc.tool_calls[i] ??= { function: { name: '', arguments: '' } });
          if (typeof call['id'] === 'string') slot.id = call['id'];
          if (typeof call['type'] === 'string') slot.type = call['type'];
          const fn = obj(call['function']);
          if (typeof fn?.['name'] === 'string') slot.function.name += fn['name'];
          if (typeof fn?.['arguments'] === 'string') slot.function.arguments += fn['arguments'];
        }
      }
      if (choice['finish_reason'] !== undefined && choice['finish_reason'] !== null)
        acc.finish_reason = choice['finish_reason'];
    }
  }
  const response: JsonObject = {
    id,
    object: 'chat.completion',
    created,
    model,
    choices: [...choices.values()]
      .sort((a, b) => a.index - b.index)
      .map((c) => {
        const message: JsonObject = {
          role: c.role,
          content: c.content === '' && c.tool_calls.length ? null : c.content,
        };
        if (c.refusal) message['refusal'] = c.refusal;
        if (c.tool_calls.length)
          message['tool_calls'] = c.tool_calls.map((t) => ({
            id: t.id ?? null,
            type: t.type ?? 'function',
            function: t.function,
          }));
        return { index: c.index, message, finish_reason: c.finish_reason };
      }),
    ...(usage ? { usage } : {}),
  };
  return { response, usage, error };
}
