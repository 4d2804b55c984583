// `npm run bench [-- --scale] [-- --duration 8] [-- --cpu-prof]`: Lectern as a child process on
// embedded PGlite and (with DATABASE_URL) on PostgreSQL, driven by autocannon from another process,
// next to two baselines measured in the same run: a bare Fastify server answering the same bytes on
// the same paths (the HTTP stack's limit) and a bare driver loop doing the same version-insert
// transaction (the database's limit). Prints a table and writes bench/results.json.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { LoadResult, LoadSpec } from './load.ts';
import type { TxSpec } from './tx-baseline.ts';
import { measureStartup, median, type StartupResult } from './startup.ts';
import { langfuseFetchByLabel } from './langfuse.ts';
import { benchGateway, gatewayTable, type GatewayBench } from './gateway.ts';
import {
  ROOT,
  call,
  cleanEnv,
  cpuMs,
  freePort,
  loadWorker,
  pname,
  seedViaApi as seedPrompts,
  shippedArgs,
  startBare,
  startLectern as startServer,
  type Answer,
  type Proc,
} from './harness.ts';

const argv = process.argv.slice(2);
const SCALE = argv.includes('--scale');
const CPU_PROF = argv.includes('--cpu-prof');
/** `--only a.native,d.list`: just these scenarios (profiling one path). */
const ONLY = argv.includes('--only') ? argv[argv.indexOf('--only') + 1]!.split(',') : null;
const PGLITE_ONLY = argv.includes('--pglite-only');
/** `--postgres-only`: skip the embedded run (needs DATABASE_URL). */
const POSTGRES_ONLY = argv.includes('--postgres-only');
const DURATION = Number(argv[argv.indexOf('--duration') + 1]) || 4;
const WARMUP = 2;
const ROUNDS = Number(argv[argv.indexOf('--rounds') + 1]) || 3;
const READ_CONNECTIONS = 16;
const WRITE_CONNECTIONS = 32;
const PROMPTS = 100;
const SCALE_PROMPTS = 100_000;
const ADMIN = `lec_bench_admin_${randomBytes(12).toString('hex')}`;
const DATABASE_URL = process.env.DATABASE_URL;

const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);

/**
 * `--set NAME=value` (repeatable): run the server with a setting that differs from the shipped
 * default, to find what a figure depends on. The table then says which settings differed.
 */
const OVERRIDES: Record<string, string> = {
  // Scenario (c) measures how fast the write path is; the shipped per-key write limit (6,000 a
  // minute) would cap it at 100/s and measure the limiter instead. Off, and the table says so;
  // `--set LECTERN_RATE_LIMIT_WRITES=6000` measures the shipped limit.
  LECTERN_RATE_LIMIT_WRITES: '0',
  ...Object.fromEntries(
    argv.flatMap((a, i) => (a === '--set' && argv[i + 1] ? [argv[i + 1]!.split(/=(.*)/s).slice(0, 2)] : [])),
  ),
};

/**
 * The bench's own environment minus every LECTERN_* setting and LOG_LEVEL a shell may carry, so the
 * server runs on its defaults. Set by the bench, and said so in the table: PORT, the store
 * (LECTERN_DATA_DIR, or DATABASE_URL + LECTERN_PG_SCHEMA) and LECTERN_ADMIN_KEY (to seed).
 */
function shippedEnv(): Record<string, string> {
  return { ...cleanEnv(), ...OVERRIDES };
}
const AS_SHIPPED =
  'Lectern runs as `npm start` ships it (compiled `dist/cli/main.js`, `--max-old-space-size=256 --min-semi-space-size=16`, default configuration: rate limits, log level, cache, render threads); the bench sets only PORT, the store (LECTERN_DATA_DIR, or DATABASE_URL + LECTERN_PG_SCHEMA) and LECTERN_ADMIN_KEY.' +
  (Object.keys(OVERRIDES).length
    ? ` **Differs from the shipped defaults: ${Object.entries(OVERRIDES)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')}.**`
    : ' No setting differs from the shipped defaults.');

// ---------- processes ----------

