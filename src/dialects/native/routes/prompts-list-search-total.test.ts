// GET /v1/prompts?search= counts at most SEARCH_TOTAL_BOUND matches: past it the total is the
// bound with `total_is_lower_bound: true` (the UI's "1,000+") and paging goes on while pages are
// full; under it, and for every list without `search`, the total is exact and says so.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../../../test/support/stores.ts';
import { withVerbs } from '../../../../test/support/verbs.ts';
import { startTestApp, type TestApp, type ResponseOf } from '../../../../test/support/app.ts';
import { SEARCH_TOTAL_BOUND, type schema as promptsList } from './prompts-list.ts';

const N = SEARCH_TOTAL_BOUND + 2;

for (const backend of backends) {
  describe.skipIf(!backend.available)(`a search's total on the native list (${backend.name})`, () => {
    let t: TestApp;
    const list = async (qs: string) => {
      const r = await t.call<ResponseOf<typeof promptsList>>('GET', `/v1/prompts?${qs}`);
      expect(r.status, r.raw).toBe(200);
      return r.body;
    };
    beforeAll(async () => {
      t = await startTestApp(backend);
      const editor = (await t.registry.authenticate(t.keys.editor))!;
      const reg = withVerbs(t.registry);
      for (let i = 0; i < N; i++)
        await reg.createPrompt(editor, { name: `bulk/${String(i).padStart(4, '0')}` });
    }, 300_000);
    afterAll(async () => t?.close());

    it('says "at least the bound" past it, and pages on while pages are full', async () => {
      const first = await list('search=BULK&limit=100&sort=name');
      expect(first.pagination).toEqual({
        total: SEARCH_TOTAL_BOUND,
        limit: 100,
        offset: 0,
        next_offset: 100,
        total_is_lower_bound: true,
      });
      expect(first.data.map((p) => p.name).slice(0, 2)).toEqual(['bulk/0000', 'bulk/0001']);
      const last = await list(`search=bulk&limit=100&sort=name&offset=${N - 2}`);
      expect(last.data.map((p) => p.name)).toEqual([`bulk/${N - 2}`, `bulk/${N - 1}`]);
      expect(last.pagination).toMatchObject({ total: N, next_offset: null, total_is_lower_bound: true });
    });

    it('counts exactly under the bound, and a list without a search carries no bound flag', async () => {
      expect((await list('search=bulk/000')).pagination).toMatchObject({
        total: 10,
        total_is_lower_bound: false,
      });
      // A list without a search keeps the pagination it always had: no such field, an exact total.
      for (const q of ['limit=1', 'q=bulk&limit=1']) {
        const { pagination } = await list(q);
        expect(pagination.total).toBe(N);
        expect(pagination).not.toHaveProperty('total_is_lower_bound');
      }
    });
  });
}
