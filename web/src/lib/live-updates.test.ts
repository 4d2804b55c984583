import { describe, expect, it } from 'vitest';
import { keysToInvalidate } from './live-updates.ts';

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
