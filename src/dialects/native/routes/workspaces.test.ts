import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../../../test/support/stores.ts';
import { startTestApp, type ResponseOf, type TestApp } from '../../../../test/support/app.ts';
import type { schema as projectsCreate } from './projects-create.ts';
import type { schema as projectsDelete } from './projects-delete.ts';
import type { schema as projectsGet } from './projects-get.ts';
import type { schema as projectsList } from './projects-list.ts';
import type { schema as promptsCreate } from './prompts-create.ts';
import type { schema as workspacesCreate } from './workspaces-create.ts';
import type { schema as workspacesDelete } from './workspaces-delete.ts';
import type { schema as workspacesGet } from './workspaces-get.ts';
import type { schema as workspacesList } from './workspaces-list.ts';

/** Bodies typed from the response schemas the routes declare. */
type ProjectsCreateBody = ResponseOf<typeof projectsCreate, 201>;
type ProjectsDeleteBody = ResponseOf<typeof projectsDelete>;
type ProjectsGetBody = ResponseOf<typeof projectsGet>;
type ProjectsListBody = ResponseOf<typeof projectsList>;
type PromptsCreateBody = ResponseOf<typeof promptsCreate, 201>;
type WorkspacesCreateBody = ResponseOf<typeof workspacesCreate, 201>;
type WorkspacesDeleteBody = ResponseOf<typeof workspacesDelete>;
type WorkspacesGetBody = ResponseOf<typeof workspacesGet>;
type WorkspacesListBody = ResponseOf<typeof workspacesList>;
import { uniq } from '../testing.ts';

