// Defaults and pure helpers for version content. Every writer goes through `completeContent` so a
// stored version always has every field, whatever dialect wrote it.
import type { JsonObject, TemplateFormat, VersionContent } from './types.ts';

export function defaultContent(format: TemplateFormat = 'mustache'): VersionContent {
  return {
    templateType: 'chat',
    messages: [],
    content: null,
    templateFormat: format,
    inputVariables: [],
    variableDefaults: {},
    model: null,
    provider: null,
    params: {},
    responseFormat: null,
    jsonSchema: null,
    tools: null,
    toolChoice: null,
    functions: null,
    functionCall: null,
    fallbackModels: null,
    loadBalanceModels: null,
    metadata: {},
    commitMessage: null,
  };
}

/** Fill every field the caller left out; a caller's `undefined` never overwrites a value. */
export function completeContent(input: Partial<VersionContent>, base?: VersionContent): VersionContent {
  const out: VersionContent = { ...(base ?? defaultContent(input.templateFormat)) };
  for (const [k, v] of Object.entries(input) as [keyof VersionContent, never][]) {
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/** The content fields of a stored version (drops identity and lifecycle fields). */
export function contentOf(v: VersionContent): VersionContent {
  const c = defaultContent();
  for (const k of Object.keys(c) as (keyof VersionContent)[]) (c as unknown as JsonObject)[k] = v[k] as never;
  return c;
}

export const CONTENT_KEYS = Object.keys(defaultContent()) as (keyof VersionContent)[];
