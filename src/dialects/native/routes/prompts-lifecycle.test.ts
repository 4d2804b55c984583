import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../../../test/support/stores.ts';
import { startTestApp, type ResponseOf, type TestApp } from '../../../../test/support/app.ts';
import type { schema as projectsCreate } from './projects-create.ts';
import type { schema as promptsCreate } from './prompts-create.ts';
import type { schema as promptsDelete } from './prompts-delete.ts';
import type { schema as promptsGet } from './prompts-get.ts';
import type { schema as promptsList } from './prompts-list.ts';
import type { schema as promptsResolve } from './prompts-resolve.ts';
import type { schema as promptsRestore } from './prompts-restore.ts';
import type { schema as promptsUpdate } from './prompts-update.ts';

/** Bodies typed from the response schemas the routes declare. */
type ProjectsCreateBody = ResponseOf<typeof projectsCreate, 201>;
type PromptsCreateBody = ResponseOf<typeof promptsCreate, 201>;
type PromptsDeleteBody = ResponseOf<typeof promptsDelete>;
type PromptsGetBody = ResponseOf<typeof promptsGet>;
type PromptsListBody = ResponseOf<typeof promptsList>;
type PromptsResolveBody = ResponseOf<typeof promptsResolve>;
type PromptsRestoreBody = ResponseOf<typeof promptsRestore>;
type PromptsUpdateBody = ResponseOf<typeof promptsUpdate>;
type ErrorBody = ResponseOf<typeof projectsCreate, '4xx'>;
import { promptWithVersions, uniq } from '../testing.ts';

