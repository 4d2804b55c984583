import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../../../test/support/stores.ts';
import { startTestApp, type ResponseOf, type TestApp } from '../../../../test/support/app.ts';
import type { schema as auditList } from './audit-list.ts';
import type { schema as keysCreate } from './keys-create.ts';
import type { schema as keysList } from './keys-list.ts';
import type { schema as keysRevoke } from './keys-revoke.ts';
import type { schema as promptsCreate } from './prompts-create.ts';
import type { schema as promptsList } from './prompts-list.ts';
import type { schema as workspacesList } from './workspaces-list.ts';

/** Bodies typed from the response schemas the routes declare. */
type AuditListBody = ResponseOf<typeof auditList>;
type KeysCreateBody = ResponseOf<typeof keysCreate, 201>;
type KeysListBody = ResponseOf<typeof keysList>;
type KeysRevokeBody = ResponseOf<typeof keysRevoke>;
type PromptsCreateBody = ResponseOf<typeof promptsCreate, 201>;
type PromptsListBody = ResponseOf<typeof promptsList>;
type WorkspacesListBody = ResponseOf<typeof workspacesList>;
type ErrorBody = ResponseOf<typeof auditList, '4xx'>;
import { hashKey } from '../../../registry/keys.ts';
import { uniq } from '../testing.ts';

