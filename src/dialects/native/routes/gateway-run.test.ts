// The native gateway routes — POST /v1/prompts/:prompt/run and the OpenAI-compatible
// POST /v1/chat/completions with a prompt reference — with the official `openai` SDK as the
// client where the wire is OpenAI's, the LLM played by a local fake. Both backends.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../../registry/request-log.ts';
import { backends } from '../../../../test/support/stores.ts';
import { oneProvider, startTestApp, type TestApp, type ResponseOf } from '../../../../test/support/app.ts';
import { startFakeLlm, type FakeLlm } from '../../../../test/support/fake-llm.ts';
import { withVerbs } from '../../../../test/support/verbs.ts';
import type { schema as promptsRun } from './prompts-run.ts';
import { asChatCompletion } from '../../../../test/support/chat-completion.ts';

const KEY = 'sk-native-PROVIDER-SECRET-77';

for (const backend of backends) {
  describe.skipIf(!backend.available)(`native gateway routes (${backend.name})`, () => {
    let t: TestApp;
    let llm: FakeLlm;
    let client: OpenAI;

    beforeAll(async () => {
      llm = await startFakeLlm();
      t = await startTestApp(
        backend,
        {},
        {
          gateway: {
            providers: oneProvider(llm.url, KEY),
            timeoutMs: 1500,
          },
        },
      );
      const base = await t.app.listen({ port: 0, host: '127.0.0.1' });
      client = new OpenAI({ baseURL: `${base}/v1`, apiKey: t.keys.viewer, maxRetries: 0 });
      const actor = (await t.registry.authenticate(t.keys.editor))!;
      const reg = withVerbs(t.registry);
      const p = await reg.createPrompt(actor, { name: 'greeter' });
      const msgs = (greeting: string) => [{ role: 'user', content: `${greeting} {{name}}` }];
      await reg.createVersion(
        actor,
        { id: p.id },
        { messages: msgs('Hello'), model: 'llama-3' },
        { labels: ['production'] },
      );
      await reg.createVersion(
        actor,
        { id: p.id },
        { messages: msgs('Howdy'), model: 'llama-3', fallbackModels: ['qwen'] },
        { labels: ['staging'] },
      );
    });
    afterAll(async () => {
      t?.app.server.closeAllConnections();
      await t?.close();
      await llm?.close();
    });
    beforeEach(() => llm.reset());

    it('runs by label (default production) and by version; the answer names the version', async () => {
      const r = await t.call<ResponseOf<typeof promptsRun>>('POST', '/v1/prompts/greeter/run', {
        key: t.keys.viewer,
        body: { variables: { name: 'Ann' } },
      });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({
        prompt_name: 'greeter',
        version: 1,
        label: 'production',
        model: 'llama-3',
      });
      expect(asChatCompletion(r.body.response).choices[0]!.message.content).toBe('echo: Hello Ann');
      expect(r.headers['lectern-prompt-version']).toBe('1');
      const v2 = await t.call<ResponseOf<typeof promptsRun>>('POST', '/v1/prompts/greeter/run', {
        body: { version: 2, variables: { name: 'Bo' } },
      });
      expect(v2.body).toMatchObject({ version: 2, label: null });
      expect(asChatCompletion(v2.body.response).choices[0]!.message.content).toBe('echo: Howdy Bo');
      const staged = await t.call<ResponseOf<typeof promptsRun>>('POST', '/v1/prompts/greeter/run', {
        body: {
          label: 'staging',
          variables: { name: 'Cy' },
          params: { temperature: 0.1 },
          messages: [{ role: 'user', content: 'and more' }],
        },
      });
      expect(staged.body.version).toBe(2);
      expect(llm.requests.at(-1)!.body).toMatchObject({
        temperature: 0.1,
        messages: [{ content: 'Howdy Cy' }, { content: 'and more' }],
      });
    });

    it('strict by default: a missing variable is a 422 naming it, before any upstream call', async () => {
      const r = await t.call<ResponseOf<typeof promptsRun, '4xx'>>('POST', '/v1/prompts/greeter/run', {
        body: {},
      });
      expect(r.status).toBe(422);
      expect(r.body.error.code).toBe('missing_variables');
      expect(llm.requests).toHaveLength(0);
    });

    it('native routing controls: fallback with on_status_codes, retries with backoff', async () => {
      llm.script('llama-3', [{ status: 503 }, { status: 503 }]);
      const r = await t.call('POST', '/v1/prompts/greeter/run', {
        body: { variables: { name: 'A' }, retry: { attempts: 2, backoff_ms: 10 } },
      });
      expect(r.status).toBe(200);
      expect(llm.requests).toHaveLength(3);
      llm.reset();
      llm.always('llama-3', { status: 400 });
      const narrowed = await t.call<ResponseOf<typeof promptsRun, '4xx'>>('POST', '/v1/prompts/greeter/run', {
        body: { version: 2, variables: { name: 'A' }, on_status_codes: [429] },
      });
      // 400 is not in on_status_codes: no fallback to qwen, the upstream refusal comes back as a 400.
      expect(narrowed.status).toBe(400);
      expect(narrowed.body.error.code).toBe('bad_request');
      expect(llm.requests.map((x) => x.body.model)).toEqual(['llama-3']);
    });

    it('unknown prompt or label: 404 in the native envelope; both label and version: 400', async () => {
      expect((await t.call('POST', '/v1/prompts/nope/run', { body: {} })).status).toBe(404);
      expect(
        (
          await t.call('POST', '/v1/prompts/greeter/run', {
            body: { label: 'gone', variables: { name: 'x' } },
          })
        ).status,
      ).toBe(404);
      expect(
        (await t.call('POST', '/v1/prompts/greeter/run', { body: { label: 'a', version: 1 } })).status,
      ).toBe(400);
    });

    it('OpenAI-compatible route: plain, streaming, tools and the version that ran', async () => {
      const { data, response } = await client.chat.completions
        .create({
          model: 'ignored-when-the-version-has-one',
          messages: [],
          // @ts-expect-error Lectern's prompt reference
          prompt: { name: 'greeter', variables: { name: 'Di' } },
        })
        .withResponse();
      expect(data.choices[0]!.message.content).toBe('echo: Hello Di');
      expect(data.model).toBe('llama-3');
      expect((data as any).lectern).toMatchObject({
        prompt_name: 'greeter',
        version: 1,
        label: 'production',
      });
      expect(response.headers.get('lectern-prompt-version')).toBe('1');

      const stream = await client.chat.completions.create({
        model: 'x',
        messages: [{ role: 'user', content: 'streamed words here' }],
        stream: true,
        // The prompt reference is not in the SDK's types.
        ...({ prompt: { name: 'greeter', label: 'staging', variables: { name: 'E' } } } as object),
      });
      let text = '';
      for await (const c of stream) text += c.choices[0]?.delta?.content ?? '';
      expect(text).toBe('echo: streamed words here');

      const tooled = await client.chat.completions.create({
        model: 'x',
        messages: [],
        tools: [{ type: 'function', function: { name: 'find', parameters: { type: 'object' } } }],
        tool_choice: 'required',
        response_format: { type: 'text' },
        // @ts-expect-error Lectern's prompt reference
        prompt: { name: 'greeter', variables: { name: 'F' } },
      });
      expect(
        (tooled.choices[0]!.message.tool_calls![0] as { function: { name: string } }).function.name,
      ).toBe('find');
    });

    it('OpenAI-compatible route: errors the SDK reads (404, 502, 504), never a 500', async () => {
      const fail = (body: object) =>
        client.chat.completions.create(body as never).then(
          () => null,
          (e: InstanceType<typeof OpenAI.APIError>) => e,
        );
      const missing = await fail({ model: 'x', messages: [], prompt: { name: 'nope' } });
      expect(missing?.status).toBe(404);
      llm.always('llama-3', { status: 500 });
      const down = await fail({
        model: 'x',
        messages: [],
        prompt: { name: 'greeter', variables: { name: 'x' } },
      });
      expect(down?.status).toBe(502);
      expect(down?.message).toMatch(/llama-3 failed \(500\)/);
      expect(down?.message).not.toContain(KEY);
      llm.always('llama-3', { delayMs: 3000 });
      const slow = await fail({
        model: 'x',
        messages: [],
        prompt: { name: 'greeter', variables: { name: 'x' } },
        timeout_ms: 200,
      });
      expect(slow?.status).toBe(504);
      const noRef = await fail({ model: 'x', messages: [], prompt: {} });
      expect(noRef?.status).toBe(400);
    });

    it('writes each run to the request log (the real writer): version, attempts, tokens, no key', async () => {
      llm.script('llama-3', [{ status: 503 }]);
      const r = await t.call('POST', '/v1/prompts/greeter/run', {
        body: { label: 'staging', variables: { name: 'Log' }, metadata: { run: 'logged' } },
      });
      expect(r.status).toBe(200);
      await t.registry.flushRequestLog();
      const rows = rowsOf<Record<string, unknown>>(
        await t.store.db.execute(
          sql`select * from request_logs where source = 'native' order by id desc limit 1`,
        ),
      );
      const row = rows[0]!;
      expect(row).toMatchObject({
        version_number: 2,
        label: 'staging',
        model: 'qwen',
        status: 'success',
        input_tokens: 11,
        output_tokens: 7,
      });
      const attempts = typeof row['attempts'] === 'string' ? JSON.parse(row['attempts']) : row['attempts'];
      expect(attempts.map((a: { model: string; statusCode: number }) => [a.model, a.statusCode])).toEqual([
        ['llama-3', 503],
        ['qwen', 200],
      ]);
      expect(JSON.stringify(rows)).not.toContain(KEY);
    });
  });
}
