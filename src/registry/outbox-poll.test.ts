// The outbox hub's poll: idle, it costs one statement (is anything waiting to be numbered?) and no
// sequencer transaction; a row no wake-up announced is still numbered by the next poll; the
// subscribers hear every poll either way (the worker claims retries, streams read).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { backends } from '../../test/support/stores.ts';
import { openRegistry } from '../../test/support/registry.ts';
import type { Db, Store } from '../store/db.ts';
import { OutboxHub, rowsOf } from './outbox.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const backend of backends) {
  describe.skipIf(!backend.available)(`outbox poll (${backend.name})`, () => {
    let store: Store;
    let ws = '';
    beforeAll(async () => {
      const { store: s, reg } = await openRegistry(backend, ['poll']);
      store = s;
      await reg.outbox.hub.idle();
      ws = rowsOf<{ id: string }>(
        await store.db.execute(sql`select id from workspaces where name = 'poll'`),
      )[0]!.id;
    });
    afterAll(async () => {
      await store?.close();
    });

    it('an idle poll sends one statement and no transaction; a missed row is numbered', async () => {
      const calls = { statements: 0, transactions: 0 };
      const db = Object.create(store.db) as Db;
      db.execute = ((q: Parameters<Db['execute']>[0]) => {
        calls.statements++;
        return store.db.execute(q);
      }) as Db['execute'];
      db.transaction = ((fn: Parameters<Db['transaction']>[0]) => {
        calls.transactions++;
        return store.db.transaction(fn);
      }) as Db['transaction'];
      const hub = new OutboxHub(db, store.backend, 50);
      let runs = 0;
      const off = hub.subscribe(() => runs++);
      try {
        // Whatever is unnumbered now (the registry's own hub may be behind) is numbered first.
        hub.kick();
        await hub.idle();
        await sleep(20);
        calls.statements = 0;
        calls.transactions = 0;
        runs = 0;
        await sleep(400);
        expect(runs).toBeGreaterThanOrEqual(3);
        expect(calls.transactions).toBe(0);
        // One per poll (one more if a poll's answer is still on its way).
        expect(calls.statements).toBeGreaterThanOrEqual(runs);
        expect(calls.statements).toBeLessThanOrEqual(runs + 1);

        // A row no kick announced: the next poll numbers it.
        const res = await store.db.execute(sql`
          insert into outbox_events (workspace_id, type, prompt_name, data)
          values (${ws}::uuid, 'prompt.created', 'missed', '{"is_snippet":false}'::jsonb) returning id`);
        const id = rowsOf<{ id: number }>(res)[0]!.id;
        await sleep(300);
        await hub.idle();
        const row = await store.db.execute(sql`select pos from outbox_events where id = ${id}`);
        expect(rowsOf<{ pos: unknown }>(row)[0]!.pos).not.toBeNull();
        expect(calls.transactions).toBeGreaterThanOrEqual(1);
      } finally {
        off();
        await hub.idle();
      }
    });
  });
}
