import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { completeContent } from '../../model/version-content.ts';
import type { Json, VersionContent } from '../../model/types.ts';
import { mergePatch, type PatchBody } from './patch-merge.ts';

const msg = (role: string, text: string) => ({ role, content: [{ type: 'text', text }] });
const chat = (over: Partial<VersionContent> = {}): VersionContent =>
  completeContent({
    templateType: 'chat',
    templateFormat: 'f-string',
    messages: [msg('system', 'S'), msg('user', 'U {q}')],
    model: 'gpt-4o',
    provider: 'openai',
    params: { temperature: 0.2, max_tokens: 100 },
    tools: [
      { type: 'function', function: { name: 'a' } },
      { type: 'function', function: { name: 'b' } },
    ],
    functions: [{ name: 'f' }],
    functionCall: 'auto',
    toolChoice: 'auto',
    responseFormat: { type: 'json_object' },
    commitMessage: 'base',
    ...over,
  });
const completion = (): VersionContent =>
  completeContent({
    templateType: 'completion',
    templateFormat: 'f-string',
    content: [
      { type: 'text', text: 'A' },
      { type: 'text', text: 'B' },
    ],
  });

const ok = (base: VersionContent, p: PatchBody) => {
  const r = mergePatch(base, p);
  if (!r.ok) throw new Error(r.error.message);
  return r.content;
};
const err = (base: VersionContent, p: PatchBody) => {
  const r = mergePatch(base, p);
  if (r.ok) throw new Error('expected an error');
  return r.error;
};

describe('mergePatch: merge table', () => {
  it('messages as an object replaces only the listed indices; as an array replaces the list', () => {
    const base = chat();
    expect(ok(base, { messages: { '1': msg('user', 'new') } }).messages).toEqual([
      msg('system', 'S'),
      msg('user', 'new'),
    ]);
    expect(ok(base, { messages: [msg('user', 'only')] }).messages).toEqual([msg('user', 'only')]);
  });
  it('tools and functions: index patch, full replacement, null removes', () => {
    const base = chat();
    expect(ok(base, { tools: { '0': { type: 'function', function: { name: 'z' } } } }).tools).toEqual([
      { type: 'function', function: { name: 'z' } },
      { type: 'function', function: { name: 'b' } },
    ]);
    expect(ok(base, { tools: [] }).tools).toEqual([]);
    expect(ok(base, { tools: null }).tools).toBeNull();
    expect(ok(base, { functions: null }).functions).toBeNull();
    expect(ok(base, { functions: { '0': { name: 'g' } } }).functions).toEqual([{ name: 'g' }]);
  });
  it('function_call, tool_choice and response_format are replaced whole; null removes', () => {
    const base = chat();
    expect(ok(base, { function_call: { name: 'f' } }).functionCall).toEqual({ name: 'f' });
    expect(ok(base, { function_call: null }).functionCall).toBeNull();
    expect(ok(base, { tool_choice: 'required' }).toolChoice).toBe('required');
    expect(ok(base, { tool_choice: null }).toolChoice).toBeNull();
    expect(ok(base, { response_format: { type: 'text' } }).responseFormat).toEqual({ type: 'text' });
    expect(ok(base, { response_format: null }).responseFormat).toBeNull();
  });
  it('content patches completion templates like messages', () => {
    expect(ok(completion(), { content: { '1': { type: 'text', text: 'C' } } }).content).toEqual([
      { type: 'text', text: 'A' },
      { type: 'text', text: 'C' },
    ]);
    expect(ok(completion(), { content: [{ type: 'text', text: 'X' }] }).content).toEqual([
      { type: 'text', text: 'X' },
    ]);
  });
  it('model_parameters merges shallowly; nested objects are replaced; null removes a key', () => {
    const base = chat({ params: { temperature: 0.2, max_tokens: 100, nested: { a: 1, b: 2 } } });
    const out = ok(base, { model_parameters: { temperature: 0.9, nested: { a: 3 }, max_tokens: null } });
    expect(out.params).toEqual({ temperature: 0.9, nested: { a: 3 } });
    expect(ok(base, { model_parameters: { response_format: { type: 'text' } } }).responseFormat).toEqual({
      type: 'text',
    });
  });
  it('an empty patch copies the base and takes no commit message from it', () => {
    const out = ok(chat(), {});
    expect({ ...out, commitMessage: 'base' }).toEqual(chat());
    expect(out.commitMessage).toBeNull();
  });
});

