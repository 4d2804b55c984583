// How the migration tests check an upgrade, on both backends: a database migrated up to and
// including one migration, given rows (or checked) through a plain client, then opened as the
// server opens it — which runs every later migration — and checked through the store.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { MIGRATIONS_DIR, openStore, type Store } from '../../src/store/db.ts';
import { pgUrl } from './stores.ts';

/** Runs one statement on the database before the upgrade; its rows. */
export type Query = (text: string) => Promise<Record<string, unknown>[]>;

export interface Upgrade {
  /** The last migration (its journal idx) applied before the upgrade. */
  upTo: number;
  before?: (query: Query) => Promise<void>;
  check: (store: Store) => Promise<void>;
}

/** The committed migrations up to and including `last` (a copy with a shortened journal). */
function migrationsUpTo(last: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'lectern-mig-'));
  cpSync(MIGRATIONS_DIR, dir, { recursive: true });
  const journalPath = join(dir, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { idx: number }[] };
  journal.entries = journal.entries.filter((e) => e.idx <= last);
  writeFileSync(journalPath, JSON.stringify(journal));
  return dir;
}

async function withStore(open: Promise<Store>, check: (store: Store) => Promise<void>) {
  const store = await open;
  try {
    await check(store);
  } finally {
    await store.close();
  }
}

export async function upgradePglite({ upTo, before, check }: Upgrade): Promise<void> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const { migrate } = await import('drizzle-orm/pglite/migrator');
  const dir = migrationsUpTo(upTo);
  const client = await PGlite.create();
  try {
    await migrate(drizzle(client), { migrationsFolder: dir });
    await before?.(async (text) => (await client.query<Record<string, unknown>>(text)).rows);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const dump = await client.dumpDataDir('none');
  await client.close();
  await withStore(openStore({ dataDir: 'memory://', pgliteSnapshot: dump }), check);
}

/** On PostgreSQL (LECTERN_TEST_DATABASE_URL), in a schema of its own dropped afterwards. */
export async function upgradePostgres({ upTo, before, check }: Upgrade): Promise<void> {
  const pg = (await import('pg')).default;
  const { drizzle } = await import('drizzle-orm/node-postgres');
  const { migrate } = await import('drizzle-orm/node-postgres/migrator');
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const dir = migrationsUpTo(upTo);
  const client = new pg.Client({ connectionString: pgUrl(), options: `-c search_path=${schema}` });
  await client.connect();
  try {
    await client.query(`create schema ${schema}`);
    await migrate(drizzle(client), { migrationsFolder: dir, migrationsSchema: schema });
    await before?.(async (text) => (await client.query(text)).rows as Record<string, unknown>[]);
    await withStore(openStore({ databaseUrl: pgUrl(), pgSchema: schema, poolSize: 2 }), check);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await client.query(`drop schema if exists ${schema} cascade`).catch(() => {});
    await client.end();
  }
}
