// POST /prompt-templates/{id} (run time) and GET /prompt-templates/{id} (raw): version selection,
// rendering options, llm_kwargs per provider, placeholders, and snippet usage by version and label.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../../../test/support/stores.ts';
import { startTestApp, type ResponseOf, type TestApp } from '../../../../test/support/app.ts';
import type { schema as getRaw } from './get-raw.ts';
import type { schema as getRendered } from './get-rendered.ts';
import type { schema as snippetUsage } from './snippet-usage.ts';
import type { schema as publishSchema } from './publish.ts';

/** The template and llm_kwargs are the client's own shapes (unconstrained in the schema). */
type ChatTemplate = { messages: { role: string; content: { text: string }[] }[] };
type Kwargs = { messages: { content: unknown }[] };

const text = (s: string) => [{ type: 'text', text: s }];

for (const backend of backends) {
  describe.skipIf(!backend.available)(`PromptLayer get on ${backend.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp(backend);
      const publish = (version: Record<string, unknown>, labels: string[] = []) =>
        t.call<ResponseOf<typeof publishSchema, 201>>('POST', '/rest/prompt-templates', {
          body: {
            prompt_template: { prompt_name: 'run-me' },
            prompt_version: version,
            release_labels: labels,
          },
        });
      // v1 (label prod): OpenAI model with parameters and a placeholder; v2: no model.
      expect(
        (
          await publish(
            {
              prompt_template: {
                type: 'chat',
                messages: [
                  { role: 'system', content: text('Sys {who}') },
                  { role: 'placeholder', name: 'history' },
                  { role: 'user', content: text('Q {q}') },
                ],
              },
              metadata: {
                model: {
                  provider: 'openai',
                  name: 'gpt-4o',
                  parameters: { temperature: 0.4, max_tokens: 50 },
                },
              },
            },
            ['prod'],
          )
        ).status,
      ).toBe(201);
      expect(
        (
          await publish({
            prompt_template: { type: 'chat', messages: [{ role: 'user', content: text('v2 {q}') }] },
          })
        ).status,
      ).toBe(201);
    });
    afterAll(() => t?.close());
    const run = (body: unknown) =>
      t.call<ResponseOf<typeof getRendered>>('POST', '/prompt-templates/run-me', { auth: 'x-api-key', body });

    it('selects latest by default, a version by number, and a label (which wins over version)', async () => {
      expect((await run({})).body.version).toBe(2);
      expect((await run(null)).body.version).toBe(2);
      expect((await run({ version: 1 })).body.version).toBe(1);
      expect((await run({ label: 'prod' })).body.version).toBe(1);
      expect((await run({ label: 'prod', version: 2 })).body.version).toBe(1);
      for (const body of [{ version: 9 }, { label: 'nope' }]) {
        const res = await run(body);
        expect(res.status).toBe(404);
        expect(res.body).toMatchObject({ success: false, message: expect.any(String) });
      }
      expect((await run({ version: 0 })).status).toBe(422);
    });

    it('renders variables, splices a placeholder list, warns about missing ones, ignores extras', async () => {
      const res = await run({
        version: 1,
        input_variables: {
          who: 'W',
          extra: 'ignored',
          history: [{ role: 'assistant', content: text('earlier') }],
        },
      });
      expect(res.status).toBe(200);
      const msgs = (res.body.prompt_template as ChatTemplate).messages;
      expect(msgs.map((m: { role: string }) => m.role)).toEqual(['system', 'assistant', 'user']);
      expect(msgs[0]!.content[0]!.text).toBe('Sys W');
      expect(msgs[2]!.content[0]!.text).toBe('Q ');
      expect(res.body.warning).toBe('Some input variables are missing: (`q`)');
    });

    it('builds llm_kwargs from the version, with provider, model and parameter overrides', async () => {
      const openai = await run({ version: 1, input_variables: { who: 'W', q: 'x' } });
      expect(openai.body.llm_kwargs).toMatchObject({
        model: 'gpt-4o',
        temperature: 0.4,
        max_tokens: 50,
        messages: [
          { role: 'system', content: 'Sys W' },
          { role: 'user', content: text('Q x') },
        ],
      });
      const anthropic = await run({
        version: 1,
        provider: 'anthropic',
        model: 'claude-3-5-sonnet',
        model_parameter_overrides: { temperature: 1 },
        input_variables: { who: 'W', q: 'x' },
      });
      expect(anthropic.body.llm_kwargs).toMatchObject({
        model: 'claude-3-5-sonnet',
        system: 'Sys W',
        temperature: 1,
        messages: [{ role: 'user', content: text('Q x') }],
      });
      // Without input_variables the template comes back unrendered, llm_kwargs rendered empty.
      const bare = await run({ version: 1 });
      expect((bare.body.prompt_template as ChatTemplate).messages[0]!.content[0]!.text).toBe('Sys {who}');
      expect((bare.body.llm_kwargs as Kwargs).messages[0]!.content).toBe('Sys ');
      // A version with no model has no llm_kwargs.
      expect((await run({ version: 2 })).body.llm_kwargs).toBeNull();
    });

    it('GET raw: version or label, llm_kwargs only on request, 400 for both', async () => {
      const get = (url: string) => t.call<ResponseOf<typeof getRaw>>('GET', url);
      const raw = await get('/prompt-templates/run-me?label=prod');
      expect(raw.status).toBe(200);
      expect(raw.body).toMatchObject({ success: true, version: 1, llm_kwargs: null, snippets: [] });
      expect(raw.body.created_at).toEqual(expect.any(String));
      const kw = await get('/prompt-templates/run-me?version=1&include_llm_kwargs=true');
      expect(kw.body.llm_kwargs).toMatchObject({ model: 'gpt-4o', temperature: 0.4 });
      expect((kw.body.prompt_template as ChatTemplate).messages[0]!.content[0]!.text).toBe('Sys {who}');
      const both = await get('/prompt-templates/run-me?version=1&label=prod');
      expect(both.status).toBe(400);
      expect(both.body).toMatchObject({ success: false });
    });

    it('snippet usage reports versions and labels, and narrows to a snippet version', async () => {
      const pub = (
        name: string,
        content: string,
        extra: Record<string, unknown> = {},
        labels: string[] = [],
      ) =>
        t.call<ResponseOf<typeof publishSchema, 201>>('POST', '/rest/prompt-templates', {
          body: {
            prompt_template: { prompt_name: name, ...extra },
            prompt_version: { prompt_template: { type: 'completion', content: text(content) } },
            release_labels: labels,
          },
        });
      await pub('snip', 'one', { is_snippet: true }, ['stable']);
      await pub('snip', 'two');
      await pub('user-a', '@@@snip@@@', {}, ['prod']); // latest: resolves to v2
      await pub('user-b', '@@@snip@label:stable@@@'); // v1 through the label
      await pub('user-b', '@@@snip@version_number:2@@@', {}, ['prod']);
      const usage = (url: string) => t.call<ResponseOf<typeof snippetUsage>>('GET', url);
      type Use = { prompt_name: string; version_numbers: number[] };
      const all = await usage('/prompt-templates/snip/snippet-usage');
      expect(all.status).toBe(200);
      expect(all.body).toMatchObject({
        success: true,
        snippet_name: 'snip',
        total_prompts_using_snippet: 2,
        total_labels_using_snippet: 2,
      });
      expect((all.body.snippet_usage as Use[]).map((u) => [u.prompt_name, u.version_numbers])).toEqual(
        expect.arrayContaining([
          ['user-a', [1]],
          ['user-b', [1, 2]],
        ]),
      );
      expect(all.body.label_usage.map((l) => `${l.prompt_name}:${l.label_name}`).sort()).toEqual([
        'user-a:prod',
        'user-b:prod',
      ]);
      const v1 = await usage('/prompt-templates/snip/snippet-usage?prompt_version_number=1');
      expect(v1.body.snippet_usage).toEqual([
        expect.objectContaining({ prompt_name: 'user-b', version_numbers: [1] }),
      ]);
      expect(v1.body.total_labels_using_snippet).toBe(0);
      expect((await usage('/prompt-templates/nowhere/snippet-usage')).status).toBe(404);
    });
  });
}
