import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { contentHash } from './content-hash.ts';
import type { VersionContent } from './types.ts';

const chat: VersionContent = {
  templateType: 'chat',
  messages: [
    { role: 'system', content: 'You are {{persona}}.' },
    { role: 'user', content: 'Tell me about {{topic}}' },
  ] as VersionContent['messages'],
  content: null,
  templateFormat: 'mustache',
  inputVariables: ['persona', 'topic'],
  variableDefaults: { persona: 'a guide' },
  model: 'gpt-4o-mini',
  provider: 'openai',
  params: { temperature: 0.2, max_tokens: 256 },
  responseFormat: { type: 'json_schema', json_schema: { name: 'a', schema: { type: 'object' } } },
  jsonSchema: null,
  tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } }],
  toolChoice: 'auto',
  functions: null,
  functionCall: null,
  fallbackModels: ['gpt-4o'],
  loadBalanceModels: null,
  metadata: { team: 'docs' },
  commitMessage: 'first',
};

const completion: VersionContent = {
  ...chat,
  templateType: 'completion',
  messages: [],
  content: [{ type: 'text', text: 'Summarise {topic}' }],
  templateFormat: 'f-string',
  inputVariables: ['topic'],
  tools: null,
  toolChoice: null,
  responseFormat: null,
};

/** Reorders an object's keys at every depth (arrays keep their order). */
function reordered<T>(value: T, flip: boolean): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => reordered(v, flip)) as T;
  const entries = Object.entries(value as Record<string, unknown>);
  if (flip) entries.reverse();
  return Object.fromEntries(entries.map(([k, v]) => [k, reordered(v, !flip)])) as T;
}

describe('contentHash', () => {
  // Lock files written by `lectern pull` hold these hashes: a change to the canonical form must
  // bump CONTENT_HASH_VERSION, never silently give old content a new hash.
  it('is stable across releases for the same content', () => {
    expect(contentHash(chat)).toBe('sha256:55a8f3b3fb424e041627fbe40ea88f9813013f03cb64681aff677ee0a74d8346');
    expect(contentHash(completion)).toBe(
      'sha256:0f2aa48954fa5c8226e9ef3f685f984803dad245ca6905f3adc9302b8a2ee6e4',
    );
  });

  it('ignores the commit message and the derived input variables', () => {
    const other: VersionContent = { ...chat, commitMessage: 'other', inputVariables: [] };
    expect(contentHash(other)).toBe(contentHash(chat));
  });

  it('ignores chat messages left on a completion template', () => {
    const stray = { ...completion, messages: chat.messages };
    expect(contentHash(stray)).toBe(contentHash(completion));
  });

  it('does not depend on the order of object keys', () => {
    fc.assert(
      fc.property(fc.boolean(), (flip) => {
        expect(contentHash(reordered(chat, flip))).toBe(contentHash(chat));
      }),
    );
  });

  it('changes when any runnable field changes', () => {
    const changes: Partial<VersionContent>[] = [
      { templateFormat: 'jinja2' },
      { messages: [{ role: 'user', content: 'x' }] as VersionContent['messages'] },
      { variableDefaults: {} },
      { model: 'gpt-4o' },
      { provider: null },
      { params: { temperature: 0.3, max_tokens: 256 } },
      { responseFormat: null },
      { jsonSchema: { type: 'object' } },
      { tools: null },
      { toolChoice: 'none' },
      { functions: [] },
      { functionCall: 'auto' },
      { fallbackModels: null },
      { loadBalanceModels: [{ model: 'a', weight: 1 }] as VersionContent['loadBalanceModels'] },
      { metadata: {} },
    ];
    const seen = new Set([contentHash(chat)]);
    for (const change of changes) seen.add(contentHash({ ...chat, ...change }));
    expect(seen.size).toBe(changes.length + 1);
  });
});
