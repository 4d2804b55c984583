// Webhook delivery across process deaths and processes: a server killed with SIGKILL while a
// delivery is in flight delivers it after restart (same webhook-id); two servers on one
// PostgreSQL deliver every event (none lost; a duplicate only as at-least-once allows, and
// detectable by its webhook-id). Real child servers, a real receiver verifying with standardwebhooks.
import { afterAll, describe, expect, it } from 'vitest';
import { backends, pgUrl } from '../support/stores.ts';
import { dropPlace } from '../support/crash.ts';
import { freshPlace, httpCall, startOn, type DataPlace } from '../support/child-place.ts';
import type { ChildServer } from '../support/child-server.ts';
import { startReceiver } from '../support/webhook-receiver.ts';

const WEBHOOK_ENV = {
  LECTERN_WEBHOOK_ALLOW_PRIVATE: 'true',
  LECTERN_WEBHOOK_TIMEOUT_MS: '1000',
  LECTERN_WEBHOOK_RETRY_SCHEDULE: '0.5,0.5,1,1,2',
};

const servers: ChildServer[] = [];
const places: DataPlace[] = [];
afterAll(async () => {
  for (const s of servers) await s.stop('SIGKILL');
  for (const p of places) await dropPlace(p);
});

const version = (text: string) => ({ messages: [{ role: 'user', content: text }] });

for (const backend of backends) {
  describe.skipIf(!backend.available)(`webhook delivery survives SIGKILL (${backend.name})`, () => {
    it('a delivery in flight when the server is killed arrives after restart, same webhook-id', async () => {
      const place = freshPlace(backend.name, backend.name === 'postgres' ? pgUrl() : undefined);
      places.push(place);
      const rcv = await startReceiver();
      try {
        rcv.answer = (_r, n) => (n === 1 ? 'hang' : { status: 200 });
        let server = await startOn(place, WEBHOOK_ENV);
        servers.push(server);
        let call = httpCall(server.url);
        const made = await call('POST', '/v1/webhooks', {
          body: { url: rcv.url, events: ['prompt.version.created'] },
        });
        expect(made.status).toBe(201);
        rcv.secrets.push(made.body.secret);
        const w = await call('POST', '/v1/prompts', {
          body: { name: 'killed-mid-delivery', version: version('a') },
        });
        expect(w.status).toBe(201);
        // Committed, claimed and on the wire: now the process dies.
        await rcv.until((r) => r.length === 1);
        await server.stop('SIGKILL');
        server = await startOn(place, WEBHOOK_ENV);
        servers.push(server);
        call = httpCall(server.url);
        await rcv.until((r) => r.length >= 2, 30_000);
        const [first, again] = rcv.received;
        expect(again!.id).toBe(first!.id);
        expect(again!.verified, again!.verifyError).toBe(true);
        expect(again!.json.data.prompt).toBe('killed-mid-delivery');
        await server.stop();
      } finally {
        await rcv.close();
      }
    }, 90_000);
  });
}

const pg = backends.find((b) => b.name === 'postgres')!;
describe.skipIf(!pg.available)('two servers on one PostgreSQL', () => {
  it('deliver every event, each claimed by one process at a time', async () => {
    const place = freshPlace('postgres', pgUrl());
    places.push(place);
    const rcv = await startReceiver();
    try {
      const a = await startOn(place, WEBHOOK_ENV);
      servers.push(a);
      const b = await startOn(place, WEBHOOK_ENV);
      servers.push(b);
      const ca = httpCall(a.url);
      const cb = httpCall(b.url);
      const made = await ca('POST', '/v1/webhooks', {
        body: { url: rcv.url, events: ['prompt.version.created'] },
      });
      rcv.secrets.push(made.body.secret);
      const N = 60;
      const names = Array.from({ length: N }, (_, i) => `two-proc-${i}`);
      await Promise.all(
        names.map(async (name, i) => {
          const r = await (i % 2 ? cb : ca)('POST', '/v1/prompts', {
            body: { name, version: version(name) },
          });
          expect(r.status).toBe(201);
        }),
      );
      await rcv.until((r) => new Set(r.map((x) => x.json?.data?.prompt)).size >= N, 30_000);
      const byPrompt = new Map<string, Set<string>>();
      for (const r of rcv.received) {
        expect(r.verified, r.verifyError).toBe(true);
        const set = byPrompt.get(r.json.data.prompt) ?? new Set();
        set.add(r.id);
        byPrompt.set(r.json.data.prompt, set);
      }
      // Every event arrived; any repeat carries the same webhook-id as its first delivery.
      expect([...byPrompt.keys()].sort()).toEqual([...names].sort());
      for (const ids of byPrompt.values()) expect(ids.size).toBe(1);
      await Promise.all([a.stop(), b.stop()]);
    } finally {
      await rcv.close();
    }
  }, 90_000);
});