for (const backend of backends) {
  describe.skipIf(!backend.available)(`native prompt list/update/delete/restore on ${backend.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp(backend);
    });
    afterAll(() => t?.close());

    describe('happy path', () => {
      it('lists with filters, sort and pagination', async () => {
        const tag = uniq('tag');
        const names = ['zeta', 'alpha', 'mid'].map((s) => `${tag}-${s}`);
        for (const name of names) {
          const res = await t.call<PromptsCreateBody>('POST', '/v1/prompts', {
            body: { name, tags: [tag, 'x'] },
          });
          expect(res.status).toBe(201);
        }
        await t.call<PromptsCreateBody>('POST', '/v1/prompts', {
          body: { name: `${tag}-snippet`, tags: [tag], is_snippet: true },
        });

        const all = await t.call<PromptsListBody>('GET', `/v1/prompts?tags=${tag},x&sort=name`, {
          key: t.keys.viewer,
        });
        expect(all.status).toBe(200);
        expect(all.body.data.map((p: { name: string }) => p.name)).toEqual([...names].sort());
        expect(all.body.pagination).toEqual({ total: 3, limit: 50, offset: 0, next_offset: null });

        const page = await t.call<PromptsListBody>(
          'GET',
          `/v1/prompts?tags=${tag}&sort=name&order=desc&limit=2&offset=1`,
        );
        expect(page.body.pagination).toEqual({ total: 4, limit: 2, offset: 1, next_offset: 3 });
        expect(page.body.data).toHaveLength(2);

        const q = await t.call<PromptsListBody>('GET', `/v1/prompts?q=${tag.toUpperCase()}-ALP`);
        expect(q.body.data.map((p: { name: string }) => p.name)).toEqual([`${tag}-alpha`]);

        const snippets = await t.call<PromptsListBody>('GET', `/v1/prompts?tags=${tag}&is_snippet=true`);
        expect(snippets.body.data.map((p: { name: string }) => p.name)).toEqual([`${tag}-snippet`]);

        const byName = await t.call<PromptsListBody>('GET', `/v1/prompts?name=${tag}-mid`);
        expect(byName.body.pagination.total).toBe(1);
      });

      it('filters by label and by project', async () => {
        const labelled = await promptWithVersions(t, ['a'], { labels: ['canary-only'] });
        const res = await t.call<PromptsListBody>('GET', '/v1/prompts?label=canary-only');
        expect(res.body.data.map((p: { id: string }) => p.id)).toEqual([labelled.id]);

        const project = uniq('proj');
        await t.call<ProjectsCreateBody>('POST', '/v1/workspaces/default/projects', {
          body: { name: project },
        });
        const inProject = await t.call<PromptsCreateBody>('POST', '/v1/prompts', {
          body: { name: uniq('pp'), project },
        });
        expect(inProject.status).toBe(201);
        const listed = await t.call<PromptsListBody>('GET', `/v1/prompts?project=${project}`);
        expect(listed.body.data.map((p: { id: string }) => p.id)).toEqual([inProject.body.prompt.id]);
      });

      it('updates fields with If-Match and sends the new ETag', async () => {
        const { id, etag } = await promptWithVersions(t, []);
        const newName = uniq('renamed');
        const res = await t.call<PromptsUpdateBody>('PATCH', `/v1/prompts/${id}`, {
          body: { name: newName, description: 'd', tags: ['t'], metadata: { k: 1 }, is_snippet: true },
          headers: { 'if-match': etag },
        });
        expect(res.status).toBe(200);
        expect(res.body.prompt).toMatchObject({
          name: newName,
          description: 'd',
          tags: ['t'],
          metadata: { k: 1 },
          is_snippet: true,
        });
        expect(res.headers.etag).not.toBe(etag);
        const got = await t.call<PromptsGetBody>('GET', `/v1/prompts/${encodeURIComponent(newName)}`);
        expect(got.body.prompt.id).toBe(id);
      });

      it('soft-deletes, frees the name, lists as deleted, and restores', async () => {
        const { id, name } = await promptWithVersions(t, ['v1']);
        const del = await t.call<PromptsDeleteBody>('DELETE', `/v1/prompts/${id}`);
        expect(del.status).toBe(200);
        expect(del.body.prompt.deleted_at).not.toBeNull();
        expect(del.headers.etag).toMatch(/^"\d+\.\d+"$/);
        expect((await t.call<PromptsGetBody>('GET', `/v1/prompts/${id}`)).status).toBe(404);
        const deleted = await t.call<PromptsListBody>('GET', `/v1/prompts?status=deleted&name=${name}`);
        expect(deleted.body.data.map((p: { id: string }) => p.id)).toEqual([id]);
        const active = await t.call<PromptsListBody>('GET', `/v1/prompts?name=${name}`);
        expect(active.body.data).toEqual([]);

        const restored = await t.call<PromptsRestoreBody>('POST', `/v1/prompts/${id}/restore`);
        expect(restored.status).toBe(200);
        expect(restored.body.prompt.deleted_at).toBeNull();
        expect(
          (await t.call<PromptsResolveBody>('GET', `/v1/prompts/${id}/resolve`)).body.version.number,
        ).toBe(1);
      });
    });

    describe('errors', () => {
      it('answers 400 to bad list parameters', async () => {
        for (const qs of ['limit=0', 'limit=501', 'offset=-1', 'sort=seq', 'order=up', 'status=gone']) {
          const res = await t.call<ErrorBody>('GET', `/v1/prompts?${qs}`);
          expect(res.status, qs).toBe(400);
          expect(res.body.error.code).toBe('bad_request');
        }
      });

      it('answers 412 to a stale If-Match on update and delete, changing nothing', async () => {
        const { id, etag, name } = await promptWithVersions(t, []);
        await t.call<PromptsUpdateBody>('PATCH', `/v1/prompts/${id}`, { body: { description: 'first' } });
        const upd = await t.call<ErrorBody>('PATCH', `/v1/prompts/${id}`, {
          body: { name: 'should-not-apply' },
          headers: { 'if-match': etag },
        });
        expect(upd.status).toBe(412);
        expect(upd.body.error.code).toBe('precondition_failed');
        const del = await t.call<PromptsDeleteBody>('DELETE', `/v1/prompts/${id}`, {
          headers: { 'if-match': etag },
        });
        expect(del.status).toBe(412);
        const got = await t.call<PromptsGetBody>('GET', `/v1/prompts/${id}`);
        expect(got.body.prompt).toMatchObject({ name, description: 'first', deleted_at: null });
      });

      it('answers 409 to a rename onto a taken name and to a restore whose name was reused', async () => {
        const a = await promptWithVersions(t, []);
        const b = await promptWithVersions(t, []);
        expect(
          (await t.call<PromptsUpdateBody>('PATCH', `/v1/prompts/${b.id}`, { body: { name: a.name } }))
            .status,
        ).toBe(409);
        await t.call<PromptsDeleteBody>('DELETE', `/v1/prompts/${a.id}`);
        expect(
          (await t.call<PromptsCreateBody>('POST', '/v1/prompts', { body: { name: a.name } })).status,
        ).toBe(201);
        const res = await t.call<ErrorBody>('POST', `/v1/prompts/${a.id}/restore`);
        expect(res.status).toBe(409);
        expect(res.body.error.code).toBe('conflict');
      });

      it('answers 400 to unknown update fields, 422 to an unknown project', async () => {
        const { id } = await promptWithVersions(t, []);
        expect(
          (await t.call<PromptsUpdateBody>('PATCH', `/v1/prompts/${id}`, { body: { kind: 'completion' } }))
            .status,
        ).toBe(400);
        const res = await t.call<PromptsUpdateBody>('PATCH', `/v1/prompts/${id}`, {
          body: { project: 'no-such-project' },
        });
        expect(res.status).toBe(422);
      });
    });

    describe('security', () => {
      it('answers 401 without a key or with a wrong key', async () => {
        for (const key of [null, 'lec_wrong']) {
          expect((await t.call<PromptsListBody>('GET', '/v1/prompts', { key })).status).toBe(401);
          expect((await t.call<PromptsUpdateBody>('PATCH', '/v1/prompts/x', { key, body: {} })).status).toBe(
            401,
          );
        }
      });

      it('lets a viewer list but not update, delete or restore', async () => {
        const { id } = await promptWithVersions(t, []);
        expect((await t.call<PromptsListBody>('GET', '/v1/prompts', { key: t.keys.viewer })).status).toBe(
          200,
        );
        const v = t.keys.viewer;
        expect(
          (
            await t.call<PromptsUpdateBody>('PATCH', `/v1/prompts/${id}`, {
              key: v,
              body: { description: 'x' },
            })
          ).status,
        ).toBe(403);
        expect((await t.call<PromptsDeleteBody>('DELETE', `/v1/prompts/${id}`, { key: v })).status).toBe(403);
        expect(
          (await t.call<PromptsRestoreBody>('POST', `/v1/prompts/${id}/restore`, { key: v })).status,
        ).toBe(403);
      });

      it("never lists, updates, deletes or restores another workspace's prompt", async () => {
        const { id, name } = await promptWithVersions(t, []);
        const other = t.keys.otherEditor;
        const list = await t.call<PromptsListBody>('GET', `/v1/prompts?name=${name}`, { key: other });
        expect(list.body.data).toEqual([]);
        expect(
          (await t.call<PromptsListBody>('GET', '/v1/prompts?workspace=default', { key: other })).status,
        ).toBe(404);
        expect(
          (
            await t.call<PromptsUpdateBody>('PATCH', `/v1/prompts/${id}`, {
              key: other,
              body: { description: 'x' },
            })
          ).status,
        ).toBe(404);
        expect((await t.call<PromptsDeleteBody>('DELETE', `/v1/prompts/${id}`, { key: other })).status).toBe(
          404,
        );
        expect(
          (await t.call<PromptsRestoreBody>('POST', `/v1/prompts/${id}/restore`, { key: other })).status,
        ).toBe(404);
        expect((await t.call<PromptsGetBody>('GET', `/v1/prompts/${id}`)).body.prompt.description).toBeNull();
      });
    });
  });
}
