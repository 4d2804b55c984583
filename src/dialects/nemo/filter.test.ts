import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  conjuncts,
  evaluate,
  FilterError,
  fromBrackets,
  fromText,
  parseFilter,
  validateDates,
  type FilterNode,
  type FilterRecord,
} from './filter.ts';

const q = (s: string): [string, string][] => [...new URLSearchParams(s).entries()];
const rec = (over: Partial<FilterRecord> = {}): FilterRecord => ({
  id: 'prompt-abc',
  entity_type: 'prompt',
  workspace: 'default',
  project: null,
  name: 'summarizer',
  description: 'Summarizes Documents',
  created_at: new Date('2026-03-01T10:00:00Z'),
  updated_at: new Date('2026-03-02T10:00:00Z'),
  data: { tags: ['a', 'b'], inference_params: { model: 'm1', temperature: 0.2 } },
  ...over,
});
const err = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(FilterError);
    return (e as Error).message;
  }
  throw new Error('expected a FilterError');
};

describe('bracket syntax', () => {
  it('reads a bare value as $eq', () => {
    expect(parseFilter(q('filter[name]=summarizer'))).toEqual({
      field: 'name',
      op: 'eq',
      value: 'summarizer',
    });
  });
  it('reads operators with and without $', () => {
    expect(parseFilter(q('filter[name][$like]=summ'))).toEqual({ field: 'name', op: 'like', value: 'summ' });
    expect(parseFilter(q('filter[created_at][gte]=2026-01-01T00:00:00'))).toEqual({
      field: 'created_at',
      op: 'gte',
      value: '2026-01-01T00:00:00',
    });
  });
  it('makes lists of repeated keys and of comma-separated values', () => {
    expect(parseFilter(q('filter[name]=a&filter[name]=b'))).toEqual({
      field: 'name',
      op: 'in',
      value: ['a', 'b'],
    });
    expect(parseFilter(q('filter[name][$in]=a,b'))).toEqual({ field: 'name', op: 'in', value: ['a', 'b'] });
    expect(parseFilter(q('filter[name][$nin]=a'))).toEqual({ field: 'name', op: 'nin', value: ['a'] });
    expect(parseFilter(q('filter[name][]=a'))).toEqual({ field: 'name', op: 'in', value: ['a'] });
  });
  it('reads an empty value as null', () => {
    expect(parseFilter(q('filter[project]='))).toEqual({ field: 'project', op: 'eq', value: null });
  });
  it('combines several fields with AND and accepts data paths', () => {
    expect(parseFilter(q('filter[name]=x&filter[data.inference_params.model]=m1'))).toEqual({
      and: [
        { field: 'name', op: 'eq', value: 'x' },
        { field: 'data.inference_params.model', op: 'eq', value: 'm1' },
      ],
    });
  });
  it('rejects unknown fields, unknown operators and malformed keys', () => {
    expect(err(() => parseFilter(q('filter[colour]=red')))).toBe(
      "Unknown filter field 'colour'. Valid fields: ['workspace', 'project', 'name', 'description', 'created_at', 'updated_at', 'id', 'entity_type']",
    );
    expect(err(() => parseFilter(q('filter[name][$regex]=x')))).toMatch(/Unknown filter operator/);
    expect(err(() => parseFilter(q('filter[name][eq][x]=1')))).toMatch(/malformed/);
    expect(err(() => fromBrackets([['filter[name', 'x']]))).toMatch(/malformed/);
    expect(err(() => parseFilter(q('filter[$or]=x')))).toMatch(/logical/);
    expect(err(() => parseFilter(q('filter[created_at][$gte]=a,b')))).toMatch(/single value/);
  });
  it('drops a top-level workspace equality (the path wins)', () => {
    expect(parseFilter(q('filter[workspace]=other'))).toBeNull();
    expect(parseFilter(q('filter[workspace]=other&filter[name]=x'))).toEqual({
      field: 'name',
      op: 'eq',
      value: 'x',
    });
  });
});

