import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  cloneJson,
  fromTransferable,
  isIndexKey,
  mergeObjects,
  objectOf,
  parseJsonOrdered,
  toTransferable,
} from './json-order.ts';
import { checkJsonInput } from './json-input.ts';

const key = fc.oneof(
  fc.constantFrom('2', '10', '0', '01', '4294967294', '4294967295', '__proto__', 'constructor', ''),
  fc.nat({ max: 50 }).map(String),
  fc.string({ maxLength: 4 }),
);

/** JSON text written by hand from entries: the order a client sends, whatever JavaScript does. */
type Node = { entries: [string, Node | number][] };
const node: fc.Arbitrary<Node> = fc.letrec<{ node: Node }>((tie) => ({
  node: fc
    .uniqueArray(fc.tuple(key, fc.oneof({ depthSize: 'small' }, fc.integer(), tie('node'))), {
      selector: ([k]) => k,
      maxLength: 5,
    })
    .map((entries) => ({ entries })),
})).node;
const textOf = (n: Node): string =>
  `{${n.entries.map(([k, v]) => `${JSON.stringify(k)}:${typeof v === 'number' ? v : textOf(v)}`).join(',')}}`;
const build = (n: Node): unknown =>
  objectOf(n.entries.map(([k, v]) => [k, typeof v === 'number' ? v : build(v)]));

describe('objects keep the key order they were written in', () => {
  it('knows which keys JavaScript moves first (array indices)', () => {
    expect(['0', '2', '10', '4294967294'].every(isIndexKey)).toBe(true);
    expect(['01', '-1', '1.5', '4294967295', '', ' 1', '1e3'].some(isIndexKey)).toBe(false);
  });

  it('parse then stringify gives the text back, byte for byte (fast-check)', () => {
    fc.assert(
      fc.property(node, (n) => {
        const text = textOf(n);
        expect(JSON.stringify(parseJsonOrdered(text))).toBe(text);
        expect(JSON.stringify(build(n))).toBe(text);
        expect(JSON.stringify(cloneJson(parseJsonOrdered(text)))).toBe(text);
        // Across a thread (structured clone), marked and unmarked.
        expect(
          JSON.stringify(fromTransferable(structuredClone(toTransferable(parseJsonOrdered(text))))),
        ).toBe(text);
      }),
    );
  });

  it('plain JSON.parse loses that order (the defect this module exists for)', () => {
    expect(JSON.stringify(JSON.parse('{"b":1,"2":2}'))).toBe('{"2":2,"b":1}');
    expect(JSON.stringify(parseJsonOrdered('{"b":1,"2":2}'))).toBe('{"b":1,"2":2}');
  });

  it('objects that JavaScript keeps in order stay plain objects', () => {
    const o = parseJsonOrdered('{"2":1,"10":2,"b":3}');
    expect(() => structuredClone(o)).not.toThrow();
  });

  it('merges keep the first position and the last value, like a spread', () => {
    const a = parseJsonOrdered('{"b":1,"2":2}') as Record<string, unknown>;
    expect(JSON.stringify(mergeObjects(a, { b: 3, c: 4 }))).toBe('{"b":3,"2":2,"c":4}');
  });

  it('keys added or deleted later are seen (added ones after the written ones)', () => {
    const o = parseJsonOrdered('{"b":1,"2":2}') as Record<string, unknown>;
    o['a'] = 1;
    delete o['b'];
    expect(JSON.stringify(o)).toBe('{"2":2,"a":1}');
  });

  it('__proto__ is kept as data and never becomes a prototype', () => {
    for (const text of ['{"__proto__":{"polluted":1}}', '{"x":1,"2":0,"__proto__":{"polluted":1}}']) {
      const o = parseJsonOrdered(text) as Record<string, unknown>;
      expect(Object.keys(o)).toContain('__proto__');
      expect((o as { polluted?: unknown }).polluted).toBeUndefined();
      const c = cloneJson(o);
      expect(Object.getPrototypeOf(c)).toBe(Object.prototype);
      expect(JSON.stringify(c)).toBe(text);
    }
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('string escapes are read as JSON reads them', () => {
    const text = '{"2":"a\\"b\\\\c\\u00e9\\ud83d\\ude00","k\\n":1}';
    expect(parseJsonOrdered(text)).toEqual(JSON.parse(text));
  });
});

describe('what a JSON body must satisfy to be stored', () => {
  it('names the first value that cannot be stored, by JSON pointer', () => {
    expect(checkJsonInput(JSON.parse('{"a":[1,{"b/c":"x\\u0000"}]}'), 64)).toEqual({
      fault: 'nul_character',
      path: '/a/1/b~1c',
      inKey: false,
    });
    expect(checkJsonInput(JSON.parse('{"a":{"\\ud800":1}}'), 64)).toMatchObject({
      fault: 'lone_surrogate',
      inKey: true,
    });
    expect(checkJsonInput(JSON.parse('{"t":1e309}'), 64)).toMatchObject({
      fault: 'non_finite_number',
      path: '/t',
    });
    expect(checkJsonInput(JSON.parse('[[[[1]]]]'), 3)).toMatchObject({ fault: 'too_deep' });
    expect(checkJsonInput(JSON.parse('{"ok":"\\ud83d\\ude00","n":1e308}'), 64)).toBeNull();
  });
});
