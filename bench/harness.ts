// What the bench scripts share: ports, child processes (a compiled Lectern, the bare Fastify
// baseline, the autocannon worker), the /proc CPU reading, the HTTP helper and the seed of
// `npm run bench`. A module of its own so that bench/run.ts and bench/cpu-per-request.ts use one copy.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import type { LoadResult, LoadSpec } from './load.ts';

/** The repository root (where `bench/*.ts` are run from). */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

export interface Proc {
  child: ChildProcess;
  base: string;
  stop(): Promise<void>;
}

export function stopper(child: ChildProcess): () => Promise<void> {
  return async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  };
}

export async function waitHealthy(base: string, child: ChildProcess, output: () => string): Promise<void> {
  const t0 = Date.now();
  while (Date.now() - t0 < 60_000) {
    if (child.exitCode !== null) throw new Error(`server exited:\n${output()}`);
    try {
      if ((await fetch(`${base}/healthz`)).ok) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server did not become healthy:\n${output()}`);
}

/**
 * The bench's own environment minus every LECTERN_* setting, LOG_LEVEL and DATABASE_URL a shell may
 * carry, so the server runs on its defaults plus exactly what the caller sets.
 */
export function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith('LECTERN_') && k !== 'LOG_LEVEL' && k !== 'DATABASE_URL') env[k] = v;
  }
  return env;
}

/** The command line of `npm start` (package.json), minus npm. */
export const shippedArgs = () => [
  `--max-old-space-size=${process.env.LECTERN_HEAP_MB || 256}`,
  '--min-semi-space-size=16',
  'dist/cli/main.js',
  'serve',
];

/**
 * A compiled Lectern (`<root>/dist/cli/main.js serve`, as `npm start` runs it) on a free port, with
 * `env` as its whole environment plus PORT; resolves once /healthz answers.
 */
export async function startLectern(opts: {
  root: string;
  env: Record<string, string>;
  nodeFlags?: string[];
}): Promise<Proc> {
  const port = await freePort();
  const child = spawn(process.execPath, [...(opts.nodeFlags ?? []), ...shippedArgs()], {
    cwd: opts.root,
    env: { ...opts.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-4000)));
  child.stderr!.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-4000)));
  const base = `http://127.0.0.1:${port}`;
  await waitHealthy(base, child, () => out);
  return { child, base, stop: stopper(child) };
}

export interface Answer {
  body: string;
  contentType: string;
}

/** The bare Fastify baseline (bench/bare-server.ts) answering `answers` on `routes`. */
export async function startBare(
  routes: { method: string; url: string }[],
  answers: Record<string, Answer>,
  nodeFlags: string[] = [],
): Promise<Proc> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'lectern-bare-'));
  const file = join(dir, 'spec.json');
  writeFileSync(file, JSON.stringify({ port, routes, answers }));
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', 'bench/bare-server.ts', file], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (c) => reject(new Error(`bare server exited ${c}`)));
  });
  const stop = stopper(child);
  return {
    child,
    base: `http://127.0.0.1:${port}`,
    stop: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One autocannon run in a process of its own (bench/load.ts with the spec in argv). */
export function loadOnce(spec: LoadSpec): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/load.ts', JSON.stringify(spec)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split('\n').pop()!) as LoadResult)
        : reject(new Error(`load exited ${code}: ${out.slice(-2000)}`)),
    );
  });
}

