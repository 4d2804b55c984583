// `lectern keys …` / `lectern workspaces …` on this machine's store with --local, as a user runs
// them (a child process): they list every record however many there are, --local wins over an
// exported LECTERN_URL, and they never write into a directory another process holds.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../store/db.ts';
import { createRegistry } from '../registry/index.ts';
import { OPERATOR } from '../server/admin-channel.ts';
import { bootstrap } from '../server/bootstrap.ts';
import { lecternAt } from '../../test/support/lectern-cli.ts';
import { EXIT } from './client.ts';

// More than one page of the registry's lists (1,000).
const KEYS = 1_005;
const WORKSPACES = 1_001;

describe('lectern keys and workspaces --local', () => {
  let dir: string;
  let lectern: ReturnType<typeof lecternAt>;
  const made = { keys: [] as string[], workspaces: [] as string[] };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lectern-local-'));
    // The shell exports a server URL (unreachable here): --local must not go there.
    lectern = lecternAt('http://127.0.0.1:1', 'lec_elsewhere', undefined, {
      LECTERN_DATA_DIR: dir,
      DATABASE_URL: '',
    });
    // Made through the registry, not by a thousand child processes.
    const store = await openStore({ dataDir: dir });
    try {
      const registry = createRegistry(store);
      await bootstrap(registry); // the default workspace, as a first start makes it
      for (let i = 0; i < KEYS; i++)
        made.keys.push((await registry.createKey(OPERATOR, { name: `k${i}`, role: 'viewer' })).key.id);
      for (let i = 0; i < WORKSPACES; i++)
        made.workspaces.push((await registry.createWorkspace(OPERATOR, { name: `w${i}` })).name);
    } finally {
      await store.close();
    }
  }, 300_000);
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('lists every key and every workspace, past one page', async () => {
    const keys = await lectern('keys', 'list', '--local', '--json');
    expect(keys.code, keys.stderr).toBe(EXIT.ok);
    const ids = (JSON.parse(keys.stdout) as { id: string }[]).map((k) => k.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(made.keys));

    const ws = await lectern('workspaces', 'list', '--local', '--json');
    expect(ws.code, ws.stderr).toBe(EXIT.ok);
    const names = (JSON.parse(ws.stdout) as { name: string }[]).map((w) => w.name);
    expect(names).toEqual(expect.arrayContaining(['default', ...made.workspaces]));
    expect(names).toHaveLength(new Set(names).size);
  }, 300_000);

  it('--local and --url together are a usage error', async () => {
    const r = await lectern('keys', 'list', '--local', '--url', 'http://127.0.0.1:1');
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toContain('--local');
  }, 120_000);

  it('refuses to write into a directory another process holds, saying to use --url', async () => {
    const store = await openStore({ dataDir: dir, owner: 'a test' });
    try {
      const r = await lectern('keys', 'create', '--name', 'sneaky', '--local');
      expect(r.code).toBe(EXIT.error);
      expect(r.stderr).toContain('in use by another Lectern process');
      expect(r.stderr).toContain('use --url');
      const keys = await createRegistry(store).listKeys(OPERATOR, { limit: 5000, offset: 0 });
      expect(keys.items.map((k) => k.name)).not.toContain('sneaky');
    } finally {
      await store.close();
    }
  }, 120_000);
});
