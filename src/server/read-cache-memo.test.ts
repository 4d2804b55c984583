// The read cache's memo of look-ups for the render routes (PromptLayer get with input_variables,
// native render): a render after a write never sees the version, label or snippet as they were.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../test/support/stores.ts';
import { startTestApp, type TestApp, type ResponseOf } from '../../test/support/app.ts';
import { publicKeyOf } from '../registry/keys.ts';
import type { schema as keywordsaiPromptsCreate } from '../dialects/keywordsai/routes/prompts-create.ts';
import type { schema as langfuseCreate } from '../dialects/langfuse/routes/create.ts';
import type { schema as nativePromptsGet } from '../dialects/native/routes/prompts-get.ts';
import type { schema as nativeRenderPrompt } from '../dialects/native/routes/render-prompt.ts';
import type { schema as promptlayerPublish } from '../dialects/promptlayer/routes/publish.ts';
import type { schema as promptlayerGetRendered } from '../dialects/promptlayer/routes/get-rendered.ts';

const text = (s: string) => [{ type: 'text', text: s }];

for (const backend of backends) {
  describe.skipIf(!backend.available)(`memoised render look-ups on ${backend.name}`, () => {
    let t: TestApp;
    const pub = (name: string, content: string, extra: Record<string, unknown> = {}, labels: string[] = []) =>
      t.call<ResponseOf<typeof promptlayerPublish, 201>>('POST', '/rest/prompt-templates', {
        body: {
          prompt_template: { prompt_name: name, ...extra },
          prompt_version: { prompt_template: { type: 'completion', content: text(content) } },
          release_labels: labels,
        },
      });
    beforeAll(async () => {
      t = await startTestApp(backend);
    });
    afterAll(() => t?.close());

    it('renders the new version, label target and snippet text right after each write', async () => {
      expect((await pub('memo-snip', 'S1', { is_snippet: true })).status).toBe(201);
      expect((await pub('memo', 'v1 {x} @@@memo-snip@@@', {}, ['prod'])).status).toBe(201);
      const plText = async (body: Record<string, unknown>) => {
        const r = await t.call<ResponseOf<typeof promptlayerGetRendered>>('POST', '/prompt-templates/memo', {
          body: { input_variables: { x: 'X' }, ...body },
        });
        expect(r.status, JSON.stringify(r.body)).toBe(200);
        return r.body.prompt_template.content![0]!.text!;
      };
      const nativeText = async (body: Record<string, unknown>) => {
        const r = await t.call<ResponseOf<typeof nativeRenderPrompt>>('POST', '/v1/prompts/memo/render', {
          body: { variables: { x: 'X' }, mode: 'lenient', ...body },
        });
        expect(r.status, JSON.stringify(r.body)).toBe(200);
        const content = r.body.content;
        if (!Array.isArray(content)) throw new Error(`not content blocks: ${r.raw}`);
        return content[0]!.text!;
      };
      for (let i = 0; i < 2; i++) {
        expect(await plText({})).toBe('v1 X S1');
        expect(await plText({ label: 'prod' })).toBe('v1 X S1');
        expect(await nativeText({})).toContain('v1 X');
      }
      expect((await pub('memo', 'v2 {x} @@@memo-snip@@@')).status).toBe(201);
      expect(await plText({})).toBe('v2 X S1');
      expect(await plText({ label: 'prod' })).toBe('v1 X S1');
      expect(await nativeText({})).toContain('v2 X');
      expect((await t.call('PUT', '/v1/prompts/memo/labels/prod', { body: { version: 2 } })).status).toBe(
        200,
      );
      expect(await plText({ label: 'prod' })).toBe('v2 X S1');
      expect(await nativeText({ label: 'prod' })).toContain('v2 X');
      expect((await pub('memo-snip', 'S2')).status).toBe(201);
      expect(await plText({})).toBe('v2 X S2');
    });

    it('a new version written through each API is what the next render renders, through both render APIs', async () => {
      const pk = publicKeyOf((await t.registry.authenticate(t.keys.editor))!.keyId);
      const basic = { authorization: `Basic ${Buffer.from(`${pk}:${t.keys.editor}`).toString('base64')}` };
      const chat = (s: string) => [{ role: 'user', content: s }];
      // Each API's own create and new-version writes, a chat prompt whose text reads variable x.
      const writers: Record<string, (name: string, n: number) => Promise<{ status: number; raw: string }>> = {
        native: (name, n) =>
          n === 1
            ? t.call('POST', '/v1/prompts', { body: { name, version: { messages: chat('v1 {{x}}') } } })
            : t.call('POST', `/v1/prompts/${name}/versions`, { body: { messages: chat(`v${n} {{x}}`) } }),
        promptlayer: (name, n) =>
          t.call<ResponseOf<typeof promptlayerPublish, 201>>('POST', '/rest/prompt-templates', {
            body: {
              prompt_template: { prompt_name: name },
              prompt_version: {
                prompt_template: { type: 'chat', messages: [{ role: 'user', content: text(`v${n} {x}`) }] },
              },
            },
          }),
        keywordsai: async (name, n) => {
          const id =
            n === 1
              ? (
                  await t.call<ResponseOf<typeof keywordsaiPromptsCreate, 201>>('POST', '/api/prompts/', {
                    body: { name },
                  })
                ).body.prompt_id
              : (
                  await t.call<ResponseOf<typeof nativePromptsGet>>('GET', `/v1/prompts/${name}`)
                ).body.prompt.id.replace(/-/g, '');
          return t.call('POST', `/api/prompts/${id}/versions/`, {
            body: { messages: chat(`v${n} {{ x }}`), model: 'gpt-4o-mini' },
          });
        },
        nemo: (name, n) =>
          n === 1
            ? t.call('POST', '/apis/models/v2/workspaces/default/prompts', {
                body: { name, messages: chat('v1 {{ x }}'), input_variables: ['x'] },
              })
            : t.call('PUT', `/apis/models/v2/workspaces/default/prompts/${name}`, {
                body: { messages: chat(`v${n} {{ x }}`) },
              }),
        langfuse: (name, n) =>
          t.call<ResponseOf<typeof langfuseCreate, 201>>('POST', '/api/public/v2/prompts', {
            key: null,
            headers: basic,
            body: { name, type: 'chat', prompt: chat(`v${n} {{x}}`) },
          }),
      };
      const renders = async (name: string) => {
        const pl = await t.call<ResponseOf<typeof promptlayerGetRendered>>(
          'POST',
          `/prompt-templates/${name}`,
          {
            body: { input_variables: { x: 'X' } },
          },
        );
        expect(pl.status, pl.raw).toBe(200);
        const native = await t.call<ResponseOf<typeof nativeRenderPrompt>>(
          'POST',
          `/v1/prompts/${name}/render`,
          {
            body: { variables: { x: 'X' }, mode: 'lenient' },
          },
        );
        expect(native.status, native.raw).toBe(200);
        return [JSON.stringify(pl.body.prompt_template.messages), JSON.stringify(native.body.messages)];
      };
      for (const [api, write] of Object.entries(writers)) {
        const name = `memo-via-${api}`;
        const first = await write(name, 1);
        expect(first.status, `${api}: ${first.raw}`).toBeLessThan(300);
        for (let i = 0; i < 2; i++) for (const r of await renders(name)) expect(r, api).toContain('v1 X');
        for (const n of [2, 3]) {
          const w = await write(name, n);
          expect(w.status, `${api}: ${w.raw}`).toBeLessThan(300);
          for (const r of await renders(name)) {
            expect(r, `${api} after writing v${n}`).toContain(`v${n} X`);
            expect(r, api).not.toContain(`v${n - 1} X`);
          }
        }
      }
    });
  });
}
