import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../store/db.ts';
import { createRegistry } from '../registry/index.ts';
import { startChildServer } from '../../test/support/child-server.ts';

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
    expect((await lectern('workspaces', 'list')).stdout).toContain('the A team'); // a table
    const workspaces = JSON.parse((await lectern('workspaces', 'list', '--json')).stdout) as {
      name: string;
    }[];
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
      '--json',
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
  }, 300_000);

  it('fails with a usage error on a bad role', async () => {
    await expect(lectern('keys', 'create', '--name', 'x', '--role', 'owner')).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('Allowed choices are admin, editor, viewer'),
    });
  }, 120_000);
});

describe('lectern CLI while a server holds the embedded database', () => {
  let dir: string;
  const ADMIN = 'lec_cli_test_admin_0123456789';
  const lectern = async (...args: string[]) =>
    run(process.execPath, ['--import', 'tsx', MAIN, ...args], {
      env: { ...process.env, LECTERN_DATA_DIR: dir, LECTERN_ADMIN_KEY: ADMIN },
    });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lectern-cli-live-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates and revokes keys and creates workspaces through the running server, durably', async () => {
    let server = await startChildServer({ LECTERN_DATA_DIR: dir, LECTERN_ADMIN_KEY: ADMIN }, 180_000);
    try {
      const get = (path: string, key: string) =>
        fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${key}` } });

      const created = JSON.parse(
        (await lectern('keys', 'create', '--name', 'live', '--role', 'editor', '--json')).stdout,
      ) as {
        id: string;
        secret: string;
      };
      expect((await get('/v1/prompts', created.secret)).status).toBe(200); // the server knows it at once

      await lectern('workspaces', 'create', 'made-live');
      const ws = (await (await get('/v1/workspaces', ADMIN)).json()) as { data: { name: string }[] };
      expect(ws.data.map((w) => w.name)).toContain('made-live');
      expect((await lectern('workspaces', 'list')).stdout).toContain('made-live');

      await lectern('keys', 'revoke', created.id);
      expect((await get('/v1/prompts', created.secret)).status).toBe(401); // refused at once
      expect((await lectern('keys', 'list', '--all')).stdout).toContain(created.id);
      // Through the socket and through the server's URL, the same records and the same table.
      for (const args of [
        ['keys', 'list', '--all', '--json'],
        ['keys', 'list'],
        ['workspaces', 'list', '--json'],
      ])
        expect((await lectern(...args, '--url', server.url, '--key', ADMIN)).stdout).toBe(
          (await lectern(...args)).stdout,
        );

      // Commands that would open the files themselves are refused, naming the server.
      await expect(lectern('migrate')).rejects.toMatchObject({
        code: 1,
        stderr: expect.stringContaining(`pid ${server.proc.pid}, lectern serve`),
      });

      expect(await server.stop()).toBe(0);
      server = await startChildServer({ LECTERN_DATA_DIR: dir, LECTERN_ADMIN_KEY: ADMIN }, 180_000);
      // After a restart the revocation and the workspace are still there.
      expect((await get('/v1/prompts', created.secret)).status).toBe(401);
      const after = (await (await get('/v1/workspaces', ADMIN)).json()) as { data: { name: string }[] };
      expect(after.data.map((w) => w.name)).toContain('made-live');
      // Errors come back from the server as the command's own, with the exit code of the kind.
      await expect(lectern('workspaces', 'create', 'made-live')).rejects.toMatchObject({
        code: 4,
        stderr: expect.stringContaining('already exists'),
      });
    } finally {
      await server.stop();
    }
  }, 600_000);
});
