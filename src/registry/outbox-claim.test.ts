// The sequencer claims the deliveries it fans out for the worker it is given: up to the worker's
// room, within each endpoint's cap as the claim statement counts it (live leases of every
// process), with the lease and attempt count a claim gives; the rest stay for claimDeliveries.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { backends } from '../../test/support/stores.ts';
import { openRegistry } from '../../test/support/registry.ts';
import type { Store } from '../store/db.ts';
import { claimDeliveries, rowsOf, sequence } from './outbox.ts';

for (const backend of backends) {
  describe.skipIf(!backend.available)(`sequencer claims (${backend.name})`, () => {
    let store: Store;
    let ws = '';
    const endpoints: string[] = [];
    beforeAll(async () => {
      const { store: s, reg, actor } = await openRegistry(backend, ['claims']);
      store = s;
      const admin = await actor('admin', 'claims');
      for (let i = 0; i < 2; i++)
        endpoints.push((await reg.createWebhook(admin, { url: `http://127.0.0.1:9/h${i}` })).endpoint.id);
      await reg.outbox.hub.idle();
      ws = rowsOf<{ id: string }>(
        await store.db.execute(sql`select id from workspaces where name = 'claims'`),
      )[0]!.id;
    });
    afterAll(async () => {
      await store?.close();
    });

    const addEvents = (n: number) =>
      store.db.execute(sql`
        insert into outbox_events (workspace_id, type, prompt_name, data)
        select ${ws}::uuid, 'prompt.created', 'p' || g, '{"is_snippet":false}'::jsonb
        from generate_series(1, ${n}::int) g`);
    const leases = async () =>
      rowsOf<{ endpoint_id: string; owner: string | null; attempts: number; leased: boolean }>(
        await store.db.execute(sql`
          select d.endpoint_id, d.lease_owner as owner, d.attempts, d.lease_until > now() as leased
          from webhook_deliveries d where d.endpoint_id in (${endpoints[0]!}, ${endpoints[1]!})
            and d.status = 'pending'`),
      );

    it('claims within the cap per endpoint and the room, oldest first; a claim counts those leases', async () => {
      await addEvents(5);
      const r = await sequence(store.db, store.backend, {
        owner: 'w_seq',
        leaseMs: 60_000,
        perEndpoint: 2,
        limit: 3,
      });
      expect(r.numbered).toBe(5);
      expect(r.fanned).toBe(10); // 5 events × 2 endpoints
      expect(r.claimed).toHaveLength(3); // the room (3), under the caps (2 + 2)
      expect(new Set(r.claimed.map((d) => d.id)).size).toBe(3);
      expect(r.claimed.every((d) => d.attempts === 1 && d.url.startsWith('http://127.0.0.1:9/h'))).toBe(true);
      expect(r.claimed.every((d) => d.event.type === 'prompt.created' && d.event.pos !== null)).toBe(true);
      expect(r.claimed.every((d) => d.secrets[0]!.startsWith('whsec_'))).toBe(true);
      // Oldest events first: the first two events' deliveries and one of the third's.
      const positions = r.claimed.map((d) => d.event.pos!).sort((a, b) => a - b);
      const all = (await leases()).filter((l) => l.owner === 'w_seq');
      expect(all).toHaveLength(3);
      expect(all.every((l) => l.leased && l.attempts === 1)).toBe(true);
      expect(positions[0]).toBe(positions[1]);

      // Another process's claim sees the sequencer's leases in the cap: 2 per endpoint in all.
      const { claimed: other, more } = await claimDeliveries(store.db, 'w_other', 60_000, 100, 2);
      expect(other).toHaveLength(1);
      expect(more).toBe(true); // the caps left six due deliveries
      const byEndpoint = new Map<string, number>();
      for (const l of await leases())
        if (l.leased) byEndpoint.set(l.endpoint_id, (byEndpoint.get(l.endpoint_id) ?? 0) + 1);
      expect([...byEndpoint.values()]).toEqual([2, 2]);
      // Never one delivery twice.
      const ids = [...r.claimed.map((d) => d.id), ...other.map((d) => d.id)];
      expect(new Set(ids).size).toBe(ids.length);
    });

    it('without a claimer, or without room, fans out unclaimed', async () => {
      await addEvents(2);
      const none = await sequence(store.db, store.backend, null);
      expect(none.fanned).toBe(4);
      expect(none.claimed).toEqual([]);
      await addEvents(1);
      const full = await sequence(store.db, store.backend, {
        owner: 'w_seq',
        leaseMs: 60_000,
        perEndpoint: 16,
        limit: 0,
      });
      expect(full.fanned).toBe(2);
      expect(full.claimed).toEqual([]);
      const unleased = (await leases()).filter((l) => l.owner === null);
      expect(unleased.every((l) => l.attempts === 0)).toBe(true);
    });
  });
}
