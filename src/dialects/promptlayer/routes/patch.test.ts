// PATCH /rest/prompt-templates/{identifier}: every row of the seed's merge table and error table.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../../../test/support/stores.ts';
import { startTestApp, type ResponseOf, type TestApp } from '../../../../test/support/app.ts';
import type { BlockT, MessageT, TemplateT, ValidationErrorT } from '../responses.ts';
import type { schema as getRaw } from './get-raw.ts';
import type { schema as labelsList } from './labels-list.ts';
import type { schema as patchSchema } from './patch.ts';
import type { schema as publishSchema } from './publish.ts';

/** Bodies typed from the response schemas the routes declare. */
type PatchBody = ResponseOf<typeof patchSchema, 201>;
type ErrorBody = ResponseOf<typeof patchSchema, '4xx'>;
type PublishBody = ResponseOf<typeof publishSchema, 201>;
type GetRawBody = ResponseOf<typeof getRaw>;
type LabelsListBody = ResponseOf<typeof labelsList>;

/**
 * The template and metadata are free-form in the schema (PromptLayer's nested shapes, the
 * client's keys kept); these are the parts the tests read, viewed once here.
 */
type TemplateWire = TemplateT & {
  messages: MessageT[];
  content: BlockT[];
  tools: { function: { name: string } }[] | null;
  functions: unknown[] | null;
};
interface ModelWire {
  provider: string;
  name: string;
  parameters: Record<string, unknown>;
}
const tpl = (b: PatchBody) => b.prompt_template as TemplateWire;
const model = (b: PatchBody) => (b.metadata as { model: ModelWire }).model;

const msg = (role: string, text: string) => ({ role, content: [{ type: 'text', text }] });
let n = 0;

