// POST /rest/prompt-templates: the response shape, and the blueprint's per-role rules as 422 lists.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../../../test/support/stores.ts';
import { startTestApp, type ResponseOf, type TestApp } from '../../../../test/support/app.ts';
import type { ValidationErrorT } from '../responses.ts';
import type { schema as getRaw } from './get-raw.ts';
import type { schema as publishSchema } from './publish.ts';

/** Bodies typed from the response schemas the routes declare. */
type PublishBody = ResponseOf<typeof publishSchema, 201>;
type GetRawBody = ResponseOf<typeof getRaw>;

const text = (s: string) => [{ type: 'text', text: s }];

for (const backend of backends) {
  describe.skipIf(!backend.available)(`PromptLayer publish on ${backend.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp(backend);
    });
    afterAll(() => t?.close());
    let n = 0;
    /** `T`: the answer the test expects (the 201 body, or the 422 envelope). */
    const publish = <T = PublishBody>(
      template: unknown,
      pv: Record<string, unknown> = {},
      top: Record<string, unknown> = {},
    ) =>
      t.call<T>('POST', '/rest/prompt-templates', {
        auth: 'x-api-key',
        body: {
          prompt_template: { prompt_name: `pub-${++n}`, tags: ['a'] },
          prompt_version: { prompt_template: template, ...pv },
          ...top,
        },
      });

    it('answers 201 with every field of CreatePromptTemplateResponse', async () => {
      const res = await publish(
        {
          type: 'chat',
          messages: [
            { role: 'system', content: text('S {a}') },
            {
              role: 'assistant',
              content: null,
              tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }],
            },
            { role: 'tool', content: text('r'), tool_call_id: 'c' },
            { role: 'placeholder', name: 'history' },
            { role: 'user', content: text('U {{ b }}'), template_format: 'jinja2' },
          ],
          tools: [{ type: 'function', function: { name: 'f' } }],
        },
        {
          commit_message: 'c'.repeat(72),
          metadata: {
            model: { provider: 'openai', name: 'gpt-4o', parameters: { temperature: 0.1 } },
            team: 'x',
          },
        },
        { release_labels: ['prod'], external_ids: [], snippet_overrides: {} },
      );
      expect(res.status).toBe(201);
      expect(Object.keys(res.body).sort()).toEqual(
        [
          'commit_message',
          'external_ids',
          'id',
          'metadata',
          'prompt_name',
          'prompt_template',
          'prompt_version_id',
          'release_labels',
          'tags',
          'version_number',
        ].sort(),
      );
      expect(res.body).toMatchObject({
        version_number: 1,
        tags: ['a'],
        release_labels: ['prod'],
        commit_message: 'c'.repeat(72),
        external_ids: [],
        metadata: {
          team: 'x',
          model: { provider: 'openai', name: 'gpt-4o', parameters: { temperature: 0.1 } },
        },
      });
      // The template is free-form in the schema: its field compared by value, as toEqual does.
      expect(res.body.prompt_template).toHaveProperty('input_variables', ['a', 'b']);
    });

    it.each([
      [
        'an unknown role',
        { type: 'chat', messages: [{ role: 'wizard', content: text('x') }] },
        ['messages', 0, 'role'],
        'union_tag_invalid',
      ],
      [
        'a message without a role',
        { type: 'chat', messages: [{ content: text('x') }] },
        ['messages', 0, 'role'],
        'missing',
      ],
      [
        'a user message without content',
        { type: 'chat', messages: [{ role: 'user' }] },
        ['messages', 0, 'content'],
        'missing',
      ],
      [
        'content that is a number',
        { type: 'chat', messages: [{ role: 'user', content: 7 }] },
        ['messages', 0, 'content'],
        'list_type',
      ],
      [
        'a block without a type',
        { type: 'chat', messages: [{ role: 'user', content: [{ text: 'x' }] }] },
        ['messages', 0, 'content', 0, 'type'],
        'missing',
      ],
      [
        'a text block without text',
        { type: 'chat', messages: [{ role: 'user', content: [{ type: 'text' }] }] },
        ['messages', 0, 'content', 0, 'text'],
        'string_type',
      ],
      [
        'a bad template_format',
        { type: 'chat', messages: [{ role: 'user', content: text('x'), template_format: 'mustache' }] },
        ['messages', 0, 'template_format'],
        'literal_error',
      ],
      [
        'a tool message without tool_call_id',
        { type: 'chat', messages: [{ role: 'tool', content: text('x') }] },
        ['messages', 0, 'tool_call_id'],
        'missing',
      ],
      [
        'a placeholder without a name',
        { type: 'chat', messages: [{ role: 'placeholder' }] },
        ['messages', 0, 'name'],
        'missing',
      ],
      [
        'a function tool without a name',
        { type: 'chat', messages: [], tools: [{ type: 'function', function: {} }] },
        ['tools', 0, 'function', 'name'],
        'missing',
      ],
      [
        'a function without a name',
        { type: 'chat', messages: [], functions: [{ description: 'd' }] },
        ['functions', 0, 'name'],
        'missing',
      ],
      [
        'a completion block that is a string',
        { type: 'completion', content: ['x'] },
        ['content', 0],
        'model_type',
      ],
    ])('422 for %s, at its location, and nothing is written', async (_what, template, path, type) => {
      const res = await publish<ValidationErrorT>(template);
      expect(res.status).toBe(422);
      expect(res.body.detail[0]).toMatchObject({
        loc: ['body', 'prompt_version', 'prompt_template', ...path],
        type: type ?? expect.any(String), // null: the schema's own check, with Ajv's keyword
        msg: expect.any(String),
      });
      expect((await t.call<GetRawBody>('GET', `/prompt-templates/pub-${n}`)).status).toBe(404);
    });

    it('422 for a commit message over 72 characters', async () => {
      const res = await publish<ValidationErrorT>(
        { type: 'completion', content: text('x') },
        { commit_message: 'c'.repeat(73) },
      );
      expect(res.status).toBe(422);
      expect(res.body.detail[0]!.loc).toEqual(['body', 'prompt_version', 'commit_message']);
    });
  });
}
