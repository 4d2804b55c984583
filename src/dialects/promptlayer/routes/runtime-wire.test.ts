// The wire rules of PromptLayer's run-time routes (runtime.md §0): key in the body or a header,
// exact statuses, JSON errors with string `message`/`error`, `//` paths, no 429 ever, the body key
// never stored, spans-bulk, and PromptLayer's envelope on unknown paths under its prefixes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { backends } from '../../../../test/support/stores.ts';
import { startTestApp, type TestApp, type ResponseOf } from '../../../../test/support/app.ts';
import { rowsOf } from '../../../registry/request-log.ts';
import type { schema as createGroup } from './create-group.ts';
import type { schema as nativeRequestLogsGet } from '../../native/routes/request-logs-get.ts';
import type { schema as nativeRequestLogsList } from '../../native/routes/request-logs-list.ts';
import type { schema as spansBulk } from './spans-bulk.ts';
import type { schema as trackGroup } from './track-group.ts';
import type { schema as trackRequest } from './track-request.ts';
import type { ErrorT, ValidationErrorT } from '../responses.ts';
import type { ErrorT as NativeErrorT } from '../../native/responses.ts';

const track = (extra: Record<string, unknown> = {}) => ({
  function_name: 'openai.chat.completions.create',
  provider_type: 'openai',
  args: [],
  kwargs: { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], apiKey: 'sk-leak', stream: false },
  request_response: {
    model: 'gpt-4o',
    choices: [{ index: 0, message: { role: 'assistant', content: 'yo' } }],
  },
  request_start_time: 1764575434.5,
  request_end_time: '2025-12-01T07:50:35.000Z',
  ...extra,
});

