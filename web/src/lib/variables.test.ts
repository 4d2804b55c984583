import { describe, expect, it } from 'vitest';
import { offsetOf, snippetRefs, variableRows, variablesFromInputs } from './variables.ts';

describe('variable extraction display', () => {
  it('lists each extracted variable once with its default and marks new ones', () => {
    expect(variableRows(['name', 'city', 'name'], { name: 'Ada', n: 3 }, ['name'])).toEqual([
      { name: 'name', defaultText: 'Ada', hasDefault: true, isNew: false },
      { name: 'city', defaultText: '', hasDefault: false, isNew: true },
    ]);
  });

  it('shows non-string defaults as JSON', () => {
    expect(variableRows(['items'], { items: [1, 2] })[0]!.defaultText).toBe('[1,2]');
  });

  it('parses typed values as JSON where they are JSON, else keeps the text', () => {
    expect(variablesFromInputs({ a: '3', b: '[1]', c: 'hello', d: '{oops', e: 'true' })).toEqual({
      a: 3,
      b: [1],
      c: 'hello',
      d: '{oops',
      e: true,
    });
  });

  it('finds snippet references in every form', () => {
    expect(snippetRefs('a @@@greet@@@ b @@@sig@label:prod@@@ @@@greet@version_number:2@@@')).toEqual([
      'greet',
      'sig',
    ]);
  });

  it('turns a line and column into an offset', () => {
    expect(offsetOf('ab\ncde\nf', 2, 2)).toBe(4);
    expect(offsetOf('ab', 5, 1)).toBe(2);
  });
});
