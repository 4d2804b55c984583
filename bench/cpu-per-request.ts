// CPU time per request of one scenario, build against build, interleaved:
// `npx tsx bench/cpu-per-request.ts --scenario hit.native|hit.promptlayer|hit.langfuse|render.pl|render.native
//  --build old=/work/main --build new=. [--bare | --no-bare] [--postgres] [--rounds 5] [--duration 3]
//  [--connections 16] [--prompts 100] [--paths name=N] [--touch name[=render+list+vendor]]
//  [--node-flags name=--flag,--flag] [--cpu-prof [name,name]] [--alloc] [--json]`
// Each build is a directory holding `dist/cli/main.js` (with package.json, drizzle/ and node_modules
// beside it, as `npm start` runs it), started on its own PGlite data directory (or PostgreSQL
// schema) and seeded as `npm run bench` seeds; every path is asked once, so the measured rounds of
// `hit.*` are cache hits. The builds (and, with `--bare`, the bare Fastify server answering the first
// build's bytes on the same paths) take turns round after round (ABAB…), so other load on the shared
// machine weighs on all alike. The figure is the server process's user + system CPU
// (/proc/<pid>/stat) over the requests it answered: unlike req/s it barely moves with other load.
//   hit.*     the cached fetch by label (a): native resolve, PromptLayer GET, Langfuse v2 GET.
//   render.*  scenario (b), render: PromptLayer POST with input_variables, native POST render.
//   write.pl  scenario (c), version creation: PromptLayer PATCH (use --connections 32). On
//             PostgreSQL the table also gives the CPU of the database backends serving that server
//             (found by its client ports) per write, and the seed's warm-up PATCHes are skipped.
// `--bare` is on by default for render.* and off for hit.*; `--no-bare` / `--bare` say otherwise.
// `--route native|promptlayer|langfuse` is `--scenario hit.<route>`; `--scenario pl|native|raw` (the
// names of the former bench/render-cpu.ts) are render.pl, render.native and hit.promptlayer.
// `--touch name[=kinds]` (repeatable): that server first gets one request of the other read routes
// (renders, lists, vendor gets; all three unless listed), as the full `npm run bench` does when it
// records its answers. `--paths name=N`: that server's load cycles over its first N prompts only.
// `--cpu-prof` profiles every server (the bare one into bench/profiles/bare); `--cpu-prof new,bare`
// only those named. CPUBENCH_HEAP=1 logs each build's heap after each round. `--alloc` runs the builds
// with `--trace-gc-nvp` and adds bytes allocated per request (V8's own `allocated=` figure of each
// GC, summed) and scavenges / mark-compacts per 100,000 requests.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { LoadSpec } from './load.ts';
import {
  ROOT,
  call,
  cleanEnv,
  backendCpu,
  cpuMs,
  loadWorker,
  pname,
  seedViaApi,
  startBare,
  startLectern,
  type Answer,
  type Proc,
} from './harness.ts';
import { median } from './startup.ts';

const argv = process.argv.slice(2);
const has = (name: string) => argv.includes(name);
const opt = (name: string, dflt: string) => (has(name) ? argv[argv.indexOf(name) + 1]! : dflt);
/** Every `name a=b` pair given (repeatable options), as [a, b]. */
const pairs = (name: string) =>
  argv.flatMap((a, i) => (a === name ? [argv[i + 1]!.split(/=(.*)/s).slice(0, 2) as [string, string?]] : []));

const LEGACY: Record<string, string> = { pl: 'render.pl', native: 'render.native', raw: 'hit.promptlayer' };
const SCENARIO = has('--route')
  ? `hit.${opt('--route', 'native')}`
  : (LEGACY[opt('--scenario', '')] ?? opt('--scenario', 'hit.native'));
