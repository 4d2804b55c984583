// Webhook delivery end to end on both backends: a real local receiver verifies every delivery with
// the `standardwebhooks` library; retries keep the webhook-id; a rolled-back change sends nothing;
// a hanging receiver never delays writes; the private-address guard refuses loopback; 410 disables
// with the reason; compatibility modes sign as Langfuse and PromptLayer do; the snippet cascade.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { backends } from '../../test/support/stores.ts';
import { startTestApp, type TestApp, type ResponseOf } from '../../test/support/app.ts';
import { startReceiver, type Receiver } from '../../test/support/webhook-receiver.ts';
import { startWebhookWorker, type WebhookWorker } from './webhooks.ts';
import { isPublicAddress } from './egress.ts';
import { sortedJson } from '../model/webhooks.ts';
import type { schema as nativePromptsCreate } from '../dialects/native/routes/prompts-create.ts';
import type { schema as nativeVersionsCreate } from '../dialects/native/routes/versions-create.ts';
import type { schema as nativeVersionsList } from '../dialects/native/routes/versions-list.ts';
import type { schema as nativeWebhooksCreate } from '../dialects/native/routes/webhooks-create.ts';
import type { schema as nativeWebhooksDeliveries } from '../dialects/native/routes/webhooks-deliveries.ts';
import type { schema as nativeWebhooksGet } from '../dialects/native/routes/webhooks-get.ts';
import type { schema as nativeWebhooksList } from '../dialects/native/routes/webhooks-list.ts';
import type { schema as nativeWebhooksRotate } from '../dialects/native/routes/webhooks-rotate.ts';
import type { schema as nativeWebhooksUpdate } from '../dialects/native/routes/webhooks-update.ts';

let n = 0;
const uniq = (base: string) => `${base}-${++n}-${Math.random().toString(36).slice(2, 8)}`;
const msg = (text: string) => [{ role: 'user', content: text }];

