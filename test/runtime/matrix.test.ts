// The run-time matrix: a prompt written through each of the four APIs (native, PromptLayer,
// Keywords AI, NeMo — their own management routes, each in its own template syntax and field
// names) is run through each gateway path: Keywords AI `/api/chat/completions` (the `openai` SDK),
// native `/v1/prompts/{name}/run`, and the OpenAI-compatible `/v1/chat/completions` (the `openai`
// SDK). Every cell must render the variables, send the version's model and settings (and nothing
// null or dialect-only), and name the version that ran. Both backends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { backends } from '../support/stores.ts';
import { oneProvider, startTestApp, type TestApp, type ResponseOf } from '../support/app.ts';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm.ts';
import type { schema as keywordsaiPromptsCreate } from '../../src/dialects/keywordsai/routes/prompts-create.ts';
import type { schema as nativePromptsGet } from '../../src/dialects/native/routes/prompts-get.ts';
import type { schema as nativePromptsRun } from '../../src/dialects/native/routes/prompts-run.ts';
import { asChatCompletion } from '../support/chat-completion.ts';

type Writer = { api: string; write(t: TestApp, name: string): Promise<void> };

const ok = <T extends { status: number; body: unknown }>(r: T, what: string): T => {
  if (r.status >= 300) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
  return r;
};

/** Each writes a prompt with a system and a user message reading `name`, model gpt-4o-mini, temperature 0.25, live as `production`. */
const writers: Writer[] = [
  {
    api: 'native',
    async write(t, name) {
      ok(
        await t.call('POST', '/v1/prompts', {
          body: {
            name,
            version: {
              template_format: 'mustache',
              messages: [
                { role: 'system', content: 'Be kind.' },
                { role: 'user', content: 'Hello {{name}}' },
              ],
              model: 'gpt-4o-mini',
              params: { temperature: 0.25 },
            },
            labels: ['production'],
          },
        }),
        'native write',
      );
    },
  },
  {
    api: 'promptlayer',
    async write(t, name) {
      ok(
        await t.call('POST', '/rest/prompt-templates', {
          auth: 'x-api-key',
          body: {
            prompt_template: { prompt_name: name },
            prompt_version: {
              prompt_template: {
                type: 'chat',
                input_variables: ['name'],
                messages: [
                  { role: 'system', content: [{ type: 'text', text: 'Be kind.' }] },
                  { role: 'user', content: [{ type: 'text', text: 'Hello {name}' }] },
                ],
              },
              metadata: {
                model: { provider: 'openai', name: 'gpt-4o-mini', parameters: { temperature: 0.25 } },
              },
            },
            release_labels: ['production'],
          },
        }),
        'promptlayer write',
      );
    },
  },
  {
    api: 'keywordsai',
    async write(t, name) {
      const p = ok(
        await t.call<ResponseOf<typeof keywordsaiPromptsCreate, 201>>('POST', '/api/prompts/', {
          body: { name },
        }),
        'keywordsai create',
      ).body;
      ok(
        await t.call('POST', `/api/prompts/${p.prompt_id}/versions/`, {
          body: {
            messages: [
              { role: 'system', content: 'Be kind.' },
              { role: 'user', content: 'Hello {{ name }}' },
            ],
            model: 'gpt-4o-mini',
            temperature: 0.25,
            variables: { name: 'nobody' },
          },
        }),
        'keywordsai version',
      );
      ok(
        await t.call('POST', `/api/prompts/${p.prompt_id}/deployments/`, { body: { version: 1 } }),
        'keywordsai deploy',
      );
    },
  },
  {
    api: 'nemo',
    async write(t, name) {
      ok(
        await t.call('POST', '/apis/models/v2/workspaces/default/prompts', {
          body: {
            name,
            messages: [
              { role: 'system', content: 'Be kind.' },
              { role: 'user', content: 'Hello {{ name }}' },
            ],
            inference_params: { model: 'gpt-4o-mini', temperature: 0.25 },
          },
        }),
        'nemo write',
      );
      // NeMo has no labels: its versions go live through the native API.
      const p = ok(
        await t.call<ResponseOf<typeof nativePromptsGet>>('GET', `/v1/prompts/${encodeURIComponent(name)}`),
        'native get',
      ).body.prompt;
      ok(
        await t.call('PUT', `/v1/prompts/${p.id}/labels/production`, { body: { version: 1 } }),
        'label nemo version',
      );
    },
  },
];

