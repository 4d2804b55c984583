// The PGlite database thread (pglite-thread.ts) against PGlite in the server's own thread: the same
// answers, transactions and notifications, and what a dead thread does.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { inject } from 'vitest';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LecternError } from '../model/errors.ts';
import { openStore, pgliteThreadOf, type Store } from './db.ts';
import { lockDataDir } from './dir-lock.ts';

let snapshot: Blob | undefined;
const open = async (pgliteThread: boolean, onDatabaseLost?: (err: Error) => void): Promise<Store> => {
  snapshot ??= new Blob([await readFile(inject('pgliteSnapshot'))]);
  const store = await openStore({
    dataDir: 'memory://',
    pgliteSnapshot: snapshot,
    pgliteThread,
    onDatabaseLost,
  });
  await store.db.execute(
    sql.raw('create table t (id int primary key, name text constraint t_name_key unique)'),
  );
  return store;
};
const count = async (store: Store) =>
  Number(
    ((await store.db.execute(sql.raw('select count(*)::int as n from t'))) as { rows: { n: number }[] })
      .rows[0]!.n,
  );

describe.each([
  { mode: 'on a thread of its own', thread: true },
  { mode: 'in the calling thread', thread: false },
])('PGlite $mode', ({ thread }) => {
  let store: Store;
  beforeEach(async () => {
    store = await open(thread);
  });
  afterEach(async () => {
    await store.close();
  });

  it('rolls a transaction back when its function throws, and commits one that returns', async () => {
    await expect(
      store.db.transaction(async (tx) => {
        await tx.execute(sql`insert into t values (1, 'a')`);
        expect(
          ((await tx.execute(sql`select count(*)::int as n from t`)) as { rows: { n: number }[] }).rows[0]!.n,
        ).toBe(1);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await count(store)).toBe(0);
    await store.db.transaction(async (tx) => {
      await tx.execute(sql`insert into t values (2, 'b')`);
      // A nested transaction is a savepoint: its rollback keeps the outer insert.
      await tx
        .transaction(async (inner) => {
          await inner.execute(sql`insert into t values (3, 'c')`);
          inner.rollback();
        })
        .catch(() => {});
    });
    expect(await count(store)).toBe(1);
  });

  it('lets no other statement run inside an open transaction', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let inserted!: () => void;
    const didInsert = new Promise<void>((r) => (inserted = r));
    const tx = store.db.transaction(async (t) => {
      await t.execute(sql`insert into t values (1, 'a')`);
      inserted();
      await held;
      await t.execute(sql`insert into t values (2, 'b')`);
    });
    await didInsert;
    let outside: number | undefined;
    const read = count(store).then((n) => (outside = n));
    await new Promise((r) => setTimeout(r, 200));
    expect(outside).toBeUndefined(); // waiting for the transaction, not reading half of it
    release();
    await tx;
    await read;
    expect(outside).toBe(2);
  });

  it('hands PostgreSQL errors over with the fields the registry maps (code, constraint, detail)', async () => {
    await store.db.execute(sql`insert into t values (1, 'a')`);
    const err = await store.db.execute(sql`insert into t values (2, 'a')`).catch((e: unknown) => e);
    const cause = (err as { cause?: Record<string, unknown> }).cause;
    expect(cause).toMatchObject({
      code: '23505',
      constraint: 't_name_key',
      detail: 'Key (name)=(a) already exists.',
      table: 't',
      severity: 'ERROR',
    });
    // The thread goes on answering after an error, and inside a transaction the error ends it.
    await expect(
      store.db.transaction(async (tx) => {
        await tx.execute(sql`insert into t values (3, 'c')`);
        await tx.execute(sql`insert into t values (4, 'a')`);
      }),
    ).rejects.toMatchObject({ cause: { code: '23505' } });
    expect(await count(store)).toBe(1);
  });

  it('delivers notifications to every listener, those sent in a transaction only on commit', async () => {
    const a: string[] = [];
    const b: string[] = [];
    const offA = await store.listen('changes', (p) => a.push(p));
    const offB = await store.listen('changes', (p) => b.push(p));
    await store.notify('changes', 'one');
    await store.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_notify(${store.notifyChannel('changes')}, 'two')`);
    });
    await store.db
      .transaction(async (tx) => {
        await tx.execute(sql`select pg_notify(${store.notifyChannel('changes')}, 'dropped')`);
        throw new Error('roll back');
      })
      .catch(() => {});
    await offA();
    await store.notify('changes', 'three');
    await offB();
    await store.notify('changes', 'four');
    await new Promise((r) => setTimeout(r, 50));
    expect(a).toEqual(['one', 'two']);
    expect(b).toEqual(['one', 'two', 'three']);
  });

  it('dumps the data directory as a tarball that opens again', async () => {
    let again: Store | undefined;
    try {
      await store.db.execute(sql`insert into t values (1, 'a')`);
      const dump = await store.dump!();
      again = await openStore({ dataDir: 'memory://', pgliteSnapshot: dump, pgliteThread: thread });
      expect(await count(again)).toBe(1);
    } finally {
      await again?.close();
    }
  });
});

describe('a dead PGlite thread', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('fails pending and later calls as unavailable (503), and says so once', async () => {
    const lost: Error[] = [];
    const store = await open(true, (e) => lost.push(e));
    // A statement the thread is busy with when it dies.
    const pending = store.db.execute(sql`select pg_sleep(2)`).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 100));
    await pgliteThreadOf(store)!.terminate();
    // What the registry hands the APIs (translateDbError): the store's typed fault, 503 everywhere.
    const unavailable = { cause: expect.any(LecternError) };
    const first = (await pending) as { cause: LecternError };
    expect(first).toMatchObject(unavailable);
    expect(first.cause.fault).toEqual({ kind: 'unavailable', retryAfter: 1 });
    const later = (await store.db.execute(sql`select 1`).catch((e: unknown) => e)) as { cause: LecternError };
    expect(later.cause.fault).toEqual({ kind: 'unavailable', retryAfter: 1 });
    expect(lost).toHaveLength(1);
    await store.close(); // closing what is left still works
  });

  it(
    'ends the process non-zero by default, once the pending calls have their 503',
    { timeout: 60_000 },
    async () => {
      const script = fileURLToPath(new URL('./pglite-thread-death.fixture.ts', import.meta.url));
      const child = spawn(process.execPath, ['--import', 'tsx', script, inject('pgliteSnapshot')], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
      expect(out).toContain('pending: unavailable');
      expect(out).toContain('the embedded database thread stopped');
      expect(code).toBe(70);
    },
  );

  it(
    'keeps the data directory locked until the thread has closed its files',
    { timeout: 60_000 },
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'lectern-thread-'));
      dirs.push(dir);
      const store = await openStore({ dataDir: dir, owner: 'thread test' });
      const worker = pgliteThreadOf(store)!;
      const events: string[] = [];
      worker.once('exit', () => events.push('thread ended'));
      const release = store.dirLock!.release.bind(store.dirLock);
      store.dirLock!.release = async () => {
        events.push('lock released');
        await release();
      };
      await store.close();
      expect(events).toEqual(['thread ended', 'lock released']);
      expect(existsSync(join(dir, 'PG_VERSION'))).toBe(true);
      const again = await lockDataDir(dir, 'again');
      await again.release();
    },
  );
});
