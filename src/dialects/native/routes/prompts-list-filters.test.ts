// GET /v1/prompts filters the web UI uses — search over names, tags and template text, label
// present / absent, template format, name prefix (folders), updated range, sort by latest
// version — and GET /v1/folders, on both backends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../../../test/support/stores.ts';
import { startTestApp, type TestApp, type ResponseOf } from '../../../../test/support/app.ts';
import type { schema as foldersList } from './folders-list.ts';
import type { schema as promptsList } from './prompts-list.ts';

for (const backend of backends) {
  describe.skipIf(!backend.available)(`prompt list filters for the UI (${backend.name})`, () => {
    let t: TestApp;
    const names = async (qs: string) => {
      const r = await t.call<ResponseOf<typeof promptsList>>('GET', `/v1/prompts?${qs}`);
      expect(r.status, r.raw).toBe(200);
      return (r.body.data as { name: string }[]).map((p) => p.name).sort();
    };
    beforeAll(async () => {
      t = await startTestApp(backend);
      const mk = async (name: string, body: Record<string, unknown>) =>
        expect((await t.call('POST', '/v1/prompts', { body: { name, ...body } })).status).toBe(201);
      await mk('ops/alerts/page', {
        tags: ['oncall'],
        version: { messages: [{ role: 'user', content: 'Wake up {{who}}' }] },
      });
      await mk('ops/report', {
        version: { template_format: 'jinja2', messages: [{ role: 'system', content: 'Weekly 100%_done' }] },
      });
      await mk('sales/pitch', {
        tags: ['deal'],
        version: { messages: [{ role: 'user', content: 'Buy {{thing}}' }] },
      });
      await mk('loose', {
        is_snippet: true,
        version: { template_type: 'completion', content: [{ type: 'text', text: 'signature block' }] },
      });
      await t.call('PUT', '/v1/prompts/sales%2Fpitch/labels/production', { body: { version: 1 } });
      // A newer version replaces the text search sees.
      await t.call('POST', '/v1/prompts/ops%2Freport/versions', {
        body: { template_format: 'jinja2', messages: [{ role: 'system', content: 'Monthly summary' }] },
      });
    });
    afterAll(async () => t?.close());

    it('searches names, tags and the latest version template text, case-insensitively', async () => {
      expect(await names('search=WAKE')).toEqual(['ops/alerts/page']);
      expect(await names('search=oncall')).toEqual(['ops/alerts/page']);
      expect(await names('search=pitch')).toEqual(['sales/pitch']);
      expect(await names('search=signature')).toEqual(['loose']);
      expect(await names('search=monthly')).toEqual(['ops/report']);
      expect(await names('search=weekly')).toEqual([]);
    });

    it("counts a search's matches on every page, and past the last one", async () => {
      const page = async (qs: string) => {
        const r = await t.call('GET', `/v1/prompts?search=OPS/&sort=name&${qs}`);
        expect(r.status, r.raw).toBe(200);
        const body = r.body as { data: { name: string }[]; pagination: { total: number } };
        return { names: body.data.map((p) => p.name), total: body.pagination.total };
      };
      expect(await page('limit=1')).toEqual({ names: ['ops/alerts/page'], total: 2 });
      expect(await page('limit=1&offset=1')).toEqual({ names: ['ops/report'], total: 2 });
      expect(await page('limit=1&offset=5')).toEqual({ names: [], total: 2 });
    });

    it('treats % and _ in a search as text, not patterns', async () => {
      expect(await names('search=%25')).toEqual([]);
      expect(await names('search=_')).toEqual([]);
    });

    it('keeps prompts with or without a label, of a template format, and under a folder prefix', async () => {
      expect(await names('label=production')).toEqual(['sales/pitch']);
      expect(await names('no_label=production')).toEqual(['loose', 'ops/alerts/page', 'ops/report']);
      expect(await names('template_format=jinja2')).toEqual(['ops/report']);
      expect(await names('prefix=ops%2F')).toEqual(['ops/alerts/page', 'ops/report']);
      expect(await names('prefix=ops%2F&search=wake')).toEqual(['ops/alerts/page']);
    });

    it('bounds updated_at and sorts by latest version', async () => {
      expect(await names('updated_after=2999-01-01T00:00:00Z')).toEqual([]);
      expect((await names('updated_before=2999-01-01T00:00:00Z')).length).toBe(4);
      const r = await t.call<ResponseOf<typeof promptsList>>(
        'GET',
        '/v1/prompts?sort=latest_version&order=desc&limit=1',
      );
      expect(r.body.data[0]?.name).toBe('ops/report');
    });

    it('refuses a bad template format or date with a 400 in the native envelope', async () => {
      for (const qs of ['template_format=handlebars', 'updated_after=yesterday', 'sort=tags']) {
        const r = await t.call<ResponseOf<typeof promptsList, '4xx'>>('GET', `/v1/prompts?${qs}`);
        expect(r.status, qs).toBe(400);
        expect(r.body.error.code).toBeTypeOf('string');
      }
    });

    it('lists folders with the prompts directly in each', async () => {
      const r = await t.call<ResponseOf<typeof foldersList>>('GET', '/v1/folders');
      expect(r.status).toBe(200);
      expect(r.body.data).toEqual([
        { path: 'ops', count: 1 },
        { path: 'ops/alerts', count: 1 },
        { path: 'sales', count: 1 },
      ]);
    });
  });
}
