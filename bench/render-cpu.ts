// CPU time per render request, build against build: `npx tsx bench/render-cpu.ts --build old=/work/main
// --build new=. [--postgres] [--rounds 5] [--duration 3] [--scenario pl|native] [--cpu-prof new]`.
// Each build's compiled server (`<root>/dist/cli/main.js serve`, as `npm start` runs it) is started on
// its own store, seeded like `npm run bench` seeds (100 prompts, two versions, `production` on the
// first), and driven with scenario (b) by autocannon from another process; the builds (and the bare
// Fastify server answering the same bytes) take turns, round after round, so other load on the machine
// weighs on all alike. The figure is the server process's user + system CPU (/proc/<pid>/stat) over
// the answers it gave: unlike req/s, it barely moves with the machine's load.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { LoadResult, LoadSpec } from './load.ts';

const argv = process.argv.slice(2);
const opt = (name: string, dflt: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1]! : dflt);
const BUILDS = argv.flatMap((a, i) => (a === '--build' ? [argv[i + 1]!.split(/=(.*)/s)] : [])) as [
  string,
  string,
][];
const ROUNDS = Number(opt('--rounds', '5'));
const DURATION = Number(opt('--duration', '3'));
const CONNECTIONS = Number(opt('--connections', '16'));
const SCENARIO = opt('--scenario', 'pl');
const PROFILE = argv.includes('--cpu-prof') ? opt('--cpu-prof', '') : '';
const POSTGRES = argv.includes('--postgres');
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const ADMIN = `lec_cpu_admin_${randomBytes(12).toString('hex')}`;
const PROMPTS = 100;
const log = (m: string) => process.stderr.write(`[render-cpu] ${m}\n`);

if (!BUILDS.length) throw new Error('give at least one --build name=root');

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
    s.on('error', rej);
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

async function waitHealthy(base: string, child: ChildProcess, out: () => string) {
  for (let t0 = Date.now(); Date.now() - t0 < 60_000;) {
    if (child.exitCode !== null) throw new Error(`server exited:\n${out()}`);
    try {
      if ((await fetch(`${base}/healthz`)).ok) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`not healthy:\n${out()}`);
}

async function startLectern(name: string, root: string): Promise<Server> {
  const port = await freePort();
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !k.startsWith('LECTERN_') && k !== 'LOG_LEVEL' && k !== 'DATABASE_URL') env[k] = v;
  const dir = mkdtempSync(join(tmpdir(), 'lectern-cpu-'));
  const schema = `cpu_${randomBytes(5).toString('hex')}`;
  const store = POSTGRES
    ? { DATABASE_URL, LECTERN_PG_SCHEMA: schema }
    : { LECTERN_DATA_DIR: join(dir, 'data') };
  const flags =
    PROFILE === name ? ['--cpu-prof', `--cpu-prof-dir=${join(process.cwd(), 'bench/profiles')}`] : [];
  const child = spawn(
    process.execPath,
    [...flags, '--max-old-space-size=256', join(root, 'dist/cli/main.js'), 'serve'],
    {
      cwd: root,
      env: { ...env, ...store, PORT: String(port), LECTERN_ADMIN_KEY: ADMIN },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-4000)));
  child.stderr!.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-4000)));
  const base = `http://127.0.0.1:${port}`;
  await waitHealthy(base, child, () => out);
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
      rmSync(dir, { recursive: true, force: true });
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
    headers: {
      authorization: `Bearer ${key}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${text.slice(0, 300)}`);
  return { text, contentType: res.headers.get('content-type') ?? 'application/json' };
}

const pname = (i: number) => `bench-${String(i).padStart(3, '0')}`;

