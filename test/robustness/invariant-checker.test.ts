// The invariant checker must fail when an invariant breaks: a healthy store passes, and each
// deliberate corruption (raw SQL behind the registry's back) is caught and named.
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backends } from '../support/stores.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { checkInvariants, dbFingerprint } from '../support/invariants.ts';
import { replayHistory } from '../support/label-race.ts';
import {
  checkAcknowledged,
  createTarget,
  versionRows,
  writers,
  type Call,
  type Target,
} from '../support/writers.ts';

for (const backend of backends) {
  describe.skipIf(!backend.available)(`invariant checker on ${backend.name}`, () => {
    let t: TestApp;
    let p: Target;
    const exec = (q: string) => t.store.db.execute(sql.raw(q));
    beforeEach(async () => {
      t = await startTestApp(backend);
      const call = t.call as Call;
      p = await createTarget(call, 'corruptible');
      for (let i = 0; i < 3; i++)
        await writers[0]!.write(call, p, i, { labels: i === 1 ? ['production'] : undefined });
      await call('PUT', `/v1/prompts/${p.id}/labels/staging`, { body: { version: 2 } });
    });
    afterEach(() => t?.close());

    it('passes a healthy store', async () => {
      expect(await checkInvariants(t.store)).toEqual([]);
    });

    const corruptions: [string, string, RegExp][] = [
      [
        'a gap in version numbers',
        `update versions set number = 9 where number = 3 and prompt_id = '{p}'`,
        /not contiguous|last_version/,
      ],
      ['last_version out of step', `update prompts set last_version = 7 where id = '{p}'`, /last_version 7/],
      [
        'revision behind the versions',
        `update prompts set revision = 1 where id = '{p}'`,
        /revision 1 behind/,
      ],
      [
        'a label moved without history',
        `update labels set version_id = (select id from versions where prompt_id = '{p}' and number = 1) where name = 'production'`,
        /production: on version 1 but its history replays to 3/,
      ],
      [
        'history that does not chain',
        `update label_history set from_version = 4 where label_name = 'staging'`,
        /history of staging/,
      ],
      [
        'a version without its audit event',
        `delete from audit_events where action = 'version.create' and entity_id = (select id::text from versions where prompt_id = '{p}' and number = 2)`,
        /version 2 has no audit event/,
      ],
      [
        'two drafts',
        `drop index versions_one_draft; update versions set status = 'draft' where prompt_id = '{p}' and number in (3, 4)`,
        /2 drafts/,
      ],
      [
        'a label on a deleted version',
        `update versions set deleted_at = now() where prompt_id = '{p}' and number = 3`,
        /sits on deleted version 3/,
      ],
      [
        'an external id outside its prompt’s workspace',
        `insert into prompt_external_ids (id, workspace_id, prompt_id, source, external_id) select gen_random_uuid(), (select id from workspaces where name = 'other'), '{p}', 'cms', 'x1'`,
        /external id cms\/x1 is not in its prompt's workspace/,
      ],
      [
        'a live prompt in a deleted workspace',
        `update workspaces set deleted_at = now() where id = (select workspace_id from prompts where id = '{p}')`,
        /prompt corruptible is live in deleted workspace default/,
      ],
    ];
    for (const [what, q, expected] of corruptions) {
      it(`catches ${what}`, async () => {
        for (const stmt of q.replaceAll('{p}', p.id).split('; ')) await exec(stmt);
        const found = await checkInvariants(t.store);
        expect(found.join('\n')).toMatch(expected);
      });
    }

    it('the history replay through the registry catches a label moved behind its back', async () => {
      const admin = (await t.registry.authenticate(t.keys.admin))!;
      expect(await replayHistory(t.registry, admin, p)).toEqual([]);
      await exec(
        `update labels set version_id = (select id from versions where prompt_id = '${p.id}' and number = 1) where name = 'staging'`,
      );
      expect((await replayHistory(t.registry, admin, p)).join('\n')).toMatch(/staging on 1, history says 2/);
    });

    it('the acknowledged-write check catches a lost or rewritten version, and the fingerprint any change', async () => {
      const call = t.call as Call;
      const acks = [await writers[0]!.write(call, p, 100), await writers[0]!.write(call, p, 101)];
      expect(checkAcknowledged(await versionRows(t.store, p.id), acks)).toEqual([]);
      const before = await dbFingerprint(t.store);
      await exec(
        `update versions set messages = '[]'::jsonb where prompt_id = '${p.id}' and number = ${acks[0]!.number}`,
      );
      expect(await dbFingerprint(t.store)).not.toBe(before);
      expect(checkAcknowledged(await versionRows(t.store, p.id), acks).join('\n')).toMatch(/in 0 versions/);
      const renamed = [{ ...acks[1]!, number: acks[0]!.number }];
      expect(checkAcknowledged(await versionRows(t.store, p.id), renamed).join('\n')).toMatch(/stored as/);
    });
  });
}
