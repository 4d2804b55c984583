// A first start on an empty PGlite data directory unpacks a migrated data directory made at build
// time (dist/pglite-seed.tar.gz, see scripts/build.ts) instead of running initdb, which costs ~6 s
// and peaks at several hundred MB. Without a build (tests, tsx) PGlite runs initdb as before.
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { c as createTar, x as extract } from 'tar';
import { pgliteExtensions } from './pglite-open.ts';

/** Beside dist/cli/ (the bundle) and two levels up from src/store/ (the sources) alike. */
export const SEED_FILE = fileURLToPath(new URL('../../dist/pglite-seed.tar.gz', import.meta.url));

/**
 * Unpacks the seed into `dataDir` unless it already holds a database. PG_VERSION is what PGlite
 * takes for "a database is here", and it is the tarball's last entry (scripts/build.ts): a start
 * killed half-way leaves no PG_VERSION, and the next start unpacks again over the same files.
 * Returns whether it seeded.
 */
export async function seedDataDir(dataDir: string, seedFile = SEED_FILE): Promise<boolean> {
  if (existsSync(join(dataDir, 'PG_VERSION')) || !existsSync(seedFile)) return false;
  mkdirSync(dataDir, { recursive: true });
  await extract({ file: seedFile, cwd: dataDir, strict: true });
  return existsSync(join(dataDir, 'PG_VERSION'));
}

/**
 * Writes a seed (the build does, into SEED_FILE): a data directory migrated by the same migrations
 * a first start runs and closed cleanly, so a first start finds a shut-down cluster with nothing to
 * replay. PGlite and drizzle are used directly rather than through openStore, which would unpack
 * an older seed and take the data-directory lock. PG_VERSION is the tarball's last entry.
 */
export async function writeSeed(file: string, migrationsFolder: string): Promise<void> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const { migrate } = await import('drizzle-orm/pglite/migrator');
  const work = mkdtempSync(join(tmpdir(), 'lectern-seed-'));
  try {
    const data = join(work, 'data');
    const pglite = await PGlite.create(data, { extensions: await pgliteExtensions() });
    await migrate(drizzle(pglite), { migrationsFolder });
    await pglite.close();
    // Every path listed, parents first: tar's own recursion would interleave directories.
    const entries = (readdirSync(data, { recursive: true }) as string[])
      .filter((e) => e !== 'PG_VERSION')
      .sort();
    // Private to its owner, like a PostgreSQL data directory (it will hold the API keys' hashes):
    // the modes travel in the tarball.
    for (const e of [...entries, 'PG_VERSION']) {
      const p = join(data, e);
      chmodSync(p, statSync(p).isDirectory() ? 0o700 : 0o600);
    }
    const part = `${file}.${process.pid}.part`;
    await createTar({ file: part, gzip: { level: 9 }, cwd: data, noDirRecurse: true }, [
      ...entries,
      'PG_VERSION',
    ]);
    renameSync(part, file);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