async function startLectern(env: Record<string, string>): Promise<Proc> {
  const flags = CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${join(ROOT, 'bench/profiles')}`] : [];
  // Started as `npm start` starts it: the compiled build, the heap bound, the default configuration.
  // Only what the bench must set differs (AS_SHIPPED says which, in the table).
  return startServer({
    root: ROOT,
    env: { ...shippedEnv(), ...env, LECTERN_ADMIN_KEY: ADMIN },
    nodeFlags: flags,
  });
}

function runChild<T>(script: string, spec: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify(spec)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`${script} exited ${code}: ${out}`));
      resolve(JSON.parse(out.trim().split('\n').pop()!) as T);
    });
  });
}

const loader = loadWorker();
const load = loader.load;

/**
 * Baseline and Lectern alternate in ROUNDS short runs (ABAB…), so a noisy neighbour on the machine
 * weighs on both alike; requests/s is the mean of the rounds, latencies the median of the rounds.
 */
async function alternate(
  a: () => Promise<LoadResult>,
  b: () => Promise<LoadResult>,
): Promise<[LoadResult, LoadResult]> {
  const ra: LoadResult[] = [];
  const rb: LoadResult[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    ra.push(await a());
    rb.push(await b());
  }
  return [combine(ra), combine(rb)];
}

function combine(rs: LoadResult[]): LoadResult {
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  const sum = (f: (r: LoadResult) => number) => rs.reduce((n, r) => n + f(r), 0);
  return {
    rps: sum((r) => r.rps) / rs.length,
    p50: median(rs.map((r) => r.p50)),
    p99: median(rs.map((r) => r.p99)),
    requests: sum((r) => r.requests),
    non2xx: sum((r) => r.non2xx),
    errors: sum((r) => r.errors),
  };
}

/** Peak resident set of a process, in MB (Linux). */
function peakRssMb(pid: number): number | null {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : null;
  } catch {
    return null;
  }
}

const seedViaApi = (base: string, n: number) => seedPrompts(base, ADMIN, n);

// ---------- scenarios ----------

interface Scenario {
  id: string;
  title: string;
  method: 'GET' | 'POST' | 'PATCH';
  route: string;
  paths: string[];
  body?: unknown;
  /** Extra request headers (e.g. `cache-control: no-cache` to bypass the read cache). */
  headers?: Record<string, string>;
  connections: number;
  baseline: 'fastify' | 'db';
  /** Lower bound on requests/s relative to the baseline, and upper bound on p99 ratio. */
  target?: { rps?: number; p99?: number };
  /** Request-log records posted per second during both measurements (bench/request-log-load.ts). */
  logging?: number;
}

interface Row {
  /** The server's CPU per request (µs), over its measured rounds. */
  serverCpuUsPerRequest?: number;
  /** Scenarios against bare Fastify: the bare server's CPU per request (µs), same rounds. */
  baselineCpuUsPerRequest?: number;
  id: string;
  title: string;
  lectern: LoadResult;
  baseline: LoadResult;
  baselineKind: string;
  rpsRatio: number;
  p99Ratio: number;
  target?: Scenario['target'];
  met: boolean | null;
}

function scenarios(names: string[]): Scenario[] {
  const resolve = names.map((n) => `/v1/prompts/${n}/resolve?label=production`);
  return [
    {
      id: 'a.native',
      title: '(a) fetch by label — native resolve',
      method: 'GET',
      route: '/v1/prompts/:prompt/resolve',
      paths: resolve,
      connections: READ_CONNECTIONS,
      baseline: 'fastify',
      target: { rps: 0.8, p99: 2 },
    },
    {
      // Compare with a.native: the same fetch while 200 records/s are logged (issue 14).
      id: 'a.native.logging',
      title: '(a) fetch by label — native resolve, 200 logs/s alongside',
      method: 'GET',
      route: '/v1/prompts/:prompt/resolve',
      paths: resolve,
      connections: READ_CONNECTIONS,
      baseline: 'fastify',
      target: { rps: 0.8, p99: 2 },
      logging: 200,
    },
    {
      id: 'a.promptlayer',
      title: '(a) fetch by label — PromptLayer get raw',
      method: 'GET',
      route: '/prompt-templates/:identifier',
      paths: names.map((n) => `/prompt-templates/${n}?label=production`),
      connections: READ_CONNECTIONS,
      baseline: 'fastify',
      target: { rps: 0.8, p99: 2 },
    },
    langfuseFetchByLabel(names, READ_CONNECTIONS),
    {
      id: 'b.render',
      title: '(b) PromptLayer get with input_variables',
      method: 'POST',
      route: '/prompt-templates/:identifier',
      paths: names.map((n) => `/prompt-templates/${n}`),
      body: { label: 'production', input_variables: { company: 'Acme', name: 'Ada', topic: 'engines' } },
      connections: READ_CONNECTIONS,
      baseline: 'fastify',
    },
    {
      id: 'd.list',
      title: '(d) list — native, 50 per page',
      method: 'GET',
      route: '/v1/prompts',
      paths: ['/v1/prompts?limit=50'],
      connections: READ_CONNECTIONS,
      baseline: 'fastify',
    },
    {
      // The same list with the read cache bypassed: every request reads the page and its count.
      id: 'd.list.uncached',
      title: '(d) list — native, 50 per page, uncached',
      method: 'GET',
      route: '/v1/prompts',
      paths: ['/v1/prompts?limit=50'],
      headers: { 'cache-control': 'no-cache' },
      connections: READ_CONNECTIONS,
      baseline: 'fastify',
    },
    // The vendors' lists, uncached: each reads a page, its total and the page's version state.
    ...(
      [
        ['promptlayer', '/prompt-templates', '/prompt-templates?per_page=50'],
        ['keywordsai', '/api/prompts', '/api/prompts?page_size=50'],
        [
          'nemo',
          '/apis/models/v2/workspaces/:workspace/prompts',
          '/apis/models/v2/workspaces/default/prompts?page_size=50',
        ],
      ] as const
    ).map(([api, route, path]): Scenario => ({
      id: `d.list.${api}.uncached`,
      title: `(d) list — ${api}, 50 per page, uncached`,
      method: 'GET',
      route,
      paths: [path],
      headers: { 'cache-control': 'no-cache' },
      connections: READ_CONNECTIONS,
      baseline: 'fastify',
    })),
    {
      id: 'c.patch',
      title: '(c) version creation — PromptLayer PATCH, 32 conns',
      method: 'PATCH',
      route: '/rest/prompt-templates/:identifier',
      paths: names.map((n) => `/rest/prompt-templates/${n}`),
      body: { commit_message: 'bench', model_parameters: { temperature: 0.5 } },
      connections: WRITE_CONNECTIONS,
      baseline: 'db',
      target: { rps: 0.5 },
    },
  ];
}

interface RunOptions {
  backend: 'pglite' | 'postgres';
  lecternEnv: Record<string, string>;
  txSpec: TxSpec;
  /** Called after the API seed, before measuring (the scale run bulk-loads here). */
  prepare?: (lectern: Proc, key: string) => Promise<string[]>;
}

async function measure(opts: RunOptions) {
  log(`${opts.backend}: starting Lectern`);
  const lectern = await startLectern(opts.lecternEnv);
  const rows: Row[] = [];
  let extra: Record<string, unknown> = {};
  try {
    log(`${opts.backend}: seeding ${PROMPTS} prompts × 2 versions through the API`);
    await seedViaApi(lectern.base, PROMPTS);
    // A workspace-bound editor key, as an application would hold.
    const key = (
      await call(lectern.base, 'POST', '/v1/keys', ADMIN, {
        name: 'bench',
        role: 'editor',
        workspace: 'default',
      })
    ).json().secret as string;
    let names = Array.from({ length: PROMPTS }, (_, i) => pname(i + 1));
    if (opts.prepare) {
      // (a) at 100 prompts measured exactly as at scale (against bare Fastify, alternating, CPU
      // per request), so the two figures differ only by the table size and the working set.
      const small = scenarios(names)[0]!;
      const answers: Record<string, Answer> = {};
      for (const p of small.paths) {
        const r = await call(lectern.base, small.method, p, key);
        answers[`${small.method} ${p}`] = { body: r.text, contentType: r.contentType };
      }
      const bare = await startBare([{ method: small.method, url: small.route }], answers);
      let r: Row;
      try {
        r = await versusBare(small, lectern, bare, key);
      } finally {
        await bare.stop();
      }
      extra = { fetchByLabelAt100: r.lectern, fetchByLabelAt100Row: r };
      log(
        `${opts.backend}: (a) at ${PROMPTS} prompts: ${r.lectern.rps.toFixed(0)} req/s, ${r.rpsRatio.toFixed(2)}× bare`,
      );
      names = await opts.prepare(lectern, key);
    }
    const list = scenarios(names).filter((s) => !ONLY || ONLY.includes(s.id));

    // Record Lectern's bytes for every read path, and serve them from the bare baseline.
    const answers: Record<string, Answer> = {};
    for (const s of list.filter((x) => x.baseline === 'fastify')) {
      for (const p of s.paths) {
        const r = await call(lectern.base, s.method, p, key, s.body);
        answers[`${s.method} ${p}`] = { body: r.text, contentType: r.contentType };
      }
    }
    const routes = [
      ...new Map(
        list
          .filter((x) => x.baseline === 'fastify')
          .map((s) => [`${s.method} ${s.route}`, { method: s.method, url: s.route }]),
      ).values(),
    ];
    const bare = await startBare(routes, answers);
    try {
      for (const s of list) {
        log(`${opts.backend}: ${s.title}`);
        const logger = s.logging
          ? spawn(
              process.execPath,
              [
                '--import',
                'tsx',
                'bench/request-log-load.ts',
                JSON.stringify({ url: lectern.base, key, perSecond: s.logging }),
              ],
              { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
            )
          : null;
        if (s.baseline === 'fastify') {
          rows.push(await versusBare(s, lectern, bare, key));
        } else {
          const baseline = await runChild<LoadResult>('bench/tx-baseline.ts', {
            ...opts.txSpec,
            connections: s.connections,
            duration: DURATION * ROUNDS,
          });
          const cpu0 = cpuMs(lectern.child.pid!);
          const lec = await load({ ...spec(lectern.base, s, key), duration: DURATION * ROUNDS });
          const cpu = cpuMs(lectern.child.pid!) - cpu0;
          rows.push(row(s, lec, baseline, `bare ${opts.backend === 'postgres' ? 'pg' : 'PGlite'} tx loop`));
          // CPU the server spent per write: unlike req/s, barely moved by other load on the machine.
          rows[rows.length - 1]!.serverCpuUsPerRequest = Math.round((cpu * 1000) / Math.max(1, lec.requests));
          log(`  server CPU per request: ${rows[rows.length - 1]!.serverCpuUsPerRequest} µs`);
        }
        logger?.kill('SIGTERM');
        const last = rows[rows.length - 1]!;
        if (last.lectern.non2xx || last.lectern.errors) {
          log(`  ! ${last.lectern.non2xx} non-2xx, ${last.lectern.errors} errors`);
        }
      }
    } finally {
      await bare.stop();
    }
    extra.peakRssMb = peakRssMb(lectern.child.pid!);
  } finally {
    await lectern.stop();
  }
  return { backend: opts.backend, rows, ...extra };
}

/**
 * One scenario against bare Fastify: a warm-up of each, then ROUNDS alternating rounds, with the
 * CPU time each server spent over its own rounds (per request, it says whether a lower figure is
 * the server's work or the machine's load, which req/s alone cannot).
 */
async function versusBare(s: Scenario, lectern: Proc, bare: Proc, key: string): Promise<Row> {
  await load({ ...spec(bare.base, s, key), duration: WARMUP });
  await load({ ...spec(lectern.base, s, key), duration: WARMUP });
  const cpu = { lectern: 0, bare: 0 };
  const timed = async (who: 'lectern' | 'bare', p: Proc) => {
    const c0 = cpuMs(p.child.pid!);
    const r = await load(spec(p.base, s, key));
    cpu[who] += cpuMs(p.child.pid!) - c0;
    return r;
  };
  const [baseline, lec] = await alternate(
    () => timed('bare', bare),
    () => timed('lectern', lectern),
  );
  const r = row(s, lec, baseline, 'bare Fastify, same bytes');
  r.serverCpuUsPerRequest = Math.round((cpu.lectern * 1000) / Math.max(1, lec.requests));
  r.baselineCpuUsPerRequest = Math.round((cpu.bare * 1000) / Math.max(1, baseline.requests));
  log(`  CPU per request: Lectern ${r.serverCpuUsPerRequest} µs, bare ${r.baselineCpuUsPerRequest} µs`);
  return r;
}

function spec(base: string, s: Scenario, key: string): LoadSpec {
  return {
    url: base,
    connections: s.connections,
    duration: DURATION,
    method: s.method,
    paths: s.paths,
    body: s.body,
    headers: { authorization: `Bearer ${key}`, ...(s.headers ?? {}) },
  };
}

function row(s: Scenario, lectern: LoadResult, baseline: LoadResult, baselineKind: string): Row {
  const rpsRatio = lectern.rps / baseline.rps;
  // autocannon reports whole milliseconds: a baseline p99 of 0 means "under 1 ms", so it counts as 1
  // (otherwise 1 ms against 0 ms reads as an infinite ratio).
  const p99Ratio = lectern.p99 / Math.max(baseline.p99, 1);
  let met: boolean | null = null;
  if (s.target) {
    met =
      (s.target.rps === undefined || rpsRatio >= s.target.rps) &&
      (s.target.p99 === undefined || p99Ratio <= s.target.p99);
  }
  return {
    id: s.id,
    title: s.title,
    lectern,
    baseline,
    baselineKind,
    rpsRatio,
    p99Ratio,
    target: s.target,
    met,
  };
}

// ---------- scale seed ----------

async function bulkSeed(url: string, schema: string): Promise<string[]> {
  const pg = (await import('pg')).default;
  const c = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
  await c.connect();
  try {
    const t0 = Date.now();
    const ws = (await c.query(`select id from workspaces where name = 'default' and deleted_at is null`))
      .rows[0].id;
    // The content of a real version written by Lectern, so bulk rows look like the API's.
    const tpl = (
      await c.query(
        `select v.* from versions v join prompts p on p.id = v.prompt_id where p.name = $1 and v.number = 1`,
        [pname(1)],
      )
    ).rows[0];
    await c.query('begin');
    await c.query(
      `insert into prompts (id, workspace_id, name, tags, kind, revision, last_version, created_at, updated_at)
       select gen_random_uuid(), $1, 'scale-' || lpad(g::text, 6, '0'), '["scale"]', 'chat', 1, 5,
              now() - make_interval(secs => g), now() - make_interval(secs => g)
       from generate_series(1, $2::int) g`,
      [ws, SCALE_PROMPTS],
    );
    await c.query(
      `insert into versions (id, prompt_id, number, status, template_type, messages, template_format, input_variables, model, provider, params, committed_at, created_at, updated_at)
       select gen_random_uuid(), p.id, n, 'committed', 'chat', $1::jsonb, $2, $3::jsonb, $4, $5, $6::jsonb, p.created_at, p.created_at, p.created_at
       from prompts p cross join generate_series(1, 5) n where p.workspace_id = $7 and p.name like 'scale-%'`,
      [
        JSON.stringify(tpl.messages),
        tpl.template_format,
        JSON.stringify(tpl.input_variables),
        tpl.model,
        tpl.provider,
        JSON.stringify(tpl.params),
        ws,
      ],
    );
    await c.query(
      `insert into labels (id, prompt_id, name, version_id)
       select gen_random_uuid(), v.prompt_id, 'production', v.id
       from versions v join prompts p on p.id = v.prompt_id
       where p.workspace_id = $1 and p.name like 'scale-%' and v.number = 5`,
      [ws],
    );
    await c.query('commit');
    // The steady state autovacuum reaches soon after a bulk load: statistics and visibility map.
    await c.query('vacuum analyze');
    // Flushed now, so the bulk load's writes do not land in the middle of a measurement.
    await c.query('checkpoint');
    log(`bulk-seeded ${SCALE_PROMPTS} prompts × 5 versions in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  } finally {
    await c.end();
  }
  // Fetch-by-label spreads over 1000 prompts across the whole range (the working set of 1000 apps).
  return Array.from(
    { length: 1000 },
    (_, i) => `scale-${String(1 + i * (SCALE_PROMPTS / 1000)).padStart(6, '0')}`,
  );
}