describe('mergePatch: errors', () => {
  it.each([
    ['an index equal to the length (no append)', { messages: { '2': msg('user', 'x') } }],
    ['a negative index', { messages: { '-1': msg('user', 'x') } }],
    ['a non-decimal index', { messages: { '01': msg('user', 'x') } }],
    ['a message without a role', { messages: { '0': { content: 'x' } } }],
    ['null messages', { messages: null }],
    ['an empty message list', { messages: [] }],
    ['content on a chat template', { content: [{ type: 'text', text: 'x' }] }],
    [
      'response_format twice',
      { response_format: { type: 'text' }, model_parameters: { response_format: null } },
    ],
    ['model_parameters null', { model_parameters: null }],
    ['a tool index out of range', { tools: { '5': {} } }],
  ] as [string, PatchBody][])('refuses %s', (_name, patch) => {
    expect(err(chat(), patch).code).toBe('bad_request');
  });
  it('refuses chat-only fields on a completion template', () => {
    for (const f of ['messages', 'tools', 'functions', 'function_call', 'tool_choice']) {
      expect(err(completion(), { [f]: null }).field).toBe(f);
    }
  });
  it('refuses parameters on a base without a model', () => {
    const base = chat({ model: null, provider: null });
    expect(err(base, { model_parameters: { temperature: 1 } }).field).toBe('model_parameters');
    expect(err(base, { response_format: { type: 'text' } }).field).toBe('response_format');
    expect(ok(base, { response_format: null }).responseFormat).toBeNull();
  });
});

describe('mergePatch: properties', () => {
  const text = fc.string({ maxLength: 8 });
  const messages = fc.array(
    fc.record({ role: fc.constantFrom('system', 'user', 'assistant'), content: text }),
    { minLength: 1, maxLength: 6 },
  );

  it('an index patch changes exactly the listed indices and keeps the length', () => {
    fc.assert(
      fc.property(messages, fc.array(fc.tuple(fc.nat(10), text), { maxLength: 5 }), (ms, edits) => {
        const base = chat({ messages: ms });
        const inRange = edits.filter(([i]) => i < ms.length);
        const patch: Record<string, Json> = {};
        for (const [i, t] of inRange) patch[String(i)] = { role: 'user', content: t };
        const r = mergePatch(base, { messages: patch });
        if (!r.ok) return false;
        return (
          r.content.messages.length === ms.length &&
          r.content.messages.every((m, i) => {
            const edit = patch[String(i)] as { content: string } | undefined;
            return m.content === (edit ? edit.content : ms[i]!.content);
          })
        );
      }),
    );
  });

  it('any out-of-range index is refused and the base is never mutated', () => {
    fc.assert(
      fc.property(messages, fc.integer({ min: -5, max: 20 }), (ms, i) => {
        const base = chat({ messages: ms });
        const before = structuredClone(base);
        const r = mergePatch(base, { messages: { [String(i)]: { role: 'user', content: 'x' } } });
        expect(base).toEqual(before);
        return r.ok === (i >= 0 && i < ms.length);
      }),
    );
  });

  it('model_parameters: given keys win, others are kept', () => {
    const params = fc.dictionary(
      fc.string({ minLength: 1, maxLength: 5 }).filter((k) => k !== 'response_format' && k !== '__proto__'),
      fc.integer(),
    );
    fc.assert(
      fc.property(params, params, (a, b) => {
        const r = mergePatch(chat({ params: a }), { model_parameters: b });
        return r.ok && JSON.stringify(r.content.params) === JSON.stringify({ ...a, ...b });
      }),
    );
  });

  it('hostile patches never throw: they merge or return a typed error', () => {
    fc.assert(
      fc.property(
        fc.record(
          {
            messages: fc.jsonValue(),
            tools: fc.jsonValue(),
            content: fc.jsonValue(),
            model_parameters: fc.jsonValue(),
            response_format: fc.jsonValue(),
          },
          { requiredKeys: [] },
        ),
        (p) => {
          const r = mergePatch(chat(), p as PatchBody);
          return r.ok || (r.error.code === 'bad_request' && r.error.message.length > 0);
        },
      ),
    );
  });
});
