import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../../../test/support/stores.ts';
import { startTestApp, type TestApp, type ResponseOf } from '../../../../test/support/app.ts';
import { uniq } from '../testing.ts';
import type { schema as promptsCreate } from './prompts-create.ts';
import type { schema as renderPrompt } from './render-prompt.ts';
import type { schema as renderStateless } from './render-stateless.ts';

for (const backend of backends) {
  describe.skipIf(!backend.available)(`native render API on ${backend.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp(backend);
    });
    afterAll(() => t?.close());

    /** A prompt whose v1 greets in mustache and whose v2 (production) is jinja2 with defaults. */
    async function greeter(): Promise<string> {
      const res = await t.call<ResponseOf<typeof promptsCreate, 201>>('POST', '/v1/prompts', {
        body: {
          name: uniq('greeter'),
          version: { messages: [{ role: 'user', content: 'v1 {{name}}' }] },
        },
      });
      const id = res.body.prompt.id as string;
      const v2 = await t.call('POST', `/v1/prompts/${id}/versions`, {
        body: {
          template_format: 'jinja2',
          messages: [
            { role: 'system', content: 'You are {{ persona }}.', name: 'sys' },
            {
              role: 'user',
              content: [
                { type: 'text', text: 'Hello {{ name }}{% if vip %}, welcome back{% endif %}' },
                { type: 'image_url', image_url: { url: 'https://x/y.png' } },
              ],
            },
            { role: 'assistant', content: 'Hi {name}', template_format: 'f-string' },
          ],
          variable_defaults: { persona: 'helpful', vip: false },
          model: 'gpt-4o',
          provider: 'openai',
          params: { temperature: 0.2 },
          response_format: { type: 'json_object' },
          tools: [{ type: 'function', function: { name: 'f' } }],
          labels: ['production'],
        },
      });
      expect(v2.status).toBe(201);
      await t.call('POST', `/v1/prompts/${id}/versions`, {
        body: { messages: [{ role: 'user', content: 'v3 {{other}}' }] },
      });
      return id;
    }

    describe('happy path', () => {
      it('renders the labelled version with defaults under the caller’s values', async () => {
        const id = await greeter();
        const res = await t.call<ResponseOf<typeof renderPrompt>>('POST', `/v1/prompts/${id}/render`, {
          key: t.keys.viewer,
          body: { label: 'production', variables: { name: 'Ada', vip: true } },
        });
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({
          prompt_id: id,
          version: 2,
          labels: ['production'],
          model: 'gpt-4o',
          provider: 'openai',
          params: { temperature: 0.2 },
          response_format: { type: 'json_object' },
          tools: [{ type: 'function', function: { name: 'f' } }],
          warnings: [],
          missing: [],
        });
        expect(res.body.messages).toEqual([
          { role: 'system', content: 'You are helpful.', name: 'sys' },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Hello Ada, welcome back' },
              { type: 'image_url', image_url: { url: 'https://x/y.png' } },
            ],
          },
          { role: 'assistant', content: 'Hi Ada', template_format: 'f-string' },
        ]);
      });

      it('renders by version number and latest (the default)', async () => {
        const id = await greeter();
        const v1 = await t.call<ResponseOf<typeof renderPrompt>>('POST', `/v1/prompts/${id}/render`, {
          body: { version: 1, variables: { name: 'B' } },
        });
        expect(v1.body.messages).toEqual([{ role: 'user', content: 'v1 B' }]);
        const latest = await t.call<ResponseOf<typeof renderPrompt>>('POST', `/v1/prompts/${id}/render`, {
          body: { variables: { other: 'o' } },
        });
        expect(latest.body).toMatchObject({ version: 3, messages: [{ role: 'user', content: 'v3 o' }] });
      });

      it('lenient mode renders missing variables empty and lists them', async () => {
        const id = await greeter();
        const res = await t.call<ResponseOf<typeof renderPrompt>>('POST', `/v1/prompts/${id}/render`, {
          body: { version: 2, mode: 'lenient' },
        });
        expect(res.status).toBe(200);
        expect(res.body.missing).toEqual(['name']);
        expect(res.body.warnings.length).toBeGreaterThan(0);
        expect(res.body.messages![2]!.content).toBe('Hi ');
      });

      it('renders a completion template', async () => {
        const created = await t.call<ResponseOf<typeof promptsCreate, 201>>('POST', '/v1/prompts', {
          body: {
            name: uniq('completion'),
            version: { template_type: 'completion', content: [{ type: 'text', text: 'Sum: {{x}}' }] },
          },
        });
        const res = await t.call<ResponseOf<typeof renderPrompt>>(
          'POST',
          `/v1/prompts/${created.body.prompt.id}/render`,
          {
            body: { variables: { x: 3 } },
          },
        );
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({
          template_type: 'completion',
          messages: null,
          content: [{ type: 'text', text: 'Sum: 3' }],
        });
      });

      it('renders a stateless template and reports its variables', async () => {
        const res = await t.call<ResponseOf<typeof renderStateless>>('POST', '/v1/render', {
          key: t.keys.viewer,
          body: {
            format: 'jinja2',
            template: '{% for i in items %}{{ i }}{{ sep }}{% endfor %}',
            variables: { items: [1, 2], sep: ',' },
          },
        });
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ output: '1,2,', warnings: [], missing: [], variables: ['items', 'sep'] });
        const fs = await t.call<ResponseOf<typeof renderStateless>>('POST', '/v1/render', {
          body: { format: 'f-string', template: '{a} {b!r:>5}', variables: { a: 1 }, mode: 'lenient' },
        });
        expect(fs.body).toMatchObject({ missing: ['b'], variables: ['a', 'b'] });
      });

      it('renders stateless messages', async () => {
        const res = await t.call<ResponseOf<typeof renderStateless>>('POST', '/v1/render', {
          body: {
            format: 'mustache',
            messages: [
              { role: 'user', content: '{{#list}}{{.}} {{/list}}' },
              { role: 'user', content: '{x}', template_format: 'f-string' },
            ],
            variables: { list: ['a', 'b'], x: 'y' },
          },
        });
        expect(res.status).toBe(200);
        expect(res.body.messages).toEqual([
          { role: 'user', content: 'a b ' },
          { role: 'user', content: 'y', template_format: 'f-string' },
        ]);
        expect(res.body.variables).toEqual(['list', 'x']);
      });
    });

    describe('errors', () => {
      it('strict mode answers 422 naming every missing variable', async () => {
        const id = await greeter();
        const res = await t.call<ResponseOf<typeof renderPrompt, '4xx'>>('POST', `/v1/prompts/${id}/render`, {
          body: { label: 'production', variables: {} },
        });
        expect(res.status).toBe(422);
        expect(res.body.error.code).toBe('missing_variables');
        expect(res.body.error.details.missing).toEqual(['name']);
        const stateless = await t.call<ResponseOf<typeof renderStateless, '4xx'>>('POST', '/v1/render', {
          body: { format: 'mustache', template: '{{a}}{{b}}' },
        });
        expect(stateless.status).toBe(422);
        expect(stateless.body.error.details.missing).toEqual(['a', 'b']);
      });

      it('answers 422 render_limit for a render over the output budget, without hanging', async () => {
        const res = await t.call<ResponseOf<typeof renderStateless, '4xx'>>('POST', '/v1/render', {
          body: { format: 'jinja2', template: '{% for i in range(100000) %}{{ "x" * 1000 }}{% endfor %}' },
        });
        expect(res.status).toBe(422);
        expect(res.body.error.code).toBe('render_limit');
      });

      it('answers 422 with the position of a syntax error', async () => {
        const res = await t.call<ResponseOf<typeof renderStateless, '4xx'>>('POST', '/v1/render', {
          body: { format: 'f-string', template: 'Hi {name' },
        });
        expect(res.status).toBe(422);
        expect(res.body.error.code).toBe('template_syntax');
        expect(res.body.error.details.position).toEqual({ line: 1, column: 4, offset: 3 });
        const stored = await t.call<ResponseOf<typeof promptsCreate, 201>>('POST', '/v1/prompts', {
          body: { name: uniq('broken'), version: { messages: [{ role: 'user', content: 'a\n{{#s}}x' }] } },
        });
        const r = await t.call<ResponseOf<typeof renderPrompt, '4xx'>>(
          'POST',
          `/v1/prompts/${stored.body.prompt.id}/render`,
          {
            body: { variables: { s: 1 } },
          },
        );
        expect(r.status).toBe(422);
        expect(r.body.error.details.position).toMatchObject({ line: 2 });
      });

      it('answers 422 with the line and column of a Jinja2 syntax error, stateless and stored', async () => {
        const res = await t.call<ResponseOf<typeof renderStateless, '4xx'>>('POST', '/v1/render', {
          body: { format: 'jinja2', template: 'Hello\n{{ name + }}' },
        });
        expect(res.status).toBe(422);
        expect(res.body.error.code).toBe('template_syntax');
        expect(res.body.error.message).toContain('line 2, column 11');
        expect(res.body.error.details).toMatchObject({
          template_error: 'template_syntax',
          position: { line: 2, column: 11, offset: 16 },
        });
        const messages = await t.call<ResponseOf<typeof renderStateless, '4xx'>>('POST', '/v1/render', {
          body: {
            format: 'jinja2',
            messages: [
              { role: 'system', content: 'fine {{ a }}' },
              { role: 'user', content: 'x\n{% if a %}\n{% endfor %}' },
            ],
          },
        });
        expect(messages.status).toBe(422);
        expect(messages.body.error.details.position).toMatchObject({ line: 3, column: 4 });
        const stored = await t.call<ResponseOf<typeof promptsCreate, 201>>('POST', '/v1/prompts', {
          body: {
            name: uniq('broken-jinja'),
            version: {
              template_format: 'jinja2',
              messages: [{ role: 'user', content: '{% for x in xs %}\n{{ x | }}\n{% endfor %}' }],
            },
          },
        });
        expect(stored.status).toBe(201);
        const r = await t.call<ResponseOf<typeof renderPrompt, '4xx'>>(
          'POST',
          `/v1/prompts/${stored.body.prompt.id}/render`,
          {
            key: t.keys.viewer,
            body: { variables: { xs: [1] } },
          },
        );
        expect(r.status).toBe(422);
        expect(r.body.error.code).toBe('template_syntax');
        expect(r.body.error.details.position).toEqual({ line: 2, column: 8, offset: 25 });
      });

      it('answers 400 to bad bodies and 404 to unknown labels', async () => {
        const id = await greeter();
        for (const body of [
          { label: 'production', version: 1 },
          { mode: 'loose' },
          { variables: [] },
          { version: 'first' },
        ]) {
          const res = await t.call<ResponseOf<typeof renderPrompt>>('POST', `/v1/prompts/${id}/render`, {
            body,
          });
          expect(res.status, JSON.stringify(body)).toBe(400);
        }
        expect((await t.call('POST', `/v1/prompts/${id}/render`, { body: { label: 'nope' } })).status).toBe(
          404,
        );
        for (const body of [
          { format: 'handlebars', template: 'x' },
          { format: 'mustache' },
          { format: 'mustache', template: 'x', messages: [] },
          { template: 'x' },
        ]) {
          const res = await t.call<ResponseOf<typeof renderStateless, '4xx'>>('POST', '/v1/render', { body });
          expect(res.status, JSON.stringify(body)).toBe(400);
          expect(res.body.error.code).toBe('bad_request');
        }
      });

      it('fails closed on a template that reaches for JS internals', async () => {
        const res = await t.call('POST', '/v1/render', {
          body: {
            format: 'jinja2',
            template: '{{ x.constructor.constructor("return process")() }}',
            variables: { x: {} },
          },
        });
        expect(res.status).toBe(422);
        expect(res.raw).not.toContain('process.env');
      });
    });

    describe('security', () => {
      it('answers 401 without a key or with a wrong key', async () => {
        const id = await greeter();
        for (const key of [null, 'lec_wrong']) {
          expect((await t.call('POST', `/v1/prompts/${id}/render`, { key, body: {} })).status).toBe(401);
          expect(
            (await t.call('POST', '/v1/render', { key, body: { format: 'mustache', template: 'x' } })).status,
          ).toBe(401);
        }
      });

      it('lets a viewer render (reads only)', async () => {
        const id = await greeter();
        const res = await t.call('POST', `/v1/prompts/${id}/render`, {
          key: t.keys.viewer,
          body: { version: 1, variables: { name: 'v' } },
        });
        expect(res.status).toBe(200);
      });

      it("answers 404 rendering another workspace's prompt", async () => {
        const id = await greeter();
        const res = await t.call('POST', `/v1/prompts/${id}/render`, {
          key: t.keys.otherViewer,
          body: { version: 1, variables: { name: 'x' } },
        });
        expect(res.status).toBe(404);
        expect(res.raw).not.toContain('v1 x');
      });
    });
  });
}
