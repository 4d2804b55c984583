// The official `promptlayer` npm SDK against a real listening Lectern, and one store seen through
// both the PromptLayer dialect and the native API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PromptLayer } from 'promptlayer';
import { backends } from '../../../../test/support/stores.ts';
import { startTestApp, type TestApp, type ResponseOf } from '../../../../test/support/app.ts';
import type { schema as getRaw } from './get-raw.ts';
import type { schema as getRendered } from './get-rendered.ts';
import type { schema as labelsList } from './labels-list.ts';
import type { schema as nativePromptsCreate } from '../../native/routes/prompts-create.ts';
import type { schema as nativePromptsGet } from '../../native/routes/prompts-get.ts';
import type { schema as publish } from './publish.ts';

for (const backend of backends) {
  describe.skipIf(!backend.available)(`PromptLayer SDK and cross-dialect on ${backend.name}`, () => {
    let t: TestApp;
    let pl: InstanceType<typeof PromptLayer>;
    beforeAll(async () => {
      t = await startTestApp(backend);
      const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
      pl = new PromptLayer({ apiKey: t.keys.editor, baseURL: address, throwOnError: true });
    });
    afterAll(() => t?.close());

    it('publishes, gets by version, by label and with variables, and lists through the SDK', async () => {
      const v1 = await pl.templates.publish({
        prompt_name: 'sdk-greeting',
        prompt_template: {
          type: 'chat',
          input_variables: [],
          messages: [
            {
              role: 'system',
              input_variables: [],
              template_format: 'f-string',
              content: [{ type: 'text', text: 'Be brief.' }],
            },
            {
              role: 'user',
              input_variables: [],
              template_format: 'f-string',
              content: [{ type: 'text', text: 'Hello {name}, {mood}?' }],
            },
          ],
        },
        commit_message: 'first',
        metadata: { model: { provider: 'openai', name: 'gpt-4o', parameters: { temperature: 0.3 } } },
        tags: ['sdk'],
        release_labels: ['prod'],
      } as never);
      expect(v1).toMatchObject({ prompt_name: 'sdk-greeting', version_number: 1, release_labels: ['prod'] });
      await pl.templates.publish({
        prompt_name: 'sdk-greeting',
        prompt_template: {
          type: 'chat',
          input_variables: [],
          messages: [
            {
              role: 'user',
              input_variables: [],
              template_format: 'jinja2',
              content: [{ type: 'text', text: 'Hi {{ name }}' }],
            },
          ],
        },
      } as never);

      const byVersion = await pl.templates.get('sdk-greeting', { version: 1 });
      expect(byVersion!.version).toBe(1);
      const byLabel = await pl.templates.get('sdk-greeting', {
        label: 'prod',
        input_variables: { name: 'Ada' },
      });
      expect(byLabel!.version).toBe(1);
      const texts = (
        byLabel!.prompt_template as { messages: { content: { text: string }[] }[] }
      ).messages.map((m) => m.content[0]!.text);
      expect(texts).toEqual(['Be brief.', 'Hello Ada, ?']);
      expect(byLabel!.llm_kwargs).toMatchObject({ model: 'gpt-4o', temperature: 0.3 });
      expect((byLabel as unknown as { warning: string }).warning).toContain('mood');
      const latest = await pl.templates.get('sdk-greeting', { input_variables: { name: 'Bo' } });
      expect(latest!.version).toBe(2);
      expect(
        (latest!.prompt_template as { messages: { content: { text: string }[] }[] }).messages[0]!.content[0]!
          .text,
      ).toBe('Hi Bo');

      const all = await pl.templates.all({ page: 1, per_page: 10 });
      expect(all.map((i) => i.prompt_name)).toContain('sdk-greeting');
    });

    it('a template published here is the same prompt, versions and labels natively', async () => {
      const pub = await t.call<ResponseOf<typeof publish, 201>>('POST', '/rest/prompt-templates', {
        body: {
          prompt_template: { prompt_name: 'team/cross', tags: ['x'] },
          prompt_version: {
            prompt_template: {
              type: 'chat',
              messages: [{ role: 'user', content: [{ type: 'text', text: 'q {a}' }] }],
            },
          },
          release_labels: ['production'],
        },
      });
      await t.call('PATCH', `/rest/prompt-templates/${encodeURIComponent('team/cross')}`, {
        body: { release_labels: ['staging'] },
      });
      const native = await t.call<ResponseOf<typeof nativePromptsGet>>('GET', `/v1/prompts/${pub.body.id}`);
      expect(native.status).toBe(200);
      expect(native.body.prompt).toMatchObject({ name: 'team/cross', seq: pub.body.id, tags: ['x'] });
      expect(native.body.labels.map((l: { name: string }) => l.name).sort()).toEqual([
        'production',
        'staging',
      ]);
      const { items } = await t.registry.listVersions(
        (await t.registry.authenticate(t.keys.editor))!,
        { seq: pub.body.id },
        { limit: 10, offset: 0, order: 'asc' },
      );
      expect(items.map((v) => [v.number, v.seq, v.labels])).toEqual([
        [1, pub.body.prompt_version_id, ['production']],
        [2, expect.any(Number), ['staging']],
      ]);
      expect(items[0]!.inputVariables).toEqual(['a']);
    });

    it('a prompt created natively is visible here with stable integer ids', async () => {
      const created = await t.call<ResponseOf<typeof nativePromptsCreate, 201>>('POST', '/v1/prompts', {
        body: {
          name: 'native-made',
          version: {
            messages: [{ role: 'user', content: 'Hi {{name}}' }],
            model: 'gpt-4o',
            provider: 'openai',
          },
          labels: ['production'],
        },
      });
      expect(created.status).toBe(201);
      const seq = created.body.prompt.seq;
      for (const id of [String(seq), 'native-made']) {
        const got = await t.call<ResponseOf<typeof getRaw>>('GET', `/prompt-templates/${id}`, {
          auth: 'x-api-key',
        });
        expect(got.status).toBe(200);
        expect(got.body).toMatchObject({ id: seq, prompt_name: 'native-made', version: 1 });
        expect(got.body.prompt_template.messages![0]!.content).toEqual([
          { type: 'text', text: 'Hi {{name}}' },
        ]);
      }
      const rendered = await t.call<ResponseOf<typeof getRendered>>('POST', `/prompt-templates/native-made`, {
        body: { label: 'production', input_variables: { name: 'Ada' } },
      });
      expect(rendered.body.prompt_template.messages![0]!.content[0]!.text).toBe('Hi Ada');
      const labels = await t.call<ResponseOf<typeof labelsList>>('GET', `/prompt-templates/${seq}/labels`);
      expect(labels.body.release_labels[0]).toMatchObject({
        release_label: 'production',
        prompt_version_number: 1,
      });
      const again = await t.call<ResponseOf<typeof getRaw>>('GET', `/prompt-templates/native-made`);
      expect(again.body.id).toBe(seq);
      expect(again.body.prompt_version_id).toBe(labels.body.release_labels[0]?.prompt_version_id);
    });
  });
}
