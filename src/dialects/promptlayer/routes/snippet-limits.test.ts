// Snippet expansion is bounded by the render output bound (1 MiB): three nested snippets of
// 100 characters × 500 × 500 are refused at publish, and a template that grew past the bound later
// (a snippet it uses was made larger) answers 422 render_limit at fetch instead of building it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../../../test/support/stores.ts';
import { startTestApp, type ResponseOf, type TestApp } from '../../../../test/support/app.ts';
import type { ValidationErrorT } from '../responses.ts';
import type { schema as getRendered } from './get-rendered.ts';
import type { schema as publishSchema } from './publish.ts';

/** Bodies typed from the response schemas the routes declare. */
type PublishBody = ResponseOf<typeof publishSchema, 201>;
type RenderedBody = ResponseOf<typeof getRendered>;
type ErrorBody = ResponseOf<typeof publishSchema, '4xx'>;

const text = (s: string) => [{ type: 'text', text: s }];

for (const backend of backends) {
  describe.skipIf(!backend.available)(`PromptLayer snippet expansion bound on ${backend.name}`, () => {
    let t: TestApp;
    /** `T`: the answer the test expects (the 201 body, or the error envelope). */
    const pub = <T = PublishBody>(name: string, content: string, extra: Record<string, unknown> = {}) =>
      t.call<T>('POST', '/rest/prompt-templates', {
        body: {
          prompt_template: { prompt_name: name, ...extra },
          prompt_version: { prompt_template: { type: 'completion', content: text(content) } },
        },
      });
    beforeAll(async () => {
      t = await startTestApp(backend);
      expect((await pub('s100', 'x'.repeat(100), { is_snippet: true })).status).toBe(201);
      expect((await pub('s500', '@@@s100@@@'.repeat(500), { is_snippet: true })).status).toBe(201);
    });
    afterAll(() => t?.close());

    it('publishing a template whose snippets expand past the output bound is a 422 render_limit, nothing written', async () => {
      const res = await pub<ValidationErrorT>('s25m', '@@@s500@@@'.repeat(500));
      expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(422);
      expect(res.body.detail[0]).toMatchObject({
        type: 'render_limit',
        msg: expect.stringMatching(/exceed/),
      });
      expect((await t.call<ErrorBody>('GET', '/prompt-templates/s25m')).status).toBe(404);
    });

    it('a template that grew past the bound through a snippet answers 422 at fetch, and the server goes on', async () => {
      expect((await pub('small-snip', 'y', { is_snippet: true })).status).toBe(201);
      expect((await pub('grows', '@@@small-snip@@@'.repeat(500))).status).toBe(201);
      // The snippet becomes 500 × 100 characters: `grows` would now expand to 25 million.
      expect((await pub('small-snip', '@@@s100@@@'.repeat(500))).status).toBe(201);
      for (const [method, body] of [
        ['POST', { input_variables: { a: 1 } }],
        ['POST', {}],
        ['GET', undefined],
      ] as const) {
        const res = await t.call<ValidationErrorT>(
          method,
          '/prompt-templates/grows',
          body === undefined ? {} : { body },
        );
        expect(res.status, `${method} ${JSON.stringify(res.body).slice(0, 300)}`).toBe(422);
        expect(res.body.detail[0]).toMatchObject({ type: 'render_limit' });
      }
      const ok = await t.call<RenderedBody>('POST', '/prompt-templates/s500', {
        body: { input_variables: {} },
      });
      expect(ok.status).toBe(200);
      // The template is free-form in the schema: the part read here, viewed as the wire shows it.
      const template = ok.body.prompt_template as { content: { text: string }[] };
      expect(template.content[0]!.text).toHaveLength(50_000);
    });
  });
}