/** The seed of bench/run.ts: 100 prompts, two versions each, `production` on the first. */
async function seed(base: string): Promise<string> {
  let next = 1;
  const worker = async () => {
    while (next <= PROMPTS) {
      const name = pname(next++);
      await call(base, 'POST', '/v1/prompts', ADMIN, {
        name,
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
      await call(base, 'POST', `/v1/prompts/${name}/versions`, ADMIN, {
        messages: [
          { role: 'system', content: 'You are a precise assistant for {{company}}.' },
          { role: 'user', content: 'Hello {{name}}, tell me about {{topic}} in one line.' },
        ],
        model: 'gpt-4o',
      });
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  const key = await call(base, 'POST', '/v1/keys', ADMIN, {
    name: 'cpu',
    role: 'editor',
    workspace: 'default',
  });
  return (JSON.parse(key.text) as { secret: string }).secret;
}

const names = Array.from({ length: PROMPTS }, (_, i) => pname(i + 1));
const variables = { company: 'Acme', name: 'Ada', topic: 'engines' };
/** (b) through PromptLayer or the native API; `raw`, the cached fetch by label (a), for reference. */
const scenario: { method: 'GET' | 'POST'; route: string; paths: string[]; body?: unknown } =
  SCENARIO === 'native'
    ? {
        method: 'POST',
        route: '/v1/prompts/:prompt/render',
        paths: names.map((n) => `/v1/prompts/${n}/render`),
        body: { label: 'production', variables },
      }
    : SCENARIO === 'raw'
      ? {
          method: 'GET',
          route: '/prompt-templates/:identifier',
          paths: names.map((n) => `/prompt-templates/${n}?label=production`),
        }
      : {
          method: 'POST',
          route: '/prompt-templates/:identifier',
          paths: names.map((n) => `/prompt-templates/${n}`),
          body: { label: 'production', input_variables: variables },
        };

let loader: { child: ChildProcess; pending: ((r: LoadResult) => void)[]; buf: string } | null = null;
function load(spec: LoadSpec): Promise<LoadResult> {
  if (!loader) {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/load.ts'], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const w = { child, pending: [] as ((r: LoadResult) => void)[], buf: '' };
    child.stdout!.on('data', (d: Buffer) => {
      w.buf += d.toString();
      let nl;
      while ((nl = w.buf.indexOf('\n')) >= 0) {
        const line = w.buf.slice(0, nl);
        w.buf = w.buf.slice(nl + 1);
        w.pending.shift()?.(JSON.parse(line) as LoadResult);
      }
    });
    loader = w;
  }
  const w = loader;
  return new Promise((r) => {
    w.pending.push(r);
    w.child.stdin!.write(JSON.stringify(spec) + '\n');
  });
}

const servers: Server[] = [];
let bare: ChildProcess | undefined;
try {
  const keys: string[] = [];
  for (const [name, root] of BUILDS) {
    log(`starting ${name} (${resolve(root)}) on ${POSTGRES ? 'PostgreSQL' : 'PGlite'}`);
    const s = await startLectern(name, resolve(root));
    servers.push(s);
    keys.push(await seed(s.base));
  }
  // The bare server answers the first build's bytes.
  const answers: Record<string, { body: string; contentType: string }> = {};
  for (const p of scenario.paths) {
    const r = await call(servers[0]!.base, scenario.method, p, keys[0]!, scenario.body);
    answers[`${scenario.method} ${p}`] = { body: r.text, contentType: r.contentType };
  }
  const port = await freePort();
  const specFile = join(mkdtempSync(join(tmpdir(), 'lectern-bare-')), 'spec.json');
  writeFileSync(
    specFile,
    JSON.stringify({ port, routes: [{ method: scenario.method, url: scenario.route }], answers }),
  );
  bare = spawn(process.execPath, ['--import', 'tsx', 'bench/bare-server.ts', specFile], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((r) => bare!.stdout!.once('data', () => r()));
  const targets = [
    { name: 'bare', base: `http://127.0.0.1:${port}`, pid: bare.pid!, key: 'x' },
    ...servers.map((s, i) => ({ name: s.name, base: s.base, pid: s.child.pid!, key: keys[i]! })),
  ];
  const spec = (base: string, key: string, duration: number): LoadSpec => ({
    url: base,
    connections: CONNECTIONS,
    duration,
    method: scenario.method,
    paths: scenario.paths,
    body: scenario.body,
    headers: { authorization: `Bearer ${key}` },
  });
  for (const t of targets) await load(spec(t.base, t.key, 2));
  const results = new Map<string, { us: number[]; rps: number[]; bad: number }>();
  log(
    `load average before: ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  for (let r = 0; r < ROUNDS; r++) {
    for (const t of targets) {
      const c0 = cpuMs(t.pid);
      const res = await load(spec(t.base, t.key, DURATION));
      const us = ((cpuMs(t.pid) - c0) * 1000) / Math.max(1, res.requests);
      const e = results.get(t.name) ?? { us: [], rps: [], bad: 0 };
      e.us.push(us);
      e.rps.push(res.rps);
      e.bad += res.non2xx + res.errors;
      results.set(t.name, e);
      log(`round ${r + 1} ${t.name}: ${us.toFixed(1)} µs/request, ${res.rps.toFixed(0)} req/s`);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const bareUs = median(results.get('bare')!.us);
  const bareRps = results.get('bare')!.rps.reduce((a, b) => a + b, 0) / ROUNDS;
  console.log(
    `\n${POSTGRES ? 'PostgreSQL' : 'PGlite'}, scenario ${SCENARIO}, ${ROUNDS} rounds × ${DURATION} s, ${CONNECTIONS} connections; load average after ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}\n`,
  );
  console.log(
    '| server | CPU µs/request (median) | all rounds | req/s (mean) | req/s ÷ bare | bare µs ÷ µs | non-2xx |',
  );
  console.log('|---|---:|---|---:|---:|---:|---:|');
  for (const [name, e] of results) {
    const rps = e.rps.reduce((a, b) => a + b, 0) / ROUNDS;
    console.log(
      `| ${name} | ${median(e.us).toFixed(1)} | ${e.us.map((x) => x.toFixed(0)).join(', ')} | ${rps.toFixed(0)} | ${(rps / bareRps).toFixed(2)} | ${(bareUs / median(e.us)).toFixed(2)} | ${e.bad} |`,
    );
  }
} finally {
  (loader as { child: ChildProcess } | null)?.child.stdin!.end();
  bare?.kill('SIGTERM');
  for (const s of servers) await s.cleanup();
}