describe('JSON syntax', () => {
  it('reads fields, operators and logical combinations', () => {
    expect(parseFilter(q(`filter=${encodeURIComponent('{"name":{"$in":["a","b"]}}')}`))).toEqual({
      field: 'name',
      op: 'in',
      value: ['a', 'b'],
    });
    const tree = parseFilter([['filter', '{"$or":[{"name":"a"},{"$not":{"description":{"$like":"doc"}}}]}']]);
    expect(tree).toEqual({
      or: [
        { field: 'name', op: 'eq', value: 'a' },
        { not: { field: 'description', op: 'like', value: 'doc' } },
      ],
    });
  });
  it('reads a field with several operators as their conjunction', () => {
    expect(parseFilter([['filter', '{"created_at":{"$gte":"2026-01-01","$lt":"2027-01-01"}}']])).toEqual({
      and: [
        { field: 'created_at', op: 'gte', value: '2026-01-01' },
        { field: 'created_at', op: 'lt', value: '2027-01-01' },
      ],
    });
  });
  it('rejects bad JSON, mixed logical keys, bad shapes and unknown fields', () => {
    expect(err(() => parseFilter([['filter', '{"name":']]))).toBe('Invalid JSON in filter parameter');
    expect(err(() => parseFilter([['filter', '{"$and":[{"name":"a"}],"name":"b"}']]))).toMatch(/mixed/);
    expect(err(() => parseFilter([['filter', '{"$and":[]}']]))).toMatch(/non-empty list/);
    expect(err(() => parseFilter([['filter', '{"$and":"x"}']]))).toMatch(/non-empty list/);
    expect(err(() => parseFilter([['filter', '{"name":{}}']]))).toMatch(/empty operator/);
    expect(err(() => parseFilter([['filter', '{"name":{"$like":5}}']]))).toMatch(/needs a string/);
    expect(err(() => parseFilter([['filter', '{"name":{"$in":[{"a":1}]}}']]))).toMatch(/list of values/);
    expect(err(() => parseFilter([['filter', '{"tags":"x"}']]))).toMatch(/Unknown filter field 'tags'/);
    expect(err(() => parseFilter([['filter', '{"$not":[1]}']]))).toMatch(/must be an object/);
  });
});

describe('text syntax', () => {
  it('reads every operator', () => {
    expect(fromText('name:"a"')).toEqual({ field: 'name', op: 'eq', value: 'a' });
    expect(fromText('name~"summ"')).toEqual({ field: 'name', op: 'like', value: 'summ' });
    expect(fromText('created_at>"2026"')).toMatchObject({ op: 'gt' });
    expect(fromText('created_at>="2026"')).toMatchObject({ op: 'gte' });
    expect(fromText('created_at<"2026"')).toMatchObject({ op: 'lt' });
    expect(fromText('created_at<="2026"')).toMatchObject({ op: 'lte' });
    expect(fromText('name IN ["a", "b"]')).toEqual({ field: 'name', op: 'in', value: ['a', 'b'] });
    expect(fromText('name NOT IN ["a"]')).toEqual({ field: 'name', op: 'nin', value: ['a'] });
    expect(fromText('data.inference_params.temperature>0.1')).toMatchObject({ value: 0.1 });
    expect(fromText('data.x:-1')).toMatchObject({ value: -1 });
  });
  it('reads negation, AND, OR, parentheses and space as AND (AND binds tighter)', () => {
    expect(fromText('-name:"a"')).toEqual({ not: { field: 'name', op: 'eq', value: 'a' } });
    expect(fromText('name:"a" description~"doc"')).toEqual({
      and: [
        { field: 'name', op: 'eq', value: 'a' },
        { field: 'description', op: 'like', value: 'doc' },
      ],
    });
    const t = fromText('name:"a" OR name:"b" AND description~"doc"');
    expect(t).toEqual({
      or: [
        { field: 'name', op: 'eq', value: 'a' },
        {
          and: [
            { field: 'name', op: 'eq', value: 'b' },
            { field: 'description', op: 'like', value: 'doc' },
          ],
        },
      ],
    });
    expect(fromText('(name:"a" OR name:"b") AND -(description~"doc")')).toEqual({
      and: [
        {
          or: [
            { field: 'name', op: 'eq', value: 'a' },
            { field: 'name', op: 'eq', value: 'b' },
          ],
        },
        { not: { field: 'description', op: 'like', value: 'doc' } },
      ],
    });
    expect(fromText('name:"quote \\" inside"')).toMatchObject({ value: 'quote " inside' });
  });
  it('is chosen for a bare filter value that does not start with {', () => {
    expect(
      parseFilter(q(`filter=${encodeURIComponent('name~"summ" AND created_at>="2026-01-01"')}`)),
    ).toEqual({
      and: [
        { field: 'name', op: 'like', value: 'summ' },
        { field: 'created_at', op: 'gte', value: '2026-01-01' },
      ],
    });
  });
  it('rejects syntax errors', () => {
    for (const bad of [
      'name:',
      'name:a',
      'name "a"',
      '(name:"a"',
      'name:"a")',
      'name:"abc',
      'name~"ab"',
      'name IN "a"',
      'name IN ["a" "b"]',
      ':"a"',
      'name:"a" OR',
      'name # "a"',
      'colour:"red"',
    ]) {
      expect(() => fromText(bad), bad).toThrow(FilterError);
    }
    expect(err(() => parseFilter([['filter', '   name:']]))).toMatch(/syntax error/);
  });
});

