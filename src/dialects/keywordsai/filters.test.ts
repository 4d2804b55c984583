import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LecternError } from '../../model/errors.ts';
import { applyFilters, parseFilters, parseSort, sortRows, type PromptRow } from './filters.ts';

const row = (seq: number, name: string, extra: Partial<PromptRow> = {}): PromptRow => ({
  seq,
  prompt_id: `${seq}`.padStart(32, '0'),
  prompt_slug: '',
  name,
  description: '',
  starred: false,
  tags: [],
  created_at: new Date(Date.UTC(2025, 0, seq)),
  updated_at: new Date(Date.UTC(2025, 0, seq)),
  current_version__updated_at: null,
  ...extra,
});

const ROWS = [
  row(1, 'Alpha', { description: 'first', tags: ['support'], starred: true }),
  row(2, 'beta', { description: 'second', tags: ['sales', 'support'] }),
  row(3, 'Gamma', { description: '', prompt_slug: 'gam' }),
];
const names = (f: unknown, op?: unknown) => applyFilters(ROWS, parseFilters(f, op)).map((r) => r.name);

describe('Keywords AI prompt filters', () => {
  it('implements every operator', () => {
    expect(names({ name: { operator: '', value: ['beta'] } })).toEqual(['beta']);
    expect(names({ name: { operator: 'iexact', value: ['ALPHA'] } })).toEqual(['Alpha']);
    expect(names({ name: { operator: 'contains', value: ['mm'] } })).toEqual(['Gamma']);
    expect(names({ name: { operator: 'icontains', value: ['A'] } })).toEqual(['Alpha', 'beta', 'Gamma']);
    expect(names({ name: { operator: 'startswith', value: ['G'] } })).toEqual(['Gamma']);
    expect(names({ name: { operator: 'endswith', value: ['ta'] } })).toEqual(['beta']);
    expect(names({ name: { operator: 'in', value: ['beta', 'Gamma'] } })).toEqual(['beta', 'Gamma']);
    expect(names({ name: { operator: 'not', value: ['beta'] } })).toEqual(['Alpha', 'Gamma']);
    expect(names({ description: { operator: 'isnull', value: [true] } })).toEqual(['Gamma']);
    expect(names({ description: { operator: 'isnull', value: [false] } })).toEqual(['Alpha', 'beta']);
    expect(names({ created_at: { operator: 'gte', value: ['2025-01-02T00:00:00Z'] } })).toEqual([
      'beta',
      'Gamma',
    ]);
    expect(names({ created_at: { operator: 'lt', value: ['2025-01-02T00:00:00Z'] } })).toEqual(['Alpha']);
    expect(names({ created_at: { operator: 'lte', value: ['2025-01-02T00:00:00Z'] } })).toEqual([
      'Alpha',
      'beta',
    ]);
    expect(names({ created_at: { operator: 'gt', value: ['not a date'] } })).toEqual([]);
    expect(names({ starred: { operator: '', value: [true] } })).toEqual(['Alpha']);
    expect(names({ starred: { value: ['false'] } })).toEqual(['beta', 'Gamma']);
    expect(names({ tags: { operator: 'in', value: ['sales'] } })).toEqual(['beta']);
    expect(names({ tags: { operator: '', value: ['support'] } })).toEqual(['Alpha', 'beta']);
    expect(names({ prompt_slug: { value: 'gam' } })).toEqual(['Gamma']);
  });

  it('combines with AND by default and OR on request; is_deleted is a scope', () => {
    const f = { name: { operator: 'icontains', value: ['a'] }, tags: { value: ['sales'] } };
    expect(names(f)).toEqual(['beta']);
    expect(names(f, 'or')).toEqual(['Alpha', 'beta', 'Gamma']);
    const parsed = parseFilters({ is_deleted: { operator: '', value: [true] } }, undefined);
    expect(parsed).toEqual({ conditions: [], combine: 'AND', deleted: true });
  });

  it('refuses unknown fields, operators and combinators with a 400 naming them', () => {
    const err = (f: unknown, op?: unknown) => {
      try {
        parseFilters(f, op);
      } catch (e) {
        return e as LecternError;
      }
      throw new Error('no error');
    };
    expect(err({ colour: { value: [1] } }).message).toMatch(/^filters\.colour:/);
    expect(err({ name: { operator: '~', value: [1] } }).message).toMatch(/^filters\.name\.operator:/);
    expect(err({ name: { operator: '', value: [] } }).message).toMatch(/^filters\.name\.value:/);
    expect(err({}, 'XOR').message).toMatch(/^operator:/);
    expect(err([1, 2]).code).toBe('bad_request');
  });

  it('never fails with anything but a 400 on hostile input', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (f, op) => {
        try {
          applyFilters(ROWS, parseFilters(f, op));
        } catch (e) {
          expect(e).toBeInstanceOf(LecternError);
          expect((e as LecternError).code).toBe('bad_request');
        }
      }),
      {
        // Objects whose `toString` is not a function cannot be turned into strings at all.
        examples: [
          [{ name: { operator: 'contains', value: [{ toString: 0 }] } }, null],
          [{ name: 'x' }, { toString: 1 }],
          [{ name: { value: [[1]] } }, 'AND'],
        ],
        numRuns: 500,
      },
    );
  });

  it('sorts by -id by default and by the documented fields', () => {
    expect(sortRows(ROWS, parseSort(undefined)).map((r) => r.seq)).toEqual([3, 2, 1]);
    expect(sortRows(ROWS, parseSort('name')).map((r) => r.name)).toEqual(['Alpha', 'Gamma', 'beta']);
    expect(sortRows(ROWS, parseSort('-current_version__updated_at')).map((r) => r.seq)).toEqual([3, 2, 1]);
    expect(sortRows(ROWS, parseSort('current_version__updated_at')).map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(() => parseSort('-colour')).toThrow(/^sort_by:/);
    expect(() => parseSort({ toString: 0 })).toThrow(/^sort_by:/);
  });
});
