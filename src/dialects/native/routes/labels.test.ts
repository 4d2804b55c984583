import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../../../test/support/stores.ts';
import { startTestApp, type ResponseOf, type TestApp } from '../../../../test/support/app.ts';
import type { schema as labelsDelete } from './labels-delete.ts';
import type { schema as labelsList } from './labels-list.ts';
import type { schema as labelsSet } from './labels-set.ts';
import type { schema as promptsResolve } from './prompts-resolve.ts';

/** Bodies typed from the response schemas the routes declare. */
type LabelsDeleteBody = ResponseOf<typeof labelsDelete>;
type LabelsListBody = ResponseOf<typeof labelsList>;
type LabelsSetBody = ResponseOf<typeof labelsSet>;
type PromptsResolveBody = ResponseOf<typeof promptsResolve>;
import { promptWithVersions } from '../testing.ts';
import type { schema as labelsHistory } from './labels-history.ts';

for (const backend of backends) {
  describe.skipIf(!backend.available)(`native labels API on ${backend.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp(backend);
    });
    afterAll(() => t?.close());

    describe('happy path', () => {
      it('sets, moves, lists and deletes labels, recording every move', async () => {
        const { id } = await promptWithVersions(t, ['a', 'b', 'c']);
        const set = await t.call<LabelsSetBody>('PUT', `/v1/prompts/${id}/labels/production`, {
          body: { version: 1 },
        });
        expect(set.status).toBe(200);
        expect(set.body.label).toMatchObject({ name: 'production', version: 1, prompt_id: id });
        expect(set.headers.etag).toMatch(/^"\d+\.\d+"$/);
        const moved = await t.call<LabelsSetBody>('PUT', `/v1/prompts/${id}/labels/production`, {
          body: { version: 'latest' },
          headers: { 'if-match': set.headers.etag as string },
        });
        expect(moved.status).toBe(200);
        expect(moved.body.label.version).toBe(3);
        await t.call<LabelsSetBody>('PUT', `/v1/prompts/${id}/labels/staging`, { body: { version: 2 } });

        const list = await t.call<LabelsListBody>('GET', `/v1/prompts/${id}/labels`, { key: t.keys.viewer });
        expect(list.status).toBe(200);
        expect(list.body.data.map((l: { name: string; version: number }) => [l.name, l.version])).toEqual([
          ['production', 3],
          ['staging', 2],
        ]);
        expect(list.body.pagination.total).toBe(2);

        const del = await t.call<LabelsDeleteBody>('DELETE', `/v1/prompts/${id}/labels/staging`);
        expect(del.status).toBe(200);
        expect(del.body.label).toMatchObject({ name: 'staging', version: 2 });

        const history = await t.call<ResponseOf<typeof labelsHistory>>(
          'GET',
          `/v1/prompts/${id}/labels/history`,
          { key: t.keys.viewer },
        );
        expect(history.status).toBe(200);
        expect(history.body.data.map((m) => [m.label, m.from_version, m.to_version])).toEqual([
          ['staging', 2, null],
          ['staging', null, 2],
          ['production', 1, 3],
          ['production', null, 1],
        ]);
      });

      it('pages and filters the history under both paths', async () => {
        const { id } = await promptWithVersions(t, ['a', 'b']);
        for (const v of [1, 2, 1])
          await t.call<LabelsSetBody>('PUT', `/v1/prompts/${id}/labels/prod`, { body: { version: v } });
        await t.call<LabelsSetBody>('PUT', `/v1/prompts/${id}/labels/other`, { body: { version: 1 } });
        const page = await t.call<ResponseOf<typeof labelsHistory>>(
          'GET',
          `/v1/prompts/${id}/label-history?label=prod&limit=2`,
        );
        expect(page.body.data.map((m) => m.to_version)).toEqual([1, 2]);
        expect(page.body.pagination).toEqual({ total: 3, limit: 2, offset: 0, next_offset: 2 });
        const rest = await t.call<ResponseOf<typeof labelsHistory>>(
          'GET',
          `/v1/prompts/${id}/labels/history?label=prod&limit=2&offset=2`,
        );
        expect(rest.body.data.map((m) => m.to_version)).toEqual([1]);
        expect(rest.body.pagination.next_offset).toBeNull();
      });

      it('treats "history" as a route, not a label, on GET', async () => {
        const { id } = await promptWithVersions(t, ['a']);
        const res = await t.call<ResponseOf<typeof labelsHistory>>('GET', `/v1/prompts/${id}/labels/history`);
        expect(res.status).toBe(200);
        expect(res.body).toHaveProperty('pagination');
      });
    });

    describe('errors', () => {
      it('answers 412 to a stale If-Match and leaves the label where it was', async () => {
        const { id, etag } = await promptWithVersions(t, ['a', 'b'], { labels: ['production'] });
        await t.call<LabelsSetBody>('PUT', `/v1/prompts/${id}/labels/canary`, { body: { version: 1 } });
        const res = await t.call<LabelsSetBody>('PUT', `/v1/prompts/${id}/labels/production`, {
          body: { version: 1 },
          headers: { 'if-match': etag },
        });
        expect(res.status).toBe(412);
        const del = await t.call<LabelsDeleteBody>('DELETE', `/v1/prompts/${id}/labels/production`, {
          headers: { 'if-match': etag },
        });
        expect(del.status).toBe(412);
        const resolved = await t.call<PromptsResolveBody>(
          'GET',
          `/v1/prompts/${id}/resolve?label=production`,
        );
        expect(resolved.body.version.number).toBe(2);
      });

      it('answers 404 to an unknown version or label, 400 to a bad body', async () => {
        const { id } = await promptWithVersions(t, ['a']);
        expect(
          (await t.call<LabelsSetBody>('PUT', `/v1/prompts/${id}/labels/x`, { body: { version: 5 } })).status,
        ).toBe(404);
        expect((await t.call<LabelsDeleteBody>('DELETE', `/v1/prompts/${id}/labels/never-set`)).status).toBe(
          404,
        );
        for (const body of [{}, { version: 0 }, { version: '1' }, { version: 1, extra: true }]) {
          const res = await t.call<LabelsSetBody>('PUT', `/v1/prompts/${id}/labels/x`, { body });
          expect(res.status, JSON.stringify(body)).toBe(400);
        }
        const long = 'l'.repeat(129);
        expect(
          (await t.call<LabelsSetBody>('PUT', `/v1/prompts/${id}/labels/${long}`, { body: { version: 1 } }))
            .status,
        ).toBe(400);
      });
    });

    describe('security', () => {
      it('answers 401 without a key or with a wrong key', async () => {
        const { id } = await promptWithVersions(t, ['a']);
        for (const key of [null, 'lec_wrong']) {
          expect((await t.call<LabelsListBody>('GET', `/v1/prompts/${id}/labels`, { key })).status).toBe(401);
          expect(
            (await t.call<LabelsSetBody>('PUT', `/v1/prompts/${id}/labels/p`, { key, body: { version: 1 } }))
              .status,
          ).toBe(401);
        }
      });

      it('lets a viewer read labels but not set or delete them', async () => {
        const { id } = await promptWithVersions(t, ['a'], { labels: ['production'] });
        const v = t.keys.viewer;
        expect((await t.call('GET', `/v1/prompts/${id}/label-history`, { key: v })).status).toBe(200);
        expect(
          (await t.call<LabelsSetBody>('PUT', `/v1/prompts/${id}/labels/p`, { key: v, body: { version: 1 } }))
            .status,
        ).toBe(403);
        expect(
          (await t.call<LabelsDeleteBody>('DELETE', `/v1/prompts/${id}/labels/production`, { key: v }))
            .status,
        ).toBe(403);
      });

      it("answers 404 for another workspace's labels", async () => {
        const { id } = await promptWithVersions(t, ['a'], { labels: ['production'] });
        const o = t.keys.otherEditor;
        expect((await t.call<LabelsListBody>('GET', `/v1/prompts/${id}/labels`, { key: o })).status).toBe(
          404,
        );
        expect((await t.call('GET', `/v1/prompts/${id}/labels/history`, { key: o })).status).toBe(404);
        expect(
          (
            await t.call<LabelsSetBody>('PUT', `/v1/prompts/${id}/labels/production`, {
              key: o,
              body: { version: 1 },
            })
          ).status,
        ).toBe(404);
        expect(
          (await t.call<LabelsDeleteBody>('DELETE', `/v1/prompts/${id}/labels/production`, { key: o }))
            .status,
        ).toBe(404);
        expect(
          (await t.call<PromptsResolveBody>('GET', `/v1/prompts/${id}/resolve?label=production`)).status,
        ).toBe(200);
      });
    });
  });
}
