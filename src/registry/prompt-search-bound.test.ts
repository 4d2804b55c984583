// A search whose total is counted only up to a bound (the native list and the UI): past the bound
// the total is the bound and says it is a lower bound, and the page is still the first rows of every
// match in the sort's order; at or under it the count is exact.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../test/support/stores.ts';
import type { Store } from '../store/db.ts';
import type { Actor } from '../model/types.ts';
import { openRegistry } from '../../test/support/registry.ts';
import { type TestRegistry } from '../../test/support/verbs.ts';

const chat = (text: string) => ({ messages: [{ role: 'user' as const, content: text }] });

for (const backend of backends) {
  describe.skipIf(!backend.available)(`a bounded search total on ${backend.name}`, () => {
    let store: Store;
    let reg: TestRegistry;
    let editor: Actor;

    beforeAll(async () => {
      let actor;
      ({ store, reg, actor } = await openRegistry(backend));
      editor = await actor('editor', 'default');
      // Seven match "reply": by template text, by name, by tag; one older version held it only.
      for (let i = 0; i < 5; i++)
        await reg.publishVersion(editor, { name: `t${i}` }, {}, chat(`Reply to {{x}} ${i}`));
      await reg.createPrompt(editor, { name: 'reply-by-name' });
      await reg.createPrompt(editor, { name: 'tagged', tags: ['REPLY'] });
      const moved = await reg.publishVersion(editor, { name: 'moved-on' }, {}, chat('reply once'));
      await reg.createVersion(editor, { id: moved.prompt.id }, chat('something else'));
      await reg.createPrompt(editor, { name: 'unrelated' });
    });
    afterAll(() => store?.close());

    const list = (extra: { searchTotalBound?: number; offset?: number; field?: 'name' | 'updated_at' }) =>
      reg.listPrompts(editor, {
        search: 'reply',
        sort: { field: extra.field ?? 'updated_at', dir: extra.field === 'name' ? 'asc' : 'desc' },
        limit: 3,
        offset: extra.offset ?? 0,
        searchTotalBound: extra.searchTotalBound,
      });

    it('counts exactly without a bound, and under or at one', async () => {
      expect((await list({})).total).toBe(7);
      for (const bound of [7, 50]) {
        const p = await list({ searchTotalBound: bound });
        expect(p).toMatchObject({ total: 7, totalIsLowerBound: false });
      }
    });

    // The pages cover every match, and not 'moved-on', whose older version alone held the term.
    it('past the bound, reports the bound as a lower bound and the same pages in the same order', async () => {
      for (const field of ['name', 'updated_at'] as const)
        for (const offset of [0, 3, 6, 9]) {
          const exact = await list({ field, offset });
          const bounded = await list({ field, offset, searchTotalBound: 4 });
          expect(bounded.items.map((p) => p.name)).toEqual(exact.items.map((p) => p.name));
          expect(bounded.totalIsLowerBound).toBe(true);
          expect(bounded.total).toBe(Math.max(4, offset + exact.items.length));
        }
    });
  });
}
