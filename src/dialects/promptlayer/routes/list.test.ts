// GET /prompt-templates: every filter and sort of the spec's list, through the real app.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../../../test/support/stores.ts';
import { startTestApp, type ResponseOf, type TestApp } from '../../../../test/support/app.ts';
import type { ValidationErrorT } from '../responses.ts';
import type { schema as entitiesDelete } from './entities-delete.ts';
import type { schema as externalIdsAttach } from './external-ids-attach.ts';
import type { schema as externalIdsDelete } from './external-ids-delete.ts';
import type { schema as getRaw } from './get-raw.ts';
import type { schema as labelsCreate } from './labels-create.ts';
import type { schema as listSchema } from './list.ts';
import type { schema as publishSchema } from './publish.ts';

/** Bodies typed from the response schemas the routes declare. */
type ListBody = ResponseOf<typeof listSchema>;
type ErrorBody = ResponseOf<typeof listSchema, '4xx'>;
type PublishBody = ResponseOf<typeof publishSchema, 201>;
type GetRawBody = ResponseOf<typeof getRaw>;
type LabelsCreateBody = ResponseOf<typeof labelsCreate>;
type EntitiesDeleteBody = ResponseOf<typeof entitiesDelete>;
type ExternalIdsAttachBody = ResponseOf<typeof externalIdsAttach, 201>;
type ExternalIdsDeleteBody = ResponseOf<typeof externalIdsDelete, 204>;

const text = (s: string) => [{ type: 'text', text: s }];
const pause = () => new Promise((r) => setTimeout(r, 15));

