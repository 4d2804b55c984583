// PromptLayer's run-time surface driven by the official `promptlayer` npm SDK against a real
// listening Lectern, with the LLM played by a local OpenAI-compatible server (runtime.md §1):
// pl.run() with and without throwOnError, the pl.OpenAI proxy, logRequest, track.*, group.create,
// and prompts written through the other APIs run by pl.run(). Records are read back from the
// request log. The SDK's CommonJS build is used: its ESM build cannot load `openai` (§1.8).
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { PromptLayer as PromptLayerT } from 'promptlayer';
import { backends } from '../../../../test/support/stores.ts';
import { startTestApp, type TestApp, type ResponseOf } from '../../../../test/support/app.ts';
import {
  pointOpenAiEnvAt,
  startFakeOpenAi,
  type FakeUpstream,
} from '../../../../test/support/fake-openai-upstream.ts';
import { rowsOf } from '../../../registry/request-log.ts';
import type { schema as keywordsaiPromptsCreate } from '../../keywordsai/routes/prompts-create.ts';
import type { schema as trackPrompt } from './track-prompt.ts';
import type { ValidationErrorT } from '../responses.ts';

const require = createRequire(import.meta.url);
const { PromptLayer } = require('promptlayer') as { PromptLayer: typeof PromptLayerT };

type Row = Record<string, unknown>;

