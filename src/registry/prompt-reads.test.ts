// The reads that let a route make one registry call: a "seq, else name" prompt ref, a prompt with
// its versions and labelled version, the users of a snippet, and a page of prompts with their
// newest versions (with a `keep` predicate SQL cannot decide).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../test/support/stores.ts';
import type { Store } from '../store/db.ts';
import type { Actor, Prompt } from '../model/types.ts';
import { isFault } from '../model/errors.ts';
import { openRegistry } from '../../test/support/registry.ts';
import { type TestRegistry } from '../../test/support/verbs.ts';

const chat = (text: string) => ({ messages: [{ role: 'user' as const, content: text }] });

for (const backend of backends) {
  describe.skipIf(!backend.available)(`one-call reads on ${backend.name}`, () => {
    let store: Store;
    let reg: TestRegistry;
    let editor: Actor;
    let other: Actor;
    let snip: Prompt;
    let user: Prompt;
    let many: Prompt;

    beforeAll(async () => {
      let actor;
      ({ store, reg, actor } = await openRegistry(backend, ['default', 'team-b']));
      editor = await actor('editor', 'default');
      other = await actor('editor', 'team-b');
      snip = (await reg.publishVersion(editor, { name: 'snip "q"' }, {}, chat('s1'))).prompt;
      await reg.createVersion(editor, { id: snip.id }, chat('s2'));
      await reg.setLabel(editor, { id: snip.id }, 'production', { number: 1 });
      user = (await reg.publishVersion(editor, { name: 'user' }, {}, chat('no tag'))).prompt;
      await reg.createVersion(editor, { id: user.id }, chat('a @@@snip "q"@@@ b'));
      await reg.createVersion(editor, { id: user.id }, chat('@@@snip "q"@label:production@@@'));
      await reg.createVersion(editor, { id: user.id }, chat('@@@snip "q"@version_number:2@@@'));
      await reg.createVersion(editor, { id: user.id }, chat('@@@snip "q"x@@@ is another snippet'));
      await reg.setLabel(editor, { id: user.id }, 'staging', { number: 3 });
      many = (await reg.publishVersion(editor, { name: 'many' }, {}, chat('m1'))).prompt;
      for (let i = 2; i <= 4; i++) await reg.createVersion(editor, { id: many.id }, chat(`m${i}`));
      await reg.setLabel(editor, { id: many.id }, 'production', { number: 1 });
      await reg.createVersion(editor, { id: many.id }, chat('draft'), { status: 'draft' });
      // A prompt whose name is another prompt's seq: the seq wins.
      await reg.createPrompt(editor, { name: String(user.seq) });
      await reg.createPrompt(editor, { name: '999999' });
    });
    afterAll(() => store?.close());

    it('seqOrName: a visible seq first, else a name', async () => {
      expect((await reg.getPrompt(editor, { seqOrName: String(user.seq) })).id).toBe(user.id);
      expect((await reg.getPrompt(editor, { seqOrName: '999999' })).name).toBe('999999');
      expect((await reg.getPrompt(editor, { seqOrName: 'many' })).id).toBe(many.id);
      // Another workspace's seq is not visible: the identifier is then a name, and not found.
      const e = await reg.getPrompt(other, { seqOrName: String(user.seq) }).catch((x: unknown) => x);
      expect(isFault(e, 'prompt_not_found')).toBe(true);
    });

    it('promptWithVersions: the newest versions, the count and the labelled version beyond the page', async () => {
      const r = await reg.promptWithVersions(editor, { id: many.id }, { limit: 2, label: 'production' });
      expect(r.prompt.id).toBe(many.id);
      expect(r.versions.map((v) => v.number)).toEqual([5, 4]);
      expect(r.versions[0]!.status).toBe('draft');
      expect(r.total).toBe(5);
      expect(r.labelled?.number).toBe(1);
      expect(r.labelled?.labels).toEqual(['production']);
      const all = await reg.listVersions(editor, { id: many.id }, { limit: 2, offset: 0 });
      expect(r.versions).toEqual(all.items);
      const none = await reg.promptWithVersions(editor, { id: user.id }, { limit: 10, label: 'production' });
      expect(none.labelled).toBeNull();
    });

    it('snippetUsage: the versions whose tags name the snippet, exactly', async () => {
      const r = await reg.snippetUsage(editor, { seqOrName: 'snip "q"' });
      expect(r.snippet.id).toBe(snip.id);
      expect(r.users.map((u) => [u.prompt.name, u.versionNumbers, u.labels])).toEqual([
        ['user', [2, 3, 4], ['staging']],
      ]);
      // Resolved against the snippet: latest is 2, production holds 1.
      const v2 = await reg.snippetUsage(editor, { id: snip.id }, { version: 2 });
      expect(v2.users.map((u) => u.versionNumbers)).toEqual([[2, 4]]);
      const v1 = await reg.snippetUsage(editor, { id: snip.id }, { version: 1 });
      expect(v1.users.map((u) => [u.versionNumbers, u.labels])).toEqual([[[3], ['staging']]]);
      expect((await reg.snippetUsage(editor, { id: many.id })).users).toEqual([]);
    });

    it('listPromptsWithLatest: each prompt with its newest version; keep decides over every candidate', async () => {
      const all = await reg.listPromptsWithLatest(editor, {
        sort: { field: 'seq', dir: 'asc' },
        limit: 10,
        offset: 0,
      });
      expect(all.total).toBe(5);
      const row = all.items.find((r) => r.prompt.id === many.id)!;
      expect(row.latest?.number).toBe(5);
      expect(row.project).toBeNull();
      const kept = await reg.listPromptsWithLatest(editor, {
        sort: { field: 'seq', dir: 'asc' },
        keep: (r) => r.latest !== null,
        limit: 1,
        offset: 1,
      });
      expect(kept.total).toBe(3);
      expect(kept.items.map((r) => r.prompt.id)).toEqual([user.id]);
      const e = await reg
        .listPromptsWithLatest(editor, { workspace: 'gone', limit: 1, offset: 0 })
        .catch((x: unknown) => x);
      expect(isFault(e, 'workspace_not_found')).toBe(true);
    });
  });
}
