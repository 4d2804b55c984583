import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { startChildServer, type ChildServer } from '../../test/support/child-server.ts';
import { pgUrl } from '../../test/support/stores.ts';

const ADMIN = 'lec_serve_test_admin_key_0123456789';

async function writeAndRead(server: ChildServer, name: string) {
  const headers = { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' };
  const created = await fetch(`${server.url}/v1/prompts`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      name,
      version: { messages: [{ role: 'user', content: 'hello {{who}}' }] },
      labels: ['production'],
    }),
  });
  expect(created.status).toBe(201);
}

async function readBack(server: ChildServer, name: string) {
  const res = await fetch(`${server.url}/v1/prompts/${name}`, { headers: { 'x-api-key': ADMIN } });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { prompt: { latest_version: number }; labels: { name: string }[] };
  expect(body.prompt.latest_version).toBe(1);
  expect(body.labels.map((l) => l.name)).toEqual(['production']);
}

describe('lectern serve on embedded PGlite', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('prints a first admin key once, answers /healthz, and keeps data across a restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lectern-serve-'));
    dirs.push(dir);
    const first = await startChildServer({ LECTERN_DATA_DIR: dir });
    const printed = /\n\s+(lec_[A-Za-z0-9_-]{20,})\n/.exec(first.output())?.[1];
    expect(printed).toBeDefined();
    const ok = await fetch(`${first.url}/v1/prompts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${printed}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'made-with-the-printed-key' }),
    });
    expect(ok.status).toBe(201);
    expect(await first.stop('SIGTERM')).toBe(0);

    const second = await startChildServer({ LECTERN_DATA_DIR: dir, LECTERN_ADMIN_KEY: ADMIN });
    expect(second.output()).not.toContain('created the first admin');
    expect(second.output()).not.toMatch(/shown only now/);
    await writeAndRead(second, 'survivor');
    expect(await second.stop('SIGTERM')).toBe(0);

    const third = await startChildServer({ LECTERN_DATA_DIR: dir, LECTERN_ADMIN_KEY: ADMIN });
    await readBack(third, 'survivor');
    expect(await third.stop('SIGTERM')).toBe(0);
  }, 120_000);
});

describe.skipIf(!pgUrl())('lectern serve on PostgreSQL', () => {
  it('keeps data across a restart', async () => {
    const schema = `t_${randomBytes(6).toString('hex')}`;
    const env = { DATABASE_URL: pgUrl(), LECTERN_PG_SCHEMA: schema, LECTERN_ADMIN_KEY: ADMIN };
    const first = await startChildServer(env);
    await writeAndRead(first, 'pg-survivor');
    expect(await first.stop('SIGTERM')).toBe(0);
    const second = await startChildServer(env);
    await readBack(second, 'pg-survivor');
    expect(await second.stop('SIGTERM')).toBe(0);
    const pg = (await import('pg')).default;
    const c = new pg.Client({ connectionString: pgUrl() });
    await c.connect();
    await c.query(`drop schema ${schema} cascade`);
    await c.end();
  }, 120_000);
});
