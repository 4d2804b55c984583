// Migration 0014 drops webhook_deliveries_due, which the per-endpoint due index (0009) made
// redundant: a database migrated before it loses the index when the server opens it, and the
// indexes of due deliveries left are the per-endpoint one. Both backends: migrated to 0013, then
// opened as the server opens it (which runs 0014).
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR, openStore, type Store } from '../store/db.ts';
import { pgUrl } from '../../test/support/stores.ts';
import { rowsOf } from './outbox.ts';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function migrationsUpTo(last: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'lectern-mig-'));
  dirs.push(dir);
  cpSync(MIGRATIONS_DIR, dir, { recursive: true });
  const journalPath = join(dir, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { idx: number }[] };
  journal.entries = journal.entries.filter((e) => e.idx <= last);
  writeFileSync(journalPath, JSON.stringify(journal));
  return dir;
}

const INDEXES = `select indexname from pg_indexes where schemaname = current_schema()
  and tablename = 'webhook_deliveries' order by indexname`;

async function indexesAfterUpgrade(store: Store) {
  return rowsOf<{ indexname: string }>(await store.db.execute(sql.raw(INDEXES))).map((r) => r.indexname);
}

const AFTER = [
  'webhook_deliveries_endpoint',
  'webhook_deliveries_endpoint_due',
  'webhook_deliveries_event',
  'webhook_deliveries_once',
  'webhook_deliveries_pkey',
];

describe('migration 0014 (webhook_deliveries_due dropped)', () => {
  it('drops the index from a database migrated before it, on PGlite', async () => {
    const { PGlite } = await import('@electric-sql/pglite');
    const { drizzle } = await import('drizzle-orm/pglite');
    const { migrate } = await import('drizzle-orm/pglite/migrator');
    const client = await PGlite.create();
    await migrate(drizzle(client), { migrationsFolder: migrationsUpTo(12) });
    expect((await client.query<{ indexname: string }>(INDEXES)).rows.map((r) => r.indexname)).toContain(
      'webhook_deliveries_due',
    );
    const dump = await client.dumpDataDir('none');
    await client.close();
    const store = await openStore({ dataDir: 'memory://', pgliteSnapshot: dump });
    try {
      expect(await indexesAfterUpgrade(store)).toEqual(AFTER);
    } finally {
      await store.close();
    }
  }, 60_000);

  it.skipIf(!pgUrl())(
    'drops the index from a database migrated before it, on PostgreSQL',
    async () => {
      const pg = (await import('pg')).default;
      const { drizzle } = await import('drizzle-orm/node-postgres');
      const { migrate } = await import('drizzle-orm/node-postgres/migrator');
      const schema = `t_${randomBytes(6).toString('hex')}`;
      const client = new pg.Client({ connectionString: pgUrl(), options: `-c search_path=${schema}` });
      await client.connect();
      try {
        await client.query(`create schema ${schema}`);
        await migrate(drizzle(client), { migrationsFolder: migrationsUpTo(12), migrationsSchema: schema });
        expect((await client.query(INDEXES)).rows.map((r) => r.indexname)).toContain(
          'webhook_deliveries_due',
        );
        const store = await openStore({ databaseUrl: pgUrl(), pgSchema: schema, poolSize: 2 });
        try {
          expect(await indexesAfterUpgrade(store)).toEqual(AFTER);
        } finally {
          await store.close();
        }
      } finally {
        await client.query(`drop schema if exists ${schema} cascade`).catch(() => {});
        await client.end();
      }
    },
    60_000,
  );
});