/** One long-lived autocannon process (bench/load.ts): specs in, results out, one JSON line each. */
export function loadWorker(): { load(spec: LoadSpec): Promise<LoadResult>; end(): void } {
  let w: { child: ChildProcess; pending: ((r: LoadResult) => void)[]; buf: string } | null = null;
  return {
    load(spec) {
      if (!w) {
        const child = spawn(process.execPath, ['--import', 'tsx', 'bench/load.ts'], {
          cwd: ROOT,
          stdio: ['pipe', 'pipe', 'inherit'],
        });
        const fresh = { child, pending: [] as ((r: LoadResult) => void)[], buf: '' };
        child.stdout!.on('data', (d: Buffer) => {
          fresh.buf += d.toString();
          let nl;
          while ((nl = fresh.buf.indexOf('\n')) >= 0) {
            const line = fresh.buf.slice(0, nl);
            fresh.buf = fresh.buf.slice(nl + 1);
            fresh.pending.shift()?.(JSON.parse(line) as LoadResult);
          }
        });
        w = fresh;
      }
      const cur = w;
      return new Promise((resolve) => {
        cur.pending.push(resolve);
        cur.child.stdin!.write(JSON.stringify(spec) + '\n');
      });
    },
    end() {
      w?.child.stdin!.end();
    },
  };
}

/**
 * User + system CPU of a process so far, in ms (/proc/<pid>/stat; clock ticks of 10 ms); `gone`
 * when the process is no more. The name field may hold ') ', hence the last one.
 */
export function cpuMs(pid: number, gone = NaN): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return gone;
  }
}

/** Local ports of the process's TCP connections to PostgreSQL (port 5432). */
export function pgClientPorts(pid: number): number[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]!);
    } catch {
      /* closed meanwhile */
    }
  }
  const ports: number[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6'])
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length >= 10 && parseInt(f[2]!.split(':')[1]!, 16) === 5432 && inodes.has(f[9]!))
        ports.push(parseInt(f[1]!.split(':')[1]!, 16));
    }
  return ports;
}

/**
 * CPU so far (ms) of each PostgreSQL backend serving process `pid`, by backend pid, found through
 * `admin` (a connection of its own) by their client ports; empty without `admin` (PGlite).
 */
export async function backendCpu(admin: pg.Client | null, pid: number): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  if (!admin) return out;
  const ports = pgClientPorts(pid);
  if (!ports.length) return out;
  const r = await admin.query<{ pid: number }>(
    `select pid from pg_stat_activity where client_addr = '127.0.0.1' and client_port = any($1::int[])`,
    [ports],
  );
  for (const row of r.rows) out.set(row.pid, cpuMs(row.pid, 0));
  return out;
}

export async function call(base: string, method: string, path: string, key: string, body?: unknown) {
  const res = await fetch(base + path, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${text.slice(0, 300)}`);
  return {
    text,
    contentType: res.headers.get('content-type') ?? 'application/json',
    json: () => JSON.parse(text) as Record<string, unknown>,
  };
}

export const pname = (i: number) => `bench-${String(i).padStart(3, '0')}`;

/** Creates a prompt; a 409 is accepted when the prompt is there (logged: it should not happen). */
async function create(base: string, admin: string, name: string, body: Record<string, unknown>) {
  try {
    await call(base, 'POST', '/v1/prompts', admin, { name, ...body });
  } catch (err) {
    if (!String(err).includes('→ 409')) throw err;
    await call(base, 'GET', `/v1/prompts/${name}`, admin);
    process.stderr.write(`[bench] note: creating ${name} answered 409 although the name was new\n`);
  }
}

/** The seed of `npm run bench`: n prompts, two versions each, `production` on the first. */
export async function seedViaApi(base: string, admin: string, n: number): Promise<void> {
  let next = 1;
  const worker = async () => {
    while (next <= n) {
      const name = pname(next++);
      await create(base, admin, name, {
        version: {
          messages: [
            { role: 'system', content: 'You are a concise assistant for {{company}}.' },
            { role: 'user', content: 'Hello {{name}}, tell me about {{topic}}.' },
          ],
          model: 'gpt-4o',
          params: { temperature: 0.2 },
        },
        labels: ['production'],
      });
      await call(base, 'POST', `/v1/prompts/${name}/versions`, admin, {
        messages: [
          { role: 'system', content: 'You are a precise assistant for {{company}}.' },
          { role: 'user', content: 'Hello {{name}}, tell me about {{topic}} in one line.' },
        ],
        model: 'gpt-4o',
      });
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}
