import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { backends } from '../../test/support/stores.ts';
import type { Store } from '../store/db.ts';
import type { Actor } from '../model/types.ts';
import { LecternError } from '../model/errors.ts';
import { createRegistry } from './index.ts';
import { withVerbs, type TestRegistry } from '../../test/support/verbs.ts';

const chat = (text: string) => ({
  messages: [{ role: 'user', content: text }],
  templateFormat: 'mustache' as const,
});

async function expectCode(p: Promise<unknown>, code: string) {
  await expect(p).rejects.toSatisfy((e: unknown) => e instanceof LecternError && e.code === code);
}

for (const backend of backends) {
  describe.skipIf(!backend.available)(`registry on ${backend.name}`, () => {
    let store: Store;
    let reg: TestRegistry;
    let admin: Actor;
    let editor: Actor;
    let viewer: Actor;
    let other: Actor; // an editor of another workspace

    beforeAll(async () => {
      store = await backend.open();
      reg = withVerbs(createRegistry(store));
      await reg.ensureWorkspace('default');
      await reg.ensureWorkspace('team-b');
      const root: Actor = { keyId: '00000000-0000-7000-8000-000000000000', role: 'admin', workspaceId: null };
      admin = root;
      const mk = async (role: 'editor' | 'viewer', workspace: string) => {
        const { secret } = await reg.createKey(root, { name: `${role}-${workspace}`, role, workspace });
        return (await reg.authenticate(secret))!;
      };
      editor = await mk('editor', 'default');
      viewer = await mk('viewer', 'default');
      other = await mk('editor', 'team-b');
    });
    afterAll(async () => {
      await store?.close();
    });

    it('creates a prompt and finds it by id, seq and name', async () => {
      const p = await reg.createPrompt(editor, { name: 'greet', description: 'hello', tags: ['a'] });
      expect((await reg.getPrompt(viewer, { id: p.id })).name).toBe('greet');
      expect((await reg.getPrompt(viewer, { seq: p.seq })).id).toBe(p.id);
      expect((await reg.getPrompt(viewer, { name: 'greet' })).id).toBe(p.id);
    });

    it('refuses a second live prompt with the same name (database constraint)', async () => {
      await reg.createPrompt(editor, { name: 'dup' });
      await expectCode(reg.createPrompt(editor, { name: 'dup' }), 'conflict');
    });

    it('numbers versions 1, 2, 3 and resolves latest, number and label', async () => {
      await reg.createPrompt(editor, { name: 'numbers' });
      const ref = { name: 'numbers' };
      const v1 = await reg.createVersion(editor, ref, chat('one {{a}}'));
      const v2 = await reg.createVersion(editor, ref, chat('two {{b}}'), { labels: ['production'] });
      const v3 = await reg.createVersion(editor, ref, chat('three'));
      expect([v1.version.number, v2.version.number, v3.version.number]).toEqual([1, 2, 3]);
      expect(v1.version.inputVariables).toEqual(['a']);
      expect((await reg.getVersion(viewer, ref, { latest: true })).version.number).toBe(3);
      expect((await reg.getVersion(viewer, ref, { number: 1 })).version.messages[0]!.content).toBe(
        'one {{a}}',
      );
      const prod = await reg.getVersion(viewer, ref, { label: 'production' });
      expect(prod.version.number).toBe(2);
      expect(prod.version.labels).toEqual(['production']);
      await expectCode(reg.getVersion(viewer, ref, { number: 9 }), 'not_found');
      await expectCode(reg.getVersion(viewer, ref, { label: 'nope' }), 'not_found');
    });

    it('keeps at most one draft: a newer version commits it; committed versions are frozen', async () => {
      await reg.createPrompt(editor, { name: 'drafts' });
      const ref = { name: 'drafts' };
      const d1 = await reg.createVersion(editor, ref, chat('v1'), { status: 'draft' });
      expect(d1.version.status).toBe('draft');
      const edited = await reg.editDraft(editor, ref, 1, { content: chat('v1 edited {{x}}') });
      expect(edited.version.messages[0]!.content).toBe('v1 edited {{x}}');
      expect(edited.version.inputVariables).toEqual(['x']);
      await reg.createVersion(editor, ref, chat('v2'), { status: 'draft' });
      expect((await reg.getVersion(viewer, ref, { number: 1 })).version.status).toBe('committed');
      await expectCode(reg.editDraft(editor, ref, 1, { content: chat('nope') }), 'conflict');
      const committed = await reg.commitDraft(editor, ref, { commitMessage: 'ship it' });
      expect(committed.version).toMatchObject({ number: 2, status: 'committed', commitMessage: 'ship it' });
      await expectCode(reg.commitDraft(editor, ref), 'conflict');
    });

    it('moves labels, records every move, and deletes them', async () => {
      await reg.createPrompt(editor, { name: 'labels' });
      const ref = { name: 'labels' };
      for (let i = 0; i < 3; i++) await reg.createVersion(editor, ref, chat(`v${i + 1}`));
      await reg.setLabel(editor, ref, 'production', { number: 1 });
      await reg.setLabel(editor, ref, 'production', { number: 3 });
      await reg.setLabel(editor, ref, 'staging', { number: 2 });
      await reg.setLabel(editor, ref, 'production', { number: 2 }); // rollback
      const { labels } = await reg.listLabels(viewer, ref);
      expect(labels.map((l) => [l.name, l.versionNumber])).toEqual([
        ['production', 2],
        ['staging', 2],
      ]);
      await reg.deleteLabel(editor, ref, 'staging');
      const hist = await reg.labelHistory(viewer, ref, { limit: 50, offset: 0 });
      expect(hist.items.map((h) => [h.labelName, h.fromVersion, h.toVersion]).reverse()).toEqual([
        ['production', null, 1],
        ['production', 1, 3],
        ['staging', null, 2],
        ['production', 3, 2],
        ['staging', 2, null],
      ]);
      await expectCode(reg.deleteLabel(editor, ref, 'staging'), 'not_found');
    });

    it('refuses to delete a version that carries a label', async () => {
      await reg.createPrompt(editor, { name: 'del-version' });
      const ref = { name: 'del-version' };
      await reg.createVersion(editor, ref, chat('v1'), { labels: ['production'] });
      await reg.createVersion(editor, ref, chat('v2'));
      await expectCode(reg.deleteVersion(editor, ref, 1), 'conflict');
      await reg.deleteVersion(editor, ref, 2);
      expect((await reg.getVersion(viewer, ref, { latest: true })).version.number).toBe(1);
      // Numbers are never reused.
      expect((await reg.createVersion(editor, ref, chat('v3'))).version.number).toBe(3);
    });

    it('soft-deletes and restores a prompt; a deleted name can be reused', async () => {
      const p = await reg.createPrompt(editor, { name: 'gone' });
      await reg.deletePrompt(editor, { id: p.id });
      await expectCode(reg.getPrompt(viewer, { name: 'gone' }), 'not_found');
      const deleted = await reg.listPrompts(viewer, { status: 'deleted', limit: 10, offset: 0 });
      expect(deleted.items.map((x) => x.id)).toContain(p.id);
      await reg.restorePrompt(editor, { id: p.id });
      expect((await reg.getPrompt(viewer, { name: 'gone' })).id).toBe(p.id);
      await reg.deletePrompt(editor, { id: p.id });
      const again = await reg.createPrompt(editor, { name: 'gone' });
      expect(again.id).not.toBe(p.id);
      // Restoring the old one now would make two live prompts of that name.
      await expectCode(reg.restorePrompt(editor, { id: p.id }), 'conflict');
    });

    it('gives 32 concurrent creators 32 distinct, contiguous version numbers', async () => {
      await reg.createPrompt(editor, { name: 'race' });
      const results = await Promise.all(
        Array.from({ length: 32 }, (_, i) => reg.createVersion(editor, { name: 'race' }, chat(`v${i}`))),
      );
      const numbers = results.map((r) => r.version.number).sort((a, b) => a - b);
      expect(numbers).toEqual(Array.from({ length: 32 }, (_, i) => i + 1));
      const listed = await reg.listVersions(viewer, { name: 'race' }, { limit: 100, offset: 0 });
      expect(listed.total).toBe(32);
    });

    it('changes nothing on a stale If-Match', async () => {
      const p = await reg.createPrompt(editor, { name: 'etag' });
      const stale = `"${p.seq}.${p.revision}"`;
      const after = await reg.createVersion(editor, { id: p.id }, chat('v1'), { ifMatch: stale });
      await expectCode(
        reg.createVersion(editor, { id: p.id }, chat('v2'), { ifMatch: stale }),
        'precondition_failed',
      );
      await expectCode(
        reg.updatePrompt(editor, { id: p.id }, { name: 'renamed' }, { ifMatch: stale }),
        'precondition_failed',
      );
      const listed = await reg.listVersions(viewer, { id: p.id }, { limit: 10, offset: 0 });
      expect(listed.total).toBe(1);
      expect((await reg.getPrompt(viewer, { id: p.id })).revision).toBe(after.prompt.revision);
    });

    it('enforces roles: viewers read, editors write, only admins manage keys', async () => {
      await expectCode(reg.createPrompt(viewer, { name: 'viewer-write' }), 'forbidden');
      await expectCode(reg.createKey(editor, { name: 'k', role: 'viewer' }), 'forbidden');
      await expectCode(reg.createWorkspace(editor, { name: 'x' }), 'forbidden');
    });

    it('hides other workspaces entirely (404, never 403)', async () => {
      const p = await reg.createPrompt(editor, { name: 'private' });
      await expectCode(reg.getPrompt(other, { id: p.id }), 'not_found');
      await expectCode(reg.getPrompt(other, { seq: p.seq }), 'not_found');
      await expectCode(reg.getPrompt(other, { name: 'private' }), 'not_found');
      await expectCode(reg.createVersion(other, { id: p.id }, chat('x')), 'not_found');
      await expectCode(reg.listPrompts(other, { workspace: 'default', limit: 1, offset: 0 }), 'not_found');
      const mine = await reg.listPrompts(other, { limit: 100, offset: 0 });
      expect(mine.items.find((x) => x.id === p.id)).toBeUndefined();
    });

    it('lists prompts with filters, sorting and pagination', async () => {
      await reg.createPrompt(other, { workspace: 'team-b', name: 'b-one', tags: ['x', 'y'] });
      await reg.createPrompt(admin, { workspace: 'team-b', name: 'b-two', tags: ['x'] });
      await reg.createVersion(admin, { name: 'b-two', workspace: 'team-b' }, chat('v'), {
        labels: ['production'],
      });
      const all = await reg.listPrompts(other, { limit: 1, offset: 0, sort: { field: 'name', dir: 'asc' } });
      expect(all.total).toBe(2);
      expect(all.items.map((p) => p.name)).toEqual(['b-one']);
      expect(
        (await reg.listPrompts(other, { tags: ['y'], limit: 10, offset: 0 })).items.map((p) => p.name),
      ).toEqual(['b-one']);
      expect(
        (await reg.listPrompts(other, { label: 'production', limit: 10, offset: 0 })).items.map(
          (p) => p.name,
        ),
      ).toEqual(['b-two']);
      expect((await reg.listPrompts(other, { nameContains: 'TWO', limit: 10, offset: 0 })).total).toBe(1);
    });

    it('writes an audit event for every change', async () => {
      const p = await reg.createPrompt(editor, { name: 'audited' });
      await reg.createVersion(editor, { id: p.id }, chat('v1'), { labels: ['production'] });
      const log = await reg.listAudit(viewer, { entityId: p.id, limit: 10, offset: 0 });
      expect(log.items.map((e) => e.action)).toEqual(['prompt.create']);
      const all = await reg.listAudit(viewer, { limit: 200, offset: 0 });
      const actions = new Set(all.items.map((e) => e.action));
      for (const a of ['prompt.create', 'version.create', 'label.create', 'label.move', 'prompt.delete']) {
        expect(actions).toContain(a);
      }
      expect(all.items[0]!.actor).toBe(editor.keyId);
    });

    it('stores API keys only as hashes and refuses revoked keys at once', async () => {
      const { key, secret } = await reg.createKey(admin, {
        name: 'temp',
        role: 'viewer',
        workspace: 'default',
      });
      const rows = await store.db.execute(sql`select * from api_keys`);
      expect(JSON.stringify((rows as unknown as { rows: unknown[] }).rows)).not.toContain(secret);
      expect(await reg.authenticate(secret)).toMatchObject({ keyId: key.id, role: 'viewer' });
      await reg.revokeKey(admin, key.id);
      expect(await reg.authenticate(secret)).toBeNull();
      expect(await reg.authenticate('lec_wrong')).toBeNull();
    });
  });
}