for (const backend of backends) {
  describe.skipIf(!backend.available)(`webhooks (${backend.name})`, () => {
    let t: TestApp;
    let worker: WebhookWorker;
    const receivers: Receiver[] = [];
    beforeAll(async () => {
      t = await startTestApp(backend);
      worker = startWebhookWorker(t.registry, {
        retrySchedule: [0.2, 0.2, 0.2, 0.2],
        timeoutMs: 1500,
        allowPrivate: true,
        concurrency: 32,
        retentionDays: 7,
      });
    });
    afterEach(async () => {
      // Each test's endpoints go, so later tests' events do not reach earlier receivers.
      const list = await t.call<ResponseOf<typeof nativeWebhooksList>>('GET', '/v1/webhooks', {
        key: t.keys.admin,
      });
      for (const w of list.body.data ?? [])
        await t.call('DELETE', `/v1/webhooks/${w.id}`, { key: t.keys.admin });
      for (const r of receivers.splice(0)) await r.close();
    });
    afterAll(async () => {
      await worker?.stop(100);
      await t?.close();
    });

    async function endpoint(body: Record<string, unknown>) {
      const rcv = await startReceiver();
      receivers.push(rcv);
      const r = await t.call<ResponseOf<typeof nativeWebhooksCreate, 201>>('POST', '/v1/webhooks', {
        key: t.keys.admin,
        body: { url: rcv.url, ...body },
      });
      expect(r.status).toBe(201);
      rcv.secrets.push(r.body.secret);
      return { rcv, id: r.body.webhook.id as string, secret: r.body.secret as string };
    }

    async function createPrompt(name: string, extra: Record<string, unknown> = {}) {
      const r = await t.call<ResponseOf<typeof nativePromptsCreate, 201>>('POST', '/v1/prompts', {
        key: t.keys.editor,
        body: { name, version: { messages: msg('hello {{x}}') }, ...extra },
      });
      expect(r.status).toBe(201);
      return r.body.prompt.id as string;
    }

    it('creates an endpoint (secret shown once, admins only) and delivers signed events', async () => {
      const name = uniq('wh-basic');
      const denied = await t.call('POST', '/v1/webhooks', {
        key: t.keys.editor,
        body: { url: 'http://127.0.0.1:1/x' },
      });
      expect(denied.status).toBe(403);
      const bad = await t.call('POST', '/v1/webhooks', { key: t.keys.admin, body: { url: 'ftp://x' } });
      expect(bad.status).toBe(400);
      const badEvent = await t.call('POST', '/v1/webhooks', {
        key: t.keys.admin,
        body: { url: 'http://x.example/', events: ['nope.nope'] },
      });
      expect(badEvent.status).toBe(400);

      const { rcv, id, secret } = await endpoint({ prompts: [name] });
      expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]{40,}$/);
      const listed = await t.call<ResponseOf<typeof nativeWebhooksList>>('GET', '/v1/webhooks', {
        key: t.keys.admin,
      });
      expect(JSON.stringify(listed.body)).not.toContain(secret);
      expect(listed.body.data.map((w: { id: string }) => w.id)).toContain(id);

      const pid = await createPrompt(name, { labels: ['production'] });
      await rcv.until((r) => r.length >= 3);
      for (const r of rcv.received) expect(r.verified, r.verifyError).toBe(true);
      const types = rcv.received.map((r) => r.json.type).sort();
      expect(types).toEqual(['prompt.created', 'prompt.label.moved', 'prompt.version.created']);
      const created = rcv.received.find((r) => r.json.type === 'prompt.version.created')!;
      expect(created.json.data).toMatchObject({ prompt: name, prompt_id: pid, version: 1 });
      expect(created.json.data.content_hash).toMatch(/^sha256:[0-9a-f]{64}$/);
      const moved = rcv.received.find((r) => r.json.type === 'prompt.label.moved')!;
      expect(moved.json.data).toMatchObject({ label: 'production', from_version: null, to_version: 1 });
      expect(new Set(rcv.received.map((r) => r.id)).size).toBe(3);

      // Every other kind of change: draft edit and commit, label move and delete, rename, delete, restore.
      await t.call('POST', `/v1/prompts/${pid}/versions`, {
        key: t.keys.editor,
        body: { messages: msg('v2'), status: 'draft' },
      });
      await t.call('PATCH', `/v1/prompts/${pid}/versions/2`, {
        key: t.keys.editor,
        body: { messages: msg('v2 edited') },
      });
      await t.call('POST', `/v1/prompts/${pid}/commit`, { key: t.keys.editor, body: {} });
      await t.call('PUT', `/v1/prompts/${pid}/labels/production`, {
        key: t.keys.editor,
        body: { version: 2 },
      });
      await t.call('DELETE', `/v1/prompts/${pid}/labels/production`, { key: t.keys.editor });
      await t.call('PATCH', `/v1/prompts/${pid}`, { key: t.keys.editor, body: { description: 'd' } });
      const seen = () => new Set(rcv.received.map((r) => r.json.type));
      await rcv.until(() =>
        ['prompt.draft.updated', 'prompt.version.committed', 'prompt.label.deleted', 'prompt.updated'].every(
          (x) => seen().has(x),
        ),
      );
      const move = rcv.received.find(
        (r) => r.json.type === 'prompt.label.moved' && r.json.data.to_version === 2,
      );
      expect(move?.json.data.from_version).toBe(1);
      for (const r of rcv.received) expect(r.verified, r.verifyError).toBe(true);
    });

    it('a receiver that fails 3 times then succeeds gets the event with the same webhook-id', async () => {
      const name = uniq('wh-retry');
      const { rcv, id } = await endpoint({ prompts: [name], events: ['prompt.created'] });
      rcv.answer = (_r, n) => (n <= 3 ? { status: 500 } : { status: 200 });
      await createPrompt(name);
      await rcv.until((r) => r.length >= 4);
      expect(new Set(rcv.received.map((r) => r.id)).size).toBe(1);
      for (const r of rcv.received) expect(r.verified, r.verifyError).toBe(true);
      // The delivery log shows it: four attempts, delivered.
      let log: any;
      for (let i = 0; i < 100; i++) {
        log = (
          await t.call<ResponseOf<typeof nativeWebhooksDeliveries>>('GET', `/v1/webhooks/${id}/deliveries`, {
            key: t.keys.admin,
          })
        ).body;
        if (log.data[0]?.status === 'delivered') break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(log.data[0]).toMatchObject({
        status: 'delivered',
        attempts: 4,
        webhook_id: rcv.received[0]!.id,
      });
      expect(log.data[0].log.map((a: { status: number }) => a.status)).toEqual([200, 500, 500, 500]);

      // Replay sends it again with the same webhook-id.
      const replay = await t.call('POST', `/v1/webhooks/${id}/deliveries/${log.data[0].id}/replay`, {
        key: t.keys.admin,
      });
      expect(replay.status).toBe(202);
      await rcv.until((r) => r.length >= 5);
      expect(rcv.received[4]!.id).toBe(rcv.received[0]!.id);
    });

    it('a rolled-back change sends nothing', async () => {
      const name = uniq('wh-rollback');
      const { rcv } = await endpoint({ prompts: [name] });
      const pid = await createPrompt(name, { labels: ['production'] });
      await rcv.until((r) => r.length >= 3);
      const editor = (await t.registry.authenticate(t.keys.editor))!;
      // Writes version 2 (its audit event and outbox row), then fails on the label: all rolled back.
      await expect(
        t.registry.write(editor, {
          target: { kind: 'prompt', ref: { id: pid } },
          version: { mode: 'new_committed', content: { messages: msg('never') } },
          labels: [{ name: 'production', to: 'written', createOnly: true }],
        }),
      ).rejects.toMatchObject({ fault: { kind: 'label_exists' } });
      // A later change arrives; nothing of the rolled-back one ever does.
      await t.call('PATCH', `/v1/prompts/${pid}`, { key: t.keys.editor, body: { description: 'after' } });
      await rcv.until((r) => r.some((x) => x.json.type === 'prompt.updated'));
      await new Promise((r) => setTimeout(r, 300));
      expect(
        rcv.received.filter((r) => r.json.type === 'prompt.version.created').map((r) => r.json.data.version),
      ).toEqual([1]);
      const versions = await t.call<ResponseOf<typeof nativeVersionsList>>(
        'GET',
        `/v1/prompts/${pid}/versions`,
        { key: t.keys.viewer },
      );
      expect(versions.body.pagination.total).toBe(1);
    });

    it('a receiver that hangs never delays writes', async () => {
      const name = uniq('wh-hang');
      const { rcv } = await endpoint({ prompts: [name] });
      rcv.answer = () => 'hang';
      const pid = await createPrompt(name);
      await rcv.until((r) => r.length >= 1);
      const t0 = Date.now();
      for (let i = 0; i < 20; i++) {
        const r = await t.call<ResponseOf<typeof nativeVersionsCreate, 201>>(
          'POST',
          `/v1/prompts/${pid}/versions`,
          {
            key: t.keys.editor,
            body: { messages: msg(`v${i}`) },
          },
        );
        expect(r.status).toBe(201);
      }
      // Twenty writes while the receiver holds its connections open: done before the first
      // delivery could even time out (1.5 s) — they never waited for it.
      expect(Date.now() - t0).toBeLessThan(15_000);
      expect(rcv.received.length).toBeGreaterThan(0);
    });

    it('410 Gone disables the endpoint with the reason; enabling sends what waited', async () => {
      const name = uniq('wh-gone');
      const { rcv, id } = await endpoint({ prompts: [name], events: ['prompt.created'] });
      rcv.answer = () => ({ status: 410 });
      await createPrompt(name);
      let ep: any;
      for (let i = 0; i < 100; i++) {
        ep = (
          await t.call<ResponseOf<typeof nativeWebhooksGet>>('GET', `/v1/webhooks/${id}`, {
            key: t.keys.admin,
          })
        ).body.webhook;
        if (!ep.enabled) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(ep).toMatchObject({ enabled: false, disabled_reason: 'the receiver answered 410 Gone' });
      rcv.answer = () => ({ status: 200 });
      const on = await t.call<ResponseOf<typeof nativeWebhooksUpdate>>('PATCH', `/v1/webhooks/${id}`, {
        key: t.keys.admin,
        body: { enabled: true },
      });
      expect(on.body.webhook).toMatchObject({ enabled: true, disabled_reason: null });
      await rcv.until((r) => r.length >= 2);
      expect(rcv.received[1]!.id).toBe(rcv.received[0]!.id);
    });

    it('a rotated secret signs twice for a while: old and new receivers both verify', async () => {
      const name = uniq('wh-rotate');
      const { rcv, id, secret: old } = await endpoint({ prompts: [name], events: ['prompt.created'] });
      const rot = await t.call<ResponseOf<typeof nativeWebhooksRotate>>(
        'POST',
        `/v1/webhooks/${id}/rotate-secret`,
        { key: t.keys.admin },
      );
      expect(rot.status).toBe(200);
      expect(rot.body.webhook.rotating).toBe(true);
      const fresh = rot.body.secret as string;
      expect(fresh).not.toBe(old);
      rcv.secrets.splice(0, rcv.secrets.length, fresh);
      await createPrompt(name);
      await rcv.until((r) => r.length >= 1);
      const r = rcv.received[0]!;
      expect(r.verified).toBe(true);
      expect(r.signature.split(' ')).toHaveLength(2);
      rcv.secrets.splice(0, 1, old);
      const { Webhook } = await import('standardwebhooks');
      expect(() =>
        new Webhook(old).verify(r.body, {
          'webhook-id': r.id,
          'webhook-timestamp': r.timestamp,
          'webhook-signature': r.signature,
        }),
      ).not.toThrow();
    });

    it('Langfuse and PromptLayer modes send their payloads and signatures', async () => {
      const name = uniq('wh-compat');
      const lf = await endpoint({ prompts: [name], mode: 'langfuse' });
      const pl = await endpoint({ prompts: [name], mode: 'promptlayer' });
      const pid = await createPrompt(name, { labels: ['production'] });
      await t.call('POST', `/v1/prompts/${pid}/versions`, {
        key: t.keys.editor,
        body: { messages: msg('v2') },
      });
      await t.call('PUT', `/v1/prompts/${pid}/labels/production`, {
        key: t.keys.editor,
        body: { version: 2 },
      });
      // Langfuse: created (v1, v2), updated for the label set (v1), and two for the move (v2 gains, v1 loses).
      await lf.rcv.until((r) => r.length >= 5);
      for (const r of lf.rcv.received) {
        const [tPart, vPart] = String(r.headers['x-langfuse-signature']).split(',');
        const ts = tPart!.slice(2);
        const expected = createHmac('sha256', lf.secret).update(`${ts}.${r.body}`).digest('hex');
        expect(vPart).toBe(`v1=${expected}`);
        expect(r.json).toMatchObject({ type: 'prompt-version', apiVersion: 'v1' });
        expect(r.json.prompt.name).toBe(name);
      }
      const updated = lf.rcv.received
        .filter((r) => r.json.action === 'updated')
        .map((r) => r.json.prompt.version);
      expect(updated.sort()).toEqual([1, 1, 2]);
      const v2 = lf.rcv.received.find((r) => r.json.action === 'created' && r.json.prompt.version === 2)!;
      expect(v2.json.prompt.prompt).toEqual(msg('v2'));

      await pl.rcv.until((r) => r.some((x) => x.json.event_type === 'prompt_template_label_moved'));
      for (const r of pl.rcv.received) {
        // What a PromptLayer receiver does: hmac(secret, json.dumps(payload, sort_keys=True)).
        const expected = createHmac('sha256', pl.secret).update(sortedJson(r.json)).digest('hex');
        expect(r.headers['x-promptlayer-signature']).toBe(expected);
      }
      const movedPl = pl.rcv.received.find((r) => r.json.event_type === 'prompt_template_label_moved')!;
      expect(movedPl.json.details).toMatchObject({
        prompt_template_name: name,
        release_label: 'production',
        old_prompt_template_version_number: 1,
        prompt_template_version_number: 2,
      });
    });

    it('a change to a snippet reaches the prompts that use it', async () => {
      const snip = uniq('wh-snip');
      const user = uniq('wh-user');
      const { rcv } = await endpoint({ events: ['snippet.version.created', 'prompt.dependency.updated'] });
      const sid = await createPrompt(snip, { is_snippet: true });
      await createPrompt(user, { version: { messages: msg(`intro @@@${snip}@@@ outro`) } });
      await t.call('POST', `/v1/prompts/${sid}/versions`, {
        key: t.keys.editor,
        body: { messages: msg('snippet v2') },
      });
      await rcv.until((r) => r.some((x) => x.json.type === 'prompt.dependency.updated'));
      const dep = rcv.received.find((x) => x.json.type === 'prompt.dependency.updated')!;
      expect(dep.json.data).toMatchObject({ prompt: user, snippet: snip, snippet_version: 2 });
      expect(
        rcv.received.some((x) => x.json.type === 'snippet.version.created' && x.json.data.version === 2),
      ).toBe(true);
    });
  });
}