// ---------- main ----------

function fmt(n: number, d = 0) {
  return Number.isFinite(n) ? n.toFixed(d) : '∞';
}

function table(run: {
  backend: string;
  rows: Row[];
  peakRssMb?: number | null;
  fetchByLabelAt100?: LoadResult;
  fetchByLabelAt100Row?: Row;
}) {
  const lines = [
    `\n### ${run.backend}${SCALE ? ` — ${SCALE_PROMPTS.toLocaleString('en')} prompts × 5 versions` : ` — ${PROMPTS} prompts`}\n`,
    '| scenario | Lectern req/s | p50 ms | p99 ms | baseline | base req/s | base p50 | base p99 | req/s ratio | p99 ratio | CPU µs/req Lectern / base | target |',
    '|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const r of run.rows) {
    const target = r.target
      ? `${r.target.rps !== undefined ? `≥${r.target.rps}×` : ''}${r.target.p99 !== undefined ? ` p99≤${r.target.p99}×` : ''} ${r.met ? '✅' : '❌'}`
      : '';
    lines.push(
      `| ${r.title} | ${fmt(r.lectern.rps)} | ${fmt(r.lectern.p50, 1)} | ${fmt(r.lectern.p99, 1)} | ${r.baselineKind} | ${fmt(r.baseline.rps)} | ${fmt(r.baseline.p50, 1)} | ${fmt(r.baseline.p99, 1)} | ${fmt(r.rpsRatio, 2)} | ${fmt(r.p99Ratio, 2)} | ${r.serverCpuUsPerRequest ?? ''}${r.baselineCpuUsPerRequest !== undefined ? ` / ${r.baselineCpuUsPerRequest}` : ''} | ${target} |`,
    );
  }
  for (const r of run.rows) {
    if (r.lectern.non2xx || r.lectern.errors) {
      lines.push(
        `- ⚠ ${r.title}: ${r.lectern.non2xx} of ${r.lectern.requests} answers were not 2xx (429 from a rate limit, for one), ${r.lectern.errors} errors: its req/s is not of real answers`,
      );
    }
  }
  if (run.fetchByLabelAt100) {
    const at100 = run.fetchByLabelAt100.rps;
    // Absent when `--only` left (a) out: the table then says nothing about it.
    const atScale = run.rows.find((r) => r.id === 'a.native')?.lectern.rps ?? NaN;
    const cached = run.rows.find((r) => r.id === 'd.list')?.lectern.p99;
    const list = run.rows.find((r) => r.id === 'd.list.uncached')?.lectern.p99 ?? cached ?? NaN;
    lines.push(
      '',
      ...(Number.isNaN(atScale)
        ? []
        : [
            `- (a) at ${PROMPTS} prompts: ${fmt(at100)} req/s; at ${SCALE_PROMPTS.toLocaleString('en')}: ${fmt(atScale)} req/s (${fmt((atScale / at100 - 1) * 100, 1)} %; target within ±10 %) ${Math.abs(atScale / at100 - 1) <= 0.1 ? '✅' : '❌'}`,
            ...(run.fetchByLabelAt100Row
              ? (() => {
                  const a = run.fetchByLabelAt100Row;
                  const b = run.rows.find((r) => r.id === 'a.native')!;
                  return [
                    `- (a) against bare Fastify in the same rounds: ${fmt(a.rpsRatio, 2)}× at ${PROMPTS} prompts, ${fmt(b.rpsRatio, 2)}× at ${SCALE_PROMPTS.toLocaleString('en')}; Lectern CPU per request ${a.serverCpuUsPerRequest} → ${b.serverCpuUsPerRequest} µs (bare ${a.baselineCpuUsPerRequest} → ${b.baselineCpuUsPerRequest} µs)`,
                  ];
                })()
              : []),
          ]),
      `- list p99, read cache bypassed: ${fmt(list, 1)} ms (target < 50 ms; ${fmt(cached ?? NaN, 1)} ms when cached) ${list < 50 ? '✅' : '❌'}`,
    );
  }
  if (run.peakRssMb != null)
    lines.push(
      `- Lectern peak RSS (VmHWM): ${run.peakRssMb} MB${SCALE ? ` (target < 300 MB) ${run.peakRssMb < 300 ? '✅' : '❌'}` : ''}`,
    );
  return lines.join('\n');
}