for (const backend of backends) {
  describe.skipIf(!backend.available)(`run-time matrix (${backend.name})`, () => {
    let t: TestApp;
    let llm: FakeLlm;
    let base: string;
    const ids = new Map<string, string>();

    beforeAll(async () => {
      llm = await startFakeLlm();
      t = await startTestApp(
        backend,
        {},
        { gateway: { providers: oneProvider(llm.url, 'sk-matrix', 'openai') } },
      );
      base = await t.app.listen({ port: 0, host: '127.0.0.1' });
      for (const w of writers) {
        const name = `matrix-${w.api}`;
        await w.write(t, name);
        ids.set(
          w.api,
          ok(await t.call<ResponseOf<typeof nativePromptsGet>>('GET', `/v1/prompts/${name}`), 'get').body
            .prompt.id,
        );
      }
    });
    afterAll(async () => {
      t?.app.server.closeAllConnections();
      await t?.close();
      await llm?.close();
    });

    const sent = () => llm.requests.at(-1)!.body;
    const expectSent = () => {
      const b = sent();
      expect(b.model).toBe('gpt-4o-mini');
      expect(b.temperature).toBe(0.25);
      expect(b.messages).toEqual([
        { role: 'system', content: expect.anything() },
        { role: 'user', content: expect.anything() },
      ]);
      // Other dialects' keys and null settings never reach the model.
      for (const v of Object.values(b)) expect(v).not.toBeNull();
      for (const k of ['variables', 'fallback_models', 'load_balance_models', 'prompt', 'provider'])
        expect(b).not.toHaveProperty(k);
    };

    const paths: { path: string; run(api: string): Promise<{ text: string; version: number }> }[] = [
      {
        path: 'Keywords AI /api/chat/completions',
        async run(api) {
          const client = new OpenAI({ baseURL: `${base}/api/`, apiKey: t.keys.editor, maxRetries: 0 });
          const { data, response } = await client.chat.completions
            .create({
              model: 'gpt-4o-mini',
              messages: [{ role: 'user', content: '.' }],
              // @ts-expect-error Keywords AI's extension of the OpenAI body
              prompt: {
                prompt_id: ids.get(api)!.replace(/-/g, ''),
                variables: { name: 'Ann' },
                override: true,
              },
            })
            .withResponse();
          return {
            text: data.choices[0]!.message.content!,
            version: Number(response.headers.get('lectern-prompt-version')),
          };
        },
      },
      {
        path: 'native /v1/prompts/{name}/run',
        async run(api) {
          const r = ok(
            await t.call<ResponseOf<typeof nativePromptsRun>>('POST', `/v1/prompts/matrix-${api}/run`, {
              body: { variables: { name: 'Ann' } },
            }),
            'native run',
          );
          return {
            text: asChatCompletion(r.body.response).choices[0]!.message.content!,
            version: r.body.version,
          };
        },
      },
      {
        path: 'OpenAI-compatible /v1/chat/completions',
        async run(api) {
          const client = new OpenAI({ baseURL: `${base}/v1`, apiKey: t.keys.viewer, maxRetries: 0 });
          const data = await client.chat.completions.create({
            model: 'any',
            messages: [],
            // @ts-expect-error Lectern's prompt reference
            prompt: { name: `matrix-${api}`, variables: { name: 'Ann' } },
          });
          return {
            text: data.choices[0]!.message.content!,
            version: (data as unknown as { lectern: { version: number } }).lectern.version,
          };
        },
      },
    ];

    for (const w of writers) {
      for (const p of paths) {
        it(`written through ${w.api}, run through ${p.path}`, async () => {
          const r = await p.run(w.api);
          expect(r.text).toBe('echo: Hello Ann');
          expect(r.version).toBe(1);
          expectSent();
        });
      }
    }
  });
}
