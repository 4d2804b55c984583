// The Keywords AI gateway (POST /api/chat/completions with `prompt`) driven by the official
// `openai` SDK against a real Lectern on a port, the LLM played by a local fake that fails on
// demand. Both backends; the routing rules themselves are unit-tested in src/gateway/.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { backends } from '../../../../test/support/stores.ts';
import { oneProvider, startTestApp, type TestApp, type ResponseOf } from '../../../../test/support/app.ts';
import { startFakeLlm, type FakeLlm } from '../../../../test/support/fake-llm.ts';
import { withVerbs } from '../../../../test/support/verbs.ts';
import { hex32 } from '../../../model/ids.ts';
import type { RequestLogInput } from '../../../model/request-log.ts';
import type { Actor } from '../../../model/types.ts';
import type { schema as chatCompletions } from './chat-completions.ts';

const PROVIDER_KEY = 'sk-fake-PROVIDER-SECRET-4242';

for (const backend of backends) {
  describe.skipIf(!backend.available)(`Keywords AI gateway (${backend.name})`, () => {
    let t: TestApp;
    let llm: FakeLlm;
    let base: string;
    let client: OpenAI;
    let actor: Actor;
    let promptId: string;
    const records: RequestLogInput[] = [];
    const logLines: string[] = [];

    beforeAll(async () => {
      llm = await startFakeLlm();
      const stream = new Writable({
        write(chunk, _enc, cb) {
          logLines.push(String(chunk));
          cb();
        },
      });
      t = await startTestApp(
        backend,
        {},
        {
          logger: { level: 'debug', stream },
          gateway: {
            providers: oneProvider(llm.url, PROVIDER_KEY, 'openai'),
            timeoutMs: 1500,
            logRequest: (_a, input) => {
              records.push(input);
              return { id: '1', uniqueId: 'x' };
            },
          },
        },
      );
      base = await t.app.listen({ port: 0, host: '127.0.0.1' });
      client = new OpenAI({ baseURL: `${base}/api/`, apiKey: t.keys.editor, maxRetries: 0 });
      actor = (await t.registry.authenticate(t.keys.editor))!;
      const reg = withVerbs(t.registry);
      const p = await reg.createPrompt(actor, { name: 'support' });
      await reg.createVersion(
        actor,
        { id: p.id },
        {
          templateFormat: 'jinja2',
          messages: [
            { role: 'system', content: 'You help customers of {{ company }}.' },
            { role: 'user', content: '{{ question }}' },
          ],
          variableDefaults: { company: 'Acme' },
          model: 'gpt-4o-mini',
          params: { temperature: 0.3, max_tokens: null },
          fallbackModels: ['gpt-4o'],
        },
        { labels: ['production'] },
      );
      promptId = hex32(p.id);
    });
    afterAll(async () => {
      t?.app.server.closeAllConnections();
      await t?.close();
      await llm?.close();
    });
    beforeEach(() => {
      llm.reset();
      records.length = 0;
    });

    const run = (extra: Record<string, unknown> = {}, prompt: Record<string, unknown> = {}) =>
      client.chat.completions
        .create({
          model: 'gpt-4o-mini',
          messages: [{ role: 'user', content: '.' }],
          // @ts-expect-error Keywords AI's extension of the OpenAI body
          prompt: {
            prompt_id: promptId,
            variables: { question: 'Where is my order?' },
            override: true,
            ...prompt,
          },
          ...extra,
        })
        .withResponse();

    it('runs the live version: rendered, merged, the version named, prompt_message echoed', async () => {
      const { data, response } = await run();
      expect(data.choices[0]!.message.content).toBe('echo: Where is my order?');
      expect(response.headers.get('lectern-prompt-version')).toBe('1');
      const sent = llm.requests[0]!.body;
      expect(sent.messages).toEqual([
        { role: 'system', content: 'You help customers of Acme.' },
        { role: 'user', content: 'Where is my order?' },
      ]);
      expect(sent.temperature).toBe(0.3);
      // Null settings and Keywords AI-only keys never reach the model.
      expect(sent).not.toHaveProperty('max_tokens');
      expect(sent).not.toHaveProperty('prompt');
      expect(sent).not.toHaveProperty('fallback_models');
      expect((data as unknown as { prompt_message: unknown }).prompt_message).toEqual(sent.messages);
      expect(llm.requests[0]!.headers.authorization).toBe(`Bearer ${PROVIDER_KEY}`);
      await new Promise((r) => setTimeout(r, 20));
      expect(records[0]).toMatchObject({
        source: 'ka.gateway',
        versionNumber: 1,
        label: 'production',
        model: 'gpt-4o-mini',
        status: 'success',
        inputTokens: 11,
        outputTokens: 7,
      });
    });

    it('override:false lets the request win (the placeholder messages are sent as they are)', async () => {
      await run({}, { override: false });
      expect(llm.requests[0]!.body.messages).toEqual([{ role: 'user', content: '.' }]);
    });

    it('schema_version 2 appends the request messages after the prompt and applies patch', async () => {
      await run(
        { messages: [{ role: 'user', content: 'more' }] },
        { schema_version: 2, patch: { temperature: 0.9 } },
      );
      const sent = llm.requests[0]!.body;
      expect(sent.messages.at(-1)).toEqual({ role: 'user', content: 'more' });
      expect(sent.messages).toHaveLength(3);
      expect(sent.temperature).toBe(0.9);
    });

    it('streams: chunks pass through and aggregate into the log', async () => {
      const stream = await client.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [],
        stream: true,
        // The prompt reference is not in the SDK's types.
        ...({
          prompt: { prompt_id: promptId, variables: { question: 'stream me please' }, override: true },
        } as object),
      });
      let text = '';
      let chunks = 0;
      for await (const c of stream) {
        chunks++;
        text += c.choices[0]?.delta?.content ?? '';
      }
      expect(text).toBe('echo: stream me please');
      expect(chunks).toBeGreaterThan(3);
      await new Promise((r) => setTimeout(r, 30));
      expect(records[0]).toMatchObject({ stream: true, status: 'success', inputTokens: 11, outputTokens: 7 });
      expect(records[0]!.ttftMs).toBeGreaterThanOrEqual(0);
      expect((records[0]!.response as any).choices[0].message.content).toBe('echo: stream me please');
    });

    // gpt-4o-mini at $0.15 / $0.60 per 1M tokens (the built-in table), 11 in and 7 out (the fake).
    const FAKE_COST = (11 * 0.15 + 7 * 0.6) / 1e6;

    it("request_breakdown: the run's figures in the answer, as Keywords AI's logging shows them", async () => {
      const { data } = await run({ request_breakdown: true });
      const b = (data as unknown as { request_breakdown: Record<string, any> }).request_breakdown;
      expect(b).toMatchObject({
        prompt_tokens: 11,
        completion_tokens: 7,
        total_tokens: 18,
        model: 'gpt-4o-mini',
        status_code: 200,
        status: 'success',
        stream: false,
        prompt_id: promptId,
        prompt_version_number: 1,
        time_to_first_token: null,
        completion_message: { role: 'assistant', content: 'echo: Where is my order?' },
        prompt_messages: llm.requests[0]!.body.messages,
      });
      expect(b.cost).toBeCloseTo(FAKE_COST, 12);
      expect(b.latency).toBeGreaterThan(0);
      expect(b.latency).toBeLessThan(30); // seconds, not ms
      expect(new Date(b.timestamp).getTime()).toBeGreaterThan(Date.now() - 60_000);
      // The log record carries the same cost.
      await new Promise((r) => setTimeout(r, 20));
      expect(records[0]!.costUsd).toBeCloseTo(FAKE_COST, 12);
      // Also through respan_params and the params header; never without being asked, never upstream.
      const nested = await run({ respan_params: { request_breakdown: true } });
      expect(nested.data).toHaveProperty('request_breakdown.prompt_tokens', 11);
      const plain = await run();
      expect(plain.data).not.toHaveProperty('request_breakdown');
      for (const r of llm.requests) expect(r.body).not.toHaveProperty('request_breakdown');
    });

    it('request_breakdown in a stream: a last chunk with id "request_breakdown", before [DONE]', async () => {
      const res = await fetch(`${base}/api/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${t.keys.editor}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          stream: true,
          stream_options: { include_usage: true },
          request_breakdown: true,
          prompt: { prompt_id: promptId, variables: { question: 'stream me please' }, override: true },
        }),
      });
      expect(res.status).toBe(200);
      const events = (await res.text())
        .split('\n\n')
        .map((e) => e.trim())
        .filter(Boolean)
        .map((e) => e.replace(/^data: ?/, ''));
      expect(events.at(-1)).toBe('[DONE]');
      const last = JSON.parse(events.at(-2)!);
      expect(last).toMatchObject({
        id: 'request_breakdown',
        prompt_tokens: 11,
        completion_tokens: 7,
        stream: true,
        status_code: 200,
        model: 'gpt-4o-mini',
        completion_message: { role: 'assistant', content: 'echo: stream me please' },
      });
      expect(last.cost).toBeCloseTo(FAKE_COST, 12);
      expect(last.time_to_first_token).toBeGreaterThanOrEqual(0);
      expect(last.time_to_first_token).toBeLessThanOrEqual(last.latency);
      // Every other event is the upstream's own, unchanged and in order.
      expect(events.slice(0, -2).every((e) => JSON.parse(e).id.startsWith('chatcmpl-fake-'))).toBe(true);

      // The official SDK reads such a stream to its end: the text, then the breakdown chunk.
      const stream = await client.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [],
        stream: true,
        ...({
          request_breakdown: true,
          prompt: { prompt_id: promptId, variables: { question: 'once more' }, override: true },
        } as object),
      });
      let text = '';
      const ids: string[] = [];
      for await (const c of stream) {
        ids.push(c.id);
        text += c.choices?.[0]?.delta?.content ?? '';
      }
      expect(text).toBe('echo: once more');
      expect(ids.at(-1)).toBe('request_breakdown');
    });

    it('tools and response_format reach the model and come back', async () => {
      const tools = [
        {
          type: 'function' as const,
          function: { name: 'lookup', parameters: { type: 'object', properties: {} } },
        },
      ];
      const { data } = await run(
        { tools, tool_choice: { type: 'function', function: { name: 'lookup' } } },
        { override: false },
      );
      expect(data.choices[0]!.message.tool_calls![0]).toMatchObject({ function: { name: 'lookup' } });
      const { data: j } = await run(
        { response_format: { type: 'json_schema', json_schema: { name: 'o', schema: { type: 'object' } } } },
        { override: false },
      );
      expect(JSON.parse(j.choices[0]!.message.content!)).toEqual({ echo: '.' });
      expect(llm.requests[1]!.body.response_format.type).toBe('json_schema');
    });

    it('falls back to the next model after a failure; the answer names the model that ran', async () => {
      llm.script('gpt-4o-mini', [{ status: 500 }]);
      const { data } = await run();
      expect(data.model).toBe('gpt-4o');
      expect(llm.requests.map((r) => r.body.model)).toEqual(['gpt-4o-mini', 'gpt-4o']);
      await new Promise((r) => setTimeout(r, 20));
      expect(records[0]!.attempts!.map((a) => [a.model, a.statusCode])).toEqual([
        ['gpt-4o-mini', 500],
        ['gpt-4o', 200],
      ]);
    });

    it('retries with Retry-After when retry_params asks', async () => {
      llm.script('gpt-4o-mini', [{ status: 429, retryAfter: '1' }]);
      const { data } = await run({
        retry_params: { retry_enabled: true, num_retries: 2 },
        disable_fallback: true,
      });
      expect(data.model).toBe('gpt-4o-mini');
      const [a, b] = llm.requests;
      // The retry waited for the upstream's Retry-After (1 s), not the 0.2 s default.
      expect(b!.at - a!.at).toBeGreaterThanOrEqual(900);
    });

    it('balances by weight over many calls (within ±10%)', async () => {
      const N = 400;
      let done = 0;
      const worker = async () => {
        while (done < N) {
          done++;
          await run(
            {
              load_balance_models: [
                { model: 'gpt-4o-mini', weight: 0.7 },
                { model: 'gpt-4o', weight: 0.3 },
              ],
            },
            { override: false },
          );
        }
      };
      await Promise.all(Array.from({ length: 16 }, worker));
      const mini = llm.requests.filter((r) => r.body.model === 'gpt-4o-mini').length;
      expect(mini / llm.requests.length).toBeGreaterThan(0.6);
      expect(mini / llm.requests.length).toBeLessThan(0.8);
    });

    describe('errors in the OpenAI envelope, never a 500', () => {
      const failing = async (p: Promise<unknown>) => {
        const err = (await p.then(
          () => null,
          (e) => e,
        )) as InstanceType<typeof OpenAI.APIError>;
        expect(err).toBeInstanceOf(OpenAI.APIError);
        return err;
      };
      it('every candidate failing: 502 with the upstream status in the message', async () => {
        llm.always('gpt-4o-mini', { status: 503 });
        llm.always('gpt-4o', { status: 500 });
        const err = await failing(run());
        expect(err.status).toBe(502);
        expect(err.message).toMatch(/gpt-4o.*500/);
        expect((err.error as any).code).toBe('keywordsai_error');
      });
      it('rate limited everywhere: 429 with Retry-After', async () => {
        llm.always('gpt-4o-mini', { status: 429, retryAfter: '7' });
        llm.always('gpt-4o', { status: 429, retryAfter: '7' });
        const err = await failing(run());
        expect(err.status).toBe(429);
        expect(err.headers?.get('retry-after')).toBe('7');
      });
      it('a timeout: 504', async () => {
        llm.always('gpt-4o-mini', { delayMs: 3000 });
        const err = await failing(run({ disable_fallback: true }));
        expect(err.status).toBe(504);
      });
      it('no live version: 404 in the product words; unknown prompt: 404', async () => {
        const reg = withVerbs(t.registry);
        const p = await reg.createPrompt(actor, { name: `undeployed-${backend.name}` });
        await reg.createVersion(
          actor,
          { id: p.id },
          { messages: [{ role: 'user', content: 'x' }], model: 'gpt-4o' },
        );
        const err = await failing(run({}, { prompt_id: hex32(p.id) }));
        expect(err.status).toBe(404);
        expect(err.message).toBe('404 No live version found for the prompt, try deploying a version first!');
        expect((await failing(run({}, { prompt_id: '0'.repeat(32) }))).status).toBe(404);
      });
      it('bad shapes: 400 (retry_params extras, weight 0, patch with messages, missing prompt)', async () => {
        expect((await failing(run({ retry_params: { num_retries: 1, bogus: 1 } }))).status).toBe(400);
        expect((await failing(run({ load_balance_models: [{ model: 'a', weight: 0 }] }))).status).toBe(400);
        expect((await failing(run({}, { schema_version: 2, patch: { messages: [] } }))).status).toBe(400);
        const res = await t.call<ResponseOf<typeof chatCompletions, '4xx'>>('POST', '/api/chat/completions', {
          body: { model: 'x', messages: [] },
        });
        expect(res.status).toBe(400);
        expect(res.body.error.message).toMatch(/prompt/);
      });
      it('a bad key: 401', async () => {
        const bad = new OpenAI({ baseURL: `${base}/api/`, apiKey: 'nope', maxRetries: 0 });
        const err = await failing(
          bad.chat.completions.create({ model: 'x', messages: [], prompt: { prompt_id: promptId } } as never),
        );
        expect(err.status).toBe(401);
      });
    });

    it('a client that leaves mid-stream aborts the upstream call', async () => {
      llm.always('gpt-4o-mini', { chunkDelayMs: 150 });
      const ac = new AbortController();
      const stream = await client.chat.completions.create(
        {
          model: 'x',
          messages: [],
          stream: true,
          // The prompt reference is not in the SDK's types.
          ...({
            prompt: { prompt_id: promptId, variables: { question: 'a b c d e f g h i j' }, override: true },
          } as object),
        },
        { signal: ac.signal },
      );
      // Leaving after the first chunk (the SDK aborts its request on break).
      for await (const _c of stream) break;
      await expect.poll(() => llm.requests[0]?.aborted, { timeout: 3000 }).toBe(true);
    });

    it('nothing leaks: the provider key is in no response, log line or log record', async () => {
      llm.always('gpt-4o', { status: 401, message: `Incorrect API key provided: ${PROVIDER_KEY}` });
      llm.script('gpt-4o-mini', [{ status: 500 }]);
      const res = await t.call('POST', '/api/chat/completions', {
        body: { prompt: { prompt_id: promptId, variables: { question: 'q' } } },
      });
      expect(res.status).toBe(502);
      const ok = await t.call('POST', '/api/chat/completions', {
        body: { prompt: { prompt_id: promptId, variables: { question: 'q' } } },
      });
      expect(ok.status).toBe(200);
      await new Promise((r) => setTimeout(r, 30));
      expect(res.raw + JSON.stringify(res.headers)).not.toContain(PROVIDER_KEY);
      expect(ok.raw + JSON.stringify(ok.headers)).not.toContain(PROVIDER_KEY);
      expect(logLines.join('')).not.toContain(PROVIDER_KEY);
      expect(logLines.length).toBeGreaterThan(0);
      expect(JSON.stringify(records)).not.toContain(PROVIDER_KEY);
      expect(records.length).toBeGreaterThanOrEqual(2);
    });
  });
}