describe('the private-address guard', () => {
  it('classifies addresses', () => {
    for (const a of [
      '127.0.0.1',
      '10.1.2.3',
      '192.168.0.1',
      '172.16.5.5',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      '::ffff:127.0.0.1',
      'fd00::1',
      'fe80::1',
      '224.0.0.1',
    ])
      expect(isPublicAddress(a), a).toBe(false);
    for (const a of ['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111']) expect(isPublicAddress(a), a).toBe(true);
    expect(isPublicAddress('not an ip')).toBe(false);
  });

  const pglite = backends[0]!;
  it.skipIf(!pglite.available)('refuses loopback targets (literal and by name) unless allowed', async () => {
    const t = await startTestApp(pglite);
    const worker = startWebhookWorker(t.registry, {
      retrySchedule: [60],
      timeoutMs: 1500,
      allowPrivate: false,
      concurrency: 4,
      retentionDays: 7,
    });
    const rcv = await startReceiver();
    try {
      const ids: string[] = [];
      for (const url of [rcv.url, `http://localhost:${rcv.port}/hook`]) {
        const r = await t.call<ResponseOf<typeof nativeWebhooksCreate, 201>>('POST', '/v1/webhooks', {
          key: t.keys.admin,
          body: { url, events: ['prompt.created'] },
        });
        ids.push(r.body.webhook.id);
      }
      await t.call('POST', '/v1/prompts', { key: t.keys.editor, body: { name: uniq('guard') } });
      for (const id of ids) {
        let d: any;
        for (let i = 0; i < 100; i++) {
          d = (
            await t.call<ResponseOf<typeof nativeWebhooksDeliveries>>(
              'GET',
              `/v1/webhooks/${id}/deliveries`,
              { key: t.keys.admin },
            )
          ).body.data[0];
          if (d?.attempts >= 1 && d.last_error) break;
          await new Promise((r) => setTimeout(r, 50));
        }
        expect(d.status).toBe('pending');
        expect(d.last_error).toMatch(/^refused: /);
      }
      expect(rcv.received).toHaveLength(0);
    } finally {
      await worker.stop(100);
      await rcv.close();
      await t.close();
    }
  });
});
