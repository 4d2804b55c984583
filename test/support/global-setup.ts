// Runs once before the suite: builds a migrated PGlite snapshot every test file starts from (a fresh
// PGlite costs ~3 s of initdb; loading the snapshot well under 1 s) and finds the PostgreSQL server.
import { writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { openStore } from '../../src/store/db.ts';

export const DEFAULT_PG_URL = 'postgres://postgres@127.0.0.1:5432/test';

/**
 * The backends to test, from LECTERN_TEST_BACKENDS (comma-separated: `pglite`, `postgres`; both
 * when unset). `.ci/run` runs the PGlite half alone on a second Node version.
 */
export function testBackends(env: NodeJS.ProcessEnv = process.env): ('pglite' | 'postgres')[] {
  const raw = env.LECTERN_TEST_BACKENDS?.trim();
  if (!raw) return ['pglite', 'postgres'];
  const names = raw.split(',').map((s) => s.trim());
  for (const n of names) {
    if (n !== 'pglite' && n !== 'postgres') throw new Error(`LECTERN_TEST_BACKENDS: unknown backend ${n}`);
  }
  return names as ('pglite' | 'postgres')[];
}

async function reachable(url: string): Promise<boolean> {
  const pg = (await import('pg')).default;
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1500 });
  try {
    await c.connect();
    await c.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => {});
  }
}

export default async function setup(project: TestProject) {
  const store = await openStore({ dataDir: 'memory://' });
  const blob = await store.dump!();
  await store.close();
  const dir = await mkdtemp(join(tmpdir(), 'lectern-test-'));
  const path = join(dir, 'pglite-snapshot.tar');
  await writeFile(path, Buffer.from(await blob.arrayBuffer()));
  project.provide('pgliteSnapshot', path);

  if (!testBackends().includes('postgres')) {
    console.warn(
      `\n[lectern] LECTERN_TEST_BACKENDS=${process.env.LECTERN_TEST_BACKENDS}: the PostgreSQL half is SKIPPED.\n`,
    );
    project.provide('pgUrl', '');
    return;
  }
  const url = process.env.LECTERN_TEST_DATABASE_URL ?? DEFAULT_PG_URL;
  const ok = await reachable(url);
  if (!ok) {
    console.warn(
      `\n[lectern] PostgreSQL is not reachable at ${url}: the PostgreSQL half of the suite is SKIPPED.\n` +
        '          Set LECTERN_TEST_DATABASE_URL (or run .ci/run) to test against a real server.\n',
    );
  }
  project.provide('pgUrl', ok ? url : '');
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteSnapshot: string;
    pgUrl: string;
  }
}