for (const backend of backends) {
  describe.skipIf(!backend.available)(`PromptLayer run-time surface via its SDK on ${backend.name}`, () => {
    let t: TestApp;
    let llm: FakeUpstream;
    let base: string;
    let pl: InstanceType<typeof PromptLayerT>;
    let restoreEnv = () => {};

    const record = async (id: number | string): Promise<Row> => {
      await t.registry.flushRequestLog();
      const r = await t.store.db.execute(sql`select * from request_logs where id = ${String(id)}`);
      return rowsOf<Row>(r)[0]!;
    };
    const publishPl = (name: string, model = 'gpt-4o-mini') =>
      pl.templates.publish({
        prompt_name: name,
        prompt_template: {
          type: 'chat',
          input_variables: ['company', 'question'],
          messages: [
            {
              role: 'system',
              input_variables: [],
              template_format: 'f-string',
              content: [{ type: 'text', text: 'You help customers of {company}.' }],
            },
            {
              role: 'user',
              input_variables: [],
              template_format: 'f-string',
              content: [{ type: 'text', text: '{question}' }],
            },
          ],
        },
        metadata: {
          model: {
            provider: 'openai',
            name: model,
            api_type: 'chat-completions',
            parameters: { temperature: 0.3 },
          },
        },
        release_labels: ['prod'],
      } as never);

    beforeAll(async () => {
      llm = await startFakeOpenAi();
      // The provider SDK inside pl.run() reads these (the app's own OpenAI settings).
      // The provider SDK inside pl.run() reads OPENAI_BASE_URL / OPENAI_API_KEY.
      restoreEnv = pointOpenAiEnvAt(llm.url, 'sk-upstream-secret-never-stored');
      t = await startTestApp(backend);
      base = await t.app.listen({ port: 0, host: '127.0.0.1' });
      // A trailing slash: the SDK then asks for //track-request, which must work too.
      pl = new PromptLayer({ apiKey: t.keys.editor, baseURL: `${base}/`, throwOnError: true });
    });
    afterAll(async () => {
      restoreEnv();
      await t?.close();
      await llm?.close();
    });

    it('pl.run() calls the LLM, tracks the call (200) and answers request_id and the blueprint', async () => {
      await publishPl('rt-support');
      const res = (await pl.run({
        promptName: 'rt-support',
        promptReleaseLabel: 'prod',
        inputVariables: { company: 'Acme', question: 'Hi' },
        tags: ['t1'],
        metadata: { user: 'u1' },
      })) as unknown as { request_id: number; raw_response: Row; prompt_blueprint: Row };
      expect(typeof res.request_id).toBe('number');
      expect(res.raw_response).toMatchObject({ object: 'chat.completion' });
      expect(res.prompt_blueprint).toMatchObject({
        prompt_template: { type: 'chat' },
        metadata: { model: { provider: 'openai', name: 'gpt-4o-mini', api_type: 'chat-completions' } },
      });
      const msgs = (res.prompt_blueprint['prompt_template'] as { messages: Row[] }).messages;
      expect(msgs.map((m) => m['role'])).toEqual(['system', 'user', 'assistant']);
      expect(msgs[2]!['content']).toEqual([{ type: 'text', text: 'mock answer' }]);
      // The LLM got the rendered prompt.
      expect(llm.requests.at(-1)!.body['messages']).toEqual([
        { role: 'system', content: 'You help customers of Acme.' },
        { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
      ]);
      const row = await record(res.request_id);
      const prompt = await t.registry.getPrompt((await t.registry.authenticate(t.keys.editor))!, {
        name: 'rt-support',
      });
      expect(row).toMatchObject({
        source: 'pl.track',
        prompt_id: prompt.id,
        version_number: 1,
        provider: 'openai',
        model: 'gpt-4o-mini',
        function_name: 'openai.chat.completions.create',
        status: 'success',
        input_tokens: 5,
        output_tokens: 2,
        tags: ['t1'],
      });
      expect(row['metadata']).toEqual({ user: 'u1' });
      expect(row['input_variables']).toEqual({ company: 'Acme', question: 'Hi' });
      expect(JSON.stringify(row)).not.toContain(t.keys.editor);
      expect(JSON.stringify(row)).not.toContain('sk-upstream-secret');
    });

    it('a streaming pl.run() yields chunks, then the tracked request_id and blueprint', async () => {
      const gen = (await pl.run({
        promptName: 'rt-support',
        inputVariables: { company: 'S', question: 'stream?' },
        stream: true,
      })) as unknown as AsyncIterable<{
        request_id: number | null;
        raw_response: unknown;
        prompt_blueprint: Row;
      }>;
      const items = [];
      for await (const item of gen) items.push(item);
      expect(items.length).toBeGreaterThan(2);
      const last = items.at(-1)!;
      expect(typeof last.request_id).toBe('number');
      // (1.3.6 hands out one result object that it updates, so earlier items show the final id too.)
      const row = await record(last.request_id!);
      expect(row).toMatchObject({ stream: true, status: 'success', version_number: 1 });
      expect(JSON.stringify(row['response'])).toContain('mock');
    });

    it('an LLM failure is tracked as an error and the LLM error is what the app sees', async () => {
      llm.failNext(400, 1);
      const err = await pl
        .run({ promptName: 'rt-support', inputVariables: { company: 'A', question: 'q' } })
        .then(
          () => null,
          (e: unknown) => e as { status?: number; message: string },
        );
      expect(err?.status).toBe(400);
      expect(err?.message).toContain('upstream failed with 400');
      await t.registry.flushRequestLog();
      const r = await t.store.db.execute(
        sql`select * from request_logs where status = 'error' and source = 'pl.track' order by id desc limit 1`,
      );
      expect(rowsOf<Row>(r)[0]).toMatchObject({ error_type: 'PROVIDER_ERROR', status: 'error' });
    });

    it('throwOnError:false: runs, and an unknown template fails readably (never [object Object])', async () => {
      const soft = new PromptLayer({ apiKey: t.keys.editor, baseURL: base, throwOnError: false });
      const res = (await soft.run({
        promptName: 'rt-support',
        promptVersion: 1,
        inputVariables: { company: 'B', question: 'x' },
      })) as unknown as { request_id: number };
      expect(res.request_id).toBeGreaterThan(0);
      // Unknown template: throwOnError:false gives null-ish failure without a throw of [object Object].
      const missing = await soft.run({ promptName: 'rt-no-such', inputVariables: {} }).then(
        () => 'resolved',
        (e: Error) => e.message,
      );
      expect(missing).not.toContain('[object Object]');
    });

    it('prompts written through Keywords AI, NeMo and the native API run through pl.run()', async () => {
      const ka = await t.call<ResponseOf<typeof keywordsaiPromptsCreate, 201>>('POST', '/api/prompts/', {
        body: { name: 'rt-ka' },
      });
      await t.call('POST', `/api/prompts/${ka.body.prompt_id}/versions/`, {
        body: {
          messages: [{ role: 'user', content: 'KA says {{ word }}' }],
          model: 'gpt-4o-mini',
          fallback_models: ['gpt-4o'],
        },
      });
      const nemo = await t.call('POST', '/apis/models/v2/workspaces/default/prompts', {
        body: {
          name: 'rt-nemo',
          messages: [{ role: 'user', content: 'NeMo says {{ word }}' }],
          input_variables: ['word'],
          inference_params: { model: 'meta/llama-3.1-8b-instruct', max_tokens: 64, temperature: null },
        },
      });
      expect(nemo.status).toBe(201);
      const native = await t.call('POST', '/v1/prompts', {
        body: {
          name: 'rt-native',
          version: { messages: [{ role: 'user', content: 'Native says {{word}}' }], model: 'gpt-4o' },
        },
      });
      expect(native.status).toBe(201);
      for (const [name, said, model] of [
        ['rt-ka', 'KA says hi', 'gpt-4o-mini'],
        ['rt-nemo', 'NeMo says hi', 'meta/llama-3.1-8b-instruct'],
        ['rt-native', 'Native says hi', 'gpt-4o'],
      ] as const) {
        const res = (await pl.run({ promptName: name, inputVariables: { word: 'hi' } })) as unknown as {
          request_id: number;
        };
        const sent = llm.requests.at(-1)!.body;
        expect(sent['model'], name).toBe(model);
        expect(JSON.stringify(sent['messages']), name).toContain(said);
        // Another product's routing keys and nulls never reach the model.
        for (const k of [
          'fallback_models',
          'load_balance_models',
          'variables',
          'is_enforcing_response_format',
        ]) {
          expect(sent, `${name} ${k}`).not.toHaveProperty(k);
        }
        expect(Object.values(sent).includes(null), name).toBe(false);
        expect((await record(res.request_id))['version_number'], name).toBe(1);
      }
    });

    it('the pl.OpenAI proxy tracks its calls unlinked; track.prompt then links them', async () => {
      const OpenAI = (pl as unknown as { OpenAI: new (o: object) => any }).OpenAI;
      const client = new OpenAI({ baseURL: llm.url, apiKey: 'sk-upstream-secret-never-stored' });
      const [resp, id] = (await client.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'proxy' }],
        pl_tags: ['proxy'],
        return_pl_id: true,
      })) as [Row, number];
      expect(resp['object']).toBe('chat.completion');
      expect(typeof id).toBe('number');
      expect(await record(id)).toMatchObject({ prompt_id: null, tags: ['proxy'], model: 'gpt-4o-mini' });
      expect(
        await pl.track.prompt({
          request_id: id,
          prompt_name: 'rt-support',
          prompt_input_variables: { q: 1 },
          label: 'prod',
        } as never),
      ).toBe(true);
      expect(await record(id)).toMatchObject({ version_number: 1, label: 'prod', input_variables: { q: 1 } });
    });

    it('track.metadata, track.score and group.create + track.group enrich a record', async () => {
      const res = (await pl.run({
        promptName: 'rt-support',
        inputVariables: { company: 'C', question: 'q' },
      })) as unknown as {
        request_id: number;
      };
      const id = res.request_id;
      expect(await pl.track.metadata({ request_id: id, metadata: { a: '1' } })).toBe(true);
      expect(await pl.track.metadata({ request_id: id, metadata: { a: '2', b: '3' } })).toBe(true);
      expect(await pl.track.score({ request_id: id, score: 80 })).toBe(true);
      expect(await pl.track.score({ request_id: id, score: 90, name: 'default' } as never)).toBe(true);
      expect(await pl.track.score({ request_id: id, score: 10, name: 'tone' } as never)).toBe(true);
      const group = await pl.group.create();
      expect(typeof group).toBe('number');
      expect(await pl.track.group({ request_id: id, group_id: group as number })).toBe(true);
      const row = await record(id);
      expect(row['metadata']).toEqual({ a: '2', b: '3' });
      expect(row['scores']).toEqual([
        expect.objectContaining({ name: 'default', value: 90 }),
        expect.objectContaining({ name: 'tone', value: 10 }),
      ]);
      expect(Number(row['group_id'])).toBe(group);
      // A run with groupId carries the group.
      const grouped = (await pl.run({
        promptName: 'rt-support',
        inputVariables: { company: 'C', question: 'q' },
        groupId: group as number,
      })) as unknown as { request_id: number };
      expect(Number((await record(grouped.request_id))['group_id'])).toBe(group);
    });

    it('unknown request, group or template: 404 in PromptLayer envelope; SDK errors are readable', async () => {
      await expect(pl.track.metadata({ request_id: 999999999, metadata: { a: 'b' } })).rejects.toThrow(
        /not found/i,
      );
      await expect(pl.track.group({ request_id: 999999999, group_id: 1 })).rejects.not.toThrow(
        '[object Object]',
      );
      const soft = new PromptLayer({ apiKey: t.keys.editor, baseURL: base, throwOnError: false });
      expect(await soft.track.score({ request_id: 999999999, score: 1 })).toBe(false);
      const r = await t.call<ResponseOf<typeof trackPrompt>>('POST', '/library-track-prompt', {
        key: null,
        body: { api_key: t.keys.editor, request_id: 1, prompt_name: 'rt-nope' },
      });
      expect(r).toMatchObject({ status: 404, body: { success: false, error: 'Not Found' } });
      expect(typeof r.body.message).toBe('string');
    });

    it('pl.logRequest logs a custom call (201) with id and request_id, linked by name', async () => {
      const now = Date.now();
      const out = (await pl.logRequest({
        provider: 'openai',
        model: 'gpt-4o',
        input: { type: 'chat', messages: [{ role: 'user', content: 'hello' }] },
        output: { type: 'chat', messages: [{ role: 'assistant', content: [{ type: 'text', text: 'yo' }] }] },
        request_start_time: now - 250,
        request_end_time: now,
        prompt_name: 'rt-support',
        prompt_version_number: 1,
        input_tokens: 3,
        output_tokens: 4,
        score: 70,
        score_name: 'quality',
        tags: ['custom'],
      } as never)) as unknown as Row;
      expect(out['id']).toBe(out['request_id']);
      expect(out['prompt_version_number']).toBe(1);
      const row = await record(out['id'] as number);
      expect(row).toMatchObject({
        source: 'pl.log',
        version_number: 1,
        input_tokens: 3,
        output_tokens: 4,
        tags: ['custom'],
      });
      expect(Number(row['latency_ms'])).toBe(250);
      expect(row['scores']).toEqual([expect.objectContaining({ name: 'quality', value: 70 })]);
      // A missing required field is a 422 detail list.
      const bad = await t.call<ValidationErrorT>('POST', '/log-request', {
        auth: 'x-api-key',
        body: { provider: 'openai' },
      });
      expect(bad.status).toBe(422);
      expect(bad.body.detail.map((d) => d.loc.at(-1))).toEqual(
        expect.arrayContaining(['model', 'input', 'output']),
      );
    });
  });
}
