// Keywords AI's list pages over prompts written through every API (PromptLayer, NeMo, native,
// Keywords AI): each page passes the Keywords AI SDK's pydantic models (specs/runtime.md §5.1,
// written as checks in test/support/keywordsai-sdk-models.ts, as there is no Keywords AI npm SDK).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../../../test/support/stores.ts';
import { startTestApp, type TestApp, type ResponseOf } from '../../../../test/support/app.ts';
import { listPageProblems, promptProblems } from '../../../../test/support/keywordsai-sdk-models.ts';
import type { getSchema } from './prompts-list.ts';
import type { schema as nativePromptsCreate } from '../../native/routes/prompts-create.ts';
import type { schema as promptlayerPublish } from '../../promptlayer/routes/publish.ts';
import type { schema as promptsCreate } from './prompts-create.ts';
import type { schema as promptsGet } from './prompts-get.ts';
import type { schema as versionsList } from './versions-list.ts';

for (const backend of backends) {
  describe.skipIf(!backend.available)(`Keywords AI view of every API's prompts on ${backend.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp(backend);
      const pl = await t.call<ResponseOf<typeof promptlayerPublish, 201>>('POST', '/rest/prompt-templates', {
        auth: 'x-api-key',
        body: {
          prompt_template: { prompt_name: 'fv-pl' },
          prompt_version: {
            prompt_template: {
              type: 'chat',
              messages: [
                { role: 'system', content: [{ type: 'text', text: 'S' }] },
                { role: 'placeholder', name: 'history', content: null },
                { role: 'function', name: 'lookup', content: [{ type: 'text', text: '{}' }] },
                {
                  role: 'assistant',
                  content: [{ type: 'thinking', thinking: 'hm', signature: '' }],
                  tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }],
                },
              ],
            },
            metadata: { model: { provider: 'openai', name: 'gpt-4o', parameters: { max_tokens: null } } },
          },
        },
      });
      expect(pl.status, JSON.stringify(pl.body)).toBeLessThan(300);
      const nemo = await t.call('POST', '/apis/models/v2/workspaces/default/prompts', {
        body: {
          name: 'fv-nemo',
          messages: [{ role: 'user', content: 'Hi {{ x }}' }],
          inference_params: { model: 'meta/llama', temperature: null, top_p: 0.5 },
        },
      });
      expect(nemo.status).toBe(201);
      const native = await t.call<ResponseOf<typeof nativePromptsCreate, 201>>('POST', '/v1/prompts', {
        body: {
          name: 'fv-native',
          version: {
            messages: [{ role: 'user', content: 'N {{y}}' }],
            variable_defaults: { y: 5, z: { a: 1 }, w: [1] },
          },
        },
      });
      expect(native.status, JSON.stringify(native.body)).toBe(201);
      const ka = await t.call<ResponseOf<typeof promptsCreate, 201>>('POST', '/api/prompts/', {
        body: { name: 'fv-ka' },
      });
      await t.call('POST', `/api/prompts/${ka.body.prompt_id}/versions/`, {
        body: { messages: [{ role: 'user', content: 'K' }], model: 'gpt-4o-mini' },
      });
    });
    afterAll(() => t?.close());

    it('every list page and every retrieved prompt passes the SDK models', async () => {
      const list = await t.call<ResponseOf<typeof getSchema>>('GET', '/api/prompts/list/');
      expect(list.status).toBe(200);
      const names = list.body.results.map((p: { name: string }) => p.name);
      expect(names).toEqual(expect.arrayContaining(['fv-pl', 'fv-nemo', 'fv-native', 'fv-ka']));
      expect(listPageProblems(list.body, 'prompt')).toEqual([]);
      for (const p of list.body.results) {
        const one = await t.call<ResponseOf<typeof promptsGet>>('GET', `/api/prompts/${p.prompt_id}/`);
        expect(promptProblems(one.body), p.name).toEqual([]);
        const versions = await t.call<ResponseOf<typeof versionsList>>(
          'GET',
          `/api/prompts/${p.prompt_id}/versions/`,
        );
        expect(listPageProblems(versions.body, 'version'), p.name).toEqual([]);
      }
    });

    it('the mappings: defaults for unset sampling, placeholder dropped, function → tool, typed variables', async () => {
      const list = (await t.call<ResponseOf<typeof getSchema>>('GET', '/api/prompts/list/')).body
        .results as Record<string, any>[];
      const by = (n: string) => list.find((p) => p.name === n)!.current_version;
      const pl = by('fv-pl');
      expect(pl).toMatchObject({ max_tokens: 4096, temperature: 0.7, top_p: 1 });
      expect(pl.messages.map((m: { role: string }) => m.role)).toEqual(['system', 'tool', 'assistant']);
      expect(pl.messages[2].content).toEqual([{ type: 'text', text: 'hm' }]);
      expect(by('fv-nemo')).toMatchObject({ temperature: 0.7, top_p: 0.5 });
      expect(by('fv-native').variables).toEqual({
        y: '5',
        z: { _type: 'json', value: { a: 1 } },
        w: { _type: 'text', value: '[1]' },
      });
    });
  });
}
