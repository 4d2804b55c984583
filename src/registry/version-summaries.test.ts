// versionSummariesOf must agree, prompt by prompt, with reading each prompt's versions one by one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../test/support/stores.ts';
import type { Store } from '../store/db.ts';
import type { Actor, Prompt } from '../model/types.ts';
import { openRegistry } from '../../test/support/registry.ts';
import { type TestRegistry } from '../../test/support/verbs.ts';

const chat = (text: string) => ({
  messages: [{ role: 'user', content: text }],
  templateFormat: 'jinja2' as const,
});

for (const backend of backends) {
  describe.skipIf(!backend.available)(`versionSummariesOf on ${backend.name}`, () => {
    let store: Store;
    let reg: TestRegistry;
    let editor: Actor;
    let other: Actor;
    const made: Prompt[] = [];

    beforeAll(async () => {
      let actor;
      ({ store, reg, actor } = await openRegistry(backend, ['default', 'team-b']));
      editor = await actor('editor', 'default');
      other = await actor('editor', 'team-b');
      // No versions; one committed; a draft on top of a labelled one; a labelled older version and a
      // deleted newest; many versions.
      made.push(await reg.createPrompt(editor, { name: 'empty' }));
      made.push((await reg.publishVersion(editor, { name: 'one' }, {}, chat('a'))).prompt);
      const d = (await reg.publishVersion(editor, { name: 'drafty' }, {}, chat('a'))).prompt;
      await reg.setLabel(editor, { id: d.id }, 'production', { number: 1 });
      await reg.createVersion(editor, { id: d.id }, chat('b'), { status: 'draft' });
      made.push(d);
      const old = (await reg.publishVersion(editor, { name: 'rolled-back' }, {}, chat('a'))).prompt;
      for (const t of ['b', 'c']) await reg.createVersion(editor, { id: old.id }, chat(t));
      await reg.setLabel(editor, { id: old.id }, 'production', { number: 1 });
      await reg.deleteVersion(editor, { id: old.id }, 3);
      made.push(old);
      const many = (await reg.publishVersion(editor, { name: 'many' }, {}, chat('a'))).prompt;
      for (let i = 0; i < 7; i++) await reg.createVersion(editor, { id: many.id }, chat(`v${i}`));
      await reg.setLabel(editor, { id: many.id }, 'production', { number: 5 });
      made.push(many);
    });
    afterAll(() => store?.close());

    it('gives each prompt its newest version, its labelled version and its count, as one-by-one reads do', async () => {
      const sums = await reg.versionSummariesOf(
        editor,
        made.map((p) => p.id),
        'production',
      );
      for (const p of made) {
        const all = await reg.listVersions(editor, { id: p.id }, { limit: 500, offset: 0 });
        const s = sums.get(p.id);
        if (!all.total) {
          expect(s, p.name).toBeUndefined();
          continue;
        }
        expect(s?.latest, p.name).toEqual(all.items[0]);
        expect(s?.labelled ?? null, p.name).toEqual(
          all.items.find((v) => v.labels.includes('production')) ?? null,
        );
        expect(s?.count, p.name).toBe(all.total);
      }
      expect(sums.get(made[4]!.id)?.labelled?.number).toBe(5);
      expect(sums.get(made[3]!.id)?.latest?.number).toBe(2);
      expect(sums.get(made[2]!.id)?.latest?.status).toBe('draft');
    });

    it("leaves out another workspace's prompts", async () => {
      const sums = await reg.versionSummariesOf(
        other,
        made.map((p) => p.id),
        'production',
      );
      expect(sums.size).toBe(0);
    });
  });
}