for (const backend of backends) {
  describe.skipIf(!backend.available)(`PromptLayer PATCH on ${backend.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp(backend);
    });
    afterAll(() => t?.close());

    async function publishChat(extra: Record<string, unknown> = {}) {
      const name = `patch-${++n}`;
      const res = await t.call<PublishBody>('POST', '/rest/prompt-templates', {
        auth: 'x-api-key',
        body: {
          prompt_template: { prompt_name: name },
          prompt_version: {
            prompt_template: {
              type: 'chat',
              messages: [msg('system', 'S'), msg('user', 'U {q}')],
              tools: [
                { type: 'function', function: { name: 'a' } },
                { type: 'function', function: { name: 'b' } },
              ],
              functions: [{ name: 'f' }],
              function_call: 'auto',
              tool_choice: 'auto',
            },
            metadata: {
              model: {
                provider: 'openai',
                name: 'gpt-4o',
                parameters: { temperature: 0.2, max_tokens: 100, response_format: { type: 'json_object' } },
              },
            },
            commit_message: 'v1',
          },
          ...extra,
        },
      });
      expect(res.status).toBe(201);
      return res.body;
    }
    /** `T`: the answer the test expects (the 201 body, or the error envelope). */
    const patch = <T = PatchBody>(id: string | number, body: unknown, key?: string | null) =>
      t.call<T>('PATCH', `/rest/prompt-templates/${encodeURIComponent(String(id))}`, {
        body,
        auth: 'x-api-key',
        key,
      });

    describe('merge table', () => {
      it('messages: object patches indices, array replaces; answers 201 with a new version', async () => {
        const p = await publishChat();
        const a = await patch(p.prompt_name, {
          messages: { '1': msg('user', 'new {x}') },
          commit_message: 'fix',
        });
        expect(a.status).toBe(201);
        expect(a.body).toMatchObject({ id: p.id, version_number: 2, commit_message: 'fix' });
        expect(tpl(a.body).messages.map((m) => m.content[0]!.text)).toEqual(['S', 'new {x}']);
        expect(tpl(a.body).input_variables).toEqual(['x']);
        const b = await patch(p.id, { messages: [msg('user', 'only')] });
        expect(b.body.version_number).toBe(3);
        expect(tpl(b.body).messages).toHaveLength(1);
      });
      it('tools and functions: index patch, array, null removes', async () => {
        const p = await publishChat();
        const a = await patch(p.id, { tools: { '1': { type: 'function', function: { name: 'z' } } } });
        expect(tpl(a.body).tools!.map((x) => x.function.name)).toEqual(['a', 'z']);
        expect(tpl((await patch(p.id, { tools: null })).body).tools).toBeNull();
        expect(tpl((await patch(p.id, { functions: [{ name: 'g' }] })).body).functions).toEqual([
          { name: 'g' },
        ]);
        expect(tpl((await patch(p.id, { functions: null })).body).functions).toBeNull();
      });
      it('function_call and tool_choice: replaced whole, null removes', async () => {
        const p = await publishChat();
        const a = await patch(p.id, { function_call: { name: 'f' }, tool_choice: 'required' });
        expect(a.body.prompt_template).toMatchObject({
          function_call: { name: 'f' },
          tool_choice: 'required',
        });
        const b = await patch(p.id, { function_call: null, tool_choice: null });
        expect(b.body.prompt_template).toMatchObject({ function_call: null, tool_choice: null });
      });
      it('content: patches a completion template', async () => {
        const name = `completion-${++n}`;
        await t.call<PublishBody>('POST', '/rest/prompt-templates', {
          body: {
            prompt_template: { prompt_name: name },
            prompt_version: {
              prompt_template: {
                type: 'completion',
                content: [
                  { type: 'text', text: 'A' },
                  { type: 'text', text: 'B' },
                ],
              },
            },
          },
        });
        const a = await patch(name, { content: { '0': { type: 'text', text: 'Z {v}' } } });
        expect(a.status).toBe(201);
        expect(tpl(a.body).content).toEqual([
          { type: 'text', text: 'Z {v}' },
          { type: 'text', text: 'B' },
        ]);
        expect(tpl(a.body).input_variables).toEqual(['v']);
      });
      it('model_parameters: shallow merge; response_format: replaced, null removes', async () => {
        const p = await publishChat();
        const a = await patch(p.id, { model_parameters: { temperature: 0.9 } });
        expect(model(a.body).parameters).toEqual({
          temperature: 0.9,
          max_tokens: 100,
          response_format: { type: 'json_object' },
        });
        const b = await patch(p.id, { response_format: { type: 'json_schema', json_schema: { name: 's' } } });
        expect(model(b.body).parameters.response_format).toEqual({
          type: 'json_schema',
          json_schema: { name: 's' },
        });
        const c = await patch(p.id, { response_format: null });
        expect(model(c.body).parameters).toEqual({ temperature: 0.9, max_tokens: 100 });
      });
      it('release_labels: created on, or moved to, the new version; base chosen by version or label', async () => {
        const p = await publishChat({ release_labels: ['prod'] });
        const a = await patch(p.id, { messages: { '0': msg('system', 'S2') }, release_labels: ['staging'] });
        expect(a.body.release_labels).toEqual(['staging']);
        const b = await patch(p.id, { label: 'prod', release_labels: ['prod'] });
        expect(b.body.version_number).toBe(3);
        expect(tpl(b.body).messages[0]!.content[0]!.text).toBe('S'); // built on v1, not v2
        const c = await patch(p.id, { version: 2 });
        expect(tpl(c.body).messages[0]!.content[0]!.text).toBe('S2');
        const labels = await t.call<LabelsListBody>('GET', `/prompt-templates/${p.id}/labels`);
        expect(labels.body.release_labels.map((l) => [l.release_label, l.prompt_version_number])).toEqual([
          ['prod', 3],
          ['staging', 2],
        ]);
      });
      it('tools as an array replace the list; functions as an object patch an index', async () => {
        const p = await publishChat();
        const a = await patch(p.id, {
          tools: [{ type: 'function', function: { name: 'only' } }],
          functions: { '0': { name: 'g', description: 'patched' } },
        });
        expect(a.status).toBe(201);
        expect(tpl(a.body).tools).toEqual([{ type: 'function', function: { name: 'only' } }]);
        expect(tpl(a.body).functions).toEqual([{ name: 'g', description: 'patched' }]);
        expect(tpl(a.body).messages).toHaveLength(2); // untouched
      });
      it('content as an array replaces the blocks of a completion template', async () => {
        const name = `completion-${++n}`;
        await t.call<PublishBody>('POST', '/rest/prompt-templates', {
          body: {
            prompt_template: { prompt_name: name },
            prompt_version: {
              prompt_template: {
                type: 'completion',
                content: [
                  { type: 'text', text: 'A' },
                  { type: 'text', text: 'B' },
                ],
              },
            },
          },
        });
        const a = await patch(name, { content: [{ type: 'text', text: 'only {z}' }] });
        expect(a.status).toBe(201);
        expect(a.body.prompt_template).toMatchObject({
          content: [{ type: 'text', text: 'only {z}' }],
          input_variables: ['z'],
        });
        for (const body of [
          { content: null },
          { content: { '2': { type: 'text', text: 'x' } } },
          { content: [{ type: 'text' }] },
        ]) {
          expect((await patch(name, body)).status, JSON.stringify(body)).toBe(400);
        }
      });
      it('model_parameters: a key set to null is removed, others are kept', async () => {
        const p = await publishChat();
        const a = await patch(p.id, { model_parameters: { max_tokens: null, top_p: 0.5 } });
        expect(a.status).toBe(201);
        expect(model(a.body)).toMatchObject({ provider: 'openai', name: 'gpt-4o' });
        expect(model(a.body).parameters).toEqual({
          temperature: 0.2,
          top_p: 0.5,
          response_format: { type: 'json_object' },
        });
      });
      it('an empty patch creates a copy of the base as a new version', async () => {
        const p = await publishChat();
        const a = await patch(p.id, {});
        expect(a.status).toBe(201);
        expect(a.body.version_number).toBe(2);
        expect(a.body.commit_message).toBeNull();
      });
    });

    describe('error table', () => {
      it.each([
        ['version and label both given', { version: 1, label: 'prod' }],
        [
          'response_format both top-level and in model_parameters',
          { response_format: null, model_parameters: { response_format: { type: 'text' } } },
        ],
        ['an out-of-bounds index', { messages: { '2': msg('user', 'x') } }],
        ['a negative index', { messages: { '-1': msg('user', 'x') } }],
        ['content on a chat template', { content: [{ type: 'text', text: 'x' }] }],
        ['null messages', { messages: null }],
        ['a merged message without a role', { messages: { '0': { content: 'x' } } }],
        [
          'an index equal to the length (no append)',
          { tools: { '2': { type: 'function', function: { name: 'c' } } } },
        ],
        ['a non-canonical index', { messages: { '01': msg('user', 'x') } }],
        ['a merged message with an unknown role', { messages: { '0': msg('wizard', 'x') } }],
        ['a merged message whose content is a number', { messages: { '1': { role: 'user', content: 5 } } }],
        ['a merged tool message without tool_call_id', { messages: [msg('tool', 'x')] }],
        ['a replacement tool without a function name', { tools: [{ type: 'function', function: {} }] }],
        ['an index-patched function without a name', { functions: { '0': { description: 'd' } } }],
        ['model_parameters: null', { model_parameters: null }],
        ['messages emptied by a full replacement', { messages: [] }],
      ])('400 for %s, and no version is created', async (_n, body) => {
        const p = await publishChat();
        const res = await patch<ErrorBody>(p.id, body);
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({ success: false, message: expect.any(String) });
        const got = await t.call<GetRawBody>('GET', `/prompt-templates/${p.id}`);
        expect(got.body.version).toBe(1);
      });
      it('400 for chat-only fields on a completion template', async () => {
        const name = `completion-${++n}`;
        await t.call<PublishBody>('POST', '/rest/prompt-templates', {
          body: {
            prompt_template: { prompt_name: name },
            prompt_version: { prompt_template: { type: 'completion', content: [] } },
          },
        });
        for (const f of ['messages', 'tools', 'functions', 'function_call', 'tool_choice']) {
          expect((await patch(name, { [f]: null })).status).toBe(400);
        }
      });
      it('400 for model_parameters on a base without metadata.model', async () => {
        const name = `nomodel-${++n}`;
        await t.call<PublishBody>('POST', '/rest/prompt-templates', {
          body: {
            prompt_template: { prompt_name: name },
            prompt_version: { prompt_template: { type: 'chat', messages: [msg('user', 'x')] } },
          },
        });
        expect((await patch(name, { model_parameters: { temperature: 1 } })).status).toBe(400);
      });
      it('404 for an unknown template, version or label', async () => {
        const p = await publishChat();
        for (const [id, body] of [
          ['no-such-template', {}],
          [p.id, { version: 9 }],
          [p.id, { label: 'nope' }],
        ] as const) {
          const res = await patch<ErrorBody>(id, body);
          expect(res.status).toBe(404);
          expect(res.body.success).toBe(false);
        }
      });
      it('422 with a detail list for a malformed body', async () => {
        const p = await publishChat();
        for (const body of [
          { version: 0 },
          { messages: 'x' },
          { commit_message: 'x'.repeat(73) },
          '{"messages": ',
        ]) {
          const res = await patch<ValidationErrorT>(p.id, body);
          expect(res.status).toBe(422);
          expect(res.body.detail[0]).toMatchObject({
            loc: expect.any(Array),
            msg: expect.any(String),
            type: expect.any(String),
          });
        }
      });
      it('422 when a patched message references a missing snippet', async () => {
        const p = await publishChat();
        const res = await patch(p.id, { messages: { '0': msg('system', '@@@missing-snippet@@@') } });
        expect(res.status).toBe(422);
      });
    });

    describe('security', () => {
      it('401 without a key or with a wrong key, 403 for a viewer, 404 from another workspace', async () => {
        const p = await publishChat();
        expect((await patch(p.id, {}, null)).status).toBe(401);
        const wrong = await patch<ErrorBody>(p.id, {}, 'lec_wrong');
        expect(wrong.status).toBe(401);
        expect(wrong.body.success).toBe(false);
        expect((await patch(p.id, {}, t.keys.viewer)).status).toBe(403);
        expect((await patch(p.id, {}, t.keys.otherEditor)).status).toBe(404);
      });
    });
  });
}
