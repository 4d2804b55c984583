// The native request-log API on both backends: log (202 queued / 201 committed), list with every
// filter and a keyset cursor, one record in full, per-version usage (figures checked against the
// records logged, the label view through label history, time buckets), the bodies setting, and
// bad input answered 400 in the native envelope.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../../../test/support/stores.ts';
import { startTestApp, type TestApp, type ResponseOf } from '../../../../test/support/app.ts';
import { promptWithVersions } from '../testing.ts';
import type { PromptUsageT, RequestLogFullT, RequestLogPageT } from '../request-log-wire.ts';
import type { getSchema } from './request-log-settings.ts';
import type { putSchema } from './request-log-settings.ts';
import type { schema as requestLogsCreate } from './request-logs-create.ts';
import type { schema as requestLogsGet } from './request-logs-get.ts';
import type { ErrorT } from '../responses.ts';

for (const backend of backends) {
  describe.skipIf(!backend.available)(`native request-log API on ${backend.name}`, () => {
    let t: TestApp;
    let prompt: { id: string; name: string };

    beforeAll(async () => {
      t = await startTestApp(backend);
      prompt = await promptWithVersions(t, ['one', 'two', 'three']);
      expect(
        (await t.call('PUT', `/v1/prompts/${prompt.id}/labels/production`, { body: { version: 1 } })).status,
      ).toBeLessThan(300);
      // Version 1: 4 calls (1 error), version 2: 2 calls; latencies chosen for exact percentiles.
      const calls = [
        { v: 1, latency: 100, status: 'success', inTok: 10, outTok: 5, cost: 0.001, score: 80 },
        { v: 1, latency: 200, status: 'success', inTok: 10, outTok: 5, cost: 0.001, score: 60 },
        { v: 1, latency: 300, status: 'success', inTok: 10, outTok: 5, cost: 0.001 },
        { v: 1, latency: 400, status: 'error', inTok: 10, outTok: 0, cost: 0 },
        { v: 2, latency: 50, status: 'success', inTok: 20, outTok: 7, cost: 0.002, score: 90 },
        { v: 2, latency: 70, status: 'success', inTok: 20, outTok: 7, cost: 0.002 },
      ];
      for (const [i, c] of calls.entries()) {
        const r = await t.call<ResponseOf<typeof requestLogsCreate, 201>>('POST', '/v1/request-logs', {
          key: t.keys.viewer,
          body: {
            prompt_id: prompt.id,
            version_number: c.v,
            label: c.v === 1 ? 'production' : null,
            provider: 'openai',
            model: i % 2 ? 'gpt-4o' : 'gpt-4o-mini',
            latency_ms: c.latency,
            status: c.status,
            input_tokens: c.inTok,
            output_tokens: c.outTok,
            cost_usd: c.cost,
            customer_identifier: i < 2 ? 'acme' : 'globex',
            metadata: { env: i % 3 === 0 ? 'prod' : 'dev', n: i },
            tags: i === 0 ? ['first', 'x'] : ['x'],
            request: { messages: [{ role: 'user', content: `q${i}` }] },
            response: { choices: [{ message: { role: 'assistant', content: `a${i}` } }] },
            ...(c.score !== undefined ? { scores: [{ name: 'quality', value: c.score }] } : {}),
          },
        });
        expect(r.status, JSON.stringify(r.body)).toBe(202);
      }
      await t.registry.flushRequestLog();
    });
    afterAll(() => t?.close());

    const list = async (qs: string, key = t.keys.viewer) => {
      const r = await t.call<RequestLogPageT>('GET', `/v1/request-logs?${qs}`, { key });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body;
    };

    it('logs a record: 202 at once, 201 once committed, both readable after a flush', async () => {
      const queued = await t.call<ResponseOf<typeof requestLogsCreate, 202>>('POST', '/v1/request-logs', {
        body: { model: 'm', metadata: { k: 'q' } },
      });
      expect(queued.status).toBe(202);
      expect(queued.body).toMatchObject({
        committed: false,
        unique_id: expect.stringMatching(/^[0-9a-f]{32}$/),
      });
      const committed = await t.call<ResponseOf<typeof requestLogsCreate, 201>>(
        'POST',
        '/v1/request-logs?wait=commit',
        { body: { model: 'm' } },
      );
      expect(committed.status).toBe(201);
      // Committed means readable now, without a flush.
      expect((await t.call('GET', `/v1/request-logs/${committed.body.id}`)).status).toBe(200);
      await t.registry.flushRequestLog();
      const byUnique = await t.call<RequestLogFullT>('GET', `/v1/request-logs/${queued.body.unique_id}`);
      expect(byUnique.status).toBe(200);
      expect(byUnique.body).toMatchObject({ id: queued.body.id, source: 'native', metadata: { k: 'q' } });
    });

    it('lists newest first with filters', async () => {
      const all = await list(`prompt=${prompt.name}&limit=100`);
      expect(all.data).toHaveLength(6);
      expect(all.data.map((r) => r.metadata.n)).toEqual([5, 4, 3, 2, 1, 0]);
      expect(all.data[0]).not.toHaveProperty('request');
      expect((await list(`prompt=${prompt.id}&version=1`)).data).toHaveLength(4);
      expect((await list(`prompt=${prompt.id}&status=error`)).data.map((r) => r.metadata.n)).toEqual([3]);
      expect((await list(`prompt=${prompt.id}&label=production`)).data).toHaveLength(4);
      expect((await list(`prompt=${prompt.id}&model=gpt-4o`)).data).toHaveLength(3);
      expect((await list(`prompt=${prompt.id}&customer=acme`)).data).toHaveLength(2);
      expect((await list(`prompt=${prompt.id}&metadata=env%3Dprod`)).data.map((r) => r.metadata.n)).toEqual([
        3, 0,
      ]);
      expect((await list(`prompt=${prompt.id}&tag=first&tag=x`)).data).toHaveLength(1);
      expect((await list(`prompt=${prompt.id}&source=ka.log`)).data).toHaveLength(0);
      const future = new Date(Date.now() + 3_600_000).toISOString();
      expect((await list(`prompt=${prompt.id}&since=${future}`)).data).toHaveLength(0);
      expect((await list(`prompt=${prompt.id}&until=${future}`)).data).toHaveLength(6);
    });

    it('filters by request group, and shows each record its group', async () => {
      const made = await t.call<{ id: number }>('POST', '/create-group', {
        key: null,
        body: { api_key: t.keys.viewer },
      });
      expect(made.status, JSON.stringify(made.body)).toBe(200);
      const group = made.body.id;
      const [a, b] = (await list(`prompt=${prompt.id}&limit=2`)).data;
      const tracked = await t.call('POST', '/rest/track-group', {
        key: null,
        headers: { 'x-api-key': t.keys.viewer },
        body: { request_id: Number(a!.id), group_id: group },
      });
      expect(tracked.status, JSON.stringify(tracked.body)).toBe(200);
      const inGroup = await list(`group=${group}`);
      expect(inGroup.data.map((r) => [r.id, r.group_id])).toEqual([[a!.id, group]]);
      const other = (await list(`prompt=${prompt.id}&limit=2`)).data.find((r) => r.id === b!.id);
      expect(other!.group_id).toBeNull();
      // Another workspace sees nothing of it; a group id it does not have is a 404 there.
      expect((await list(`group=${group}`, t.keys.otherViewer)).data).toHaveLength(0);
      expect((await t.call('GET', '/v1/request-logs?group=0')).status).toBe(400);
    });

    it('pages with a cursor: every record once, in order', async () => {
      const seen: unknown[] = [];
      let cursor: string | null = null;
      do {
        const page: RequestLogPageT = await list(
          `prompt=${prompt.id}&limit=4${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        );
        seen.push(...page.data.map((r) => r.metadata.n));
        cursor = page.next_cursor;
      } while (cursor);
      expect(seen).toEqual([5, 4, 3, 2, 1, 0]);
    });

    it('answers one record in full, and nothing of another workspace', async () => {
      const [first] = (await list(`prompt=${prompt.id}&limit=1`)).data;
      const full = await t.call<RequestLogFullT>('GET', `/v1/request-logs/${first!.id}`);
      expect(full.body.request).toEqual({ messages: [{ role: 'user', content: 'q5' }] });
      expect(full.body.response).toEqual({ choices: [{ message: { role: 'assistant', content: 'a5' } }] });
      const foreign = await t.call<ResponseOf<typeof requestLogsGet, '4xx'>>(
        'GET',
        `/v1/request-logs/${first!.id}`,
        { key: t.keys.otherViewer },
      );
      expect(foreign.status).toBe(404);
      expect(foreign.body.error.code).toBe('not_found');
      expect((await list('', t.keys.otherViewer)).data.some((r) => r.id === first!.id)).toBe(false);
      for (const bad of ['0', '99999999999', 'nope', '12ab'])
        expect((await t.call('GET', `/v1/request-logs/${bad}`)).status).toBe(404);
    });

    it('gives per-version usage figures computed from the records', async () => {
      const r = await t.call<PromptUsageT>('GET', `/v1/prompts/${prompt.name}/usage`, { key: t.keys.viewer });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      const [v2, v1] = r.body.versions;
      expect(v2).toMatchObject({
        version: 2,
        count: 2,
        errors: 0,
        error_rate: 0,
        input_tokens: 40,
        output_tokens: 14,
      });
      expect(v2!.latency_p50_ms).toBeCloseTo(60);
      expect(v2!.scores).toEqual({ quality: 90 });
      expect(v1).toMatchObject({
        version: 1,
        count: 4,
        errors: 1,
        error_rate: 0.25,
        input_tokens: 40,
        output_tokens: 15,
      });
      expect(v1!.latency_p50_ms).toBeCloseTo(250);
      expect(v1!.latency_p95_ms).toBeCloseTo(385);
      expect(v1!.cost_usd).toBeCloseTo(0.003);
      expect(v1!.scores).toEqual({ quality: 70 });
      expect(r.body.buckets).toBeNull();
    });

    it("a record logged without a cost gets the price table's; the caller's cost wins; usage adds them", async () => {
      // A prompt of its own, so the other tests' figures stay as they are.
      const own = await promptWithVersions(t, ['priced']);
      const log = async (body: Record<string, unknown>) => {
        const r = await t.call<ResponseOf<typeof requestLogsCreate, 201>>(
          'POST',
          '/v1/request-logs?wait=commit',
          {
            key: t.keys.viewer,
            body: { prompt_id: own.id, version_number: 1, ...body },
          },
        );
        expect(r.status, JSON.stringify(r.body)).toBe(201);
        return (await t.call<RequestLogFullT>('GET', `/v1/request-logs/${r.body.id}`)).body;
      };
      // gpt-4o-mini: $0.15 in, $0.60 out per 1M tokens (docs/request-log.md).
      const priced = await log({ model: 'gpt-4o-mini', input_tokens: 1000, output_tokens: 500 });
      expect(priced.cost_usd).toBeCloseTo(0.00045, 12);
      const dated = await log({
        model: 'my-alias',
        response_model: 'gpt-4o-mini-2024-07-18',
        input_tokens: 1000,
      });
      expect(dated.cost_usd).toBeCloseTo(0.00015, 12);
      const sent = await log({ model: 'gpt-4o-mini', input_tokens: 1000, output_tokens: 500, cost_usd: 1 });
      expect(sent.cost_usd).toBe(1);
      const unknown = await log({ model: 'in-house-model', input_tokens: 1000, output_tokens: 500 });
      expect(unknown.cost_usd).toBeNull();
      const noTokens = await log({ model: 'gpt-4o-mini' });
      expect(noTokens.cost_usd).toBeNull();

      const r = await t.call<PromptUsageT>('GET', `/v1/prompts/${own.name}/usage`, { key: t.keys.viewer });
      const v1 = r.body.versions.find((v) => v.version === 1)!;
      expect(v1.count).toBe(5);
      expect(v1.cost_usd).toBeCloseTo(1 + 0.00045 + 0.00015, 10);
    });

    it('the label view counts the versions the label pointed to in the window', async () => {
      const since = new Date(Date.now() - 3_600_000).toISOString();
      const before = await t.call<PromptUsageT>(
        'GET',
        `/v1/prompts/${prompt.id}/usage?label=production&since=${since}`,
      );
      expect(before.body.label).toEqual({ name: 'production', versions: [1] });
      expect(before.body.versions.map((v) => v.version)).toEqual([1]);
      await t.call('PUT', `/v1/prompts/${prompt.id}/labels/production`, { body: { version: 2 } });
      const after = await t.call<PromptUsageT>(
        'GET',
        `/v1/prompts/${prompt.id}/usage?label=production&since=${since}`,
      );
      expect(after.body.label).toEqual({ name: 'production', versions: [1, 2] });
      expect(after.body.versions.map((v) => v.version)).toEqual([2, 1]);
      const none = await t.call<PromptUsageT>('GET', `/v1/prompts/${prompt.id}/usage?label=nowhere`);
      expect(none.body).toMatchObject({ label: { name: 'nowhere', versions: [] }, versions: [] });
    });

    it('answers time buckets for a chart', async () => {
      const r = await t.call<PromptUsageT>('GET', `/v1/prompts/${prompt.id}/usage?bucket=hour`);
      const buckets = r.body.buckets!;
      expect(buckets.reduce((n, b) => n + b.count, 0)).toBe(6);
      expect(new Set(buckets.map((b) => b.version))).toEqual(new Set([1, 2]));
      for (const b of buckets) expect(new Date(b.start).getUTCMinutes()).toBe(0);
    });

    it('a workspace admin turns bodies off; records then keep only metrics', async () => {
      expect((await t.call<ResponseOf<typeof getSchema>>('GET', '/v1/request-log/settings')).body).toEqual({
        store_bodies: true,
      });
      const refused = await t.call('PUT', '/v1/request-log/settings', { body: { store_bodies: false } });
      expect(refused.status).toBe(403);
      const set = await t.call<ResponseOf<typeof putSchema>>('PUT', '/v1/request-log/settings', {
        key: t.keys.admin,
        body: { store_bodies: false },
      });
      expect(set.body).toEqual({ store_bodies: false });
      const r = await t.call<ResponseOf<typeof requestLogsCreate, 201>>(
        'POST',
        '/v1/request-logs?wait=commit',
        {
          body: { model: 'm', request: { secret: 'x' }, input_tokens: 3 },
        },
      );
      const full = await t.call<RequestLogFullT>('GET', `/v1/request-logs/${r.body.id}`);
      expect(full.body).toMatchObject({ request: null, bodies_omitted: true, input_tokens: 3 });
      await t.call('PUT', '/v1/request-log/settings', { key: t.keys.admin, body: { store_bodies: true } });
    });

    it('refuses bad input with 400 in the native envelope and logs nothing', async () => {
      const bad: [string, string, unknown][] = [
        ['POST', '/v1/request-logs', { model: 5 }],
        ['POST', '/v1/request-logs', { input_tokens: -3 }],
        ['POST', '/v1/request-logs', { prompt_id: 'not-a-uuid' }],
        ['POST', '/v1/request-logs', { unknown_field: 1 }],
        ['POST', '/v1/request-logs', { model: 'a\u0000b' }],
        ['POST', '/v1/request-logs', '{"model":'],
        ['GET', '/v1/request-logs?cursor=garbage', undefined],
        ['GET', '/v1/request-logs?metadata=novalue', undefined],
        ['GET', '/v1/request-logs?since=yesterday', undefined],
        ['GET', `/v1/prompts/${'x'}/usage?bucket=minute`, undefined],
      ];
      const before = (await list('limit=500')).data.length;
      for (const [method, url, body] of bad) {
        const r = await t.call<ErrorT>(method as never, url, { body });
        expect(r.status, `${method} ${url} ${JSON.stringify(body)}: ${r.raw}`).toBe(400);
        expect(r.body.error.code).toBe('bad_request');
      }
      await t.registry.flushRequestLog();
      expect((await list('limit=500')).data.length).toBe(before);
      expect((await t.call('GET', `/v1/prompts/no-such-prompt/usage`)).status).toBe(404);
    });
  });
}
