// (w1) as CPU time rather than req/s, A/B between builds, for a loaded machine (issue 17):
//
//   npx tsx bench/webhooks-cpu.ts --build old=/tmp/lectern-old --build new=. [--rounds 3] [--duration 4]
//   (DATABASE_URL=postgres://… for PostgreSQL; PGlite otherwise)
//
// Each build runs as `npm start` ships it (node dist/cli/main.js serve) in its own process with its
// own schema or data directory, 100 prompts and 3 endpoints pointing at one receiver that runs in a
// process of its own (bench/webhook-receiver.mjs), the load (autocannon, bench/load.ts) in another.
// Rounds interleave builds and phases: without endpoints (disabled) and with them, in alternating
// order (odd rounds without first, even rounds with first). A phase is the
// load plus the time until every delivery of it has arrived (the receiver's count stops moving and
// the server has no pending delivery left), so
// "with" pays for all the delivery work its writes caused, wherever it ran. Per phase:
// the server process's CPU (utime+stime from /proc) per write, and on PostgreSQL the CPU of the
// PostgreSQL backends serving that process's connections (found by their client ports).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { LoadSpec } from './load.ts';
import { backendCpu, cpuMs, freePort, loadOnce as load } from './harness.ts';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const argv = process.argv.slice(2);
const opt = (name: string, dflt: number) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
};
const builds = argv
  .flatMap((a, i) => (a === '--build' ? [argv[i + 1]!] : []))
  .map((b) => {
    const [name, dir] = b.split('=');
    return { name: name!, dir: resolve(dir!) };
  });
