// Opening an embedded PGlite database: the start parameters, parsers and extensions every open
// uses, and the migrations. One function for both places a PGlite instance lives — in the server's
// own thread (LECTERN_PGLITE_THREAD=off) and in the database thread (pglite-worker.ts) — so the two
// open the same database the same way. Nothing here reads import.meta.url: the thread's code may
// be loaded from a data: URL (pglite-thread.ts).
import { readFileSync } from 'node:fs';
import type { PGlite } from '@electric-sql/pglite';
import { JSON_OID, parseStoredJson } from './json-columns.ts';
import { leanDrizzleClient } from './pglite-lean-parsers.ts';

/** shared_buffers of the embedded database (see openPgliteDatabase). */
export const PGLITE_SHARED_BUFFERS = '16MB';

/** The contrib extensions the migrations use (0007: pg_trgm for search); every open loads them. */
export async function pgliteExtensions() {
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
  return { pg_trgm };
}

export interface PgliteSource {
  /** A data directory, or `memory://`. */
  dataDir: string;
  /** Start from a dumped data directory instead (tests start from a migrated snapshot). */
  snapshot?: Blob;
  /** The committed migrations (drizzle/). */
  migrationsDir: string;
  /** An already compiled pglite.wasm (a thread is handed the process's one; see pglite-thread.ts). */
  wasmModule?: WebAssembly.Module;
}

/**
 * Opens PGlite on `source` and brings it to the newest migration. The instance's parser table
 * takes drizzle's text parsers (leanDrizzleClient); the returned `drizzleClient` is what drizzle is
 * given in this thread.
 */
export async function openPgliteDatabase(source: PgliteSource): Promise<{
  client: PGlite;
  drizzleClient: Pick<PGlite, 'query' | 'transaction'>;
}> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const { migrate } = await import('drizzle-orm/pglite/migrator');
  // PostgreSQL's default shared_buffers (128 MB) is allocated and touched inside PGlite's WASM
  // memory at every start: most of an idle server's resident set. The embedded database is small
  // and its hot reads are served by the read cache, so it gets PGLITE_SHARED_BUFFERS instead.
  const startParams = [...PGlite.defaultStartParams, '-c', `shared_buffers=${PGLITE_SHARED_BUFFERS}`];
  // `json` values keep their key order (json-columns.ts).
  const parsers = { [JSON_OID]: parseStoredJson };
  const extensions = await pgliteExtensions();
  const options = { startParams, parsers, extensions, pgliteWasmModule: source.wasmModule };
  const client = source.snapshot
    ? await PGlite.create({ loadDataDir: source.snapshot, ...options })
    : await PGlite.create(source.dataDir, options);
  try {
    const drizzleClient = leanDrizzleClient(client);
    if (!(await pgliteMigrated(client, source.migrationsDir))) {
      await migrate(drizzle({ client: drizzleClient as PGlite }), { migrationsFolder: source.migrationsDir });
    }
    return { client, drizzleClient };
  } catch (err) {
    await client.close().catch(() => {});
    throw err;
  }
}

/** The newest migration's timestamp in the journal (drizzle records it as `created_at`). */
function newestMigration(migrationsDir: string): number {
  const journal = JSON.parse(readFileSync(`${migrationsDir}/meta/_journal.json`, 'utf8')) as {
    entries: { when: number }[];
  };
  return Math.max(...journal.entries.map((e) => e.when));
}

/**
 * Whether a PGlite directory already has the newest migration: one query instead of drizzle's
 * DDL-guarded check (about 200 ms of a 1 s restart). drizzle applies only migrations newer than
 * the last recorded one, so the same answer; any doubt (no table yet) runs the migrator.
 */
async function pgliteMigrated(client: PGlite, migrationsDir: string): Promise<boolean> {
  try {
    const r = await client.query<{ created_at: string }>(
      'select created_at from drizzle.__drizzle_migrations order by created_at desc limit 1',
    );
    return r.rows.length === 1 && Number(r.rows[0]!.created_at) === newestMigration(migrationsDir);
  } catch {
    return false;
  }
}
