import { describe, expect, it } from 'vitest';
import { openPostgresForTest, pgUrl } from '../../test/support/stores.ts';

const until = async (ok: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe.skipIf(!pgUrl())('PostgreSQL LISTEN connection', () => {
  it('reconnects after the server drops it, and says so with an empty payload', async () => {
    const store = await openPostgresForTest(2);
    try {
      const got: string[] = [];
      await store.listen('probe', (p) => got.push(p));
      await store.notify('probe', 'one');
      await until(() => got.includes('one'));
      // Drop every LISTEN connection of this schema's channel from the server side.
      const pg = (await import('pg')).default;
      const admin = new pg.Client({ connectionString: pgUrl() });
      await admin.connect();
      await admin.query(
        `select pg_terminate_backend(pid) from pg_stat_activity where query like 'listen "${store.namespace}_probe"%'`,
      );
      await admin.end();
      await until(() => got.includes(''));
      await store.notify('probe', 'two');
      await until(() => got.includes('two'));
      expect(got).toEqual(['one', '', 'two']);
    } finally {
      await store.close();
    }
  }, 30_000);
});
