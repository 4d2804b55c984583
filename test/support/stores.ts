// Both backends for tests: a PGlite loaded from the migrated snapshot, and a fresh schema on the
// real PostgreSQL server (skipped, with the message global-setup printed, where none is reachable).
import { readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { sql } from 'drizzle-orm';
import { openStore, type Store } from '../../src/store/db.ts';
import { testBackends } from './global-setup.ts';

export interface Backend {
  name: 'pglite' | 'postgres';
  available: boolean;
  open(): Promise<Store>;
}

let snapshot: Blob | undefined;

export async function openPgliteForTest(): Promise<Store> {
  snapshot ??= new Blob([await readFile(inject('pgliteSnapshot'))]);
  return openStore({ dataDir: 'memory://', pgliteSnapshot: snapshot });
}

/** A fresh schema of its own on the test server; dropped when the store closes. */
export async function openPostgresForTest(poolSize = 40): Promise<Store> {
  const url = inject('pgUrl');
  const pgSchema = `t_${randomBytes(6).toString('hex')}`;
  const store = await openStore({ databaseUrl: url, pgSchema, poolSize });
  const close = store.close.bind(store);
  store.close = async () => {
    await store.db.execute(sql.raw(`drop schema if exists ${pgSchema} cascade`)).catch(() => {});
    await close();
  };
  return store;
}

// LECTERN_TEST_BACKENDS picks the halves (global-setup.ts also hands out no pgUrl without postgres).
const wanted = testBackends();
export const backends: Backend[] = [
  { name: 'pglite', available: wanted.includes('pglite'), open: openPgliteForTest },
  {
    name: 'postgres',
    available: wanted.includes('postgres') && Boolean(inject('pgUrl')),
    open: () => openPostgresForTest(),
  },
];

/** The PostgreSQL connection details of the current test schema (for child server processes). */
export function pgUrl(): string {
  return inject('pgUrl');
}
