// Get, list, labels, snippets and delete: happy paths, errors and security.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../../../test/support/stores.ts';
import { startTestApp, type ResponseOf, type TestApp } from '../../../../test/support/app.ts';
import type { ValidationErrorT } from '../responses.ts';
import type { schema as entitiesDelete } from './entities-delete.ts';
import type { schema as getRaw } from './get-raw.ts';
import type { schema as getRendered } from './get-rendered.ts';
import type { schema as labelsCreate } from './labels-create.ts';
import type { schema as labelsDelete } from './labels-delete.ts';
import type { schema as labelsMove } from './labels-move.ts';
import type { schema as listSchema } from './list.ts';
import type { schema as publishSchema } from './publish.ts';
import type { schema as snippetUsage } from './snippet-usage.ts';

/** Bodies typed from the response schemas the routes declare. */
type PublishBody = ResponseOf<typeof publishSchema, 201>;
type GetRawBody = ResponseOf<typeof getRaw>;
type RenderedBody = ResponseOf<typeof getRendered>;
type ListBody = ResponseOf<typeof listSchema>;
type SnippetUsageBody = ResponseOf<typeof snippetUsage>;
type EntitiesDeleteBody = ResponseOf<typeof entitiesDelete>;
type LabelsCreateBody = ResponseOf<typeof labelsCreate>;
type LabelsMoveBody = ResponseOf<typeof labelsMove>;
type LabelsDeleteBody = ResponseOf<typeof labelsDelete, 204>;
type ErrorBody = ResponseOf<typeof publishSchema, '4xx'>;

/** The template is free-form in the schema (the client's keys kept): the part these tests read. */
const messagesOf = (template: unknown) =>
  (template as { messages: { content: { text: string }[] }[] }).messages;

const text = (s: string) => [{ type: 'text', text: s }];