const BUILDS = pairs('--build').map(([n, d]) => [n, d ?? n] as const);
if (!BUILDS.length) BUILDS.push(['this', '.']);
const ROUNDS = Number(opt('--rounds', '5'));
const DURATION = Number(opt('--duration', '3'));
const CONNECTIONS = Number(opt('--connections', '16'));
const PROMPTS = Number(opt('--prompts', '100'));
const POSTGRES = has('--postgres');
const ALLOC = has('--alloc');
const BARE = has('--bare') || (!has('--no-bare') && SCENARIO.startsWith('render.'));
const TOUCH = new Map(pairs('--touch').map(([n, k]) => [n, new Set((k ?? 'render+list+vendor').split('+'))]));
const NODE_FLAGS = new Map(pairs('--node-flags').map(([n, f]) => [n, (f ?? '').split(',').filter(Boolean)]));
const PATHS = new Map(pairs('--paths').map(([n, k]) => [n, Number(k)]));
/** Which servers to profile: none, every one (`--cpu-prof` alone) or those named. */
const PROFILE: ((name: string) => boolean) | null = !has('--cpu-prof')
  ? null
  : (argv[argv.indexOf('--cpu-prof') + 1] ?? '--').startsWith('--')
    ? () => true
    : (n) => argv[argv.indexOf('--cpu-prof') + 1]!.split(',').includes(n);
const ADMIN = `lec_cpu_admin_${randomBytes(12).toString('hex')}`;
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const log = (m: string) => process.stderr.write(`[cpu-per-request] ${m}\n`);

const variables = { company: 'Acme', name: 'Ada', topic: 'engines' };
interface Scenario {
  method: 'GET' | 'POST' | 'PATCH';
  /** The route pattern, for the bare server. */
  route: string;
  path: (prompt: string) => string;
  body?: unknown;
}
const SCENARIOS: Record<string, Scenario> = {
  'hit.native': {
    method: 'GET',
    route: '/v1/prompts/:prompt/resolve',
    path: (n) => `/v1/prompts/${n}/resolve?label=production`,
  },
  'hit.promptlayer': {
    method: 'GET',
    route: '/prompt-templates/:identifier',
    path: (n) => `/prompt-templates/${n}?label=production`,
  },
  'hit.langfuse': {
    method: 'GET',
    route: '/api/public/v2/prompts/:name',
    path: (n) => `/api/public/v2/prompts/${n}?label=production`,
  },
  'render.pl': {
    method: 'POST',
    route: '/prompt-templates/:identifier',
    path: (n) => `/prompt-templates/${n}`,
    body: { label: 'production', input_variables: variables },
  },
  'render.native': {
    method: 'POST',
    route: '/v1/prompts/:prompt/render',
    path: (n) => `/v1/prompts/${n}/render`,
    body: { label: 'production', variables },
  },
  'write.pl': {
    method: 'PATCH',
    route: '/rest/prompt-templates/:identifier',
    path: (n) => `/rest/prompt-templates/${n}`,
    body: { commit_message: 'bench', model_parameters: { temperature: 0.5 } },
  },
};
const WRITE = SCENARIO.startsWith('write.');
const scenario = SCENARIOS[SCENARIO];
if (!scenario) throw new Error(`--scenario is one of ${Object.keys(SCENARIOS).join(', ')}; got ${SCENARIO}`);

function paths(server?: string): string[] {
  const n = Math.min(PROMPTS, (server && PATHS.get(server)) || PROMPTS);
  return Array.from({ length: n }, (_, i) => scenario!.path(pname(i + 1)));
}

const profFlags = (name: string, dir = 'bench/profiles') =>
  PROFILE?.(name) ? ['--cpu-prof', `--cpu-prof-dir=${resolve(ROOT, dir)}`] : [];

interface Target {
  name: string;
  proc: Proc;
  key: string;
  cleanup: () => Promise<void>;
  /** With `--alloc`: totals from the server's `--trace-gc-nvp` lines so far. */
  gc?: GcTally;
}

interface GcTally {
  allocated: number;
  scavenges: number;
  majors: number;
}