for (const backend of backends) {
  describe.skipIf(!backend.available)(`PromptLayer run-time wire on ${backend.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      // Tight write and anonymous limits: the tracking routes must still never answer 429.
      t = await startTestApp(backend, {
        rateLimitWrites: 2,
        rateLimitAnonymous: 2,
        rateLimitAuthFailures: 2,
      });
    });
    afterAll(() => t?.close());
    const row = async (id: number) => {
      await t.registry.flushRequestLog();
      return rowsOf<Record<string, unknown>>(
        await t.store.db.execute(sql`select * from request_logs where id = ${String(id)}`),
      )[0]!;
    };

    it('authenticates by body api_key (no header), strips it and credentials from the record', async () => {
      const res = await t.call<ResponseOf<typeof trackRequest>>('POST', '/track-request', {
        key: null,
        body: track({ api_key: t.keys.editor, return_prompt_blueprint: false, prompt_id: 999999 }),
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        success: true,
        prompt_blueprint: null,
        message: 'Request tracked successfully',
      });
      const r = await row(res.body.request_id);
      expect(r).toMatchObject({
        prompt_id: null,
        model: 'gpt-4o',
        response_model: 'gpt-4o',
        status: 'success',
      });
      // Python's epoch seconds and JS's ISO string both read as times.
      expect(new Date(r['start_time'] as string).toISOString()).toBe('2025-12-01T07:50:34.500Z');
      expect(Number(r['latency_ms'])).toBe(500);
      expect(JSON.stringify(r)).not.toContain(t.keys.editor);
      expect(JSON.stringify(r)).not.toContain('sk-leak');
    });

    it('401 in PromptLayer envelope without any key or with a bad one; header keys work too', async () => {
      for (const body of [track(), track({ api_key: 'lec_wrong' })]) {
        const res = await t.call<ResponseOf<typeof trackRequest, '4xx'>>('POST', '/track-request', {
          key: null,
          body,
        });
        expect(res.status).toBe(401);
        expect(res.body).toMatchObject({ success: false, error: 'Unauthorized' });
        expect(typeof res.body.message).toBe('string');
      }
      expect(
        (
          await t.call('POST', '/rest/track-score', {
            auth: 'x-api-key',
            body: { request_id: 999999999, score: 1 },
          })
        ).status,
      ).toBe(404);
    });

    it('an error call with a huge message is stored truncated, never refused', async () => {
      const res = await t.call<ResponseOf<typeof trackRequest>>('POST', '/track-request', {
        key: null,
        body: track({
          api_key: t.keys.editor,
          request_response: {},
          status: 'ERROR',
          error_type: 'PROVIDER_ERROR',
          error_message: 'x'.repeat(5000),
        }),
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const r = await row(res.body.request_id);
      expect(r).toMatchObject({ status: 'error', error_type: 'PROVIDER_ERROR' });
      expect((r['error_message'] as string).length).toBe(1024);
    });

    it('never 429: many tracking calls past every limit', async () => {
      for (let i = 0; i < 6; i++) {
        const res = await t.call<ResponseOf<typeof trackRequest>>('POST', '/track-request', {
          key: null,
          body: track({ api_key: t.keys.editor }),
        });
        expect(res.status).toBe(200);
      }
      for (let i = 0; i < 4; i++) {
        expect((await t.call('POST', '/create-group', { key: null, body: {} })).status).toBe(401);
      }
    });

    it('double slashes collapse: //track-request and //rest/track-metadata route', async () => {
      const res = await t.call<ResponseOf<typeof trackRequest>>('POST', '//track-request', {
        key: null,
        body: track({ api_key: t.keys.editor }),
      });
      expect(res.status).toBe(200);
      const m = await t.call('POST', '//library-track-metadata', {
        key: null,
        body: { api_key: t.keys.editor, request_id: res.body.request_id, metadata: { k: 'v' } },
      });
      expect(m).toMatchObject({ status: 200, body: { success: true } });
      expect((await t.call('GET', '//v1/prompts')).status).toBe(200);
    });

    it('track-score: an integer 0..100 (50.0 taken, 50.5 a 422 detail list); unknown request 404', async () => {
      const { body } = await t.call<ResponseOf<typeof trackRequest>>('POST', '/track-request', {
        key: null,
        body: track({ api_key: t.keys.editor }),
      });
      const score = (s: unknown) =>
        t.call<ValidationErrorT>('POST', '/library-track-score', {
          key: null,
          body: { api_key: t.keys.editor, request_id: body.request_id, score: s },
        });
      expect((await score(50.0)).status).toBe(200);
      const bad = await score(50.5);
      expect(bad.status).toBe(422);
      expect(bad.body.detail[0]!.loc).toEqual(['body', 'score']);
      expect((await score(101)).status).toBe(422);
      const other = await t.call('POST', '/library-track-score', {
        key: null,
        body: { api_key: t.keys.otherEditor, request_id: body.request_id, score: 1 },
      });
      expect(other).toMatchObject({ status: 404, body: { success: false, error: 'Not Found' } });
    });

    it('create-group (200 {success,id}); a group of another workspace cannot be used', async () => {
      const g = await t.call<ResponseOf<typeof createGroup>>('POST', '/create-group', {
        key: null,
        body: { api_key: t.keys.editor },
      });
      expect(g.status).toBe(200);
      expect(g.body).toEqual({ success: true, id: expect.any(Number) });
      const { body } = await t.call<ResponseOf<typeof trackRequest>>('POST', '/track-request', {
        key: null,
        body: track({ api_key: t.keys.otherEditor }),
      });
      const res = await t.call<ResponseOf<typeof trackGroup>>('POST', '/track-group', {
        key: null,
        body: { api_key: t.keys.otherEditor, request_id: body.request_id, group_id: g.body.id },
      });
      expect(res).toMatchObject({ status: 404, body: { success: false, error: 'Not Found' } });
    });

    it("groups: run()'s group_id ties the record to the group; an unknown one is left out (200), and track-group answers 404", async () => {
      const g = await t.call<ResponseOf<typeof createGroup>>('POST', '/create-group', {
        key: null,
        body: { api_key: t.keys.editor },
      });
      const ok = await t.call<ResponseOf<typeof trackRequest>>('POST', '/track-request', {
        key: null,
        body: track({ api_key: t.keys.editor, group_id: g.body.id }),
      });
      const unknown = await t.call<ResponseOf<typeof trackRequest>>('POST', '/track-request', {
        key: null,
        body: track({ api_key: t.keys.editor, group_id: g.body.id + 1000 }),
      });
      // The LLM call has happened: the record is kept, outside any group (runtime.md §6.1).
      expect([ok.status, unknown.status]).toEqual([200, 200]);
      await t.registry.flushRequestLog();
      const groupOf = async (id: number) =>
        (
          await t.call<ResponseOf<typeof nativeRequestLogsGet>>('GET', `/v1/request-logs/${id}`, {
            key: t.keys.editor,
          })
        ).body.group_id;
      expect(await groupOf(ok.body.request_id)).toBe(g.body.id);
      expect(await groupOf(unknown.body.request_id)).toBeNull();
      const res = await t.call<ResponseOf<typeof trackGroup>>('POST', '/track-group', {
        key: null,
        body: { api_key: t.keys.editor, request_id: unknown.body.request_id, group_id: g.body.id + 1000 },
      });
      expect(res).toMatchObject({
        status: 404,
        body: { success: false, error: 'Not Found', message: expect.any(String) },
      });
      const listed = await t.call<ResponseOf<typeof nativeRequestLogsList>>(
        'GET',
        `/v1/request-logs?group=${g.body.id}`,
        { key: t.keys.editor },
      );
      expect(listed.body.data.map((r: { id: string }) => r.id)).toEqual([String(ok.body.request_id)]);
    });

    it('spans-bulk (201): each span a record, a log_request tied to its span', async () => {
      const span = (id: string, parent: string | null, extra: Record<string, unknown> = {}) => ({
        name: `span-${id}`,
        context: { trace_id: 'a'.repeat(32), span_id: id, trace_state: '' },
        kind: 'SpanKind.INTERNAL',
        parent_id: parent,
        start_time: '1764575434000000000',
        end_time: '1764575434250000000',
        status: { status_code: 'StatusCode.OK' },
        attributes: { function_input: '{"a":1}', function_output: '"ok"', custom: 3 },
        events: [],
        links: [],
        resource: { attributes: { 'service.name': 'prompt-layer-js' }, schema_url: '' },
        ...extra,
      });
      const res = await t.call<ResponseOf<typeof spansBulk, 201>>('POST', '/spans-bulk', {
        auth: 'x-api-key',
        body: {
          spans: [
            span('1111111111111111', null),
            span('2222222222222222', '1111111111111111', {
              log_request: {
                provider: 'openai',
                model: 'gpt-4o',
                input: { type: 'chat', messages: [{ role: 'user', content: 'q' }] },
                output: { type: 'chat', messages: [{ role: 'assistant', content: 'a' }] },
                request_start_time: 1764575434,
                request_end_time: 1764575435,
              },
            }),
          ],
        },
      });
      expect(res.status).toBe(201);
      expect(res.body.spans.map((s: { span_id: string }) => s.span_id)).toEqual([
        '1111111111111111',
        '2222222222222222',
      ]);
      expect(res.body.request_logs).toEqual([{ id: expect.any(Number), span_id: '2222222222222222' }]);
      const child = await row(res.body.spans[1]!.id);
      expect(child).toMatchObject({
        source: 'pl.span',
        trace_id: 'a'.repeat(32),
        parent_span_id: '1111111111111111',
        span_name: 'span-2222222222222222',
        request: { a: 1 },
        response: 'ok',
      });
      expect(Number(child['latency_ms'])).toBe(250);
      expect(await row(res.body.request_logs[0]!.id)).toMatchObject({
        source: 'pl.log',
        span_id: '2222222222222222',
        trace_id: 'a'.repeat(32),
      });
    });

    it('unknown paths under PromptLayer prefixes and unserved workflow calls: PromptLayer 404', async () => {
      for (const [method, url] of [
        ['GET', '/rest/no-such-thing'],
        ['POST', '/prompt-templates/x/y/z'],
        ['POST', '/workflows/w/run'],
        ['POST', '/ws-token-request-library'],
        ['GET', '/track-request'],
      ] as const) {
        const res = await t.call<ErrorT>(method, url, { body: method === 'POST' ? {} : undefined });
        expect(res.status, url).toBe(404);
        expect(res.body, url).toMatchObject({ success: false, error: 'Not Found' });
        expect(typeof res.body.message, url).toBe('string');
      }
      // Other APIs keep their own 404s.
      expect((await t.call('GET', '/apis/models/v2/nothing')).body).toEqual({ detail: 'Not Found' });
      expect((await t.call<NativeErrorT>('GET', '/v1/nothing')).body.error.code).toBe('not_found');
    });
  });
}