for (const backend of backends) {
  describe.skipIf(!backend.available)(`native workspaces API on ${backend.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp(backend);
    });
    afterAll(() => t?.close());
    const admin = () => t.keys.admin;

    describe('happy path', () => {
      it('creates, lists, gets and deletes a workspace', async () => {
        const name = uniq('team');
        const res = await t.call<WorkspacesCreateBody>('POST', '/v1/workspaces', {
          key: admin(),
          body: { name, description: 'd', metadata: { k: 1 } },
        });
        expect(res.status).toBe(201);
        expect(res.body.workspace).toMatchObject({ name, description: 'd', metadata: { k: 1 } });
        const list = await t.call<WorkspacesListBody>('GET', '/v1/workspaces?limit=500', { key: admin() });
        expect(list.body.data.map((w: { name: string }) => w.name)).toEqual(
          expect.arrayContaining(['default', 'other', name]),
        );
        expect(list.body.pagination.total).toBe(list.body.data.length);
        expect(
          (await t.call<WorkspacesGetBody>('GET', `/v1/workspaces/${name}`, { key: admin() })).body.workspace
            .name,
        ).toBe(name);
        const del = await t.call<WorkspacesDeleteBody>('DELETE', `/v1/workspaces/${name}`, { key: admin() });
        expect(del.status).toBe(200);
        expect(
          (await t.call<WorkspacesGetBody>('GET', `/v1/workspaces/${name}`, { key: admin() })).status,
        ).toBe(404);
      });

      it('creates, lists, gets and deletes projects', async () => {
        const project = uniq('proj');
        const res = await t.call<ProjectsCreateBody>('POST', '/v1/workspaces/default/projects', {
          body: { name: project },
        });
        expect(res.status).toBe(201);
        expect(res.body.project.name).toBe(project);
        const list = await t.call<ProjectsListBody>('GET', '/v1/workspaces/default/projects', {
          key: t.keys.viewer,
        });
        expect(list.body.data.map((p: { name: string }) => p.name)).toContain(project);
        const got = await t.call<ProjectsGetBody>('GET', `/v1/workspaces/default/projects/${project}`, {
          key: t.keys.viewer,
        });
        expect(got.body.project.id).toBe(res.body.project.id);
        expect(
          (await t.call<ProjectsDeleteBody>('DELETE', `/v1/workspaces/default/projects/${project}`)).status,
        ).toBe(200);
        expect(
          (await t.call<ProjectsGetBody>('GET', `/v1/workspaces/default/projects/${project}`)).status,
        ).toBe(404);
      });

      it('shows a workspace key only its own workspace', async () => {
        const list = await t.call<WorkspacesListBody>('GET', '/v1/workspaces', { key: t.keys.otherViewer });
        expect(list.body.data.map((w: { name: string }) => w.name)).toEqual(['other']);
      });
    });

    describe('errors', () => {
      it('answers 409 to a duplicate name, to deleting default, and to deleting a workspace with prompts', async () => {
        const name = uniq('dup');
        await t.call<WorkspacesCreateBody>('POST', '/v1/workspaces', { key: admin(), body: { name } });
        expect(
          (await t.call<WorkspacesCreateBody>('POST', '/v1/workspaces', { key: admin(), body: { name } }))
            .status,
        ).toBe(409);
        expect(
          (await t.call<WorkspacesDeleteBody>('DELETE', '/v1/workspaces/default', { key: admin() })).status,
        ).toBe(409);
        const p = await t.call<PromptsCreateBody>('POST', `/v1/prompts?workspace=${name}`, {
          key: admin(),
          body: { name: 'x' },
        });
        expect(p.status).toBe(201);
        const del = await t.call<WorkspacesDeleteBody>('DELETE', `/v1/workspaces/${name}`, { key: admin() });
        expect(del.status).toBe(409);
        expect(
          (await t.call<WorkspacesGetBody>('GET', `/v1/workspaces/${name}`, { key: admin() })).status,
        ).toBe(200);
        const project = uniq('p');
        await t.call<ProjectsCreateBody>('POST', '/v1/workspaces/default/projects', {
          body: { name: project },
        });
        expect(
          (
            await t.call<ProjectsCreateBody>('POST', '/v1/workspaces/default/projects', {
              body: { name: project },
            })
          ).status,
        ).toBe(409);
      });

      it('answers 400 to bad bodies and 404 to unknown names', async () => {
        for (const body of [{}, { name: '' }, { name: 'x', extra: 1 }, { name: 7 }]) {
          expect(
            (await t.call<WorkspacesCreateBody>('POST', '/v1/workspaces', { key: admin(), body })).status,
            JSON.stringify(body),
          ).toBe(400);
        }
        expect((await t.call<WorkspacesGetBody>('GET', '/v1/workspaces/nope', { key: admin() })).status).toBe(
          404,
        );
        expect(
          (await t.call<ProjectsListBody>('GET', '/v1/workspaces/nope/projects', { key: admin() })).status,
        ).toBe(404);
        expect(
          (await t.call<ProjectsDeleteBody>('DELETE', '/v1/workspaces/default/projects/nope')).status,
        ).toBe(404);
      });
    });

    describe('security', () => {
      it('answers 401 without a key or with a wrong key', async () => {
        for (const key of [null, 'lec_wrong']) {
          expect((await t.call<WorkspacesListBody>('GET', '/v1/workspaces', { key })).status).toBe(401);
          expect(
            (await t.call<WorkspacesCreateBody>('POST', '/v1/workspaces', { key, body: { name: 'x' } }))
              .status,
          ).toBe(401);
        }
      });

      it('answers 403 to non-admins managing workspaces and to viewers writing projects', async () => {
        expect(
          (
            await t.call<WorkspacesCreateBody>('POST', '/v1/workspaces', {
              key: t.keys.editor,
              body: { name: uniq('w') },
            })
          ).status,
        ).toBe(403);
        expect(
          (await t.call<WorkspacesDeleteBody>('DELETE', '/v1/workspaces/other', { key: t.keys.editor }))
            .status,
        ).toBe(403);
        const res = await t.call<ProjectsCreateBody>('POST', '/v1/workspaces/default/projects', {
          key: t.keys.viewer,
          body: { name: 'v' },
        });
        expect(res.status).toBe(403);
      });

      it("answers 404 for another workspace's workspace and projects", async () => {
        const project = uniq('mine');
        await t.call<ProjectsCreateBody>('POST', '/v1/workspaces/default/projects', {
          body: { name: project },
        });
        const o = t.keys.otherEditor;
        expect((await t.call<WorkspacesGetBody>('GET', '/v1/workspaces/default', { key: o })).status).toBe(
          404,
        );
        expect(
          (await t.call<ProjectsListBody>('GET', '/v1/workspaces/default/projects', { key: o })).status,
        ).toBe(404);
        expect(
          (await t.call<ProjectsGetBody>('GET', `/v1/workspaces/default/projects/${project}`, { key: o }))
            .status,
        ).toBe(404);
        expect(
          (
            await t.call<ProjectsCreateBody>('POST', '/v1/workspaces/default/projects', {
              key: o,
              body: { name: 'x' },
            })
          ).status,
        ).toBe(404);
        expect(
          (
            await t.call<ProjectsDeleteBody>('DELETE', `/v1/workspaces/default/projects/${project}`, {
              key: o,
            })
          ).status,
        ).toBe(404);
        expect(
          (await t.call<ProjectsGetBody>('GET', `/v1/workspaces/default/projects/${project}`)).status,
        ).toBe(200);
      });
    });
  });
}