/** Sums V8's `--trace-gc-nvp` lines as they arrive on the server's stdout. */
function tallyGc(proc: Proc): GcTally {
  const t: GcTally = { allocated: 0, scavenges: 0, majors: 0 };
  let rest = '';
  proc.child.stdout!.on('data', (d: Buffer) => {
    const lines = (rest + d.toString()).split('\n');
    rest = lines.pop()!;
    for (const l of lines) {
      const kind = / gc=(\w+)/.exec(l)?.[1];
      if (!kind) continue;
      t.allocated += Number(/ allocated=(\d+)/.exec(l)?.[1] ?? 0);
      if (kind === 's' || kind === 'mmc') t.scavenges++;
      else t.majors++;
    }
  });
  return t;
}

async function startBuild(name: string, root: string): Promise<Target> {
  const data = mkdtempSync(join(tmpdir(), 'lectern-cpu-'));
  const schema = `cpu_${randomBytes(5).toString('hex')}`;
  const store: Record<string, string> = POSTGRES
    ? { DATABASE_URL, LECTERN_PG_SCHEMA: schema }
    : { LECTERN_DATA_DIR: join(data, 'lectern') };
  log(`starting ${name} (${resolve(root)}) on ${POSTGRES ? 'PostgreSQL' : 'PGlite'}`);
  const proc = await startLectern({
    root: resolve(root),
    env: { ...cleanEnv(), ...store, LECTERN_ADMIN_KEY: ADMIN, LECTERN_RATE_LIMIT_WRITES: '0' },
    nodeFlags: [...profFlags(name), ...(ALLOC ? ['--trace-gc-nvp'] : []), ...(NODE_FLAGS.get(name) ?? [])],
  });
  const gc = ALLOC ? tallyGc(proc) : undefined;
  const cleanup = async () => {
    await proc.stop();
    rmSync(data, { recursive: true, force: true });
    if (POSTGRES) {
      const pg = (await import('pg')).default;
      const c = new pg.Client({ connectionString: DATABASE_URL });
      await c.connect();
      await c.query(`drop schema if exists ${schema} cascade`);
      await c.end();
    }
  };
  try {
    return { name, proc, key: await seed(name, proc.base), cleanup, gc };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

async function seed(name: string, base: string): Promise<string> {
  await seedViaApi(base, ADMIN, PROMPTS);
  const key = (
    await call(base, 'POST', '/v1/keys', ADMIN, { name: 'cpu', role: 'editor', workspace: 'default' })
  ).json().secret as string;
  const touch = TOUCH.get(name);
  if (touch) {
    if (touch.has('render'))
      for (let i = 1; i <= PROMPTS; i++)
        await call(base, 'POST', `/prompt-templates/${pname(i)}`, key, {
          label: 'production',
          input_variables: variables,
        });
    if (touch.has('list')) {
      await call(base, 'GET', '/v1/prompts?limit=50', key);
      await call(base, 'GET', '/prompt-templates?per_page=50', key);
      await call(base, 'GET', '/api/prompts?page_size=50', key);
      await call(base, 'GET', '/apis/models/v2/workspaces/default/prompts?page_size=50', key);
    }
    if (touch.has('vendor')) {
      await call(base, 'GET', `/prompt-templates/${pname(1)}?label=production`, key);
      await call(base, 'GET', `/api/public/v2/prompts/${pname(1)}?label=production`, key);
    }
  }
  // Every path asked once, so the measured rounds are hits (a 2 s warm-up does not reach 1,000
  // paths at miss speed on a loaded machine).
  if (!WRITE) for (const p of paths(name)) await call(base, scenario!.method, p, key, scenario!.body);
  return key;
}

/** Seconds spent in GC so far (prom-client's default metrics at /metrics; 0 for the bare server). */
async function gcSeconds(t: Target): Promise<number> {
  if (t.name === 'bare') return 0;
  const text = await (await fetch(`${t.proc.base}/metrics`)).text();
  if (process.env.CPUBENCH_HEAP)
    log(
      `${t.name} heap used ${Math.round(Number(/^lectern_nodejs_heap_size_used_bytes ([\d.e+-]+)$/m.exec(text)?.[1]) / 1e6)} MB`,
    );
  let sum = 0;
  for (const m of text.matchAll(/^lectern_nodejs_gc_duration_seconds_sum\{[^}]*\} ([\d.e+-]+)$/gm))
    sum += Number(m[1]);
  return sum;
}

const worker = loadWorker();
const targets: Target[] = [];
// On PostgreSQL, a connection of its own to find and read the database backends of each server.
let admin: import('pg').Client | null = null;
if (POSTGRES) {
  const pg = (await import('pg')).default;
  admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
}
try {
  for (const [name, root] of BUILDS) targets.push(await startBuild(name, root));
  if (BARE) {
    const first = targets[0]!;
    const answers: Record<string, Answer> = {};
    for (const p of paths()) {
      const r = await call(first.proc.base, scenario.method, p, first.key, scenario.body);
      answers[`${scenario.method} ${p}`] = { body: r.text, contentType: r.contentType };
    }
    const proc = await startBare([{ method: scenario.method, url: scenario.route }], answers, [
      ...profFlags('bare', 'bench/profiles/bare'),
      ...(ALLOC ? ['--trace-gc-nvp'] : []),
    ]);
    targets.push({
      name: 'bare',
      proc,
      key: first.key,
      cleanup: proc.stop,
      gc: ALLOC ? tallyGc(proc) : undefined,
    });
  }
  const spec = (t: Target, duration: number): LoadSpec => ({
    url: t.proc.base,
    connections: CONNECTIONS,
    duration,
    method: scenario.method,
    paths: paths(t.name),
    body: scenario.body,
    headers: { authorization: `Bearer ${t.key}` },
  });
  for (const t of targets) await worker.load(spec(t, 2)); // warm-up
  const loadBefore = loadavg();
  log(`load average before: ${loadBefore.map((x) => x.toFixed(2)).join(' ')}`);
  const per = new Map<
    string,
    {
      us: number[];
      db: number[];
      rps: number[];
      gc: number[];
      bytes: number[];
      scav: number[];
      majors: number[];
      bad: number;
    }
  >();
  for (let r = 0; r < ROUNDS; r++) {
    for (const t of targets) {
      const pid = t.proc.child.pid!;
      const db0 = await backendCpu(admin, pid);
      const c0 = cpuMs(pid);
      const g0 = await gcSeconds(t);
      const a0 = t.gc ? { ...t.gc } : undefined;
      const res = await worker.load(spec(t, DURATION));
      const us = ((cpuMs(pid) - c0) * 1000) / Math.max(1, res.requests);
      const db1 = await backendCpu(admin, pid);
      let dbMs = 0;
      for (const [p, v] of db1) dbMs += v - (db0.get(p) ?? 0);
      const dbUs = (dbMs * 1000) / Math.max(1, res.requests);
      const gcUs = (((await gcSeconds(t)) - g0) * 1e6) / Math.max(1, res.requests);
      const e = per.get(t.name) ?? {
        us: [],
        db: [],
        rps: [],
        gc: [],
        bytes: [],
        scav: [],
        majors: [],
        bad: 0,
      };
      if (t.gc && a0) {
        const n = Math.max(1, res.requests);
        e.bytes.push((t.gc.allocated - a0.allocated) / n);
        e.scav.push(((t.gc.scavenges - a0.scavenges) * 1e5) / n);
        e.majors.push(((t.gc.majors - a0.majors) * 1e5) / n);
      }
      e.us.push(us);
      e.db.push(dbUs);
      e.rps.push(res.rps);
      e.gc.push(gcUs);
      e.bad += res.non2xx + res.errors;
      per.set(t.name, e);
      if (res.non2xx || res.errors) log(`! ${t.name}: ${res.non2xx} non-2xx, ${res.errors} errors`);
      log(
        `round ${r + 1} ${t.name}: ${us.toFixed(1)} µs CPU/request (GC ${gcUs.toFixed(1)}${admin ? `, database ${dbUs.toFixed(0)}` : ''}), ${res.rps.toFixed(0)} req/s${e.bytes.length ? `, ${e.bytes.at(-1)!.toFixed(0)} B allocated/request, ${e.scav.at(-1)!.toFixed(1)} scavenges + ${e.majors.at(-1)!.toFixed(2)} mark-compacts per 100k` : ''}`,
      );
    }
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const out = [...per].map(([name, e]) => ({
    build: name,
    cpuUsPerRequestMedian: Number(median(e.us).toFixed(1)),
    cpuUs: e.us.map((x) => Number(x.toFixed(1))),
    dbCpuUsPerRequestMedian: admin ? Number(median(e.db).toFixed(1)) : undefined,
    dbCpuUs: admin ? e.db.map((x) => Number(x.toFixed(1))) : undefined,
    rpsMedian: Math.round(median(e.rps)),
    rpsMean: Math.round(mean(e.rps)),
    gcUsPerRequestMedian: name === 'bare' ? undefined : Number(median(e.gc).toFixed(2)),
    bytesPerRequest: e.bytes.length ? e.bytes.map((x) => Math.round(x)) : undefined,
    scavengesPer100k: e.scav.length ? e.scav.map((x) => Number(x.toFixed(1))) : undefined,
    majorsPer100k: e.majors.length ? e.majors.map((x) => Number(x.toFixed(2))) : undefined,
    bad: e.bad,
  }));
  const loadAfter = loadavg();
  if (has('--json')) {
    const touch = Object.fromEntries([...TOUCH].map(([k, v]) => [k, [...v]]));
    const run = { scenario: SCENARIO, postgres: POSTGRES, rounds: ROUNDS, duration: DURATION };
    console.log(
      JSON.stringify({ ...run, connections: CONNECTIONS, touch, loadBefore, loadAfter, out }, null, 1),
    );
  } else {
    const bare = out.find((o) => o.build === 'bare');
    console.log(
      `\n${POSTGRES ? 'PostgreSQL' : 'PGlite'}, scenario ${SCENARIO}, ${ROUNDS} rounds × ${DURATION} s, ${CONNECTIONS} connections, ${PROMPTS} prompts; load average before ${loadBefore.map((x) => x.toFixed(2)).join(' ')}, after ${loadAfter.map((x) => x.toFixed(2)).join(' ')}\n`,
    );
    console.log(
      '| server | CPU µs/request (median) | all rounds | database backends µs/request (median; all rounds) | GC µs/request | req/s (mean) | bare µs ÷ µs | non-2xx |',
    );
    console.log('|---|---:|---|---|---:|---:|---:|---:|');
    for (const o of out)
      console.log(
        `| ${o.build} | ${o.cpuUsPerRequestMedian} | ${o.cpuUs.map((x) => x.toFixed(0)).join(', ')} | ${o.dbCpuUs ? `${o.dbCpuUsPerRequestMedian}; ${o.dbCpuUs.map((x) => x.toFixed(0)).join(', ')}` : '–'} | ${o.gcUsPerRequestMedian ?? '–'} | ${o.rpsMean} | ${bare ? (bare.cpuUsPerRequestMedian / o.cpuUsPerRequestMedian).toFixed(2) : '–'} | ${o.bad} |`,
      );
    for (const o of out)
      if (o.bytesPerRequest)
        console.log(
          `${o.build}: bytes allocated per request ${o.bytesPerRequest.join(', ')}; scavenges per 100k requests ${o.scavengesPer100k!.join(', ')}; mark-compacts per 100k ${o.majorsPer100k!.join(', ')}`,
        );
  }
} finally {
  await admin?.end();
  worker.end();
  for (const t of targets) await t.cleanup();
}
