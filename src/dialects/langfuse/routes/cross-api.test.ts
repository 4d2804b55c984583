// One store seen through every API: a prompt created with the Langfuse SDK read through
// PromptLayer, Keywords AI, NeMo and the native API; prompts created elsewhere read (and compiled)
// through the Langfuse SDK; a label moved in one API seen in the others.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LangfuseClient } from '@langfuse/client';
import { backends } from '../../../../test/support/stores.ts';
import { startTestApp, type TestApp, type ResponseOf } from '../../../../test/support/app.ts';
import { publicKeyOf } from '../../../registry/keys.ts';
import type { schema as keywordsaiVersionsGet } from '../../keywordsai/routes/versions-get.ts';
import type { schema as nativePromptsResolve } from '../../native/routes/prompts-resolve.ts';
import type { schema as promptlayerGetRaw } from '../../promptlayer/routes/get-raw.ts';
import type { schema as nemoPromptsGet } from '../../nemo/routes/prompts-get.ts';

for (const backend of backends) {
  describe.skipIf(!backend.available)(`Langfuse across APIs on ${backend.name}`, () => {
    let t: TestApp;
    let lf: LangfuseClient;
    beforeAll(async () => {
      t = await startTestApp(backend);
      const baseUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
      const pk = publicKeyOf((await t.registry.authenticate(t.keys.editor))!.keyId);
      lf = new LangfuseClient({ publicKey: pk, secretKey: t.keys.editor, baseUrl });
    });
    afterAll(() => t?.close());

    it('a Langfuse-created chat prompt reads the same through PromptLayer, Keywords AI, NeMo and native', async () => {
      const made = await lf.prompt.create({
        name: 'shared-chat',
        type: 'chat',
        prompt: [
          { role: 'system', content: 'You help with {{topic}}.' },
          { type: 'placeholder', name: 'history' },
          { role: 'user', content: '{{question}}' },
        ],
        config: { model: 'gpt-4o', temperature: 0.3, max_tokens: 100, custom_flag: true },
        labels: ['production'],
        tags: ['shared'],
        commitMessage: 'from langfuse',
      });

      const native = await t.call<ResponseOf<typeof nativePromptsResolve>>(
        'GET',
        '/v1/prompts/shared-chat/resolve?label=production',
      );
      expect(native.status).toBe(200);
      expect(native.body.version).toMatchObject({
        number: made.version,
        model: 'gpt-4o',
        params: { temperature: 0.3, max_tokens: 100 },
        template_format: 'mustache',
        commit_message: 'from langfuse',
        messages: [
          { role: 'system', content: 'You help with {{topic}}.' },
          { role: 'placeholder', name: 'history' },
          { role: 'user', content: '{{question}}' },
        ],
      });
      expect(native.body.prompt.tags).toEqual(['shared']);

      const pl = await t.call<ResponseOf<typeof promptlayerGetRaw>>(
        'GET',
        '/prompt-templates/shared-chat?label=production',
      );
      expect(pl.status).toBe(200);
      expect(pl.body.prompt_template.messages!.map((m) => m.role)).toEqual(['system', 'placeholder', 'user']);
      expect(pl.body.metadata!.model).toMatchObject({ name: 'gpt-4o', parameters: { temperature: 0.3 } });

      const id = (native.body.prompt.id as string).replace(/-/g, '');
      const kw = await t.call<ResponseOf<typeof keywordsaiVersionsGet>>(
        'GET',
        `/api/prompts/${id}/versions/${made.version}`,
      );
      expect(kw.status).toBe(200);
      expect(kw.body).toMatchObject({ model: 'gpt-4o', temperature: 0.3, max_tokens: 100 });

      const nemo = await t.call<ResponseOf<typeof nemoPromptsGet>>(
        'GET',
        '/apis/models/v2/workspaces/default/prompts/shared-chat',
      );
      expect(nemo.status).toBe(200);
      expect(nemo.body.inference_params).toMatchObject({
        model: 'gpt-4o',
        temperature: 0.3,
        max_tokens: 100,
      });
      expect(nemo.body.messages![0]).toEqual({ role: 'system', content: 'You help with {{topic}}.' });

      // And back: config keeps the key no other API has a field for.
      const back = await lf.prompt.get('shared-chat', { type: 'chat', cacheTtlSeconds: 0 });
      expect(back.config).toEqual({ model: 'gpt-4o', temperature: 0.3, max_tokens: 100, custom_flag: true });
    });

    it('a PromptLayer-created f-string prompt with a placeholder compiles through the Langfuse SDK', async () => {
      const pub = await t.call('POST', '/rest/prompt-templates', {
        body: {
          prompt_template: { prompt_name: 'from-pl', tags: ['pl'] },
          prompt_version: {
            prompt_template: {
              type: 'chat',
              messages: [
                { role: 'system', content: [{ type: 'text', text: 'Answer in {language}.' }] },
                { role: 'placeholder', name: 'history', content: [] },
                { role: 'user', content: [{ type: 'text', text: '{question}' }] },
              ],
            },
            metadata: {
              model: { provider: 'openai', name: 'gpt-4o-mini', parameters: { temperature: 0.5 } },
            },
          },
          release_labels: ['production'],
        },
      });
      expect(pub.status).toBeLessThan(300);
      const p = await lf.prompt.get('from-pl', { type: 'chat', cacheTtlSeconds: 0 });
      expect(p.config).toEqual({ model: 'gpt-4o-mini', provider: 'openai', temperature: 0.5 });
      expect(p.tags).toEqual(['pl']);
      expect(
        p.compile(
          { language: 'French', question: 'Why?' },
          { history: [{ role: 'assistant', content: 'Hi' }] },
        ),
      ).toEqual([
        { role: 'system', content: 'Answer in French.' },
        { role: 'assistant', content: 'Hi' },
        { role: 'user', content: 'Why?' },
      ]);
    });

    it('a native text prompt reads as a Langfuse text prompt; a label moved anywhere is seen everywhere', async () => {
      const made = await t.call('POST', '/v1/prompts', {
        body: {
          name: 'moved',
          version: { template_type: 'completion', content: [{ type: 'text', text: 'one {{x}}' }] },
          labels: ['production'],
        },
      });
      expect(made.status).toBe(201);
      await lf.prompt.create({ name: 'moved', prompt: 'two {{x}}' });
      const first = await lf.prompt.get('moved', { cacheTtlSeconds: 0 });
      expect([first.type, first.version, first.compile({ x: 'X' })]).toEqual(['text', 1, 'one X']);

      // Native moves production to v2: Langfuse and PromptLayer see it.
      expect(
        (await t.call('PUT', '/v1/prompts/moved/labels/production', { body: { version: 2 } })).status,
      ).toBeLessThan(300);
      expect((await lf.prompt.get('moved', { cacheTtlSeconds: 0 })).version).toBe(2);
      expect(
        (
          await t.call<ResponseOf<typeof promptlayerGetRaw>>(
            'GET',
            '/prompt-templates/moved?label=production',
          )
        ).body.version,
      ).toBe(2);

      // Langfuse moves it back to v1: the native API sees it.
      await lf.prompt.update({ name: 'moved', version: 1, newLabels: ['production'] });
      const native = await t.call<ResponseOf<typeof nativePromptsResolve>>(
        'GET',
        '/v1/prompts/moved/resolve?label=production',
      );
      expect(native.body.version.number).toBe(1);
    });
  });
}
