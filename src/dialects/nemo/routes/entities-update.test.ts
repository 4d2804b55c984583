// NeMo's entity-store PUT on workspaces and projects: the description is replaced (omitted means
// cleared, as NeMo's PUT replaces every mutable field), the name stays, `updated_at` moves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../../../test/support/stores.ts';
import { startTestApp, type ResponseOf, type TestApp } from '../../../../test/support/app.ts';
import type { schema as projectsUpdate } from './projects-update.ts';
import type { schema as workspacesUpdate } from './workspaces-update.ts';
import type { schema as projectsCreate } from './projects-create.ts';
import type { schema as projectsGet } from './projects-get.ts';
import type { schema as workspacesCreate } from './workspaces-create.ts';
import type { schema as workspacesGet } from './workspaces-get.ts';
import type { ValidationErrorT } from '../responses.ts';

/** Bodies typed from the response schemas the routes declare. */
type ProjectsUpdateBody = ResponseOf<typeof projectsUpdate>;
type WorkspacesUpdateBody = ResponseOf<typeof workspacesUpdate>;
type ErrorBody = ResponseOf<typeof projectsUpdate, '4xx'>;

const W = '/apis/entities/v2/workspaces';
const TS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/;

for (const backend of backends) {
  describe.skipIf(!backend.available)(`NeMo workspace and project PUT on ${backend.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp(backend);
    });
    afterAll(() => t?.close());
    const admin = <T = unknown>(method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown) =>
      t.call<T>(method, url, { key: t.keys.admin, ...(body !== undefined ? { body } : {}) });

    describe('workspaces', () => {
      it('replaces the description, keeps id, name and created_at, moves updated_at', async () => {
        const made = (
          await admin<ResponseOf<typeof workspacesCreate, 201>>('POST', W, {
            name: 'put-ws',
            description: 'before',
          })
        ).body;
        await new Promise((r) => setTimeout(r, 5));
        const res = await admin<WorkspacesUpdateBody>('PUT', `${W}/put-ws`, {
          description: 'after',
          name: 'ignored-name',
        });
        expect(res.status).toBe(200);
        expect(res.body).toEqual({
          id: made.id,
          name: 'put-ws',
          description: 'after',
          created_at: made.created_at,
          updated_at: expect.stringMatching(TS),
        });
        expect(res.body.updated_at! > made.updated_at!).toBe(true);
        expect((await admin('GET', `${W}/put-ws`)).body).toEqual(res.body);
        // Full replace: an omitted description is cleared.
        expect((await admin<WorkspacesUpdateBody>('PUT', `${W}/put-ws`, {})).body.description).toBeNull();
        expect(
          (await admin<ResponseOf<typeof workspacesGet>>('GET', `${W}/put-ws`)).body.description,
        ).toBeNull();
      });

      it('404 in NeMo envelope for an unknown workspace, 422 for a bad body', async () => {
        expect(await admin('PUT', `${W}/ghost-ws`, { description: 'x' })).toMatchObject({
          status: 404,
          body: { detail: 'Workspace not found: ghost-ws' },
        });
        const bad = await admin<ValidationErrorT>('PUT', `${W}/default`, { description: 42 });
        expect(bad.status).toBe(422);
        expect(bad.body.detail[0]!.loc).toEqual(['body', 'description']);
        const long = await admin('PUT', `${W}/default`, { description: 'x'.repeat(1001) });
        expect(long.status).toBe(422);
        const notJson = await t.call<ErrorBody>('PUT', `${W}/default`, {
          key: t.keys.admin,
          body: '{"description":',
        });
        expect(notJson.status).toBe(422);
        expect(Array.isArray(notJson.body.detail)).toBe(true);
      });

      it('only admins update; a bound key cannot see another workspace', async () => {
        expect(
          (await t.call<WorkspacesUpdateBody>('PUT', `${W}/default`, { body: { description: 'e' } })).status,
        ).toBe(403);
        expect(
          (
            await t.call<WorkspacesUpdateBody>('PUT', `${W}/default`, {
              key: t.keys.viewer,
              body: { description: 'v' },
            })
          ).status,
        ).toBe(403);
        expect(
          (await admin<ResponseOf<typeof workspacesGet>>('GET', `${W}/default`)).body.description,
        ).not.toBe('e');
        await admin('POST', W, { name: 'put-hidden' });
        expect(
          (
            await t.call<WorkspacesUpdateBody>('PUT', `${W}/put-hidden`, {
              key: t.keys.otherEditor,
              body: { description: 'x' },
            })
          ).status,
        ).toBe(403);
      });
    });

    describe('projects', () => {
      const PR = `${W}/default/projects`;
      it('replaces the description and keeps the rest', async () => {
        const made = (
          await t.call<ResponseOf<typeof projectsCreate, 201>>('POST', PR, {
            body: { name: 'put-proj', description: 'one' },
          })
        ).body;
        await new Promise((r) => setTimeout(r, 5));
        const res = await t.call<ResponseOf<typeof projectsUpdate>>('PUT', `${PR}/put-proj`, {
          body: { description: 'two', name: 'renamed' },
        });
        expect(res.status).toBe(200);
        expect(res.body).toEqual({
          id: made.id,
          name: 'put-proj',
          workspace: 'default',
          description: 'two',
          created_at: made.created_at,
          updated_at: expect.stringMatching(TS),
        });
        expect(res.body.updated_at! > made.updated_at!).toBe(true);
        expect(
          (await t.call<ResponseOf<typeof projectsGet>>('GET', `${PR}/put-proj`, { key: t.keys.viewer }))
            .body,
        ).toEqual(res.body);
        expect((await t.call('GET', `${PR}/renamed`)).status).toBe(404);
        expect(
          (
            await t.call<ResponseOf<typeof projectsUpdate>>('PUT', `${PR}/put-proj`, {
              body: { description: null },
            })
          ).body.description,
        ).toBe(null);
      });

      it('404 for an unknown project or workspace, 403 for a viewer, invisible across workspaces', async () => {
        expect(await t.call('PUT', `${PR}/ghost`, { body: {} })).toMatchObject({
          status: 404,
          body: { detail: 'Project not found: default/ghost' },
        });
        expect(
          await t.call<ProjectsUpdateBody>('PUT', `${W}/nowhere/projects/p1`, {
            key: t.keys.admin,
            body: {},
          }),
        ).toMatchObject({
          status: 404,
          body: { detail: 'Project not found: nowhere/p1' },
        });
        await t.call('POST', PR, { body: { name: 'put-proj-2' } });
        expect(
          (await t.call('PUT', `${PR}/put-proj-2`, { key: t.keys.viewer, body: { description: 'v' } }))
            .status,
        ).toBe(403);
        expect(
          (await t.call('PUT', `${PR}/put-proj-2`, { key: t.keys.otherEditor, body: { description: 'o' } }))
            .status,
        ).toBe(404);
        expect(
          (await t.call<ResponseOf<typeof projectsGet>>('GET', `${PR}/put-proj-2`)).body.description,
        ).toBeNull();
      });

      it('a deleted project cannot be updated', async () => {
        await t.call('POST', PR, { body: { name: 'put-gone' } });
        expect((await t.call('DELETE', `${PR}/put-gone`)).status).toBe(204);
        expect((await t.call('PUT', `${PR}/put-gone`, { body: { description: 'x' } })).status).toBe(404);
      });
    });
  });
}
