// Keywords AI's logging route over real HTTP (fetch: there is no official JS client that logs), on
// both backends: every path alias, 201 with the documented answer, the §4 mapping into the record
// (tokens, seconds → ms, cost from unit prices, customer, metadata + properties, feedback score,
// prompt link to the live version, credentials redacted), committed before the answer, and
// errors in the DRF envelope.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../../../test/support/stores.ts';
import { startTestApp, type TestApp, type ResponseOf } from '../../../../test/support/app.ts';
import { hex32 } from '../../../model/ids.ts';
import type { schema as nativePromptsCreate } from '../../native/routes/prompts-create.ts';
import type { schema as nativePromptsUsage } from '../../native/routes/prompts-usage.ts';
import type { schema as nativeRequestLogsGet } from '../../native/routes/request-logs-get.ts';
import type { schema as nativeRequestLogsList } from '../../native/routes/request-logs-list.ts';

for (const backend of backends) {
  describe.skipIf(!backend.available)(`Keywords AI request logging on ${backend.name}`, () => {
    let t: TestApp;
    let base: string;
    let prompt: { id: string; name: string };

    beforeAll(async () => {
      t = await startTestApp(backend);
      base = await t.app.listen({ port: 0, host: '127.0.0.1' });
      const name = `ka-log-${Math.random().toString(36).slice(2, 8)}`;
      const created = await t.call<ResponseOf<typeof nativePromptsCreate, 201>>('POST', '/v1/prompts', {
        body: { name },
      });
      prompt = { id: created.body.prompt.id, name };
      for (const text of ['v1 {{x}}', 'v2 {{x}}'])
        await t.call('POST', `/v1/prompts/${prompt.id}/versions`, {
          body: { messages: [{ role: 'user', content: text }] },
        });
      await t.call('PUT', `/v1/prompts/${prompt.id}/labels/production`, { body: { version: 1 } });
    });
    afterAll(() => t?.close());

    const post = async (path: string, body: unknown, key: string | null = t.keys.viewer) => {
      const res = await fetch(base + path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as any };
    };
    // Committed before the answer: readable at once, without a flush.
    const record = async (id: string) =>
      (await t.call<ResponseOf<typeof nativeRequestLogsGet>>('GET', `/v1/request-logs/${id}`)).body;

    it('answers 201 on every path alias, with or without the trailing slash', async () => {
      for (const path of [
        '/api/request-logs/create/',
        '/api/request-logs/create',
        '/api/request-logs/',
        '/api/request-logs',
        '/request-logs/create',
        '/request-logs/create/',
      ]) {
        const r = await post(path, {
          model: 'gpt-4o-mini',
          prompt_messages: [{ role: 'user', content: 'hi' }],
        });
        expect(r.status, `${path}: ${JSON.stringify(r.body)}`).toBe(201);
        expect(r.body).toMatchObject({ message: 'log successful', environment: 'prod', status: 'success' });
        expect(r.body.id).toMatch(/^[0-9a-f]{32}$/);
        expect(r.body.unique_id).toBe(r.body.id);
        expect((await record(r.body.id)).source).toBe('ka.log');
      }
    });

    it('maps the documented fields into the record', async () => {
      const r = await post('/api/request-logs/create/', {
        model: 'claude-3-5-sonnet',
        log_type: 'chat',
        prompt_messages: JSON.stringify([{ role: 'user', content: 'What is 2+2?' }]),
        completion_message: { role: 'assistant', content: '4' },
        temperature: 0.2,
        usage: { prompt_tokens: 12, completion_tokens: 3, prompt_tokens_details: { cached_tokens: 4 } },
        prompt_unit_price: 3,
        completion_unit_price: 15,
        latency: 1.25,
        time_to_first_token: 0.3,
        timestamp: '2026-12-01T10:00:05.000Z',
        customer_params: { customer_identifier: 'cust-1', name: 'Ada', email: 'ada@example.com' },
        metadata: { env: 'test' },
        properties: { plan: 'pro' },
        thread_identifier: 'th-1',
        trace_unique_id: 'tr-1',
        span_name: 'answer',
        positive_feedback: true,
        full_request: {
          model: 'claude-3-5-sonnet',
          api_key: 'sk-secret',
          messages: [],
          credentials: { k: 's' },
        },
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect(r.body).toMatchObject({
        customer_identifier: 'cust-1',
        latency: 1.25,
        time_to_first_token: 0.3,
        prompt_cache_hit_tokens: 4,
        timestamp: '2026-12-01T10:00:05.000Z',
      });
      expect(r.body.cost).toBeCloseTo((12 * 3 + 3 * 15) / 1e6, 12);
      const rec = await record(r.body.id);
      expect(rec).toMatchObject({
        provider: 'anthropic',
        model: 'claude-3-5-sonnet',
        log_type: 'chat',
        input_tokens: 12,
        output_tokens: 3,
        cache_read_tokens: 4,
        latency_ms: 1250,
        ttft_ms: 300,
        start_time: '2026-12-01T10:00:03.750Z',
        end_time: '2026-12-01T10:00:05.000Z',
        customer_identifier: 'cust-1',
        customer_name: 'Ada',
        customer_email: 'ada@example.com',
        metadata: { env: 'test', plan: 'pro' },
        thread_identifier: 'th-1',
        trace_id: 'tr-1',
        span_name: 'answer',
        scores: [{ name: 'positive_feedback', value: 1, source: 'keywordsai' }],
        response: { message: { role: 'assistant', content: '4' } },
        status: 'success',
        status_code: 200,
      });
      // full_request is stored as the request, without its credentials.
      expect(rec.request).toEqual({ model: 'claude-3-5-sonnet', messages: [] });
      expect(JSON.stringify(rec)).not.toContain('sk-secret');
    });

    it('links the record to the live version, or the version asked for; custom prompts stay unlinked', async () => {
      const pid = hex32(prompt.id);
      const live = await post('/api/request-logs/create/', {
        model: 'gpt-4o',
        prompt: { prompt_id: pid, variables: { x: 1 } },
      });
      expect(live.status).toBe(201);
      expect(await record(live.body.id)).toMatchObject({
        prompt_id: prompt.id,
        version_number: 1,
        label: 'production',
        input_variables: { x: 1 },
      });
      const v2 = await post('/api/request-logs/create/', {
        model: 'gpt-4o',
        prompt: { prompt_id: pid, version: 2 },
      });
      expect(await record(v2.body.id)).toMatchObject({ version_number: 2, label: null });
      const custom = await post('/api/request-logs/create/', {
        model: 'gpt-4o',
        prompt_id: 'my-own-prompt',
        is_custom_prompt: true,
        prompt_name: 'Mine',
      });
      expect(custom.status).toBe(201);
      expect(await record(custom.body.id)).toMatchObject({
        prompt_id: null,
        external_prompt_id: 'my-own-prompt',
      });
      expect(
        (
          await t.call<ResponseOf<typeof nativePromptsUsage>>('GET', `/v1/prompts/${prompt.id}/usage`)
        ).body.versions.map((v: any) => v.version),
      ).toEqual([2, 1]);
    });

    it('records errors from status_code / error_message', async () => {
      const r = await post('/api/request-logs', {
        model: 'gpt-4o',
        status_code: 429,
        error_message: 'rate limited',
      });
      expect(r.body.status).toBe('error');
      expect(await record(r.body.id)).toMatchObject({
        status: 'error',
        status_code: 429,
        error_message: 'rate limited',
      });
    });

    it('answers failures in the DRF envelope with the right status, and logs nothing for them', async () => {
      const before = (
        await t.call<ResponseOf<typeof nativeRequestLogsList>>('GET', '/v1/request-logs?limit=500')
      ).body.data.length;
      const cases: [unknown, number, string | null][] = [
        [{}, 400, t.keys.viewer], // model is required
        [{ model: 5 }, 400, t.keys.viewer],
        [{ model: 'm', latency: 'slow' }, 400, t.keys.viewer],
        [{ model: 'm', timestamp: 'yesterday' }, 400, t.keys.viewer],
        [{ model: 'm', usage: { prompt_tokens: -1 }, prompt_tokens: -1 }, 400, t.keys.viewer],
        ['{"model":', 400, t.keys.viewer],
        [{ model: 'm', prompt: { prompt_id: 'f'.repeat(32) } }, 404, t.keys.viewer],
        [{ model: 'm', prompt: { prompt_id: hex32(prompt.id), version: 99 } }, 404, t.keys.viewer],
        [{ model: 'm', prompt: { prompt_id: hex32(prompt.id) } }, 404, t.keys.otherViewer],
        [{ model: 'm' }, 401, null],
        [{ model: 'm' }, 401, 'lec_wrong_key_000000000000000000000'],
      ];
      for (const [body, status, key] of cases) {
        const r = await post('/api/request-logs/create/', body, key);
        expect(r.status, `${JSON.stringify(body)}: ${JSON.stringify(r.body)}`).toBe(status);
        expect(typeof r.body.detail, JSON.stringify(r.body)).toBe('string');
      }
      await t.registry.flushRequestLog();
      expect(
        (await t.call<ResponseOf<typeof nativeRequestLogsList>>('GET', '/v1/request-logs?limit=500')).body
          .data.length,
      ).toBe(before);
    });
  });
}
