// A statement shape is built once and then runs as the plain builder would: the same rows stored
// and read back (a null in a jsonb or timestamp column stays SQL NULL, as drizzle stores it), on
// the transaction it is given (rolled back with it), on both backends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { backends } from '../../test/support/stores.ts';
import type { Store } from './db.ts';
import { statementShape } from './statement-shapes.ts';

const t = pgTable('shape_t', {
  id: integer('id').primaryKey(),
  name: text('name').notNull(),
  doc: jsonb('doc'),
  at: timestamp('at', { withTimezone: true }),
});

let builds = 0;
const insert = statementShape<{ id: number }[]>((db, p) => {
  builds++;
  return db
    .insert(t)
    .values({ id: p('id'), name: p('name'), doc: p('doc'), at: p('at') } as never)
    .returning({ id: t.id });
});
const byId = statementShape<(typeof t.$inferSelect)[]>((db, p) =>
  db
    .select()
    .from(t)
    .where(eq(t.id, p('id'))),
);

for (const backend of backends) {
  describe.skipIf(!backend.available)(`statement shapes on ${backend.name}`, () => {
    let store: Store;
    beforeAll(async () => {
      store = await backend.open();
      await store.db.execute(
        sql.raw('create table shape_t (id int primary key, name text not null, doc jsonb, at timestamptz)'),
      );
    });
    afterAll(() => store?.close());

    const raw = async (id: number) =>
      (
        (await store.db.execute(
          sql.raw(
            `select doc is null as doc_null, doc::text as doc, at is null as at_null from shape_t where id = ${id}`,
          ),
        )) as unknown as { rows: Record<string, unknown>[] }
      ).rows[0];

    it('stores and reads what the plain builder does; nulls stay SQL NULL', async () => {
      const at = new Date('2026-01-02T03:04:05.678Z');
      const doc = { b: [1, 'x', null], a: { '2': true } };
      expect(await insert.run(store.db, { id: 1, name: 'one', doc, at })).toEqual([{ id: 1 }]);
      await store.db.insert(t).values({ id: 2, name: 'two', doc, at });
      await insert.run(store.db, { id: 3, name: 'three', doc: null, at: null });
      await store.db.insert(t).values({ id: 4, name: 'four', doc: null, at: null });
      const [one] = await byId.run(store.db, { id: 1 });
      const [two] = await store.db.select().from(t).where(eq(t.id, 2));
      expect(one).toEqual({ ...two, id: 1, name: 'one' });
      expect(one!.at).toEqual(at);
      expect(await raw(3)).toEqual(await raw(4));
      expect(await raw(3)).toMatchObject({ doc_null: true, at_null: true });
    });

    it("runs on the caller's transaction, built once per backend", async () => {
      const before = builds;
      await expect(
        store.db.transaction(async (tx) => {
          for (const id of [10, 11, 12])
            await insert.run(tx, { id, name: 'tx', doc: { id }, at: new Date() });
          expect((await byId.run(tx, { id: 11 })).map((r) => r.doc)).toEqual([{ id: 11 }]);
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      expect(await byId.run(store.db, { id: 11 })).toEqual([]);
      expect(builds).toBe(before);
    });

    it('refuses a run that leaves a placeholder without a value', async () => {
      await expect(byId.run(store.db, {})).rejects.toThrow(/placeholder "id"/);
    });
  });
}
