// `npm run bench -- --only gateway --pglite-only` (or `tsx bench/gateway.ts`): the gateway's
// overhead next to calling the same local upstream (bench/gateway-upstream.mjs) directly, in the
// same run. Lectern runs as shipped (dist/cli/main.js) on PGlite with OPENAI_BASE_URL pointing at
// the upstream; the load comes from other processes (autocannon, bench/load.ts), and a sequential
// probe in this process gives sub-millisecond latencies and time to first streamed byte.
//   - latency: p50 / p99 of one request at a time (probe, µs precision): gateway − direct
//   - throughput: autocannon, 64 connections, streamed answers: gateway / direct
//   - TTFT: time to the first body byte of a streamed answer (probe): gateway − direct
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import type { LoadResult, LoadSpec } from './load.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DURATION = Number(process.env.BENCH_GATEWAY_DURATION ?? 4);
const PROBES = Number(process.env.BENCH_GATEWAY_PROBES ?? 400);
const ADMIN = `lec_bench_admin_${randomBytes(12).toString('hex')}`;
const PROVIDER_KEY = `sk-bench-${randomBytes(8).toString('hex')}`;
const log = (m: string) => process.stderr.write(`[bench:gateway] ${m}\n`);

function startChild(
  cmd: string[],
  env: Record<string, string>,
  ready: (out: string) => boolean,
): Promise<{ child: ChildProcess; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, cmd, {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let buf = '';
    const onData = (d: Buffer) => {
      buf += d.toString();
      if (ready(buf)) {
        child.stdout!.off('data', onData);
        child.stdout!.resume();
        child.removeAllListeners('exit');
        resolve({ child, out: buf });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d: Buffer) => process.stderr.write(d));
    child.once('exit', (code) => reject(new Error(`${cmd.join(' ')} exited ${code}: ${buf.slice(-2000)}`)));
  });
}

function load(spec: LoadSpec): Promise<LoadResult> {
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
        : reject(new Error(`load exited ${code}`)),
    );
  });
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

/** One request at a time: total latency and time to the first body byte, ms. */
async function probe(url: string, body: unknown, headers: Record<string, string>, n: number) {
  const total: number[] = [];
  const first: number[] = [];
  const payload = JSON.stringify(body);
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const res = await fetch(url, {
      method: 'POST',
      body: payload,
      headers: { 'content-type': 'application/json', ...headers },
    });
    let firstAt = 0;
    const reader = res.body!.getReader();
    for (;;) {
      const { done } = await reader.read();
      if (!firstAt) firstAt = performance.now();
      if (done) break;
    }
    const end = performance.now();
    if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
    total.push(end - t0);
    first.push(firstAt - t0);
  }
  return { p50: pct(total, 50), p99: pct(total, 99), ttft50: pct(first, 50) };
}

export interface GatewayBench {
  direct: { p50: number; p99: number; ttft50: number; rps64: number };
  gateway: { p50: number; p99: number; ttft50: number; rps64: number; non2xx: number };
  overP50: number;
  overP99: number;
  throughputRatio: number;
  ttftOver: number;
}

