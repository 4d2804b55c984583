import { describe, expect, it } from 'vitest';
import {
  compareVersions,
  foldUnchanged,
  lineDiff,
  messageText,
  structuredDiff,
  type Comparable,
} from './diff-model.ts';

const base: Comparable = {
  template_type: 'chat',
  messages: [
    { role: 'system', content: 'You are terse.' },
    { role: 'user', content: 'Hello {{name}}\nBye' },
  ],
  content: null,
  template_format: 'mustache',
  input_variables: ['name'],
  model: 'gpt-4o',
  params: { temperature: 0.2 },
  tools: [{ type: 'function', function: { name: 'lookup' } }],
};

describe('version diff model', () => {
  it('reports identical versions as identical', () => {
    expect(compareVersions(base, structuredClone(base)).identical).toBe(true);
  });

  it('diffs message text by line and marks only the changed message', () => {
    const d = compareVersions(base, {
      ...base,
      messages: [base.messages[0]!, { role: 'user', content: 'Hello {{name}} from {{city}}\nBye' }],
      input_variables: ['name', 'city'],
    });
    expect(d.messages.map((m) => m.changed)).toEqual([false, true]);
    expect(d.messages[1]!.parts.filter((p) => p.kind === 'removed').map((p) => p.text)).toEqual([
      'Hello {{name}}\n',
    ]);
    expect(d.messages[1]!.parts.filter((p) => p.kind === 'added').map((p) => p.text)).toEqual([
      'Hello {{name}} from {{city}}\n',
    ]);
    expect(d.variablesAdded).toEqual(['city']);
    expect(d.variablesRemoved).toEqual([]);
  });

  it('diffs parameters, tools and schema by path', () => {
    const d = compareVersions(base, {
      ...base,
      params: { temperature: 0.7, top_p: 1 },
      tools: [{ type: 'function', function: { name: 'search' } }],
      response_format: { type: 'json_object' },
      input_variables: [],
    });
    expect(d.fields).toEqual([
      { path: 'params.temperature', kind: 'changed', before: 0.2, after: 0.7 },
      { path: 'params.top_p', kind: 'added', after: 1 },
      { path: 'tools[0].function.name', kind: 'changed', before: 'lookup', after: 'search' },
      { path: 'response_format', kind: 'added', after: { type: 'json_object' } },
    ]);
    expect(d.variablesRemoved).toEqual(['name']);
  });

  it('names added and removed messages', () => {
    const d = compareVersions(base, { ...base, messages: [base.messages[0]!] });
    expect(d.messages[1]!.title).toBe('2 · user (removed)');
  });

  it('reads text out of content part lists', () => {
    expect(
      messageText([
        { type: 'text', text: 'a' },
        { type: 'text', text: 'b' },
      ]),
    ).toBe('a\nb');
    expect(structuredDiff({ a: [1, 2] }, { a: [1] })).toEqual([{ path: 'a[1]', kind: 'removed', before: 2 }]);
  });

  it('folds long unchanged runs around a change, keeping two lines of context', () => {
    const a = Array.from({ length: 20 }, (_, i) => `line ${i}`).join('\n') + '\n';
    const b = a.replace('line 10\n', 'LINE 10\n');
    const folded = foldUnchanged(lineDiff(a, b));
    expect(folded.map((p) => p.kind)).toEqual(['folded', 'same', 'removed', 'added', 'same', 'folded']);
    expect(folded[0]).toEqual({ kind: 'folded', lines: 8 });
    expect(folded[1]).toEqual({ kind: 'same', text: 'line 8\nline 9\n' });
    expect(folded[5]).toEqual({ kind: 'folded', lines: 7 });
  });

  it('leaves short unchanged runs whole', () => {
    expect(foldUnchanged(lineDiff('a\nb\n', 'a\nc\n')).map((p) => p.kind)).toEqual([
      'same',
      'removed',
      'added',
    ]);
  });
});