for (const backend of backends) {
  describe.skipIf(!backend.available)(`native keys API on ${backend.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp(backend);
    });
    afterAll(() => t?.close());
    const admin = () => t.keys.admin;

    describe('happy path', () => {
      it('creates a key whose secret works at once and is shown only in the create response', async () => {
        const name = uniq('ci');
        const res = await t.call<KeysCreateBody>('POST', '/v1/keys', {
          key: admin(),
          body: { name, role: 'editor' },
        });
        expect(res.status).toBe(201);
        expect(res.headers['cache-control']).toBe('no-store');
        const { key, secret } = res.body;
        expect(secret).toMatch(/^lec_/);
        expect(key).toMatchObject({ name, role: 'editor', revoked_at: null });
        expect(key.prefix).toBe(secret.slice(0, 12));
        expect(key).not.toHaveProperty('hash');
        expect(key).not.toHaveProperty('secret');

        const use = await t.call<PromptsCreateBody>('POST', '/v1/prompts', {
          key: secret,
          body: { name: uniq('by-new-key') },
        });
        expect(use.status).toBe(201);

        // Neither the secret nor its hash shows up in any read.
        const reads = [
          await t.call<KeysListBody>('GET', '/v1/keys', { key: admin() }),
          await t.call<KeysListBody>('GET', '/v1/keys?include_revoked=true&limit=500', { key: admin() }),
          await t.call<AuditListBody>('GET', '/v1/audit?limit=500', { key: admin() }),
          await t.call<AuditListBody>('GET', `/v1/audit?entity_id=${key.id}`, { key: admin() }),
        ];
        for (const r of reads) {
          expect(r.status).toBe(200);
          expect(r.raw).not.toContain(secret);
          expect(r.raw).not.toContain(secret.slice(4));
          expect(r.raw).not.toContain(hashKey(secret));
        }
        const listed = reads[0]!.body.data.find((k) => k.id === key.id);
        expect(listed).toMatchObject({ name, role: 'editor', prefix: key.prefix });
        expect(Object.keys(listed!).sort()).toEqual(
          ['created_at', 'id', 'name', 'prefix', 'public_key', 'revoked_at', 'role', 'workspace_id'].sort(),
        );
      });

      it('revokes a key: its very next request is refused with 401', async () => {
        const { body } = await t.call<KeysCreateBody>('POST', '/v1/keys', {
          key: admin(),
          body: { name: uniq('tmp'), role: 'viewer' },
        });
        expect((await t.call<PromptsListBody>('GET', '/v1/prompts', { key: body.secret })).status).toBe(200);
        const del = await t.call<KeysRevokeBody>('DELETE', `/v1/keys/${body.key.id}`, { key: admin() });
        expect(del.status).toBe(200);
        expect(del.body.key.revoked_at).not.toBeNull();
        const after = await t.call<ErrorBody>('GET', '/v1/prompts', { key: body.secret });
        expect(after.status).toBe(401);
        expect(after.body.error.code).toBe('unauthorized');
        const active = await t.call<KeysListBody>('GET', '/v1/keys?limit=500', { key: admin() });
        expect(active.body.data.map((k: { id: string }) => k.id)).not.toContain(body.key.id);
        const all = await t.call<KeysListBody>('GET', '/v1/keys?include_revoked=true&limit=500', {
          key: admin(),
        });
        expect(all.body.data.map((k: { id: string }) => k.id)).toContain(body.key.id);
      });

      it('binds a key to a named workspace', async () => {
        const res = await t.call<KeysCreateBody>('POST', '/v1/keys', {
          key: admin(),
          body: { name: uniq('o'), role: 'viewer', workspace: 'other' },
        });
        expect(res.status).toBe(201);
        const ws = await t.call<WorkspacesListBody>('GET', '/v1/workspaces', { key: res.body.secret });
        expect(ws.body.data.map((w: { name: string }) => w.name)).toEqual(['other']);
      });
    });

    describe('errors', () => {
      it('answers 400 to bad bodies and ids, 404 to an unknown key or workspace', async () => {
        for (const body of [
          { name: 'x' },
          { name: 'x', role: 'owner' },
          { name: '', role: 'viewer' },
          { name: 'x', role: 'viewer', secret: 'mine' },
        ]) {
          const res = await t.call<KeysCreateBody>('POST', '/v1/keys', { key: admin(), body });
          expect(res.status, JSON.stringify(body)).toBe(400);
        }
        expect((await t.call<KeysRevokeBody>('DELETE', '/v1/keys/not-a-uuid', { key: admin() })).status).toBe(
          400,
        );
        expect(
          (
            await t.call<KeysRevokeBody>('DELETE', '/v1/keys/01890000-0000-7000-8000-000000000000', {
              key: admin(),
            })
          ).status,
        ).toBe(404);
        const res = await t.call<KeysCreateBody>('POST', '/v1/keys', {
          key: admin(),
          body: { name: 'x', role: 'viewer', workspace: 'nowhere' },
        });
        expect(res.status).toBe(404);
      });
    });

    describe('security', () => {
      it('answers 401 without a key or with a wrong key', async () => {
        for (const key of [null, 'lec_wrong']) {
          expect((await t.call<KeysListBody>('GET', '/v1/keys', { key })).status).toBe(401);
          expect(
            (await t.call<KeysCreateBody>('POST', '/v1/keys', { key, body: { name: 'x', role: 'admin' } }))
              .status,
          ).toBe(401);
        }
      });

      it('answers 403 to editors and viewers', async () => {
        for (const key of [t.keys.editor, t.keys.viewer]) {
          expect((await t.call<KeysListBody>('GET', '/v1/keys', { key })).status).toBe(403);
          expect(
            (await t.call<KeysCreateBody>('POST', '/v1/keys', { key, body: { name: 'x', role: 'admin' } }))
              .status,
          ).toBe(403);
        }
        const victim = await t.call<KeysCreateBody>('POST', '/v1/keys', {
          key: admin(),
          body: { name: uniq('v'), role: 'viewer' },
        });
        expect(
          (await t.call<KeysRevokeBody>('DELETE', `/v1/keys/${victim.body.key.id}`, { key: t.keys.editor }))
            .status,
        ).toBe(403);
        expect(
          (await t.call<PromptsListBody>('GET', '/v1/prompts', { key: victim.body.secret })).status,
        ).toBe(200);
      });

      it("keeps a workspace admin inside its workspace: other workspaces' keys are 404", async () => {
        const wsAdmin = await t.call<KeysCreateBody>('POST', '/v1/keys', {
          key: admin(),
          body: { name: uniq('other-admin'), role: 'admin', workspace: 'other' },
        });
        const s = wsAdmin.body.secret as string;
        const victim = await t.call<KeysCreateBody>('POST', '/v1/keys', {
          key: admin(),
          body: { name: uniq('d'), role: 'viewer' },
        });
        expect(
          (await t.call<KeysRevokeBody>('DELETE', `/v1/keys/${victim.body.key.id}`, { key: s })).status,
        ).toBe(404);
        expect(
          (await t.call<PromptsListBody>('GET', '/v1/prompts', { key: victim.body.secret })).status,
        ).toBe(200);
        const list = await t.call<KeysListBody>('GET', '/v1/keys?limit=500', { key: s });
        const otherWs = wsAdmin.body.key.workspace_id;
        expect(list.body.data.length).toBeGreaterThan(0);
        for (const k of list.body.data) expect(k.workspace_id).toBe(otherWs);
        const mint = await t.call<KeysCreateBody>('POST', '/v1/keys', {
          key: s,
          body: { name: 'x', role: 'viewer', workspace: 'default' },
        });
        expect(mint.status).toBe(404);
      });
    });
  });
}
