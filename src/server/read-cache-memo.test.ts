// The read cache's memo of look-ups for the render routes (PromptLayer get with input_variables,
// native render): a render after a write never sees the version, label or snippet as they were.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../test/support/stores.ts';
import { startTestApp, type TestApp } from '../../test/support/app.ts';

const text = (s: string) => [{ type: 'text', text: s }];

for (const backend of backends) {
  describe.skipIf(!backend.available)(`memoised render look-ups on ${backend.name}`, () => {
    let t: TestApp;
    const pub = (name: string, content: string, extra: Record<string, unknown> = {}, labels: string[] = []) =>
      t.call('POST', '/rest/prompt-templates', {
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
        const r = await t.call('POST', '/prompt-templates/memo', {
          body: { input_variables: { x: 'X' }, ...body },
        });
        expect(r.status, JSON.stringify(r.body)).toBe(200);
        return r.body.prompt_template.content[0].text as string;
      };
      const nativeText = async (body: Record<string, unknown>) => {
        const r = await t.call('POST', '/v1/prompts/memo/render', {
          body: { variables: { x: 'X' }, mode: 'lenient', ...body },
        });
        expect(r.status, JSON.stringify(r.body)).toBe(200);
        return r.body.content[0].text as string;
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
  });
}
