// Snippet expansion as a pure function: nested snippets stop at the output bound before the
// expansion is built, whatever the nesting multiplies to.
import { describe, expect, it } from 'vitest';
import type { VersionContent } from './types.ts';
import { TemplateError } from '../templates/index.ts';
import { OutputBudget } from '../templates/output-budget.ts';
import { resolveSnippets, type SnippetFetcher } from './snippet-expansion.ts';

const completion = (text: string) =>
  ({
    templateType: 'completion',
    messages: [],
    content: [{ type: 'text', text }],
  }) as unknown as VersionContent;

const library: Record<string, string> = {
  a: 'x'.repeat(100),
  b: '@@@a@@@'.repeat(500),
  c: '@@@b@@@'.repeat(500),
};
const fetch: SnippetFetcher = async (tag) =>
  library[tag.name] === undefined
    ? null
    : { id: `id-${tag.name}`, number: 1, content: completion(library[tag.name]!) };

describe('snippet expansion bound', () => {
  it('expands within the bound', async () => {
    const r = await resolveSnippets({ messages: [], content: [{ type: 'text', text: '@@@b@@@!' }] }, fetch);
    expect((r.content![0] as { text: string }).text).toHaveLength(50_001);
  });

  it('stops nested snippets (100 × 500 × 500) at the bound with render_limit', async () => {
    const err = await resolveSnippets(
      { messages: [], content: [{ type: 'text', text: '@@@c@@@' }] },
      fetch,
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TemplateError);
    expect((err as TemplateError).code).toBe('render_limit');
  });

  it('counts every text slot of the version against one bound', async () => {
    const slots = Array.from({ length: 3 }, () => ({ role: 'user', content: '@@@b@@@' }));
    await expect(
      resolveSnippets({ messages: slots, content: null }, fetch, undefined, new OutputBudget(120_000)),
    ).rejects.toMatchObject({ code: 'render_limit' });
    await expect(
      resolveSnippets(
        { messages: slots.slice(0, 2), content: null },
        fetch,
        undefined,
        new OutputBudget(120_000),
      ),
    ).resolves.toBeTruthy();
  });
});

describe('snippet resolution', () => {
  const store: Record<string, VersionContent> = {
    a: completion('A(@@@b@@@)'),
    b: completion('B'),
    loop1: completion('@@@loop2@@@'),
    loop2: completion('@@@loop1@@@'),
    chat: {
      templateType: 'chat',
      messages: [{ role: 'user', content: 'x' }],
      content: null,
    } as unknown as VersionContent,
  };
  const lookup: SnippetFetcher = async (tag) =>
    store[tag.name] ? { id: `id-${tag.name}`, number: 1, content: store[tag.name]! } : null;
  const root = { id: 'root', name: 'root', version: 3 };
  const run = (t: string) =>
    resolveSnippets({ messages: [], content: [{ type: 'text', text: t }] }, lookup, root);

  it('expands recursively and returns the graph of what each version references', async () => {
    const r = await resolveSnippets(
      { messages: [{ role: 'user', content: '[@@@a@label:production@@@] @@@b@@@' }], content: null },
      lookup,
      root,
    );
    expect(r.messages[0]!.content).toBe('[A(B)] B');
    expect(r.graph).toEqual({
      root,
      dependencies: {
        root: [
          { id: 'id-a', name: 'a', version: 1 },
          { id: 'id-b', name: 'b', version: 1 },
        ],
        'id-a': [{ id: 'id-b', name: 'b', version: 1 }],
      },
    });
    // Innermost first: a snippet is recorded once its own expansion is done.
    expect(r.snippets).toEqual([
      { prompt_name: 'b', version: 1, label: null },
      { prompt_name: 'a', version: 1, label: 'production' },
    ]);
  });

  it('refuses cycles, missing snippets and chat templates, naming the tag and the chain', async () => {
    await expect(run('@@@loop1@@@')).rejects.toMatchObject({
      kind: 'cycle',
      path: ['root', 'loop1', 'loop2', 'loop1'],
    });
    await expect(run('@@@ghost@label:staging@@@')).rejects.toMatchObject({
      kind: 'missing',
      tag: { name: 'ghost', label: 'staging' },
    });
    await expect(run('@@@chat@@@')).rejects.toMatchObject({ kind: 'not_completion', snippet: 'chat' });
  });

  it('a reference back to the version being expanded is a cycle', async () => {
    await expect(run('@@@root@@@')).rejects.toMatchObject({ kind: 'cycle', path: ['root', 'root'] });
  });

  it('has no graph when nothing was expanded', async () => {
    expect((await run('no tags')).graph).toBeNull();
  });
});
