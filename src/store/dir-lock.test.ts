import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startChildServer, type ChildServer } from '../../test/support/child-server.ts';
import { DataDirLockedError, lockDataDir, socketPathFor } from './dir-lock.ts';
import { openStore } from './db.ts';

const ADMIN = 'lec_dir_lock_test_admin_key_0123456789';

describe('the PGlite data directory lock', () => {
  const dirs: string[] = [];
  const children: ChildServer[] = [];
  const freshDir = async () => {
    const d = await mkdtemp(join(tmpdir(), 'lectern-lock-'));
    dirs.push(d);
    return d;
  };
  afterAll(async () => {
    for (const c of children)
      if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL');
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it(
    'refuses a second opener in the same process, and frees the directory on close',
    { timeout: 120_000 },
    async () => {
      const dir = await freshDir();
      const store = await openStore({ dataDir: dir, owner: 'the first test store' });
      const second = openStore({ dataDir: dir });
      await expect(second).rejects.toBeInstanceOf(DataDirLockedError);
      await expect(second).rejects.toMatchObject({
        holder: { pid: process.pid, role: 'the first test store' },
        message: expect.stringContaining(`pid ${process.pid}`),
      });
      await store.close();
      const again = await lockDataDir(dir, 'again');
      await again.release();
    },
  );

  it('refuses a second server on the same directory, naming the process that holds it', async () => {
    const dir = await freshDir();
    const first = await startChildServer({ LECTERN_DATA_DIR: dir, LECTERN_ADMIN_KEY: ADMIN }, 180_000);
    children.push(first);
    const refused = await startChildServer({ LECTERN_DATA_DIR: dir, LECTERN_ADMIN_KEY: ADMIN }, 180_000).then(
      () => 'started',
      (err: Error) => err.message,
    );
    expect(refused).toContain(
      `is in use by another Lectern process (pid ${first.proc.pid}, lectern serve at ${first.url})`,
    );
    // The first one is untouched and still answers.
    expect(
      (await fetch(`${first.url}/v1/prompts`, { headers: { authorization: `Bearer ${ADMIN}` } })).status,
    ).toBe(200);
    expect(await first.stop()).toBe(0);
    expect(existsSync(socketPathFor(dir))).toBe(false);
  }, 400_000);

  it('a server starting while a lectern command briefly holds the directory waits for it', async () => {
    const dir = await freshDir();
    const command = await lockDataDir(dir, 'a lectern command', true);
    setTimeout(() => void command.release(), 1500);
    const server = await startChildServer({ LECTERN_DATA_DIR: dir, LECTERN_ADMIN_KEY: ADMIN }, 180_000);
    children.push(server);
    expect(await server.stop()).toBe(0);
  }, 400_000);

  it('a lock left by a SIGKILLed server blocks no one, and of two starting at once exactly one takes it', async () => {
    const dir = await freshDir();
    const killed = await startChildServer({ LECTERN_DATA_DIR: dir, LECTERN_ADMIN_KEY: ADMIN }, 180_000);
    killed.proc.kill('SIGKILL');
    await killed.exited;
    expect(existsSync(socketPathFor(dir))).toBe(true); // left behind: stale, not held
    const results = await Promise.allSettled([
      startChildServer({ LECTERN_DATA_DIR: dir, LECTERN_ADMIN_KEY: ADMIN }, 180_000),
      startChildServer({ LECTERN_DATA_DIR: dir, LECTERN_ADMIN_KEY: ADMIN }, 180_000),
    ]);
    const up = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    children.push(...up);
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
    expect(up).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toContain(`pid ${up[0]!.proc.pid}`);
    expect(await up[0]!.stop()).toBe(0);
  }, 400_000);
});
