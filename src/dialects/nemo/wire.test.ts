import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { dropNulls, nemoId, nemoTime, pageEnvelope, versionContent } from './wire.ts';
import { sortOf } from './list-plan.ts';
import { narrowing, toPromptFilter } from './sql-filter.ts';
import { fromText } from './filter.ts';
import { uuidFromBase58, uuidv7 } from '../../model/ids.ts';

describe('NeMo wire helpers', () => {
  it('renders naive UTC timestamps with microseconds', () => {
    expect(nemoTime(new Date('2026-07-19T15:21:03.123Z'))).toBe('2026-07-19T15:21:03.123000');
  });
  it('renders ids as <kind>-<base58 uuid> that map back to the uuid', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 47 }), (ms) => {
        const u = uuidv7(ms);
        const id = nemoId('prompt', u);
        expect(id).toMatch(/^prompt-[1-9A-HJ-NP-Za-km-z]+$/);
        expect(uuidFromBase58(id.slice(7))).toBe(u);
      }),
    );
  });
  it('drops nulls recursively but keeps empty lists and falsy values', () => {
    expect(dropNulls({ a: null, b: [], c: { d: null, e: 0, f: false }, g: [{ h: null }] })).toEqual({
      b: [],
      c: { e: 0, f: false },
      g: [{}],
    });
  });
  it('computes total_pages as ceil and 0 for no results', () => {
    expect(pageEnvelope([], 0, 1, 100, 'name').pagination.total_pages).toBe(0);
    expect(pageEnvelope([1], 201, 3, 100, 'name').pagination).toEqual({
      page: 3,
      page_size: 100,
      current_page_size: 1,
      total_pages: 3,
      total_results: 201,
    });
  });
  it('maps an empty body onto the defaults, and inference_params onto model + params', () => {
    expect(versionContent({})).toMatchObject({
      templateFormat: 'jinja2',
      messages: [],
      inputVariables: [],
      tools: null,
      toolChoice: null,
      responseFormat: null,
      model: null,
      params: {},
      metadata: {},
    });
    expect(
      versionContent({ inference_params: { model: 'm', temperature: 1, top_p: null, seed: 3 } as never }),
    ).toMatchObject({
      model: 'm',
      params: { temperature: 1, seed: 3 },
      metadata: {},
    });
    expect(versionContent({ inference_params: { top_p: null } }).metadata).toEqual({
      nemo_inference_params: true,
    });
  });
});

describe('list plan', () => {
  it('maps the six sorts', () => {
    expect(sortOf('-updated_at')).toEqual({ field: 'updated_at', dir: 'desc' });
    expect(sortOf('name')).toEqual({ field: 'name', dir: 'asc' });
  });
  it('narrows by the top-level conjuncts that have a SQL form, and folds constants', () => {
    const tree = fromText('name~"summ" data.messages~"hello" workspace!="x" (name:"a" OR data.tools:"b")');
    expect(toPromptFilter(tree, 'default')).toBeNull();
    expect(narrowing(tree, 'default')).toEqual({
      and: [{ field: 'name', op: 'icontains', value: 'summ' }, { and: [] }],
    });
    expect(toPromptFilter(fromText('data.nothing:null'), 'default')).toEqual({ and: [] });
    expect(toPromptFilter(fromText('name:3'), 'default')).toEqual({ or: [] });
  });
});
