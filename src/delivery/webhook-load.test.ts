// Delivery under request load, on both backends, with a fake load signal: while requests wait the
// worker sends at its bounded rate (not more: the writes keep their share; not none: nothing
// starves), and once the load drops it sends the rest at full speed, losing nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../test/support/stores.ts';
import { startTestApp, type TestApp, type ResponseOf } from '../../test/support/app.ts';
import { startReceiver, type Receiver } from '../../test/support/webhook-receiver.ts';
import { LOAD_REQUESTS, startWebhookWorker, type WebhookWorker } from './webhooks.ts';
import type { schema as nativePromptsCreate } from '../dialects/native/routes/prompts-create.ts';

const RATE = 10; // a batch of 5 every 500 ms
const VERSIONS = 80;
/** prompt.created, then one prompt.version.created per version. */
const EVENTS = VERSIONS + 1;
const msg = (text: string) => [{ role: 'user', content: text }];

for (const backend of backends) {
  describe.skipIf(!backend.available)(`webhook delivery under request load (${backend.name})`, () => {
    let t: TestApp;
    let worker: WebhookWorker;
    let rcv: Receiver;
    let requests = 0;
    const arrivals: number[] = [];
    beforeAll(async () => {
      t = await startTestApp(backend);
      rcv = await startReceiver();
      rcv.answer = () => {
        arrivals.push(Date.now());
        return { status: 200 };
      };
      worker = startWebhookWorker(t.registry, {
        retrySchedule: [60],
        timeoutMs: 5000,
        allowPrivate: true,
        concurrency: 64,
        retentionDays: 7,
        requestsInFlight: () => requests,
        rateUnderLoad: RATE,
      });
    });
    afterAll(async () => {
      await worker?.stop(100);
      await rcv?.close();
      await t?.close();
    });

    it('sends at the bounded rate while requests wait, then the rest at full speed', async () => {
      const name = `wh-load-${Math.random().toString(36).slice(2, 8)}`;
      const r = await t.call('POST', '/v1/webhooks', {
        key: t.keys.admin,
        body: { url: rcv.url, prompts: [name] },
      });
      expect(r.status).toBe(201);
      requests = LOAD_REQUESTS; // the server is answering a load from now on
      const loadFrom = Date.now();
      const created = await t.call<ResponseOf<typeof nativePromptsCreate, 201>>('POST', '/v1/prompts', {
        key: t.keys.editor,
        body: { name, version: { messages: msg('v0') } },
      });
      const pid = created.body.prompt.id as string;
      for (let i = 1; i < VERSIONS; i++) {
        const v = await t.call('POST', `/v1/prompts/${pid}/versions`, {
          key: t.keys.editor,
          body: { messages: msg(`v${i}`) },
        });
        expect(v.status).toBe(201);
      }
      // Under load for 2 s from the last write: a batch per 500 ms window, never more than the
      // rate allows (+ the window open at the start), and never nothing.
      const t0 = Date.now();
      const before = arrivals.length;
      await new Promise((res) => setTimeout(res, 2000));
      const during = arrivals.filter((a) => a >= t0 && a < t0 + 2000).length;
      expect(arrivals.length - before).toBeLessThanOrEqual((RATE * 2000) / 1000 + RATE / 2);
      expect(during).toBeGreaterThanOrEqual(RATE / 2);
      // Since the load began, no more than the rate allows (+ the window open at its start);
      // unthrottled, all 81 would be there long before.
      const loadS = (Date.now() - loadFrom) / 1000;
      expect(rcv.received.length).toBeLessThanOrEqual(Math.ceil(RATE * loadS) + RATE / 2);
      expect(rcv.received.length).toBeLessThan(EVENTS);
      // The load drops: everything left goes at once (far faster than the rate would send it).
      requests = 0;
      const quiet = Date.now();
      await rcv.until((got) => new Set(got.map((x) => x.id)).size >= EVENTS, 10_000);
      const left = arrivals.filter((a) => a >= quiet).length;
      if (left >= 20) expect(Date.now() - quiet).toBeLessThan((1000 * left) / RATE / 2);
      expect(new Set(rcv.received.map((x) => x.id)).size).toBe(EVENTS);
    });
  });
}
