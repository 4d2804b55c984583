import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../../../test/support/stores.ts';
import { startTestApp, type ResponseOf, type TestApp } from '../../../../test/support/app.ts';
import type { schema as projectsCreate } from './projects-create.ts';
import type { schema as workspacesCreate } from './workspaces-create.ts';
import type { schema as workspacesDelete } from './workspaces-delete.ts';
import type { schema as workspacesGet } from './workspaces-get.ts';
import type { schema as workspacesList } from './workspaces-list.ts';
import type { schema as projectsGet } from './projects-get.ts';
import type { schema as projectsList } from './projects-list.ts';
import type { ValidationErrorT } from '../responses.ts';

/** Bodies typed from the response schemas the routes declare. */
type ProjectsCreateBody = ResponseOf<typeof projectsCreate, 201>;
type WorkspacesCreateBody = ResponseOf<typeof workspacesCreate, 201>;
type WorkspacesDeleteBody = ResponseOf<typeof workspacesDelete, 204>;
type WorkspacesGetBody = ResponseOf<typeof workspacesGet>;
type WorkspacesListBody = ResponseOf<typeof workspacesList>;

const W = '/apis/entities/v2/workspaces';
const TS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/;

for (const backend of backends) {
  describe.skipIf(!backend.available)(`NeMo workspaces and projects on ${backend.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp(backend);
    });
    afterAll(() => t?.close());
    const admin = <T = unknown>(method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown) =>
      t.call<T>(method, url, { key: t.keys.admin, ...(body ? { body } : {}) });

    describe('workspaces', () => {
      it('has default and system from the start', async () => {
        const res = await admin<WorkspacesListBody>('GET', W);
        expect(res.status).toBe(200);
        const names = res.body.data.map((w) => w.name);
        expect(names).toEqual(expect.arrayContaining(['default', 'system']));
        expect(res.body.pagination).toMatchObject({ page: 1, page_size: 100, total_results: names.length });
        expect((await admin<WorkspacesGetBody>('GET', `${W}/system`)).body.name).toBe('system');
      });

      it('creates (201), gets, lists and deletes (204) a workspace', async () => {
        const res = await admin('POST', W, { name: 'team-a', description: 'Team A' });
        expect(res.status).toBe(201);
        expect(res.body).toEqual({
          id: expect.stringMatching(/^workspace-[1-9A-HJ-NP-Za-km-z]+$/),
          name: 'team-a',
          description: 'Team A',
          created_at: expect.stringMatching(TS),
          updated_at: expect.stringMatching(TS),
        });
        expect((await admin('GET', `${W}/team-a`)).body).toEqual(res.body);
        const page = await admin<WorkspacesListBody>('GET', `${W}?page_size=1&page=1`);
        expect(page.body.pagination.current_page_size).toBe(1);
        const del = await admin('DELETE', `${W}/team-a`);
        expect(del.status).toBe(204);
        expect((await admin('GET', `${W}/team-a`)).body).toEqual({ detail: 'Workspace not found: team-a' });
      });

      it('409 on a duplicate and on deleting a built-in or non-empty workspace', async () => {
        await admin('POST', W, { name: 'team-b' });
        expect(await admin('POST', W, { name: 'team-b' })).toMatchObject({
          status: 409,
          body: { detail: "Workspace 'team-b' already exists" },
        });
        expect((await admin('DELETE', `${W}/system`)).status).toBe(409);
        expect((await admin('DELETE', `${W}/default`)).status).toBe(409);
        await admin('POST', '/apis/models/v2/workspaces/team-b/prompts', { name: 'kept' });
        expect(await admin('DELETE', `${W}/team-b`)).toMatchObject({
          status: 409,
          body: { detail: "Workspace 'team-b' still holds prompts" },
        });
      });

      it('validates names with the entity naming rule (422)', async () => {
        for (const name of ['Upper', 'a', '9start', 'end-', 'a--b']) {
          const res = await admin<ValidationErrorT>('POST', W, { name });
          expect(res.status, name).toBe(422);
          expect(res.body.detail[0]).toMatchObject({
            type: 'string_pattern_mismatch',
            loc: ['body', 'name'],
          });
        }
        expect((await admin<ValidationErrorT>('POST', W, {})).body.detail[0]).toMatchObject({
          type: 'missing',
          loc: ['body', 'name'],
        });
      });

      it('only admins create or delete workspaces; bound keys see only their own', async () => {
        expect((await t.call<WorkspacesCreateBody>('POST', W, { body: { name: 'by-editor' } })).status).toBe(
          403,
        );
        expect(
          (await t.call<WorkspacesDeleteBody>('DELETE', `${W}/other`, { key: t.keys.viewer })).status,
        ).toBe(403);
        const mine = await t.call<WorkspacesListBody>('GET', W, { key: t.keys.viewer });
        expect(mine.body.data.map((w) => w.name)).toEqual(['default']);
        expect((await t.call<WorkspacesGetBody>('GET', `${W}/other`, { key: t.keys.viewer })).status).toBe(
          404,
        );
        expect((await t.call<WorkspacesListBody>('GET', W, { key: null })).status).toBe(401);
      });
    });

    it('answers unknown paths under /apis with FastAPI 404', async () => {
      const res = await t.call('GET', '/apis/models/v2/nothing-here');
      expect(res).toMatchObject({ status: 404, body: { detail: 'Not Found' } });
    });

    describe('projects', () => {
      const PR = `${W}/default/projects`;
      it('creates (201), gets, lists and deletes (204) a project', async () => {
        const res = await t.call<ResponseOf<typeof projectsCreate, 201>>('POST', PR, {
          body: { name: 'proj-x', description: 'X' },
        });
        expect(res.status).toBe(201);
        expect(res.body).toEqual({
          id: expect.stringMatching(/^project-/),
          name: 'proj-x',
          workspace: 'default',
          description: 'X',
          created_at: expect.stringMatching(TS),
          updated_at: expect.stringMatching(TS),
        });
        expect(
          (await t.call<ResponseOf<typeof projectsGet>>('GET', `${PR}/proj-x`, { key: t.keys.viewer })).body,
        ).toEqual(res.body);
        const list = await t.call<ResponseOf<typeof projectsList>>('GET', PR);
        expect(list.body.data.map((p) => p.name)).toContain('proj-x');
        expect((await t.call('DELETE', `${PR}/proj-x`)).status).toBe(204);
        expect((await t.call<ResponseOf<typeof projectsGet>>('GET', `${PR}/proj-x`)).body).toEqual({
          detail: 'Project not found: default/proj-x',
        });
        expect((await t.call('DELETE', `${PR}/proj-x`)).status).toBe(404);
      });

      it('409 on a duplicate, 422 on an unknown workspace or a bad name', async () => {
        await t.call('POST', PR, { body: { name: 'proj-y' } });
        expect(await t.call('POST', PR, { body: { name: 'proj-y' } })).toMatchObject({
          status: 409,
          body: { detail: "Project 'proj-y' already exists in workspace 'default'" },
        });
        expect(
          await t.call<ProjectsCreateBody>('POST', `${W}/ghost/projects`, {
            key: t.keys.admin,
            body: { name: 'p1' },
          }),
        ).toMatchObject({
          status: 422,
          body: { detail: "Workspace 'ghost' does not exist. Please create the workspace first." },
        });
        const bad = await t.call<ValidationErrorT>('POST', PR, {
          body: { name: 'Bad_Project' },
        });
        expect(bad.status).toBe(422);
        expect(bad.body.detail[0]!.loc).toEqual(['body', 'name']);
      });

      it('viewers cannot create; other workspaces are invisible', async () => {
        expect((await t.call('POST', PR, { key: t.keys.viewer, body: { name: 'proj-v' } })).status).toBe(403);
        expect((await t.call('GET', PR, { key: t.keys.otherViewer })).status).toBe(404);
        expect((await t.call('GET', `${PR}/proj-y`, { key: t.keys.otherViewer })).status).toBe(404);
      });
    });
  });
}