describe('evaluation', () => {
  const match = (tree: FilterNode | null, r = rec()) => (tree ? evaluate(tree, r) : true);
  it('applies each operator', () => {
    expect(match(fromText('name:"summarizer"'))).toBe(true);
    expect(match(fromText('name:"Summarizer"'))).toBe(false); // $eq is case-sensitive
    expect(match(fromText('description~"DOCUMENT"'))).toBe(true); // $like is not
    expect(match(fromText('name IN ["x", "summarizer"]'))).toBe(true);
    expect(match(fromText('name NOT IN ["summarizer"]'))).toBe(false);
    expect(match(fromText('created_at>="2026-03-01T10:00:00"'))).toBe(true);
    expect(match(fromText('created_at>"2026-03-01T10:00:00"'))).toBe(false);
    expect(match(fromText('created_at<"2026-03-02"'))).toBe(true);
    expect(match(fromText('updated_at<="2026-03-01"'))).toBe(false);
    expect(match(parseFilter(q('filter[project]=')))).toBe(true); // null project
    expect(match(fromText('data.inference_params.temperature<0.5'))).toBe(true);
    expect(match(parseFilter(q('filter[data.inference_params.temperature]=0.2')))).toBe(true);
    expect(match(parseFilter(q('filter[data.tags]=b')))).toBe(true);
    expect(match(parseFilter(q('filter[data.tags][$nin]=b')))).toBe(false);
    expect(match(fromText('data.missing.deep:"x"'))).toBe(false);
    expect(match(fromText('-name:"x" AND (id:"prompt-abc" OR name:"y")'))).toBe(true);
  });
  it('refuses invalid datetimes up front', () => {
    expect(() => validateDates(fromText('created_at>="yesterday"'))).toThrow(FilterError);
    expect(() => validateDates(fromText('created_at>="2026-01-01"'))).not.toThrow();
  });
  it('exposes top-level conjuncts for SQL pre-filtering', () => {
    expect(conjuncts(fromText('name:"a" (description~"doc" OR id:"x")'))).toHaveLength(2);
    expect(conjuncts(null)).toEqual([]);
  });
});

describe('hostile input', () => {
  it('never throws anything but FilterError, for any text, JSON or bracket input', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.json().map((j) => j),
          fc.stringMatching(/^[a-z_."~:<>=()\[\], -]{0,60}$/),
        ),
        fc.array(
          fc.tuple(fc.stringMatching(/^filter(\[[\w$.]{0,12}\]){0,3}$/), fc.string({ maxLength: 30 })),
          {
            maxLength: 5,
          },
        ),
        (text, brackets) => {
          for (const pairs of [[['filter', text]], brackets] as [string, string][][]) {
            try {
              const tree = parseFilter(pairs);
              validateDates(tree);
              if (tree) evaluate(tree, rec());
            } catch (e) {
              if (!(e instanceof FilterError)) throw e;
            }
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
  it('never touches prototypes, whatever the keys', () => {
    expect(err(() => parseFilter(q('filter[__proto__][$eq]=x')))).toMatch(/Unknown filter field '__proto__'/);
    expect(err(() => parseFilter(q('filter[name][__proto__]=x')))).toMatch(/Unknown filter operator/);
    expect(err(() => parseFilter([['filter', '{"__proto__":{"$eq":1}}']]))).toMatch(/Unknown filter field/);
    expect(({} as Record<string, unknown>).$eq).toBeUndefined();
    expect(evaluate(fromText('data.constructor:"x"'), rec())).toBe(false);
    expect(evaluate(parseFilter(q('filter[data.toString]='))!, rec())).toBe(true); // absent = null
  });
  it('bounds nesting and length', () => {
    expect(err(() => fromText('('.repeat(5000) + 'name:"a"' + ')'.repeat(5000)))).toMatch(/deeply/);
    expect(err(() => parseFilter([['filter', '{"$not":'.repeat(100) + '{}' + '}'.repeat(100)]]))).toMatch(
      /deeply/,
    );
    expect(err(() => parseFilter([['filter', 'name:"' + 'a'.repeat(20_000) + '"']]))).toMatch(/too long/);
  });
});
