// CPU time per cached hit of the fetch-by-label path, A/B between builds, interleaved:
// `npx tsx bench/hit-cpu.ts --build old=/tmp/old --build new=. [--route native|promptlayer|langfuse]
//  [--rounds 5] [--duration 3] [--touch] [--postgres] [--cpu-prof]`
// Each build is a directory holding `dist/cli/main.js` (with package.json, drizzle/ and node_modules
// beside it, as `npm start` runs it). Both servers run at once on their own PGlite data directory (or
// PostgreSQL schema), seeded alike; the load alternates between them (ABAB…) so background load on
// the shared machine weighs on both, and the figure is the server process's user+system CPU
// (/proc/<pid>/stat) over the requests it answered: unlike req/s it barely moves with other load.
// `--touch` first sends one request of every other read route (renders, lists, vendor gets), as
// the full `npm run bench` does when it records its answers.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { LoadResult, LoadSpec } from './load.ts';

const argv = process.argv.slice(2);
const opt = (name: string, dflt: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1]! : dflt);
const builds = argv.flatMap((a, i) => (a === '--build' ? [argv[i + 1]!.split(/=(.*)/s).slice(0, 2)] : []));
if (builds.length === 0) builds.push(['this', '.']);
const ROUTE = opt('--route', 'native');
const ROUNDS = Number(opt('--rounds', '5'));
const DURATION = Number(opt('--duration', '3'));
/**
 * `--touch name[=render+list+vendor]` (repeatable): that server first gets one request of the other
 * read routes (all three kinds unless listed), as the full `npm run bench` sends when recording.
 */
const TOUCH = new Map(
  argv.flatMap((a, i) => {
    if (a !== '--touch') return [];
    const [name, kinds] = argv[i + 1]!.split('=');
    return [[name!, new Set((kinds ?? 'render+list+vendor').split('+'))] as const];
  }),
);
const POSTGRES = argv.includes('--postgres');
/** `--node-flags name=--flag,--flag` (repeatable): extra node flags for one server. */
const NODE_FLAGS = new Map(
  argv.flatMap((a, i) => {
    if (a !== '--node-flags') return [];
    const [name, flags] = argv[i + 1]!.split(/=(.*)/s);
    return [[name!, flags!.split(',')] as const];
  }),
);
const PROMPTS = Number(opt('--prompts', '100'));
const ADMIN = `lec_bench_admin_${randomBytes(12).toString('hex')}`;
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const log = (m: string) => process.stderr.write(`[hit-cpu] ${m}\n`);

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
    s.on('error', fail);
  });
}

function cpuMs(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
}

interface Server {
  name: string;
  child: ChildProcess;
  base: string;
  cleanup: () => Promise<void>;
}

