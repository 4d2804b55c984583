// reviseVersion (prompt fields + a new version in one transaction) and latestVersionsOf.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../test/support/stores.ts';
import type { Store } from '../store/db.ts';
import type { Actor } from '../model/types.ts';
import { LecternError } from '../model/errors.ts';
import { openRegistry } from '../../test/support/registry.ts';
import { type TestRegistry } from '../../test/support/verbs.ts';

const chat = (text: string) => ({
  messages: [{ role: 'user', content: text }],
  templateFormat: 'jinja2' as const,
});

for (const backend of backends) {
  describe.skipIf(!backend.available)(`reviseVersion and latestVersionsOf on ${backend.name}`, () => {
    let store: Store;
    let reg: TestRegistry;
    let editor: Actor;
    let viewer: Actor;
    let other: Actor;

    beforeAll(async () => {
      let actor;
      ({ store, reg, actor } = await openRegistry(backend, ['default', 'team-b']));
      editor = await actor('editor', 'default');
      viewer = await actor('viewer', 'default');
      other = await actor('editor', 'team-b');
      await reg.createProject(editor, 'default', { name: 'proj' });
    });
    afterAll(() => store?.close());

    it('updates the prompt fields and appends a committed version together', async () => {
      await reg.publishVersion(editor, { name: 'rev-a', description: 'one' }, {}, chat('{{ a }}'));
      const r = await reg.reviseVersion(
        editor,
        { name: 'rev-a' },
        { description: 'two', tags: ['t'], project: 'proj' },
        { ...chat('{{ b }}'), inputVariables: ['declared'] },
        { keepInputVariables: true },
      );
      expect(r.prompt).toMatchObject({ description: 'two', tags: ['t'], lastVersion: 2 });
      expect(r.prompt.projectId).not.toBeNull();
      expect(r.version).toMatchObject({ number: 2, status: 'committed', inputVariables: ['declared'] });
      const got = await reg.getPrompt(viewer, { name: 'rev-a' });
      expect(got.revision).toBe(r.prompt.revision);
    });

    it('changes nothing when the project does not exist, and enforces role and workspace', async () => {
      const before = await reg.getPrompt(editor, { name: 'rev-a' });
      await expect(
        reg.reviseVersion(editor, { name: 'rev-a' }, { description: 'x', project: 'nope' }, chat('x')),
      ).rejects.toSatisfy((e: unknown) => e instanceof LecternError && e.code === 'unprocessable');
      expect(await reg.getPrompt(editor, { name: 'rev-a' })).toEqual(before);
      await expect(reg.reviseVersion(viewer, { name: 'rev-a' }, {}, chat('x'))).rejects.toSatisfy(
        (e: unknown) => e instanceof LecternError && e.code === 'forbidden',
      );
      await expect(reg.reviseVersion(other, { id: before.id }, {}, chat('x'))).rejects.toSatisfy(
        (e: unknown) => e instanceof LecternError && e.code === 'not_found',
      );
    });

    it('returns the newest live version of each prompt, only for visible prompts', async () => {
      const b = await reg.publishVersion(editor, { name: 'rev-b' }, {}, chat('1'));
      await reg.createVersion(editor, { name: 'rev-b' }, chat('2'));
      const empty = await reg.createPrompt(editor, { name: 'rev-empty' });
      const a = await reg.getPrompt(editor, { name: 'rev-a' });
      const m = await reg.latestVersionsOf(editor, [a.id, b.prompt.id, empty.id]);
      expect(m.get(a.id)?.number).toBe(2);
      expect(m.get(b.prompt.id)?.number).toBe(2);
      expect(m.has(empty.id)).toBe(false);
      expect((await reg.latestVersionsOf(other, [a.id])).size).toBe(0);
      expect((await reg.latestVersionsOf(editor, [])).size).toBe(0);
    });
  });
}
