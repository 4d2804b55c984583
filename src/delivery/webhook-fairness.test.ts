// The per-endpoint concurrency cap, on both backends: a receiver that hangs holds at most
// `perEndpoint` of the worker's slots until its timeouts, and another endpoint's events keep being
// delivered meanwhile. Without the cap the hanging receiver soon holds every slot and the fast one
// waits for the timeouts (the assertion below then fails).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../test/support/stores.ts';
import { startTestApp, type TestApp, type ResponseOf } from '../../test/support/app.ts';
import { startReceiver, type Receiver } from '../../test/support/webhook-receiver.ts';
import { startWebhookWorker, type WebhookWorker } from './webhooks.ts';
import type { schema as nativePromptsCreate } from '../dialects/native/routes/prompts-create.ts';

const TIMEOUT_MS = 15_000;
const msg = (text: string) => [{ role: 'user', content: text }];

for (const backend of backends) {
  describe.skipIf(!backend.available)(`webhook delivery per endpoint (${backend.name})`, () => {
    let t: TestApp;
    let worker: WebhookWorker;
    const receivers: Receiver[] = [];
    beforeAll(async () => {
      t = await startTestApp(backend);
      worker = startWebhookWorker(t.registry, {
        retrySchedule: [60],
        timeoutMs: TIMEOUT_MS,
        allowPrivate: true,
        concurrency: 4,
        perEndpoint: 2,
        retentionDays: 7,
      });
    });
    afterAll(async () => {
      await worker?.stop(100);
      for (const r of receivers) await r.close();
      await t?.close();
    });

    it('a hanging receiver holds at most its share of the slots; a fast one is delivered on time', async () => {
      const name = `wh-fair-${Math.random().toString(36).slice(2, 8)}`;
      const slow = await startReceiver();
      const fast = await startReceiver();
      receivers.push(slow, fast);
      slow.answer = () => 'hang';
      for (const rcv of [slow, fast]) {
        const r = await t.call('POST', '/v1/webhooks', {
          key: t.keys.admin,
          body: { url: rcv.url, prompts: [name] },
        });
        expect(r.status).toBe(201);
      }
      const created = await t.call<ResponseOf<typeof nativePromptsCreate, 201>>('POST', '/v1/prompts', {
        key: t.keys.editor,
        body: { name, version: { messages: msg('v0') } },
      });
      expect(created.status).toBe(201);
      const pid = created.body.prompt.id as string;
      const t0 = Date.now();
      for (let i = 1; i <= 10; i++) {
        const r = await t.call('POST', `/v1/prompts/${pid}/versions`, {
          key: t.keys.editor,
          body: { messages: msg(`v${i}`) },
        });
        expect(r.status).toBe(201);
      }
      // prompt.created + 11 × prompt.version.created, all to the fast receiver, long before the
      // hanging receiver's first request could time out and free a slot.
      await fast.until((r) => r.length >= 12, TIMEOUT_MS - 1000);
      expect(Date.now() - t0).toBeLessThan(TIMEOUT_MS);
      expect(new Set(fast.received.map((r) => r.id)).size).toBe(12);
      // The hanging receiver got no more requests than its cap.
      expect(slow.received.length).toBeGreaterThan(0);
      expect(slow.received.length).toBeLessThanOrEqual(2);
    });
  });
}