async function waitHealthy(base: string) {
  for (let i = 0; i < 600; i++) {
    try {
      const r = await fetch(`${base}/healthz`);
      await r.arrayBuffer();
      if (r.status === 200) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('Lectern did not start');
}

export async function benchGateway(): Promise<GatewayBench> {
  const built = spawnSync(process.execPath, ['scripts/ensure-built.mjs'], { cwd: ROOT, stdio: 'inherit' });
  if (built.status !== 0) throw new Error('build failed');
  const dir = mkdtempSync(join(tmpdir(), 'lectern-bench-gw-'));
  const children: ChildProcess[] = [];
  try {
    const up = await startChild(['bench/gateway-upstream.mjs'], {}, (b) => b.includes('\n'));
    children.push(up.child);
    const upstream = `http://127.0.0.1:${(JSON.parse(up.out.split('\n')[0]!) as { port: number }).port}/v1`;
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const env: Record<string, string> = {
      PORT: String(port),
      LECTERN_DATA_DIR: join(dir, 'lectern'),
      LECTERN_ADMIN_KEY: ADMIN,
      DATABASE_URL: '',
      OPENAI_BASE_URL: upstream,
      OPENAI_API_KEY: PROVIDER_KEY,
    };
    const server = spawn(process.execPath, ['--max-old-space-size=256', 'dist/cli/main.js', 'serve'], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.push(server);
    const base = `http://127.0.0.1:${port}`;
    await waitHealthy(base);
    const auth = { authorization: `Bearer ${ADMIN}` };
    const created = await fetch(`${base}/v1/prompts`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'bench',
        version: { messages: [{ role: 'user', content: 'Say {{word}}' }], model: 'gpt-4o-mini' },
        labels: ['production'],
      }),
    });
    if (created.status !== 201) throw new Error(`seed: ${created.status} ${await created.text()}`);
    await created.arrayBuffer();

    const directBody = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hi' }] };
    const gwBody = { messages: [], prompt: { name: 'bench', variables: { word: 'hi' } } };
    const directUrl = `${upstream}/chat/completions`;
    const gwUrl = `${base}/v1/chat/completions`;
    log('warming up');
    await probe(directUrl, directBody, {}, 50);
    await probe(gwUrl, gwBody, auth, 200);
    // Alternate so both share whatever else the machine is doing.
    log(`probing ${PROBES} sequential requests each`);
    const dJson = await probe(directUrl, directBody, {}, PROBES);
    const gJson = await probe(gwUrl, gwBody, auth, PROBES);
    const dStream = await probe(directUrl, { ...directBody, stream: true }, {}, PROBES);
    const gStream = await probe(gwUrl, { ...gwBody, stream: true }, auth, PROBES);
    log(`64 concurrent streams, ${DURATION} s each`);
    const spec = (url: string, body: unknown, headers: Record<string, string>): LoadSpec => {
      const u = new URL(url);
      return {
        url: u.origin,
        connections: 64,
        duration: DURATION,
        method: 'POST',
        paths: [u.pathname],
        body,
        headers,
      };
    };
    const dLoad = await load(spec(directUrl, { ...directBody, stream: true }, {}));
    const gLoad = await load(spec(gwUrl, { ...gwBody, stream: true }, auth));
    return {
      direct: { p50: dJson.p50, p99: dJson.p99, ttft50: dStream.ttft50, rps64: dLoad.rps },
      gateway: {
        p50: gJson.p50,
        p99: gJson.p99,
        ttft50: gStream.ttft50,
        rps64: gLoad.rps,
        non2xx: gLoad.non2xx + gLoad.errors,
      },
      overP50: gJson.p50 - dJson.p50,
      overP99: gJson.p99 - dJson.p99,
      throughputRatio: gLoad.rps / dLoad.rps,
      ttftOver: gStream.ttft50 - dStream.ttft50,
    };
  } finally {
    for (const c of children) c.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function gatewayTable(r: GatewayBench): string {
  const f = (n: number) => n.toFixed(3);
  const ok = (b: boolean) => (b ? 'met' : '**not met**');
  return [
    '',
    '### Gateway overhead (same local upstream, direct vs through Lectern `/v1/chat/completions`)',
    '',
    '| figure | direct | gateway | difference | target |',
    '|---|---|---|---|---|',
    `| p50 ms (one at a time) | ${f(r.direct.p50)} | ${f(r.gateway.p50)} | +${f(r.overP50)} | ≤ +1 ms: ${ok(r.overP50 <= 1)} |`,
    `| p99 ms (one at a time) | ${f(r.direct.p99)} | ${f(r.gateway.p99)} | +${f(r.overP99)} | ≤ +3 ms: ${ok(r.overP99 <= 3)} |`,
    `| req/s, 64 concurrent streams | ${r.direct.rps64.toFixed(0)} | ${r.gateway.rps64.toFixed(0)} | ×${r.throughputRatio.toFixed(2)} | ≥ 0.8×: ${ok(r.throughputRatio >= 0.8)} |`,
    `| time to first streamed byte, p50 ms | ${f(r.direct.ttft50)} | ${f(r.gateway.ttft50)} | +${f(r.ttftOver)} | ≤ +1 ms: ${ok(r.ttftOver <= 1)} |`,
    ...(r.gateway.non2xx ? [`\n${r.gateway.non2xx} gateway requests failed under load.`] : []),
  ].join('\n');
}

// Run on its own: print the table and one JSON line.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = await benchGateway();
  process.stderr.write(`${gatewayTable(r)}\n`);
  process.stdout.write(`${JSON.stringify(r)}\n`);
}
