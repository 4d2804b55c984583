import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../../../test/support/stores.ts';
import { startTestApp, type TestApp, type ResponseOf } from '../../../../test/support/app.ts';
import { promptWithVersions } from '../testing.ts';
import type { schema as auditList } from './audit-list.ts';
import type { schema as keysCreate } from './keys-create.ts';
import type { schema as promptsCreate } from './prompts-create.ts';

for (const backend of backends) {
  describe.skipIf(!backend.available)(`native audit API on ${backend.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp(backend);
    });
    afterAll(() => t?.close());

    describe('happy path', () => {
      it('records who changed a prompt, with before and after, newest first', async () => {
        const { id } = await promptWithVersions(t, ['a']);
        await t.call('PATCH', `/v1/prompts/${id}`, { body: { description: 'new' } });
        const res = await t.call<ResponseOf<typeof auditList>>('GET', `/v1/audit?entity_id=${id}`, {
          key: t.keys.viewer,
        });
        expect(res.status).toBe(200);
        expect(res.body.data.map((e: { action: string }) => e.action)).toEqual([
          'prompt.update',
          'prompt.create',
        ]);
        const update = res.body.data[0]!;
        expect(update.before).toMatchObject({ description: null });
        expect(update.after).toMatchObject({ description: 'new' });
        expect(update.actor).toMatch(/^[0-9a-f-]{36}$/);
        expect(update.entity_type).toBe('prompt');
      });

      it('filters by action and paginates', async () => {
        await promptWithVersions(t, []);
        await promptWithVersions(t, []);
        const res = await t.call<ResponseOf<typeof auditList>>(
          'GET',
          '/v1/audit?action=prompt.create&limit=1',
        );
        expect(res.body.data).toHaveLength(1);
        expect(res.body.data[0]?.action).toBe('prompt.create');
        expect(res.body.pagination.total).toBeGreaterThanOrEqual(2);
        expect(res.body.pagination.next_offset).toBe(1);
      });
    });

    describe('errors', () => {
      it('answers 400 to bad paging and 404 to an unknown workspace', async () => {
        expect((await t.call('GET', '/v1/audit?limit=0')).status).toBe(400);
        expect((await t.call('GET', '/v1/audit?limit=501')).status).toBe(400);
        expect((await t.call('GET', '/v1/audit?workspace=nowhere', { key: t.keys.admin })).status).toBe(404);
      });
    });

    describe('security', () => {
      it('answers 401 without a key or with a wrong key', async () => {
        expect((await t.call('GET', '/v1/audit', { key: null })).status).toBe(401);
        expect((await t.call('GET', '/v1/audit', { key: 'lec_wrong' })).status).toBe(401);
      });

      it("never shows another workspace's events", async () => {
        const { id } = await promptWithVersions(t, []);
        const own = await t.call<ResponseOf<typeof auditList>>('GET', `/v1/audit?entity_id=${id}`, {
          key: t.keys.otherViewer,
        });
        expect(own.status).toBe(200);
        expect(own.body.data).toEqual([]);
        expect((await t.call('GET', '/v1/audit?workspace=default', { key: t.keys.otherViewer })).status).toBe(
          404,
        );
      });

      it('an all-workspace admin key reads every event, including keys that belong to no workspace', async () => {
        const made = await t.call<ResponseOf<typeof keysCreate, 201>>('POST', '/v1/keys', {
          key: t.keys.admin,
          body: { name: 'global-admin', role: 'admin' },
        });
        expect(made.status).toBe(201);
        expect(made.body.key.workspace_id).toBeNull();
        const id = made.body.key.id;
        expect((await t.call('DELETE', `/v1/keys/${id}`, { key: t.keys.admin })).status).toBe(200);
        const res = await t.call<ResponseOf<typeof auditList>>('GET', `/v1/audit?entity_id=${id}`, {
          key: t.keys.admin,
        });
        expect(res.status).toBe(200);
        expect(res.body.data.map((e: { action: string }) => e.action)).toEqual(['key.revoke', 'key.create']);
        expect(res.body.data.every((e: { workspace_id: unknown }) => e.workspace_id === null)).toBe(true);
        // The whole log spans workspaces: another workspace's prompt events are in it too.
        const other = await t.call<ResponseOf<typeof promptsCreate, 201>>('POST', '/v1/prompts', {
          key: t.keys.otherEditor,
          body: { name: 'seen-by-admin' },
        });
        const all = await t.call<ResponseOf<typeof auditList>>(
          'GET',
          '/v1/audit?action=prompt.create&limit=500',
          { key: t.keys.admin },
        );
        expect(all.body.data.map((e: { entity_id: string }) => e.entity_id)).toContain(other.body.prompt.id);
        // A workspace admin does not see them.
        const wsAdmin = await t.call<ResponseOf<typeof keysCreate, 201>>('POST', '/v1/keys', {
          key: t.keys.admin,
          body: { name: 'ws-admin', role: 'admin', workspace: 'default' },
        });
        const bound = await t.call<ResponseOf<typeof auditList>>('GET', `/v1/audit?entity_id=${id}`, {
          key: wsAdmin.body.secret,
        });
        expect(bound.body.data).toEqual([]);
      });

      it('an admin key reads any workspace it names', async () => {
        const created = await t.call<ResponseOf<typeof promptsCreate, 201>>('POST', '/v1/prompts', {
          key: t.keys.otherEditor,
          body: { name: 'audited' },
        });
        const res = await t.call<ResponseOf<typeof auditList>>(
          'GET',
          `/v1/audit?workspace=other&entity_id=${created.body.prompt.id}`,
          {
            key: t.keys.admin,
          },
        );
        expect(res.body.data.map((e: { action: string }) => e.action)).toEqual(['prompt.create']);
      });
    });
  });
}
