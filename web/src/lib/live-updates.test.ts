import { describe, expect, it } from 'vitest';
import { QueryClient, QueryObserver } from '@tanstack/react-query';
import { keysToInvalidate, refetchAfterOpen } from './live-updates.ts';

const has = (keys: unknown[][], key: unknown[]) =>
  keys.some((k) => JSON.stringify(k) === JSON.stringify(key));

describe('keysToInvalidate', () => {
  it('a label move refreshes the list, that prompt and its versions and label history', () => {
    const keys = keysToInvalidate(
      { type: 'prompt.label.moved', data: { prompt: 'a/b', prompt_id: 'id1' } },
      'default',
    );
    expect(has(keys, ['prompts'])).toBe(true);
    expect(has(keys, ['prompt', 'default', 'a/b'])).toBe(true);
    expect(has(keys, ['versions', 'default', 'id1'])).toBe(true);
    expect(has(keys, ['label-history', 'default', 'id1'])).toBe(true);
    // Not another prompt's page, and no name list churn for a label move.
    expect(has(keys, ['prompt', 'default'])).toBe(false);
    expect(has(keys, ['prompt-names', 'default'])).toBe(false);
  });

  it('a new prompt refreshes the names (and with them the folder tree)', () => {
    const keys = keysToInvalidate({ type: 'prompt.created', data: { prompt: 'x', prompt_id: 'i' } }, 'w');
    expect(has(keys, ['prompt-names', 'w'])).toBe(true);
  });

  it('a rename refreshes every prompt page of the workspace (the old name is gone)', () => {
    const keys = keysToInvalidate(
      { type: 'prompt.renamed', data: { prompt: 'new', from: 'old', to: 'new' } },
      'w',
    );
    expect(has(keys, ['prompt', 'w'])).toBe(true);
  });

  it('a snippet change refreshes where-used lists', () => {
    const keys = keysToInvalidate(
      { type: 'snippet.version.created', data: { prompt: 's', prompt_id: 'i' } },
      'w',
    );
    expect(has(keys, ['snippet-usage', 'w'])).toBe(true);
  });
});

describe('refetchAfterOpen', () => {
  it('fetches again a first fetch in flight at the open once it settles, and data already here at once', async () => {
    const qc = new QueryClient({ defaultOptions: { queries: { staleTime: Infinity, retry: false } } });
    const reads: string[] = [];
    let release!: (v: string) => void;
    const slow = new Promise<string>((r) => (release = r));
    let n = 0;
    const list = () => {
      reads.push(`list#${++n}`);
      return n === 1 ? slow : Promise.resolve('fresh');
    };
    const here = () => (reads.push('here'), 'data');
    // Observers keep the queries active, as a mounted page does (only active queries refetch).
    const subscriptions = [
      new QueryObserver(qc, { queryKey: ['here'], queryFn: here }),
      new QueryObserver(qc, { queryKey: ['list'], queryFn: list }),
    ].map((o) => o.subscribe(() => {}));
    await expect.poll(() => qc.getQueryData(['here'])).toBe('data');
    // ['list'] is in flight, with no data yet: its read may predate the open.
    expect(reads).toEqual(['here', 'list#1']);

    const stop = refetchAfterOpen(qc);
    await expect.poll(() => reads).toEqual(['here', 'list#1', 'here']);
    release('stale');
    await expect.poll(() => qc.getQueryData(['list'])).toBe('fresh');
    expect(reads).toEqual(['here', 'list#1', 'here', 'list#2']);
    stop();
    subscriptions.forEach((u) => u());
    qc.clear();
  });

  it('leaves alone a query that has neither data nor a fetch (a disabled one)', async () => {
    const qc = new QueryClient();
    const reads: string[] = [];
    const o = new QueryObserver(qc, {
      queryKey: ['off'],
      queryFn: () => (reads.push('off'), 1),
      enabled: false,
    });
    const u = o.subscribe(() => {});
    refetchAfterOpen(qc)();
    await new Promise((r) => setTimeout(r, 20));
    expect(reads).toEqual([]);
    u();
    qc.clear();
  });
});
