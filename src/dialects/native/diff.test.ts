import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { applyDiff, diffJson, diffVersions, jsonEqual } from './diff.ts';

describe('diffJson', () => {
  it('names each changed field by its JSON pointer', () => {
    const a = {
      model: 'gpt-4o',
      params: { temperature: 0.2, top_p: 1 },
      messages: [{ role: 'user', content: 'a' }],
    };
    const b = {
      model: 'gpt-4o-mini',
      params: { temperature: 0.2, seed: 7 },
      messages: [
        { role: 'user', content: 'b' },
        { role: 'assistant', content: 'c' },
      ],
    };
    expect(diffJson(a, b)).toEqual([
      { path: '/model', op: 'changed', from: 'gpt-4o', to: 'gpt-4o-mini' },
      { path: '/params/top_p', op: 'removed', from: 1 },
      { path: '/params/seed', op: 'added', to: 7 },
      { path: '/messages/0/content', op: 'changed', from: 'a', to: 'b' },
      { path: '/messages/1', op: 'added', to: { role: 'assistant', content: 'c' } },
    ]);
  });

  it('escapes ~ and / in keys', () => {
    expect(diffJson({ 'a/b~c': 1 }, { 'a/b~c': 2 })).toEqual([
      { path: '/a~1b~0c', op: 'changed', from: 1, to: 2 },
    ]);
  });

  it('reports a type change (object to array, value to null) as one change', () => {
    expect(diffJson({ x: { a: 1 } }, { x: [1] })).toEqual([
      { path: '/x', op: 'changed', from: { a: 1 }, to: [1] },
    ]);
    expect(diffJson({ x: 'a' }, { x: null })).toEqual([{ path: '/x', op: 'changed', from: 'a', to: null }]);
  });

  it('is empty for equal documents whatever their key order', () => {
    expect(diffJson({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toEqual([]);
  });

  it('property: a diff is empty exactly when the documents are equal', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        expect(diffJson(a, b).length === 0).toBe(jsonEqual(a, b));
        expect(diffJson(a, a)).toEqual([]);
      }),
    );
  });

  it('property: applying the diff of (a, b) to a gives b', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        expect(jsonEqual(applyDiff(a, diffJson(a, b)), b)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('property: hostile keys (__proto__, constructor, pointer characters) round-trip', () => {
    const key = fc.constantFrom('__proto__', 'constructor', 'prototype', '~', '/', '~1', '', 'a/b');
    const doc = fc.dictionary(key, fc.jsonValue({ maxDepth: 2 }));
    fc.assert(
      fc.property(doc, doc, (a, b) => {
        expect(jsonEqual(applyDiff(a, diffJson(a, b)), b)).toBe(true);
      }),
    );
  });
});

describe('diffVersions', () => {
  it('compares content fields only, never identity or timestamps', () => {
    const a = { id: 'x', number: 1, created_at: 't1', model: 'm', params: {} };
    const b = { id: 'y', number: 2, created_at: 't2', model: 'm', params: { temperature: 1 } };
    expect(diffVersions(a, b)).toEqual([{ path: '/params/temperature', op: 'added', to: 1 }]);
  });
});
