// Migrations 0007 and 0013: the trigram indexes behind search exist on both backends (PGlite loads pg_trgm
// as a bundled extension on every open), and a search can be answered from them.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from './db.ts';
import { backends } from '../../test/support/stores.ts';

const rows = async (store: Store, q: ReturnType<typeof sql>) =>
  ((await store.db.execute(q)) as unknown as { rows: Record<string, unknown>[] }).rows;

for (const backend of backends) {
  describe.skipIf(!backend.available)(`search indexes (${backend.name})`, () => {
    let store: Store;
    beforeAll(async () => void (store = await backend.open()));
    afterAll(() => store?.close());

    it('has a trigram index on names, tags and template text', async () => {
      const names = (
        await rows(
          store,
          sql`select indexname from pg_indexes where schemaname = current_schema() and indexname like '%_trgm' order by 1`,
        )
      ).map((r) => r.indexname);
      expect(names).toEqual(['prompts_name_trgm', 'prompts_tags_trgm', 'versions_text_trgm']);
    });

    it('keeps no pending list on the trigram indexes (migration 0013)', async () => {
      // With GIN's fastupdate on, new rows wait in a list only VACUUM merges (PGlite has no
      // autovacuum), and the planner then scans every row instead of using the index.
      const opts = await rows(
        store,
        sql`select c.relname, c.reloptions from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = current_schema() and c.relname like '%_trgm' order by 1`,
      );
      expect(opts).toEqual(
        ['prompts_name_trgm', 'prompts_tags_trgm', 'versions_text_trgm'].map((relname) => ({
          relname,
          reloptions: ['fastupdate=off'],
        })),
      );
    });

    it('answers a substring search of template text from the index', async () => {
      // Forbid sequential scans: the planner must then find the expression the index is built on.
      const plan = await store.db.transaction(async (tx) => {
        await tx.execute(sql`set local enable_seqscan = off`);
        const r = (await tx.execute(
          sql`explain select prompt_id from versions where (messages::text || coalesce(content::text, '')) ilike '%needle%'`,
        )) as unknown as { rows: Record<string, string>[] };
        return r.rows.map((x) => Object.values(x)[0]).join('\n');
      });
      expect(plan).toContain('versions_text_trgm');
    });
  });
}
