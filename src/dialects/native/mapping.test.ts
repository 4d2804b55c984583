import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { promptRef, splitList, versionContent, versionSelector } from './mapping.ts';

describe('promptRef', () => {
  it('reads a UUID as an id (lower-cased), digits as a seq, anything else as a name', () => {
    expect(promptRef('0190A0B0-0000-7000-8000-00000000000A')).toEqual({
      id: '0190a0b0-0000-7000-8000-00000000000a',
    });
    expect(promptRef('42')).toEqual({ seq: 42 });
    expect(promptRef('042', 'ws')).toEqual({ name: '042', workspace: 'ws' });
    expect(promptRef('support/greeting')).toEqual({ name: 'support/greeting', workspace: undefined });
  });

  it('property: any string maps to exactly one kind of reference, never throws', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 64 }), (s) => {
        const r = promptRef(s);
        expect(Object.keys(r).filter((k) => k !== 'workspace')).toHaveLength(1);
        if ('seq' in r) expect(Number.isSafeInteger(r.seq) && r.seq > 0).toBe(true);
        if ('name' in r) expect(r.name).toBe(s);
      }),
    );
  });
});

describe('splitList', () => {
  it('accepts repeated and comma-separated values, dropping blanks and duplicates', () => {
    expect(splitList(['a,b', 'c', ' b ', ',,'])).toEqual(['a', 'b', 'c']);
  });

  it('property: every output item is non-empty, trimmed, comma-free and unique', () => {
    fc.assert(
      fc.property(fc.array(fc.string()), (values) => {
        const out = splitList(values);
        expect(new Set(out).size).toBe(out.length);
        for (const v of out) {
          expect(v).toBe(v.trim());
          expect(v).not.toBe('');
          expect(v).not.toContain(',');
        }
      }),
    );
  });
});

describe('versionSelector and versionContent', () => {
  it('maps latest and numbers', () => {
    expect(versionSelector('latest')).toEqual({ latest: true });
    expect(versionSelector(3)).toEqual({ number: 3 });
  });

  it('leaves unsent fields undefined so they never overwrite stored values', () => {
    const c = versionContent({ model: 'm' });
    expect(c.model).toBe('m');
    expect(Object.entries(c).filter(([, v]) => v !== undefined)).toEqual([['model', 'm']]);
  });
});
