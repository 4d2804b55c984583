// Two real Lectern processes on one PostgreSQL schema: a write through A reaches B's caches through
// LISTEN/NOTIFY within a second — a moved label is served, a revoked key is refused.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgUrl } from '../support/stores.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ADMIN = 'lec_coherence_admin_secret_0123456789';
const url = pgUrl();
if (!url) console.warn('[lectern] PostgreSQL not reachable: the two-process coherence test is SKIPPED');

interface Server {
  child: ChildProcess;
  base: string;
}

function startServer(schema: string): Promise<Server> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: url,
      LECTERN_PG_SCHEMA: schema,
      LECTERN_ADMIN_KEY: ADMIN,
      PORT: '0',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 30_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /"url":"(http:\/\/[^"]+)"/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        child.stdout!.resume();
        resolve({ child, base: m[1]! });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => reject(new Error(`server exited ${code}:\n${out}`)));
  });
}

async function call(s: Server, method: string, path: string, key: string, body?: unknown) {
  const res = await fetch(s.base + path, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** Polls until `ok`, returning the milliseconds it took (or Infinity after `limit`). */
async function within(limit: number, ok: () => Promise<boolean>): Promise<number> {
  const t0 = performance.now();
  while (performance.now() - t0 < limit) {
    if (await ok()) return performance.now() - t0;
    await new Promise((r) => setTimeout(r, 20));
  }
  return Infinity;
}

describe.skipIf(!url)('two Lectern processes on one PostgreSQL', () => {
  const schema = `t_coh_${randomBytes(5).toString('hex')}`;
  let a: Server;
  let b: Server;

  beforeAll(async () => {
    a = await startServer(schema); // A migrates and bootstraps first
    b = await startServer(schema);
  }, 60_000);

  afterAll(async () => {
    for (const s of [a, b]) {
      if (s && s.child.exitCode === null) {
        const exited = new Promise((r) => s.child.once('exit', r));
        s.child.kill('SIGTERM');
        await exited;
      }
    }
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query(`drop schema if exists ${schema} cascade`);
    await c.end();
  });

  it('serves a label moved through A from B within one second', async () => {
    const name = 'coherent';
    const made = await call(a, 'POST', '/v1/prompts', ADMIN, {
      name,
      version: { messages: [{ role: 'user', content: 'one' }] },
      labels: ['production'],
    });
    expect(made.status).toBe(201);
    await call(a, 'POST', `/v1/prompts/${name}/versions`, ADMIN, {
      messages: [{ role: 'user', content: 'two' }],
    });
    const path = `/v1/prompts/${name}/resolve?label=production`;
    // B answers and caches version 1
    expect((await call(b, 'GET', path, ADMIN)).body.version.number).toBe(1);
    expect((await call(b, 'GET', path, ADMIN)).body.version.number).toBe(1);
    const moved = await call(a, 'PUT', `/v1/prompts/${name}/labels/production`, ADMIN, { version: 2 });
    expect(moved.status).toBe(200);
    const ms = await within(1000, async () => (await call(b, 'GET', path, ADMIN)).body.version.number === 2);
    expect(ms).toBeLessThan(1000);
  });

  it('refuses on B a key revoked through A within one second', async () => {
    const made = await call(a, 'POST', '/v1/keys', ADMIN, {
      name: 'reader',
      role: 'viewer',
      workspace: 'default',
    });
    expect(made.status).toBe(201);
    const secret = made.body.secret as string;
    const keyId = (made.body.key?.id ?? made.body.id) as string;
    const path = '/v1/prompts/coherent/resolve';
    // B has the key in its key cache and the answer in its read cache
    expect((await call(b, 'GET', path, secret)).status).toBe(200);
    expect((await call(b, 'GET', path, secret)).status).toBe(200);
    expect((await call(a, 'DELETE', `/v1/keys/${keyId}`, ADMIN)).status).toBeLessThan(300);
    const ms = await within(1000, async () => (await call(b, 'GET', path, secret)).status === 401);
    expect(ms).toBeLessThan(1000);
  });
});