/**
 * Between the bench's parts: the previous part's servers have exited (each stop awaits its
 * process), and what they left to the kernel — dirty pages of their data directories (a PGlite
 * first start writes ~40 MB) — is flushed now, then a pause, so the next part's measurements do
 * not share the machine with the last one's leftovers (without it, the PGlite part's first rounds
 * could run while the kernel wrote the start-up scenario's data directories back).
 */
async function settle(): Promise<void> {
  spawnSync('sync', { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 3000));
}

// ---------- start-up ----------

const STARTUP_TARGETS = { first: 3000, restart: 1000, rss: 250 };

async function startupRun(): Promise<Record<string, StartupResult>> {
  log('start-up (PGlite): Lectern as `npm start` ships it, and bare Fastify + PGlite, alternating');
  return measureStartup(
    {
      lectern: { args: shippedArgs(), cwd: ROOT, env: shippedEnv() },
      bare: { args: ['bench/bare-pglite-server.mjs'], cwd: ROOT, env: shippedEnv() },
    },
    freePort,
    ROUNDS,
    log,
  );
}

function startupTable(r: Record<string, StartupResult>): string {
  const lec = r.lectern!;
  const bare = r.bare!;
  const ms = (xs: { ms: number }[]) => median(xs.map((x) => x.ms));
  const rss = (xs: { idleRssMb: number | null }[]) => median(xs.map((x) => x.idleRssMb ?? NaN));
  const line = (what: string, a: number, b: number, unit: string, target: number) =>
    `| ${what} | ${fmt(a)} ${unit} | ${fmt(b)} ${unit} | ${fmt(a / b, 2)} | ≤ ${target} ${unit} ${a <= target ? '✅' : '❌'} |`;
  return [
    `\n### start-up — PGlite, median of ${ROUNDS}\n`,
    '| measure | Lectern | bare Fastify + PGlite | ratio | target |',
    '|---|---:|---:|---:|---|',
    line(
      'first start (empty data directory) to `/healthz`',
      ms(lec.first),
      ms(bare.first),
      'ms',
      STARTUP_TARGETS.first,
    ),
    line(
      'restart (existing data directory) to `/healthz`',
      ms(lec.restart),
      ms(bare.restart),
      'ms',
      STARTUP_TARGETS.restart,
    ),
    line('idle RSS after a restart', rss(lec.restart), rss(bare.restart), 'MB', STARTUP_TARGETS.rss),
    line('idle RSS after a first start', rss(lec.first), rss(bare.first), 'MB', STARTUP_TARGETS.rss),
  ].join('\n');
}

