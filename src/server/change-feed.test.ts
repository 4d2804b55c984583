// The change feed publishes from inside the writing transaction: every committed change reaches the
// other processes (here: a second feed on the same schema), a rolled-back one never does.
import { describe, expect, it } from 'vitest';
import { openStore } from '../store/db.ts';
import { createRegistry } from '../registry/index.ts';
import type { Change } from '../registry/index.ts';
import type { Actor } from '../model/types.ts';
import { LecternError } from '../model/errors.ts';
import { openPostgresForTest, pgUrl } from '../../test/support/stores.ts';
import { startChangeFeed } from './change-feed.ts';
import { withVerbs } from '../../test/support/verbs.ts';

const until = async (ok: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

const root: Actor = { keyId: '00000000-0000-7000-8000-000000000000', role: 'admin', workspaceId: null };
const chat = (text: string) => ({
  messages: [{ role: 'user' as const, content: text }],
  templateFormat: 'mustache' as const,
});

describe.skipIf(!pgUrl())('change feed on postgres', () => {
  it('delivers every committed write to another process, and nothing for a rollback', async () => {
    const writerStore = await openPostgresForTest(4);
    // A second process on the same schema (its own pool and LISTEN connection).
    const readerStore = await openStore({
      databaseUrl: pgUrl(),
      pgSchema: writerStore.namespace,
      poolSize: 1,
    });
    const writer = withVerbs(createRegistry(writerStore));
    const reader = createRegistry(readerStore);
    const writerFeed = await startChangeFeed(writerStore, writer);
    const got: (Change[] | 'all')[] = [];
    const readerFeed = await startChangeFeed(readerStore, reader, { onRemote: (c) => got.push(c) });
    try {
      await writer.ensureWorkspace('default');
      const p = await writer.createPrompt(root, { name: 'feed-probe' });
      await writer.createVersion(root, { id: p.id }, chat('one'));
      await writer.deriveVersion(root, [{ name: 'feed-probe' }], { latest: true }, () => chat('two'), {
        labels: ['production'],
      });
      await writer.setLabel(root, { id: p.id }, 'staging', { number: 1 });
      const ofPrompt = () => got.filter((c) => c !== 'all' && c.some((x) => x.promptId === p.id));
      await until(() => ofPrompt().length >= 4);
      expect(ofPrompt()).toHaveLength(4); // create, version, derived version + label, label
      // A write that fails after its statements ran (bad label name) rolls back: no notification.
      const before = got.length;
      await expect(
        writer.createVersion(root, { id: p.id }, chat('three'), { labels: [''] }),
      ).rejects.toBeInstanceOf(LecternError);
      await writer.setLabel(root, { id: p.id }, 'canary', { number: 1 }); // a marker after it
      await until(() => got.length > before);
      expect(got.length).toBe(before + 1);
      expect((await writer.getVersion(root, { id: p.id }, { latest: true })).version.number).toBe(2);
    } finally {
      await readerFeed.stop();
      await writerFeed.stop();
      await readerStore.close();
      await writerStore.close();
    }
  }, 30_000);
});
