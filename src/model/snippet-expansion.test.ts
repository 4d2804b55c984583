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
  library[tag.name] === undefined ? null : { number: 1, content: completion(library[tag.name]!) };

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
