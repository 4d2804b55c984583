// A claim and a record touch only the deliveries and events of their batch, by key: their cost must
// not grow with the delivery log and the outbox, which keep a week of delivered rows. Checked on the
// plans of the statements as they are sent, over a log of a few thousand delivered rows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type SQL } from 'drizzle-orm';
import { backends } from '../../test/support/stores.ts';
import { openRegistry } from '../../test/support/registry.ts';
import type { Db, Store } from '../store/db.ts';
import { claimDeliveries, recordAttempts, rowsOf, sequence } from './outbox.ts';

for (const backend of backends) {
  describe.skipIf(!backend.available)(`outbox statements by key (${backend.name})`, () => {
    let store: Store;
    let ws = '';
    let endpoint = '';
    beforeAll(async () => {
      const { store: s, reg, actor } = await openRegistry(backend, ['scans']);
      store = s;
      const admin = await actor('admin', 'scans');
      endpoint = (await reg.createWebhook(admin, { url: 'http://127.0.0.1:9/h' })).endpoint.id;
      await reg.outbox.hub.idle();
      ws = rowsOf<{ id: string }>(
        await store.db.execute(sql`select id from workspaces where name = 'scans'`),
      )[0]!.id;
      // A delivered history: 3,000 events, each delivered once.
      await store.db.execute(sql`
        with ev as (
          insert into outbox_events (workspace_id, type, prompt_name, data, pos)
          select ${ws}::uuid, 'prompt.created', 'old' || g, '{"is_snippet":false}'::jsonb,
                 nextval('outbox_pos_seq')
          from generate_series(1, 3000) g
          returning id
        )
        insert into webhook_deliveries (endpoint_id, event_id, status, attempts, delivered_at)
        select ${endpoint}::uuid, id, 'delivered', 1, now() from ev`);
      await store.db.execute(sql`
        insert into outbox_events (workspace_id, type, prompt_name, data)
        select ${ws}::uuid, 'prompt.created', 'new' || g, '{"is_snippet":false}'::jsonb
        from generate_series(1, 5) g`);
      await sequence(store.db, store.backend);
    });
    afterAll(async () => {
      await store?.close();
    });

    /** The database, with the plan of every statement sent through it kept (not executed twice). */
    const explaining = (plans: string[]): Db => {
      const db = Object.create(store.db) as Db;
      db.execute = (async (q: SQL) => {
        const res = await store.db.execute(sql`explain (costs off) ${q}`);
        plans.push(
          rowsOf<Record<string, string>>(res)
            .map((r) => r['QUERY PLAN'])
            .join('\n'),
        );
        return store.db.execute(q);
      }) as Db['execute'];
      return db;
    };

    it('claims and records their batch by key, without reading the whole log or outbox', async () => {
      const plans: string[] = [];
      const db = explaining(plans);
      const { claimed } = await claimDeliveries(db, 'w_scan', 60_000, 10);
      expect(claimed).toHaveLength(5);
      await recordAttempts(
        db,
        'w_scan',
        claimed.map((d) => ({
          id: d.id,
          endpointId: d.endpointId,
          attempt: d.attempts,
          status: 204,
          error: null,
          response: null,
          durationMs: 1,
          outcome: 'delivered' as const,
        })),
      );
      expect(plans).toHaveLength(2);
      for (const plan of plans) {
        expect(plan).not.toMatch(/Seq Scan on webhook_deliveries/);
        expect(plan).not.toMatch(/Seq Scan on outbox_events/);
      }
      const left = await store.db.execute(
        sql`select count(*)::int as n from webhook_deliveries where status = 'pending'`,
      );
      expect(rowsOf<{ n: number }>(left)[0]!.n).toBe(0);
    });
  });
}
