// The migrated seed a first start unpacks instead of running initdb (issue 11 item 16).
import { existsSync, mkdtempSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { t as listTar } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR, openStore } from './db.ts';
import { seedDataDir, writeSeed } from './pglite-seed.ts';

const work = mkdtempSync(join(tmpdir(), 'lectern-seed-test-'));
const seed = join(work, 'seed.tar.gz');
let n = 0;
const freshDir = () => join(work, `data-${++n}`);

beforeAll(() => writeSeed(seed, MIGRATIONS_DIR), 180_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

type Db = Awaited<ReturnType<typeof openStore>>['db'];
const rowsOf = async <T>(db: Db, q: ReturnType<typeof sql>) =>
  ((await db.execute(q)) as unknown as { rows: T[] }).rows;

async function promptCount(dataDir: string): Promise<number> {
  const store = await openStore({ dataDir });
  try {
    return (await rowsOf<{ n: number }>(store.db, sql`select count(*)::int as n from prompts`))[0]!.n;
  } finally {
    await store.close();
  }
}

describe('the PGlite seed', () => {
  it('ends with PG_VERSION, so a cut-short unpack never looks like a database', async () => {
    const paths: string[] = [];
    await listTar({ file: seed, onReadEntry: (e) => void paths.push(e.path) });
    expect(paths.length).toBeGreaterThan(100);
    expect(paths.at(-1)).toBe('PG_VERSION');
    expect(paths.filter((p) => p === 'PG_VERSION')).toHaveLength(1);
  });

  it('turns an empty data directory into a migrated database, private to its owner', async () => {
    const dir = freshDir();
    expect(await seedDataDir(dir, seed)).toBe(true);
    expect(statSync(join(dir, 'PG_VERSION')).mode & 0o077).toBe(0);
    expect(statSync(join(dir, 'base')).mode & 0o077).toBe(0);
    expect(await promptCount(dir)).toBe(0);
  });

  it('never touches a data directory that already holds a database', async () => {
    const dir = freshDir();
    await seedDataDir(dir, seed);
    const store = await openStore({ dataDir: dir });
    await store.db.execute(sql`insert into workspaces (id, name) values (gen_random_uuid(), 'kept')`);
    await store.close();
    expect(await seedDataDir(dir, seed)).toBe(false);
    const again = await openStore({ dataDir: dir });
    const kept = await rowsOf<{ name: string }>(again.db, sql`select name from workspaces`);
    await again.close();
    expect(kept.map((r) => r.name)).toContain('kept');
  });

  it('unpacks again over a start that was cut short before PG_VERSION', async () => {
    const dir = freshDir();
    await seedDataDir(dir, seed);
    unlinkSync(join(dir, 'PG_VERSION'));
    unlinkSync(join(dir, 'global', 'pg_control'));
    expect(await seedDataDir(dir, seed)).toBe(true);
    expect(existsSync(join(dir, 'global', 'pg_control'))).toBe(true);
    expect(await promptCount(dir)).toBe(0);
  });

  it('does nothing without a seed file (PGlite then runs initdb itself)', async () => {
    const dir = freshDir();
    expect(await seedDataDir(dir, join(work, 'no-such-seed.tar.gz'))).toBe(false);
    expect(existsSync(join(dir, 'PG_VERSION'))).toBe(false);
  });
});