for (const backend of backends) {
  describe.skipIf(!backend.available)(`PromptLayer endpoints on ${backend.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp(backend);
    });
    afterAll(() => t?.close());
    /** `T`: the answer the test expects (the 201 body, or the error envelope). */
    const publish = <T = PublishBody>(
      name: string,
      template: unknown,
      extra: Record<string, unknown> = {},
      top: Record<string, unknown> = {},
    ) =>
      t.call<T>('POST', '/rest/prompt-templates', {
        body: {
          prompt_template: { prompt_name: name, ...extra },
          prompt_version: { prompt_template: template },
          ...top,
        },
      });

    describe('snippets', () => {
      it('resolves tags recursively, by version and label, and reports them', async () => {
        expect(
          (await publish('inner', { type: 'completion', content: text('INNER') }, { is_snippet: true }))
            .status,
        ).toBe(201);
        await publish(
          'outer',
          { type: 'completion', content: text('[@@@inner@@@]') },
          { is_snippet: true },
          { release_labels: ['prod'] },
        );
        await publish('outer', { type: 'completion', content: text('v2') });
        const p = await publish('uses', {
          type: 'chat',
          messages: [
            { role: 'system', content: text('a @@@outer@label:prod@@@ b @@@outer@version_number:2@@@ {x}') },
          ],
        });
        expect(p.status).toBe(201);
        const got = await t.call<GetRawBody>('GET', '/prompt-templates/uses');
        expect(messagesOf(got.body.prompt_template)[0]!.content[0]!.text).toBe('a [INNER] b v2 {x}');
        expect(got.body.snippets).toEqual(
          expect.arrayContaining([
            { prompt_name: 'outer', version: 1, label: 'prod' },
            { prompt_name: 'outer', version: 2, label: null },
            { prompt_name: 'inner', version: 1, label: null },
          ]),
        );
        const raw = await t.call<GetRawBody>('GET', '/prompt-templates/uses?resolve_snippets=false');
        expect(messagesOf(raw.body.prompt_template)[0]!.content[0]!.text).toContain('@@@outer@label:prod@@@');
        const usage = await t.call<SnippetUsageBody>('GET', '/prompt-templates/outer/snippet-usage');
        expect(usage.body).toMatchObject({ snippet_name: 'outer', total_prompts_using_snippet: 1 });
        // snippet_usage is free-form in the schema: its first entry compared as toMatchObject would.
        expect(usage.body).toHaveProperty(
          ['snippet_usage', 0],
          expect.objectContaining({ prompt_name: 'uses', version_numbers: [1] }),
        );
        const listed = await t.call<ListBody>('GET', '/prompt-templates?is_snippet=true');
        expect(listed.body.items.map((i) => i.prompt_name).sort()).toEqual(['inner', 'outer']);
      });
      it('refuses a missing snippet or a cycle with 422', async () => {
        const miss = await publish<ValidationErrorT>('bad', {
          type: 'completion',
          content: text('@@@nowhere@@@'),
        });
        expect(miss.status).toBe(422);
        expect(miss.body.detail[0]!.msg).toContain('nowhere');
        await publish('cyc-a', { type: 'completion', content: text('A') });
        await publish('cyc-b', { type: 'completion', content: text('@@@cyc-a@@@') });
        const cyc = await publish<ValidationErrorT>('cyc-a', {
          type: 'completion',
          content: text('@@@cyc-b@@@'),
        });
        expect(cyc.status).toBe(422);
        expect(cyc.body.detail[0]!.msg).toContain('circular');
      });
    });

    describe('get and list', () => {
      it('renders jinja2 and f-string per message, skips rendering on request, builds Anthropic kwargs', async () => {
        await publish(
          'render-me',
          {
            type: 'chat',
            messages: [
              {
                role: 'system',
                template_format: 'jinja2',
                content: text('{{ who }} {% if n %}n={{ n }}{% endif %}'),
              },
              { role: 'user', content: text('f {who}') },
            ],
          },
          {},
          {},
        );
        const r = await t.call<RenderedBody>('POST', '/prompt-templates/render-me', {
          body: { input_variables: { who: 'W', n: 2 }, provider: 'anthropic', api_key: 'ignored' },
        });
        expect(r.status).toBe(200);
        expect(messagesOf(r.body.prompt_template).map((m) => m.content[0]!.text)).toEqual(['W n=2', 'f W']);
        expect(r.body.llm_kwargs).toMatchObject({
          system: 'W n=2',
          messages: [{ role: 'user', content: text('f W') }],
          max_tokens: 1024,
        });
        const skip = await t.call<RenderedBody>('POST', '/prompt-templates/render-me', {
          body: {
            input_variables: { who: 'W' },
            skip_input_variable_rendering: true,
            provider: 'openai',
            model_parameter_overrides: { maxOutputTokens: 5 },
          },
        });
        expect(skip.body.llm_kwargs).toMatchObject({
          messages: [
            { role: 'system', content: '{{ who }} {% if n %}n={{ n }}{% endif %}' },
            { role: 'user', content: text('f {who}') },
          ],
          max_completion_tokens: 5,
        });
        expect(skip.body.warning).toBeNull();
      });
      it('lists with the pagination envelope, filters, label selection and deleted status', async () => {
        for (const n of ['l-one', 'l-two', 'l-three'])
          await publish(n, { type: 'completion', content: text(n) }, { tags: ['list', n] });
        await publish(
          'l-one',
          { type: 'completion', content: text('l-one v2') },
          {},
          { release_labels: ['rel'] },
        );
        await publish('l-one', { type: 'completion', content: text('l-one v3') });
        const page = await t.call<ListBody>(
          'GET',
          '/prompt-templates?tags=list&per_page=2&page=1&sort_by=name&sort_order=asc',
        );
        expect(page.body).toMatchObject({
          page: 1,
          per_page: 2,
          pages: 2,
          total: 3,
          has_next: true,
          has_prev: false,
          next_num: 2,
          prev_num: null,
        });
        expect(page.body.items.map((i) => i.prompt_name)).toEqual(['l-one', 'l-three']);
        const labelled = await t.call<ListBody>('GET', '/prompt-templates?label=rel');
        expect(labelled.body.items).toHaveLength(1);
        expect(labelled.body.items[0]).toMatchObject({ prompt_name: 'l-one', version: 2 });
        expect(
          (await t.call<ListBody>('GET', '/prompt-templates?name=L-T')).body.items
            .map((i) => i.prompt_name)
            .sort(),
        ).toEqual(['l-three', 'l-two']);
        const id = page.body.items[1]!.id;
        const del = await t.call<EntitiesDeleteBody>('DELETE', '/api/public/v2/folders/entities', {
          body: { entities: [{ id, type: 'PROMPT' }] },
        });
        expect(del.body).toMatchObject({ moved_count: 1 });
        expect((await t.call<GetRawBody>('GET', `/prompt-templates/${id}`)).status).toBe(404);
        expect(
          (await t.call<ListBody>('GET', '/prompt-templates?status=deleted&tags=list')).body.items.map(
            (i: { id: number }) => i.id,
          ),
        ).toEqual([id]);
        expect((await t.call<ListBody>('GET', '/prompt-templates?status=all&tags=list')).body.total).toBe(3);
        expect(
          (
            await t.call<EntitiesDeleteBody>('DELETE', '/api/public/v2/folders/entities', {
              body: { entities: [{ id: 999999, type: 'PROMPT' }] },
            })
          ).status,
        ).toBe(404);
      });
      it('errors: version and label together on GET is 400, unknown is 404, bad query is 422', async () => {
        await publish('err-me', { type: 'completion', content: text('x') });
        expect((await t.call<GetRawBody>('GET', '/prompt-templates/err-me?version=1&label=x')).status).toBe(
          400,
        );
        const nf = await t.call<ErrorBody>('GET', '/prompt-templates/err-me?version=7');
        expect(nf.status).toBe(404);
        expect(nf.body).toMatchObject({ success: false });
        expect((await t.call<ErrorBody>('POST', '/prompt-templates/nope', { body: {} })).status).toBe(404);
        expect((await t.call<ListBody>('GET', '/prompt-templates?per_page=abc')).status).toBe(422);
        const pub = await t.call<ValidationErrorT>('POST', '/rest/prompt-templates', {
          body: { prompt_template: {}, prompt_version: {} },
        });
        expect(pub.status).toBe(422);
        expect(pub.body.detail.map((d) => d.loc.join('.'))).toContain('body.prompt_template.prompt_name');
      });
    });

    describe('labels', () => {
      it('creates, conflicts, moves and deletes labels', async () => {
        const p = await publish('lab', { type: 'completion', content: text('1') });
        await publish('lab', { type: 'completion', content: text('2') });
        const c = await t.call<LabelsCreateBody>('POST', `/prompts/${p.body.id}/label`, {
          body: { name: 'qa', prompt_version_number: 1 },
        });
        expect(c.status).toBe(200);
        expect(c.body).toMatchObject({
          name: 'qa',
          prompt_id: p.body.id,
          prompt_version_id: p.body.prompt_version_id,
        });
        expect(
          (
            await t.call<LabelsCreateBody>('POST', `/prompts/${p.body.id}/label`, {
              body: { name: 'qa', prompt_version_number: 2 },
            })
          ).status,
        ).toBe(409);
        const m = await t.call<LabelsMoveBody>('PATCH', `/prompt-labels/${c.body.id}`, {
          body: { prompt_version_number: 2 },
        });
        expect(m.status).toBe(200);
        expect(
          (await t.call<RenderedBody>('POST', '/prompt-templates/lab', { body: { label: 'qa' } })).body
            .version,
        ).toBe(2);
        expect((await t.call<LabelsDeleteBody>('DELETE', `/prompt-labels/${c.body.id}`)).status).toBe(204);
        expect((await t.call<LabelsDeleteBody>('DELETE', `/prompt-labels/${c.body.id}`)).status).toBe(404);
        expect((await t.call<ErrorBody>('PATCH', `/prompt-labels/${c.body.id}`, { body: {} })).status).toBe(
          422,
        );
      });
    });

    describe('security', () => {
      it('401 without or with a bad key, 403 for viewers writing, 404 across workspaces', async () => {
        await publish('sec', { type: 'completion', content: text('s') });
        const none = await t.call<ErrorBody>('GET', '/prompt-templates', { key: null });
        expect(none.status).toBe(401);
        expect(none.body.success).toBe(false);
        expect(
          (await t.call<GetRawBody>('GET', '/prompt-templates/sec', { key: 'nope', auth: 'x-api-key' }))
            .status,
        ).toBe(401);
        expect(
          (
            await t.call<GetRawBody>('GET', '/prompt-templates/sec', {
              key: t.keys.viewer,
              auth: 'x-api-key',
            })
          ).status,
        ).toBe(200);
        const viewerPub = await t.call<ErrorBody>('POST', '/rest/prompt-templates', {
          key: t.keys.viewer,
          body: {
            prompt_template: { prompt_name: 'v' },
            prompt_version: { prompt_template: { type: 'completion', content: [] } },
          },
        });
        expect(viewerPub.status).toBe(403);
        expect(
          (await t.call<GetRawBody>('GET', '/prompt-templates/sec', { key: t.keys.otherViewer })).status,
        ).toBe(404);
        expect(
          (await t.call<ListBody>('GET', '/prompt-templates', { key: t.keys.otherViewer })).body.items.map(
            (i: { prompt_name: string }) => i.prompt_name,
          ),
        ).not.toContain('sec');
      });
    });
  });
}