async function start(name: string, dir: string): Promise<Server> {
  const port = await freePort();
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !k.startsWith('LECTERN_') && k !== 'LOG_LEVEL' && k !== 'DATABASE_URL') env[k] = v;
  const data = mkdtempSync(join(tmpdir(), 'lectern-hitcpu-'));
  const schema = `hitcpu_${randomBytes(5).toString('hex')}`;
  const store = POSTGRES
    ? { DATABASE_URL, LECTERN_PG_SCHEMA: schema }
    : { LECTERN_DATA_DIR: join(data, 'lectern') };
  const flags = argv.includes('--cpu-prof')
    ? ['--cpu-prof', `--cpu-prof-dir=${resolve('bench/profiles')}`]
    : [];
  const extra = NODE_FLAGS.get(name) ?? [];
  const child = spawn(
    process.execPath,
    [...flags, ...extra, '--max-old-space-size=256', 'dist/cli/main.js', 'serve'],
    {
      cwd: resolve(dir),
      env: { ...env, ...store, PORT: String(port), LECTERN_ADMIN_KEY: ADMIN, LECTERN_RATE_LIMIT_WRITES: '0' },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
  const base = `http://127.0.0.1:${port}`;
  for (let t0 = Date.now(); ;) {
    if (child.exitCode !== null) throw new Error(`${name} exited:\n${err}`);
    if (Date.now() - t0 > 60_000) throw new Error(`${name} not healthy:\n${err}`);
    try {
      if ((await fetch(`${base}/healthz`)).ok) break;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    name,
    child,
    base,
    cleanup: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(data, { recursive: true, force: true });
      if (POSTGRES) {
        const pg = (await import('pg')).default;
        const c = new pg.Client({ connectionString: DATABASE_URL });
        await c.connect();
        await c.query(`drop schema if exists ${schema} cascade`);
        await c.end();
      }
    },
  };
}

async function call(base: string, method: string, path: string, key: string, body?: unknown) {
  const res = await fetch(base + path, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${text.slice(0, 200)}`);
  return JSON.parse(text) as Record<string, unknown>;
}

const pname = (i: number) => `bench-${String(i).padStart(4, '0')}`;

async function seed(s: Server): Promise<string> {
  for (let i = 1; i <= PROMPTS; i++) {
    await call(s.base, 'POST', '/v1/prompts', ADMIN, {
      name: pname(i),
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
  }
  const key = (
    await call(s.base, 'POST', '/v1/keys', ADMIN, { name: 'b', role: 'editor', workspace: 'default' })
  ).secret as string;
  const touch = TOUCH.get(s.name);
  if (touch) {
    const n = pname(1);
    const vars = { company: 'Acme', name: 'Ada', topic: 'engines' };
    if (touch.has('render'))
      for (let i = 1; i <= PROMPTS; i++)
        await call(s.base, 'POST', `/prompt-templates/${pname(i)}`, key, {
          label: 'production',
          input_variables: vars,
        });
    if (touch.has('list')) {
      await call(s.base, 'GET', '/v1/prompts?limit=50', key);
      await call(s.base, 'GET', '/prompt-templates?per_page=50', key);
      await call(s.base, 'GET', '/api/prompts?page_size=50', key);
      await call(s.base, 'GET', '/apis/models/v2/workspaces/default/prompts?page_size=50', key);
    }
    if (touch.has('vendor')) {
      await call(s.base, 'GET', `/prompt-templates/${n}?label=production`, key);
      await call(s.base, 'GET', `/api/public/v2/prompts/${n}?label=production`, key);
    }
  }
  // Every path asked once, so the measured rounds are hits (a 2 s warm-up does not reach 1,000
  // paths at miss speed on a loaded machine).
  for (const p of paths(s.name)) await call(s.base, 'GET', p, key);
  return key;
}

const ROUTES: Record<string, string> = {
  native: '/v1/prompts/:prompt/resolve',
  promptlayer: '/prompt-templates/:identifier',
  langfuse: '/api/public/v2/prompts/:name',
};

/** `--paths name=N` (repeatable): that server's load cycles over the first N prompts only. */
const PATHS = new Map(
  argv.flatMap((a, i) => {
    if (a !== '--paths') return [];
    const [name, n] = argv[i + 1]!.split('=');
    return [[name!, Number(n)] as const];
  }),
);

function paths(server?: string): string[] {
  const n = Math.min(PROMPTS, (server && PATHS.get(server)) || PROMPTS);
  const names = Array.from({ length: n }, (_, i) => pname(i + 1));
  if (ROUTE === 'promptlayer') return names.map((n) => `/prompt-templates/${n}?label=production`);
  if (ROUTE === 'langfuse') return names.map((n) => `/api/public/v2/prompts/${n}?label=production`);
  return names.map((n) => `/v1/prompts/${n}/resolve?label=production`);
}

const loader = spawn(process.execPath, ['--import', 'tsx', 'bench/load.ts'], {
  cwd: resolve(import.meta.dirname, '..'),
  stdio: ['pipe', 'pipe', 'inherit'],
});
let buf = '';
const waiting: ((r: LoadResult) => void)[] = [];
loader.stdout!.on('data', (d: Buffer) => {
  buf += d.toString();
  for (let nl; (nl = buf.indexOf('\n')) >= 0; buf = buf.slice(nl + 1))
    waiting.shift()?.(JSON.parse(buf.slice(0, nl)) as LoadResult);
});
const load = (spec: LoadSpec) =>
  new Promise<LoadResult>((ok) => {
    waiting.push(ok);
    loader.stdin!.write(JSON.stringify(spec) + '\n');
  });

/** Seconds spent in GC so far (prom-client's default metrics at /metrics; 0 for the bare server). */
async function gcSeconds(s: Server): Promise<number> {
  if (s.name === 'bare') return 0;
  const text = await (await fetch(`${s.base}/metrics`)).text();
  if (process.env.HITCPU_HEAP)
    log(
      `${s.name} heap used ${Math.round(Number(/^lectern_nodejs_heap_size_used_bytes ([\d.e+-]+)$/m.exec(text)?.[1]) / 1e6)} MB`,
    );
  let sum = 0;
  for (const m of text.matchAll(/^lectern_nodejs_gc_duration_seconds_sum\{[^}]*\} ([\d.e+-]+)$/gm))
    sum += Number(m[1]);
  return sum;
}

const servers: Server[] = [];
try {
  for (const [name, dir] of builds) servers.push(await start(name!, dir!));
  const keys = await Promise.all(servers.map(seed));
  // `--bare`: bare Fastify answering the first server's bytes on the same paths, in the rotation.
  if (argv.includes('--bare')) {
    const answers: Record<string, { body: string; contentType: string }> = {};
    for (const p of paths()) {
      const res = await fetch(servers[0]!.base + p, { headers: { authorization: `Bearer ${keys[0]}` } });
      answers[`GET ${p}`] = { body: await res.text(), contentType: res.headers.get('content-type')! };
    }
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'lectern-hitcpu-bare-'));
    writeFileSync(
      join(dir, 'spec.json'),
      JSON.stringify({ port, routes: [{ method: 'GET', url: ROUTES[ROUTE] }], answers }),
    );
    const prof = argv.includes('--cpu-prof')
      ? ['--cpu-prof', `--cpu-prof-dir=${resolve('bench/profiles/bare')}`]
      : [];
    const child = spawn(
      process.execPath,
      [...prof, '--import', 'tsx', 'bench/bare-server.ts', join(dir, 'spec.json')],
      {
        cwd: resolve(import.meta.dirname, '..'),
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    await new Promise((ok) => child.stdout!.once('data', ok));
    servers.push({
      name: 'bare',
      child,
      base: `http://127.0.0.1:${port}`,
      cleanup: async () => {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
        rmSync(dir, { recursive: true, force: true });
      },
    });
    keys.push(keys[0]!);
  }
  const spec = (i: number, duration: number): LoadSpec => ({
    url: servers[i]!.base,
    connections: 16,
    duration,
    method: 'GET',
    paths: paths(servers[i]!.name),
    headers: { authorization: `Bearer ${keys[i]}` },
  });
  for (let i = 0; i < servers.length; i++) await load(spec(i, 2)); // warm-up
  const per: Record<string, { us: number[]; rps: number[] }> = {};
  const gc: Record<string, number[]> = {};
  for (let r = 0; r < ROUNDS; r++) {
    for (let i = 0; i < servers.length; i++) {
      const s = servers[i]!;
      const c0 = cpuMs(s.child.pid!);
      const g0 = await gcSeconds(s);
      const res = await load(spec(i, DURATION));
      const us = ((cpuMs(s.child.pid!) - c0) * 1000) / Math.max(1, res.requests);
      const gcUs = (((await gcSeconds(s)) - g0) * 1e6) / Math.max(1, res.requests);
      (gc[s.name] ??= []).push(gcUs);
      if (res.non2xx || res.errors) log(`! ${s.name}: ${res.non2xx} non-2xx, ${res.errors} errors`);
      (per[s.name] ??= { us: [], rps: [] }).us.push(us);
      per[s.name]!.rps.push(res.rps);
      log(
        `round ${r + 1} ${s.name}: ${us.toFixed(1)} µs CPU/request (GC ${gcUs.toFixed(1)}), ${res.rps.toFixed(0)} req/s`,
      );
    }
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const out = Object.entries(per).map(([name, v]) => ({
    build: name,
    cpuUsPerRequestMedian: Number(med(v.us).toFixed(1)),
    cpuUs: v.us.map((x) => Number(x.toFixed(1))),
    rpsMedian: Math.round(med(v.rps)),
    gcUsPerRequestMedian: gc[name] ? Number(med(gc[name]).toFixed(2)) : undefined,
  }));
  console.log(
    JSON.stringify(
      {
        route: ROUTE,
        postgres: POSTGRES,
        touch: Object.fromEntries([...TOUCH].map(([k, v]) => [k, [...v]])),
        loadavg: loadavg(),
        out,
      },
      null,
      1,
    ),
  );
} finally {
  loader.stdin!.end();
  for (const s of servers) await s.cleanup();
}
