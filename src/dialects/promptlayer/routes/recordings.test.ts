// Replays the requests PromptLayer's Python SDK made against the real server (VCR cassettes in
// test/fixtures/promptlayer) and checks Lectern's answers have the recorded shapes and values.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../../../test/support/stores.ts';
import { startTestApp, type ResponseOf, type TestApp } from '../../../../test/support/app.ts';
import type { schema as publishSchema } from './publish.ts';
import type { schema as getRendered } from './get-rendered.ts';
import type { schema as listSchema } from './list.ts';
import { readCassette, shapeGaps } from '../test-support/cassettes.ts';

const path = (uri: string) => uri.replace(/^https?:\/\/[^/]+/, '');

for (const backend of backends) {
  describe.skipIf(!backend.available)(`PromptLayer recordings replayed on ${backend.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp(backend);
    });
    afterAll(() => t?.close());

    it('publishes sample_template, fetches it with llm_kwargs and lists it as the server did', async () => {
      const [publish] = readCassette('test_publish_template_async.yaml');
      const pub = await t.call<ResponseOf<typeof publishSchema, 201>>('POST', path(publish!.uri), {
        body: publish!.body,
        auth: 'x-api-key',
      });
      expect(pub.status).toBe(publish!.status);
      expect(shapeGaps(pub.body, publish!.response)).toEqual([]);
      const rec = publish!.response as Record<string, unknown>;
      for (const k of [
        'prompt_name',
        'tags',
        'prompt_template',
        'commit_message',
        'metadata',
        'release_labels',
      ] as const) {
        expect(pub.body[k]).toEqual(rec[k]);
      }

      const [get] = readCassette('test_get_template_async.yaml');
      const got = await t.call<ResponseOf<typeof getRendered>>('POST', path(get!.uri), {
        body: get!.body,
        auth: 'x-api-key',
      });
      expect(got.status).toBe(get!.status);
      expect(shapeGaps(got.body, get!.response)).toEqual([]);
      const grec = get!.response as Record<string, unknown>;
      for (const k of [
        'prompt_name',
        'prompt_template',
        'metadata',
        'llm_kwargs',
        'version',
        'snippets',
        'warning',
      ] as const) {
        expect(got.body[k]).toEqual(grec[k]);
      }

      const [list] = readCassette('test_get_all_templates.yaml');
      const listed = await t.call<ResponseOf<typeof listSchema>>('GET', path(list!.uri), {
        auth: 'x-api-key',
      });
      expect(listed.status).toBe(200);
      expect(shapeGaps(listed.body, list!.response)).toEqual([]);
      const item = listed.body.items.find((i) => i.prompt_name === 'sample_template')!;
      const ritem = (list!.response as { items: Record<string, unknown>[] }).items[0]!;
      for (const k of ['prompt_template', 'version', 'commit_message', 'metadata', 'tags'] as const)
        expect(item[k]).toEqual(ritem[k]);
    });

    it('publishes a template whose name has a colon and gets llm_kwargs with only messages when it has no model', async () => {
      const [publish, get] = readCassette('test_get_prompt_template_provider_base_url_name.yaml');
      const pub = await t.call<ResponseOf<typeof publishSchema, 201>>('POST', path(publish!.uri), {
        body: publish!.body,
        auth: 'x-api-key',
      });
      expect(pub.status).toBe(201);
      expect(shapeGaps(pub.body, publish!.response)).toEqual([]);
      expect(pub.body.prompt_template).toEqual(
        (publish!.response as Record<string, unknown>)['prompt_template'],
      );
      const got = await t.call<ResponseOf<typeof getRendered>>('POST', path(get!.uri), {
        body: get!.body,
        auth: 'x-api-key',
      });
      expect(got.status).toBe(200);
      expect(shapeGaps(got.body, get!.response)).toEqual([]);
      const grec = get!.response as Record<string, unknown>;
      for (const k of [
        'prompt_name',
        'prompt_template',
        'metadata',
        'llm_kwargs',
        'version',
        'warning',
      ] as const) {
        expect(got.body[k]).toEqual(grec[k]);
      }
    });
  });
}
