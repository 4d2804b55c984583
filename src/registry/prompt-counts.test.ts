// The total of an unfiltered prompt list comes from the counter migration 0010's triggers keep
// (one row), not from counting the workspace; it stays exact through every way prompts change —
// create, delete, restore, a bulk insert or delete in SQL, concurrent creates — on both backends.
import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../test/support/stores.ts';
import type { Store } from '../store/db.ts';
import type { Actor } from '../model/types.ts';
import { openRegistry } from '../../test/support/registry.ts';
import type { TestRegistry } from '../../test/support/verbs.ts';
import { rowsOf } from './outbox.ts';

const STATUSES = ['active', 'deleted', 'all'] as const;

for (const backend of backends) {
  describe.skipIf(!backend.available)(`prompt list totals (${backend.name})`, () => {
    let store: Store;
    let reg: TestRegistry;
    let a: Actor;
    let b: Actor;
    let wsA: string;

    beforeAll(async () => {
      let actor;
      ({ store, reg, actor } = await openRegistry(backend, ['default', 'counts-b']));
      a = await actor('editor', 'default');
      b = await actor('editor', 'counts-b');
      wsA = a.workspaceId!;
    });
    afterAll(() => store?.close());

    /** What counting the rows says, per status, for the actor's workspace. */
    const counted = async (actor: Actor) => {
      const [r] = rowsOf<{ live: number; deleted: number }>(
        await store.db.execute(sql`select count(*) filter (where deleted_at is null)::int as live,
          count(*) filter (where deleted_at is not null)::int as deleted
          from prompts where workspace_id = ${actor.workspaceId}`),
      );
      return { active: r!.live, deleted: r!.deleted, all: r!.live + r!.deleted };
    };
    const listed = async (actor: Actor) =>
      Object.fromEntries(
        await Promise.all(
          STATUSES.map(
            async (status) =>
              [status, (await reg.listPrompts(actor, { status, limit: 1, offset: 0 })).total] as const,
          ),
        ),
      );

    it('an unfiltered list reads its total from the counter, a filtered one counts', async () => {
      await reg.createPrompt(a, { name: 'counted-1', tags: ['t'] });
      await reg.createPrompt(a, { name: 'counted-2' });
      const exact = await counted(a);
      expect(await listed(a)).toEqual(exact);
      // Tampered, the counter shows through: the list did not count (and a test that could not tell
      // the two apart would pass either way).
      await store.db.execute(sql`update prompt_counts set live = live + 1000 where workspace_id = ${wsA}`);
      try {
        expect((await reg.listPrompts(a, { limit: 1, offset: 0 })).total).toBe(exact.active + 1000);
        // A narrowing filter counts the rows it keeps.
        expect((await reg.listPrompts(a, { tags: ['t'], limit: 1, offset: 0 })).total).toBe(1);
        expect((await reg.listPrompts(a, { nameContains: 'counted', limit: 1, offset: 0 })).total).toBe(2);
        // An empty filter (Keywords AI's list without filters) narrows nothing: the counter answers.
        expect((await reg.listPrompts(a, { where: { and: [] }, limit: 1, offset: 0 })).total).toBe(
          exact.active + 1000,
        );
      } finally {
        await store.db.execute(sql`update prompt_counts set live = live - 1000 where workspace_id = ${wsA}`);
      }
    });

    it('stays exact through creates, deletes and restores in two workspaces (property)', async () => {
      let n = 0;
      const op = fc.oneof(
        fc.record({ kind: fc.constant('create' as const), inB: fc.boolean() }),
        fc.record({ kind: fc.constant('delete' as const), inB: fc.boolean(), pick: fc.nat() }),
        fc.record({ kind: fc.constant('restore' as const), inB: fc.boolean(), pick: fc.nat() }),
      );
      await fc.assert(
        fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 8 }), async (ops) => {
          for (const o of ops) {
            const actor = o.inB ? b : a;
            if (o.kind === 'create') {
              await reg.createPrompt(actor, { name: `prop-${n++}` });
              continue;
            }
            const status = o.kind === 'delete' ? 'active' : 'deleted';
            const page = await reg.listPrompts(actor, { status, limit: 50, offset: 0 });
            if (!page.items.length) continue;
            const p = page.items[o.pick % page.items.length]!;
            if (o.kind === 'delete') await reg.deletePrompt(actor, { id: p.id });
            else await reg.restorePrompt(actor, { id: p.id });
          }
          expect(await listed(a)).toEqual(await counted(a));
          expect(await listed(b)).toEqual(await counted(b));
        }),
        { numRuns: 15 },
      );
    });

    it('stays exact through a bulk insert, a bulk soft delete and a hard delete in SQL', async () => {
      await store.db.execute(sql`
        insert into prompts (id, workspace_id, name)
        select gen_random_uuid(), ${wsA}, 'bulk-' || g from generate_series(1, 500) g`);
      expect(await listed(a)).toEqual(await counted(a));
      await store.db.execute(
        sql`update prompts set deleted_at = now() where name like 'bulk-%' and name like '%7'`,
      );
      expect(await listed(a)).toEqual(await counted(a));
      await store.db.execute(sql`delete from prompts where name like 'bulk-%'`);
      expect(await listed(a)).toEqual(await counted(a));
    });

    it('stays exact under concurrent creates and deletes in one workspace', async () => {
      const made = await Promise.all(
        Array.from({ length: 24 }, (_, i) => reg.createPrompt(b, { name: `race-${i}` })),
      );
      await Promise.all(made.filter((_, i) => i % 3 === 0).map((p) => reg.deletePrompt(b, { id: p.id })));
      expect(await listed(b)).toEqual(await counted(b));
    });
  });
}