async function main() {
  // Webhook scenarios (bench/webhooks.ts): `--only webhooks` runs them alone.
  if (ONLY?.includes('webhooks'))
    return void console.log(JSON.stringify(await (await import('./webhooks.ts')).runWebhookBench(), null, 2));
  const runs: Awaited<ReturnType<typeof measure>>[] = [];
  const started = new Date().toISOString();
  if (SCALE && !DATABASE_URL) throw new Error('--scale runs on PostgreSQL: set DATABASE_URL');
  // The server is measured from its production build: made (or remade, when stale) first.
  const built = spawnSync(process.execPath, ['scripts/ensure-built.mjs'], { cwd: ROOT, stdio: 'inherit' });
  if (built.status !== 0) throw new Error('npm run build failed');
  let startup: Record<string, StartupResult> | undefined;
  if (!SCALE && !POSTGRES_ONLY && (!ONLY || ONLY.includes('startup'))) {
    startup = await startupRun();
    await settle();
  }
  if (!SCALE && !POSTGRES_ONLY && (!ONLY || ONLY.some((id) => id !== 'startup' && id !== 'gateway'))) {
    const dir = mkdtempSync(join(tmpdir(), 'lectern-bench-'));
    try {
      runs.push(
        await measure({
          backend: 'pglite',
          // DATABASE_URL must not leak into the embedded run (it would pick PostgreSQL).
          lecternEnv: { LECTERN_DATA_DIR: join(dir, 'lectern'), DATABASE_URL: '', LECTERN_PG_SCHEMA: '' },
          txSpec: {
            backend: 'pglite',
            dataDir: join(dir, 'baseline'),
            connections: WRITE_CONNECTIONS,
            duration: DURATION,
            prompts: PROMPTS,
          },
        }),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  if (DATABASE_URL && !PGLITE_ONLY && (!ONLY || ONLY.some((id) => id !== 'startup' && id !== 'gateway'))) {
    if (runs.length) await settle();
    const schema = `bench_${randomBytes(5).toString('hex')}`;
    const baseSchema = `${schema}_base`;
    try {
      runs.push(
        await measure({
          backend: 'postgres',
          lecternEnv: { DATABASE_URL, LECTERN_PG_SCHEMA: schema },
          txSpec: {
            backend: 'postgres',
            databaseUrl: DATABASE_URL,
            pgSchema: baseSchema,
            connections: WRITE_CONNECTIONS,
            duration: DURATION,
            prompts: PROMPTS,
          },
          prepare: SCALE ? () => bulkSeed(DATABASE_URL, schema) : undefined,
        }),
      );
    } finally {
      const pg = (await import('pg')).default;
      const c = new pg.Client({ connectionString: DATABASE_URL });
      await c.connect();
      for (const s of [schema, baseSchema]) await c.query(`drop schema if exists ${s} cascade`);
      await c.end();
    }
  } else {
    log('DATABASE_URL is not set: PostgreSQL run skipped');
  }
  loader.end();
  // The gateway against a local upstream (bench/gateway.ts), on PGlite.
  let gateway: GatewayBench | undefined;
  if (!SCALE && !POSTGRES_ONLY && (!ONLY || ONLY.includes('gateway'))) gateway = await benchGateway();
  const out = [
    `\n${AS_SHIPPED}`,
    ...(startup ? [startupTable(startup)] : []),
    ...runs.map((r) => table(r)),
    ...(gateway ? [gatewayTable(gateway)] : []),
  ].join('\n');
  process.stdout.write(`${out}\n`);
  const meta = {
    started,
    command: `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}${DATABASE_URL ? ' (DATABASE_URL set)' : ''}`,
    node: process.version,
    cpus: cpus().length,
    cpu: cpus()[0]?.model,
    // Other work on the machine skews absolute figures; baseline and Lectern alternate to share it.
    loadAverageAtEnd: loadavg(),
    secondsPerRound: DURATION,
    rounds: ROUNDS,
    scale: SCALE,
  };
  mkdirSync(join(ROOT, 'bench'), { recursive: true });
  const file = join(ROOT, SCALE ? 'bench/results-scale.json' : 'bench/results.json');
  writeFileSync(
    file,
    JSON.stringify({ ...meta, asShipped: AS_SHIPPED, startup, runs, gateway }, null, 2) + '\n',
  );
  log(`wrote ${file}`);
  // The web UI's figures (bench/ui.ts), in a process of their own.
  if (!SCALE && !ONLY) {
    await new Promise((r) =>
      spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/ui.ts')], { stdio: 'inherit' }).on(
        'exit',
        r,
      ),
    );
  }
  // Export + import of a whole workspace (bench/export-import.ts), in a process of its own.
  if (!ONLY || ONLY.includes('export-import'))
    await new Promise((r) =>
      spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/export-import.ts')], {
        stdio: 'inherit',
      }).on('exit', r),
    );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
