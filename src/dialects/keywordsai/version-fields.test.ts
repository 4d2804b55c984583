import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { completeContent, defaultContent } from '../../model/version-content.ts';
import type { VersionContent } from '../../model/types.ts';
import { contentFromCreate, contentFromPatch, kwFields, PARAM_DEFAULTS } from './version-fields.ts';
import type { VersionPatch } from './schemas.ts';

const json = fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<never>;
const obj = fc.dictionary(fc.string({ maxLength: 8 }), json, { maxKeys: 3 });
const nullable = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null });

/** Any valid value of each field (what the schema lets through). */
const FIELD: Record<string, fc.Arbitrary<unknown>> = {
  description: nullable(fc.string({ maxLength: 20 })),
  messages: fc.array(
    fc.record({
      role: fc.constantFrom('system', 'user', 'assistant'),
      content: fc.string({ maxLength: 20 }),
    }),
    { maxLength: 3 },
  ),
  thinking: nullable(obj),
  model: fc.string({ minLength: 1, maxLength: 20 }),
  stream: fc.boolean(),
  temperature: nullable(fc.double({ min: 0, max: 2, noNaN: true })),
  max_tokens: nullable(fc.integer({ min: 1, max: 100_000 })),
  top_p: nullable(fc.double({ min: 0, max: 1, noNaN: true })),
  frequency_penalty: nullable(fc.double({ min: -2, max: 2, noNaN: true })),
  presence_penalty: nullable(fc.double({ min: -2, max: 2, noNaN: true })),
  reasoning_effort: nullable(fc.constantFrom('low', 'medium', 'high')),
  verbosity: nullable(fc.constantFrom('low', 'medium', 'high')),
  seed: nullable(fc.integer()),
  variables: obj,
  fallback_models: nullable(fc.array(fc.string({ minLength: 1, maxLength: 10 }), { maxLength: 3 })),
  load_balance_models: nullable(
    fc.array(
      fc.record({
        model: fc.string({ minLength: 1, maxLength: 10 }),
        weight: fc.double({ min: 0.01, max: 10, noNaN: true }),
      }),
      {
        maxLength: 3,
      },
    ),
  ),
  tools: nullable(fc.array(obj, { maxLength: 2 })),
  tool_choice: nullable(fc.oneof(fc.constantFrom('auto', 'none', 'required'), obj)),
  response_format: nullable(fc.record({ type: fc.constantFrom('text', 'json_object') })),
  json_schema: nullable(obj),
  is_enforcing_response_format: fc.boolean(),
};

const patchArb = fc.record(FIELD, { requiredKeys: [] }) as fc.Arbitrary<VersionPatch>;
const createArb = fc
  .record(FIELD, { requiredKeys: ['messages', 'model'] })
  .map((b) => b as VersionPatch & { messages: unknown[]; model: string });

describe('Keywords AI version fields', () => {
  it('a new version gets the product defaults for every field left out', () => {
    const c = completeContent(contentFromCreate({ messages: [], model: 'm' }));
    expect(kwFields(c)).toEqual({
      description: '',
      messages: [],
      thinking: null,
      model: 'm',
      stream: false,
      temperature: 0.7,
      max_tokens: 4096,
      top_p: 1,
      frequency_penalty: 0,
      presence_penalty: 0,
      reasoning_effort: null,
      verbosity: null,
      seed: null,
      variables: {},
      fallback_models: null,
      load_balance_models: null,
      tools: null,
      tool_choice: null,
      response_format: { type: 'text' },
      json_schema: null,
      is_enforcing_response_format: false,
    });
    expect(c.templateFormat).toBe('jinja2');
  });

  it('every field sent on create comes back as sent', () => {
    fc.assert(
      fc.property(createArb, (b) => {
        const back = kwFields(completeContent(contentFromCreate(b)));
        for (const [k, v] of Object.entries(b)) expect(back[k as keyof typeof back], k).toEqual(v);
      }),
    );
  });

  it('a PATCH changes exactly the fields it sends and keeps the rest', () => {
    fc.assert(
      fc.property(createArb, patchArb, (b, patch) => {
        const current = completeContent(contentFromCreate(b));
        const before = kwFields(current);
        const after = kwFields(completeContent(contentFromPatch(patch, current), current));
        const expected = { ...before, ...patch };
        expect(after).toEqual(expected);
      }),
    );
  });

  it('keeps params and metadata written by other dialects when a PATCH touches its own keys', () => {
    const current: VersionContent = {
      ...defaultContent('mustache'),
      params: { stop: ['\n'], temperature: 1 },
      metadata: { folder: 'x' },
    };
    const change = contentFromPatch({ temperature: 0.5, is_enforcing_response_format: true }, current);
    expect(change.params).toEqual({ stop: ['\n'], temperature: 0.5 });
    expect(change.metadata).toEqual({ folder: 'x', is_enforcing_response_format: true });
    expect(change.templateFormat).toBeUndefined(); // messages untouched: the format stays
  });

  it('a PATCH without content fields (only deploy, or server-owned keys) is no content change', () => {
    const current = completeContent(contentFromCreate({ messages: [], model: 'm' }));
    const change = contentFromPatch({ deploy: true, ...({ id: 'x', readonly: false } as object) }, current);
    expect(Object.values(change).filter((v) => v !== undefined)).toEqual([]);
  });

  it('reads versions written elsewhere: product defaults where the SDK requires a number, else null', () => {
    const c: VersionContent = { ...defaultContent('mustache'), model: null };
    const f = kwFields(c);
    // The Keywords AI SDK refuses null for these (specs/runtime.md §5.1; foreign-view.ts).
    const required = ['temperature', 'max_tokens', 'top_p', 'frequency_penalty', 'presence_penalty'];
    for (const k of Object.keys(PARAM_DEFAULTS).filter((k) => k !== 'stream')) {
      if (required.includes(k)) expect(f[k as keyof typeof f], k).toBe(PARAM_DEFAULTS[k]);
      else expect(f[k as keyof typeof f], k).toBeNull();
    }
    expect(f.stream).toBe(false);
    expect(f.model).toBe('');
  });
});
