// A restart skips drizzle's migrator when the directory already has the newest migration, and
// still migrates a directory that is behind the journal (db.ts `pgliteMigrated`).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR, openStore } from './db.ts';

const work = mkdtempSync(join(tmpdir(), 'lectern-migrate-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const journal = JSON.parse(readFileSync(join(MIGRATIONS_DIR, 'meta/_journal.json'), 'utf8')) as {
  entries: { when: number }[];
};

async function recorded(dataDir: string): Promise<number[]> {
  const store = await openStore({ dataDir });
  try {
    const r = (await store.db.execute(
      sql`select created_at from drizzle.__drizzle_migrations order by created_at`,
    )) as unknown as { rows: { created_at: string }[] };
    return r.rows.map((row) => Number(row.created_at));
  } finally {
    await store.close();
  }
}

describe('opening a PGlite data directory', () => {
  it('applies the migrations a directory is missing, and records every one of the journal', async () => {
    const dir = join(work, 'behind');
    expect(await recorded(dir)).toEqual(journal.entries.map((e) => e.when));
    // Forget the newest migration, as a directory written by the previous release would.
    const store = await openStore({ dataDir: dir });
    await store.db.execute(
      sql`delete from drizzle.__drizzle_migrations where created_at = (select max(created_at) from drizzle.__drizzle_migrations)`,
    );
    await store.close();
    expect(await recorded(dir)).toEqual(journal.entries.map((e) => e.when));
  }, 120_000);
});