for (const backend of backends) {
  describe.skipIf(!backend.available)(`PromptLayer list on ${backend.name}`, () => {
    let t: TestApp;
    // Times between the three creations, and after the last update.
    const at: Record<string, string> = {};
    beforeAll(async () => {
      t = await startTestApp(backend);
      const publish = (name: string, extra: Record<string, unknown>, content = name) =>
        t.call<PublishBody>('POST', '/rest/prompt-templates', {
          body: {
            prompt_template: { prompt_name: name, ...extra },
            prompt_version: { prompt_template: { type: 'completion', content: text(content) } },
          },
        });
      expect((await publish('f-alpha', { tags: ['f', 'red', 'big'] })).status).toBe(201);
      await pause();
      at.afterAlpha = new Date().toISOString();
      await pause();
      expect((await publish('f-beta', { tags: ['f', 'red'], is_snippet: true })).status).toBe(201);
      await pause();
      at.afterBeta = new Date().toISOString();
      await pause();
      expect((await publish('f-gamma', { tags: ['f', 'blue'] })).status).toBe(201);
      await pause();
      at.beforeUpdate = new Date().toISOString();
      await pause();
      // A new version of alpha makes it the most recently updated.
      expect((await publish('f-alpha', {}, 'alpha v2')).status).toBe(201);
    });
    afterAll(() => t?.close());

    const names = async (qs: string) => {
      const res = await t.call<ListBody>('GET', `/prompt-templates?tags=f&${qs}`, { auth: 'x-api-key' });
      expect(res.status, `${qs}: ${JSON.stringify(res.body)}`).toBe(200);
      return res.body.items.map((i) => i.prompt_name);
    };
    const q = (s: string) => encodeURIComponent(s);

    it('lists newest first by default; sort_by and sort_order choose the order', async () => {
      expect(await names('')).toEqual(['f-gamma', 'f-beta', 'f-alpha']);
      expect(await names('sort_by=created_at&sort_order=asc')).toEqual(['f-alpha', 'f-beta', 'f-gamma']);
      expect(await names('sort_by=id&sort_order=desc')).toEqual(['f-gamma', 'f-beta', 'f-alpha']);
      expect(await names('sort_by=id&sort_order=asc')).toEqual(['f-alpha', 'f-beta', 'f-gamma']);
      expect(await names('sort_by=updated_at')).toEqual(['f-alpha', 'f-gamma', 'f-beta']);
      expect(await names('sort_by=updated_at&sort_order=asc')).toEqual(['f-beta', 'f-gamma', 'f-alpha']);
      expect(await names('sort_by=name&sort_order=desc')).toEqual(['f-gamma', 'f-beta', 'f-alpha']);
    });

    it('tags: a template must carry every tag given', async () => {
      expect(await names('tags=red')).toEqual(['f-beta', 'f-alpha']);
      expect(await names('tags=red&tags=big')).toEqual(['f-alpha']);
      expect(await names('tags=red&tags=blue')).toEqual([]);
    });

    it('is_snippet: true keeps only snippets, false drops them, absent keeps both', async () => {
      expect(await names('is_snippet=true')).toEqual(['f-beta']);
      expect(await names('is_snippet=false')).toEqual(['f-gamma', 'f-alpha']);
      expect(await names('')).toHaveLength(3);
    });

    it('created_after/before and updated_after/before bound the times', async () => {
      expect(await names(`created_after=${q(at.afterAlpha!)}`)).toEqual(['f-gamma', 'f-beta']);
      expect(await names(`created_before=${q(at.afterAlpha!)}`)).toEqual(['f-alpha']);
      expect(await names(`created_after=${q(at.afterAlpha!)}&created_before=${q(at.afterBeta!)}`)).toEqual([
        'f-beta',
      ]);
      expect(await names(`updated_after=${q(at.beforeUpdate!)}`)).toEqual(['f-alpha']);
      expect(await names(`updated_before=${q(at.beforeUpdate!)}`)).toEqual(['f-gamma', 'f-beta']);
      // Inclusive: an after-bound equal to a template's own (shown) creation time keeps it.
      const beta = (await t.call<ListBody>('GET', '/prompt-templates?name=f-beta')).body.items[0]!;
      expect(await names(`created_after=${q(beta.created_at)}`)).toEqual(['f-gamma', 'f-beta']);
      // And a before-bound too, although PostgreSQL keeps microseconds the wire does not show.
      expect(await names(`created_before=${q(beta.created_at)}`)).toEqual(['f-beta', 'f-alpha']);
    });

    it('name is a case-insensitive substring; label shows the labelled version', async () => {
      expect(await names('name=BET')).toEqual(['f-beta']);
      await t.call<LabelsCreateBody>(
        'POST',
        '/prompts/' + (await t.call<GetRawBody>('GET', '/prompt-templates/f-alpha')).body.id + '/label',
        {
          body: { name: 'qa', prompt_version_number: 1 },
        },
      );
      const res = await t.call<ListBody>('GET', '/prompt-templates?label=qa');
      expect(res.body.items).toHaveLength(1);
      expect(res.body.items[0]).toMatchObject({ prompt_name: 'f-alpha', version: 1 });
      // The template is free-form in the schema: its field compared by value, as toEqual does.
      expect(res.body.items[0]!.prompt_template).toHaveProperty('content', text('f-alpha'));
    });

    it('status: active by default, deleted for the trash, all for both', async () => {
      const gamma = (await t.call<GetRawBody>('GET', '/prompt-templates/f-gamma')).body.id;
      await t.call<EntitiesDeleteBody>('DELETE', '/api/public/v2/folders/entities', {
        body: { entities: [{ id: gamma, type: 'PROMPT' }] },
      });
      expect(await names('')).toEqual(['f-beta', 'f-alpha']);
      expect(await names('status=active')).toEqual(['f-beta', 'f-alpha']);
      expect(await names('status=deleted')).toEqual(['f-gamma']);
      expect(await names('status=all')).toEqual(['f-gamma', 'f-beta', 'f-alpha']);
    });

    it('422 in a detail list for a bad value, naming the parameter', async () => {
      for (const [qs, field] of [
        ['sort_by=size', 'sort_by'],
        ['sort_order=up', 'sort_order'],
        ['status=gone', 'status'],
        ['is_snippet=maybe', 'is_snippet'],
        ['created_after=yesterday', 'created_after'],
        ['per_page=501', 'per_page'],
        ['page=0', 'page'],
      ]) {
        const res = await t.call<ValidationErrorT>('GET', `/prompt-templates?${qs}`);
        expect(res.status, qs).toBe(422);
        expect(res.body.detail, qs).toHaveLength(1);
        expect(res.body.detail[0], qs).toMatchObject({ loc: ['query', field], type: expect.any(String) });
      }
      const half = await t.call<ErrorBody>('GET', '/prompt-templates?external_source=cms');
      expect(half.status).toBe(400);
      expect(half.body).toMatchObject({ success: false });
    });

    it('external_source + external_id find the mapped template, with its external_ids, combined with other filters', async () => {
      const alpha = (await t.call<ListBody>('GET', '/prompt-templates?name=f-alpha')).body.items[0]!;
      expect(alpha.external_ids).toEqual([]);
      const q = '/prompt-templates?external_source=cms&external_id=g%2F1';
      // Read once before the mapping exists: the cached empty page must not outlive the attach.
      expect((await t.call<ListBody>('GET', q)).body).toMatchObject({ items: [], total: 0 });
      const made = await t.call<ExternalIdsAttachBody>('POST', `/prompt-templates/${alpha.id}/external-ids`, {
        body: { source: 'cms', external_id: 'g/1' },
      });
      expect(made.status).toBe(201);
      const found = await t.call<ListBody>('GET', q);
      expect(found.body.total).toBe(1);
      expect(found.body.items[0]).toMatchObject({
        id: alpha.id,
        prompt_name: 'f-alpha',
        external_ids: [{ source: 'cms', external_id: 'g/1' }],
      });
      expect((await t.call<ListBody>('GET', `${q}&tags=big`)).body.total).toBe(1);
      expect((await t.call<ListBody>('GET', `${q}&tags=blue`)).body.total).toBe(0);
      expect(
        (await t.call<ListBody>('GET', '/prompt-templates?external_source=cms&external_id=g')).body.total,
      ).toBe(0);
      // Mappings are per workspace: another workspace's key finds nothing.
      expect((await t.call<ListBody>('GET', q, { key: t.keys.otherEditor })).body.total).toBe(0);
      await t.call<ExternalIdsDeleteBody>('DELETE', `/prompt-templates/${alpha.id}/external-ids/cms/g%2F1`);
      expect((await t.call<ListBody>('GET', q)).body.total).toBe(0);
    });
  });
}