const ROUNDS = opt('rounds', 3);
const DURATION = opt('duration', 4);
const PROMPTS = 100;
const ADMIN = `lec_bench_admin_${randomBytes(12).toString('hex')}`;
const PG_URL = process.env.DATABASE_URL;
const log = (m: string) => process.stderr.write(`[bench:webhooks-cpu] ${m}\n`);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function api(base: string, method: string, path: string, body?: unknown) {
  const r = await fetch(base + path, {
    method,
    headers: { authorization: `Bearer ${ADMIN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/**
 * PATCHes the server answered 2xx so far (its /metrics). The load generator's count misses the
 * requests still queued when it stops — on a loaded machine a large share of a phase, whose CPU the
 * phase pays — so a phase's writes are counted by the server, after its drain.
 */
async function served(base: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  let n = 0;
  for (const line of text.split('\n'))
    if (
      line.startsWith('lectern_http_request_duration_seconds_count{') &&
      line.includes('method="PATCH"') &&
      /status="2\d\d"/.test(line)
    )
      n += Number(line.slice(line.lastIndexOf(' ') + 1));
  return n;
}

interface Server {
  name: string;
  child: ChildProcess;
  base: string;
  endpoints: string[];
  cleanup: () => Promise<void>;
}

async function startServer(name: string, dir: string, hook: string): Promise<Server> {
  const dataDir = mkdtempSync(join(tmpdir(), 'lectern-bench-whcpu-'));
  const schema = `bench_whcpu_${randomBytes(4).toString('hex')}`;
  const port = await freePort();
  const store = PG_URL ? { DATABASE_URL: PG_URL, LECTERN_PG_SCHEMA: schema } : { LECTERN_DATA_DIR: dataDir };
  const child = spawn(
    process.execPath,
    ['--max-old-space-size=256', '--min-semi-space-size=16', 'dist/cli/main.js', 'serve'],
    {
      cwd: dir,
      env: {
        ...process.env,
        ...store,
        PORT: String(port),
        LECTERN_ADMIN_KEY: ADMIN,
        LECTERN_RATE_LIMIT_WRITES: '0',
        LECTERN_WEBHOOK_ALLOW_PRIVATE: 'true',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) break;
    } catch {
      /* starting */
    }
    if (i > 600) throw new Error(`${name}: server did not start`);
    await sleep(100);
  }
  for (let i = 0; i < PROMPTS; i++) {
    await api(base, 'POST', '/v1/prompts', {
      name: `wh-bench-${i}`,
      version: { messages: [{ role: 'user', content: 'Hello {{name}}' }], model: 'gpt-4o' },
    });
  }
  const endpoints: string[] = [];
  for (let i = 0; i < 3; i++)
    endpoints.push((await api(base, 'POST', '/v1/webhooks', { url: hook })).webhook.id as string);
  return {
    name,
    child,
    base,
    endpoints,
    cleanup: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dataDir, { recursive: true, force: true });
      if (PG_URL) {
        const c = new pg.Client({ connectionString: PG_URL });
        await c.connect();
        await c.query(`drop schema if exists ${schema} cascade`);
        await c.end();
      }
    },
  };
}

async function main() {
  if (!builds.length) throw new Error('--build name=dir (one or more)');
  const recv = spawn(process.execPath, [join(HERE, 'webhook-receiver.mjs')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const recvPort = await new Promise<number>((res) =>
    recv.stdout!.once('data', (d) => res(Number(String(d)))),
  );
  const hook = `http://127.0.0.1:${recvPort}/hook`;
  const arrived = async () => Number(await (await fetch(`http://127.0.0.1:${recvPort}/count`)).text());
  const admin = PG_URL ? new pg.Client({ connectionString: PG_URL }) : null;
  await admin?.connect();
  const servers: Server[] = [];
  try {
    for (const b of builds) servers.push(await startServer(b.name, b.dir, hook));
    type Row = {
      build: string;
      phase: string;
      round: number;
      writes: number;
      rps: number;
      cpu: number;
      db: number;
      deliveries: number;
    };
    const rows: Row[] = [];
    const phase = async (s: Server, on: boolean, round: number) => {
      for (const id of s.endpoints) await api(s.base, 'PATCH', `/v1/webhooks/${id}`, { enabled: on });
      await sleep(300);
      const spec: LoadSpec = {
        url: s.base,
        connections: 32,
        duration: DURATION,
        method: 'PATCH',
        paths: Array.from({ length: PROMPTS }, (_, i) => `/rest/prompt-templates/wh-bench-${i}`),
        body: { commit_message: 'bench', model_parameters: { temperature: 0.5 } },
        headers: { authorization: `Bearer ${ADMIN}` },
      };
      const pid = s.child.pid!;
      const w0 = await served(s.base);
      const a0 = await arrived();
      const db0 = await backendCpu(admin, pid);
      const c0 = cpuMs(pid, 0);
      const r = await load(spec);
      // Until every delivery has arrived and every request has been answered: the receiver's and
      // the server's counts stop moving for a second and none of this server's deliveries is
      // still pending. (The count alone ended phases early on a loaded
      // machine — a server yielding to the requests still queued when the load stopped sends
      // nothing for a second — and the rest arrived in the next phase, the other build's.)
      const pending = async () => {
        let n = 0;
        for (const id of s.endpoints)
          n += (await api(s.base, 'GET', `/v1/webhooks/${id}/deliveries?status=pending&limit=1&offset=0`))
            .pagination.total as number;
        return n;
      };
      let last = -1;
      let lastServed = -1;
      for (let i = 0; i < 300; i++) {
        const n = await arrived();
        const w = await served(s.base);
        if (n === last && w === lastServed && (!on || (await pending()) === 0)) break;
        last = n;
        lastServed = w;
        await sleep(1000);
      }
      const c1 = cpuMs(pid, 0);
      const db1 = await backendCpu(admin, pid);
      const writes = (await served(s.base)) - w0;
      let db = 0;
      for (const [p, v] of db1) db += v - (db0.get(p) ?? 0);
      const row = {
        build: s.name,
        phase: on ? 'with' : 'without',
        round,
        writes,
        rps: r.rps,
        cpu: c1 - c0,
        db,
        deliveries: last - a0,
      };
      rows.push(row);
      log(
        `${row.build} ${row.phase.padEnd(7)} r${round}: ${row.writes} writes (${r.requests - r.non2xx} answered in time, ` +
          `${r.non2xx} non-2xx) ${r.rps.toFixed(0)}/s, ` +
          `lectern ${((row.cpu * 1000) / row.writes).toFixed(0)} µs/write, db ${((row.db * 1000) / row.writes).toFixed(0)} µs/write, ` +
          `${row.deliveries} deliveries`,
      );
    };
    // Warm-up, then interleave: each round runs every build's two phases, the build order and the
    // phase order alternating.
    for (const s of servers) await phase(s, false, 0);
    for (let round = 1; round <= ROUNDS; round++) {
      const order = round % 2 ? servers : [...servers].reverse();
      // The phase order alternates too: "with" right after "without" would always inherit the
      // other's leftovers (a warmer JIT, or background work still running), an order bias.
      const phases = round % 2 ? [false, true] : [true, false];
      for (const s of order) for (const on of phases) await phase(s, on, round);
    }
    const summary: Record<string, unknown> = {};
    for (const s of servers) {
      const pick = (p: string) => rows.filter((r) => r.build === s.name && r.phase === p && r.round > 0);
      const sum = (rs: Row[], k: keyof Row) => rs.reduce((a, r) => a + (r[k] as number), 0);
      const wo = pick('without');
      const w = pick('with');
      const perWrite = (rs: Row[], k: 'cpu' | 'db') => (sum(rs, k) * 1000) / sum(rs, 'writes');
      const deliveries = sum(w, 'deliveries');
      summary[s.name] = {
        lecternUsPerWriteWithout: perWrite(wo, 'cpu'),
        lecternUsPerWriteWith: perWrite(w, 'cpu'),
        lecternCpuRatio: perWrite(wo, 'cpu') / perWrite(w, 'cpu'),
        dbUsPerWriteWithout: PG_URL ? perWrite(wo, 'db') : null,
        dbUsPerWriteWith: PG_URL ? perWrite(w, 'db') : null,
        totalCpuRatio: (perWrite(wo, 'cpu') + perWrite(wo, 'db')) / (perWrite(w, 'cpu') + perWrite(w, 'db')),
        lecternUsPerDelivery:
          ((sum(w, 'cpu') - (perWrite(wo, 'cpu') * sum(w, 'writes')) / 1000) * 1000) / deliveries,
        deliveriesPerWrite: deliveries / sum(w, 'writes'),
        rpsWithout: sum(wo, 'rps') / wo.length,
        rpsWith: sum(w, 'rps') / w.length,
        rpsRatio: sum(w, 'rps') / sum(wo, 'rps'),
      };
    }
    process.stdout.write(
      JSON.stringify({ backend: PG_URL ? 'postgres' : 'pglite', summary, rows }, null, 2) + '\n',
    );
  } finally {
    for (const s of servers) await s.cleanup();
    recv.kill('SIGTERM');
    await admin?.end();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
