import { describe, expect, it } from 'vitest';
import { breadcrumbs, folderOf, folderTree, folderTreeFromCounts, inFolder, leafOf } from './folders.ts';

describe('folders derived from names', () => {
  it('builds a sorted tree with counts from slash-separated names', () => {
    const t = folderTree(['b/x', 'a/y/z', 'a/w', 'top', 'a/y/q']);
    expect(t.count).toBe(5);
    expect(t.children.map((c) => [c.path, c.count])).toEqual([
      ['a', 3],
      ['b', 1],
    ]);
    expect(t.children[0]!.children.map((c) => [c.path, c.count])).toEqual([['a/y', 2]]);
  });

  it('skips empty segments instead of making nameless folders', () => {
    const t = folderTree(['/lead', 'a//b/c']);
    expect(t.children.map((c) => c.path)).toEqual(['a']);
    expect(t.children[0]!.children.map((c) => c.path)).toEqual(['a/b']);
  });

  it('splits a name into its folder and leaf', () => {
    expect(folderOf('a/b/c')).toBe('a/b');
    expect(folderOf('plain')).toBe('');
    expect(leafOf('a/b/c')).toBe('c');
  });

  it('gives breadcrumbs from the root and tells folder membership at any depth', () => {
    expect(breadcrumbs('a/b')).toEqual([
      { name: 'All prompts', path: '' },
      { name: 'a', path: 'a' },
      { name: 'b', path: 'a/b' },
    ]);
    expect(inFolder('a/b/c', 'a')).toBe(true);
    expect(inFolder('ab/c', 'a')).toBe(false);
    expect(inFolder('x', '')).toBe(true);
  });

  it('builds the same tree from the server folder counts, parents summing their children', () => {
    const t = folderTreeFromCounts(
      [
        { path: 'a', count: 1 },
        { path: 'a/y', count: 2 },
        { path: 'b', count: 1 },
      ],
      5,
    );
    expect(t.count).toBe(5);
    expect(t.children.map((c) => [c.path, c.count])).toEqual([
      ['a', 3],
      ['b', 1],
    ]);
    expect(t.children[0]!.children.map((c) => [c.path, c.count])).toEqual([['a/y', 2]]);
  });
});
