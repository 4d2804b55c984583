import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../store/db.ts';
import { createRegistry } from '../registry/index.ts';

const run = promisify(execFile);
const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

describe('lectern CLI on an embedded database', () => {
  let dir: string;
  const lectern = async (...args: string[]) => {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', MAIN, ...args], {
      env: { ...process.env, LECTERN_DATA_DIR: dir, LECTERN_ADMIN_KEY: 'lec_cli_test_admin_0123456789' },
    });
    return { stdout, stderr };
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lectern-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('migrates, manages workspaces, and creates, lists and revokes keys', async () => {
    expect((await lectern('migrate')).stdout).toContain('migrations applied');

    await lectern('workspaces', 'create', 'team-a', '--description', 'the A team');
    const workspaces = JSON.parse((await lectern('workspaces', 'list')).stdout) as { name: string }[];
    expect(workspaces.map((w) => w.name)).toEqual(expect.arrayContaining(['default', 'system', 'team-a']));

    const created = await lectern(
      'keys',
      'create',
      '--name',
      'ci',
      '--role',
      'viewer',
      '--workspace',
      'team-a',
    );
    const key = JSON.parse(created.stdout) as { id: string; secret: string; role: string };
    expect(key.role).toBe('viewer');
    expect(created.stderr).toContain('shown only now');

    const listed = (await lectern('keys', 'list')).stdout;
    expect(listed).toContain(key.id);
    expect(listed).not.toContain(key.secret);

    await lectern('keys', 'revoke', key.id);
    expect((await lectern('keys', 'list')).stdout).not.toContain(key.id);

    // The revoked secret no longer authenticates against the same data directory.
    const store = await openStore({ dataDir: dir });
    try {
      expect(await createRegistry(store).authenticate(key.secret)).toBeNull();
    } finally {
      await store.close();
    }
  }, 120_000);

  it('fails with a message and a non-zero exit on a bad role', async () => {
    await expect(lectern('keys', 'create', '--name', 'x', '--role', 'owner')).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('role must be one of'),
    });
  }, 60_000);
});
