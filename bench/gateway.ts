// `npm run bench -- --only gateway --pglite-only` (or `tsx bench/gateway.ts`): the gateway's
// overhead next to calling the same local upstream (bench/gateway-upstream.mjs) directly, in the
// same run. Lectern runs as shipped (dist/cli/main.js) on PGlite with OPENAI_BASE_URL pointing at
// the upstream; the load comes from other processes (autocannon, bench/load.ts), and a sequential
// probe in this process gives sub-millisecond latencies and time to first streamed byte.
//   - latency: p50 / p99 of one request at a time (probe, µs precision): gateway − direct
//   - throughput: autocannon, 64 connections, streamed answers: gateway / direct, against two
//     upstream profiles: "instant" (the whole stream written at once: the figure is CPU only —
//     the gateway's work plus the upstream's on the same cores, against the upstream's alone) and
//     "paced" (an event every BENCH_GATEWAY_TOKEN_MS = 20 ms, as an LLM streams tokens); under
//     the instant load also a bare node:http + undici pass-through (bench/gateway-bare-proxy.mjs):
//     what the second hop alone costs any Node proxy, so the instant figure can be read against it
//   - TTFT: time to the first body byte of a streamed answer (probe): gateway − direct
//   - CPU per request (utime+stime from /proc, so less sensitive to other load): the Lectern
//     process per gateway stream, the upstream process per stream, under the instant load
// Both sides use the same clients (fetch for probes, autocannon for load) and get the same bytes
// (the gateway sends the version's model and the rendered "Say hi" the direct call sends).
// ROUNDS (3) rounds alternate direct and gateway; every figure is the median over the rounds.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import type { LoadSpec } from './load.ts';
import { cleanEnv, loadOnce as load, shippedArgs } from './harness.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DURATION = Number(process.env.BENCH_GATEWAY_DURATION ?? 4);
// p99 of 1,500 calls is the 16th slowest: of 400 it was the 5th, and moved by a millisecond from run
// to run with one scavenge or scheduler hiccup more or less.
const PROBES = Number(process.env.BENCH_GATEWAY_PROBES ?? 1500);
const ROUNDS = Number(process.env.BENCH_GATEWAY_ROUNDS ?? 3);
const TOKEN_MS = Number(process.env.BENCH_GATEWAY_TOKEN_MS ?? 20);
const ADMIN = `lec_bench_admin_${randomBytes(12).toString('hex')}`;
const PROVIDER_KEY = `sk-bench-${randomBytes(8).toString('hex')}`;
const log = (m: string) => process.stderr.write(`[bench:gateway] ${m}\n`);
/** `--cpu-prof`: V8 profile of the Lectern child, written to bench/profiles/ when it stops. */
const CPU_PROF = process.argv.includes('--cpu-prof');
/** BENCH_GATEWAY_SERVER=path/to/main.js: another build of Lectern (a before/after in one bench). */
const SERVER = process.env.BENCH_GATEWAY_SERVER ?? 'dist/cli/main.js';

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
  rounds: number;
  tokenMs: number;
  direct: {
    p50: number;
    p99: number;
    ttft50: number;
    rps64: number;
    pacedRps64: number;
    upstreamCpuUs: number;
  };
  /** A bare node:http + undici pass-through (bench/gateway-bare-proxy.mjs) under the instant load. */
  bareProxy: { rps64: number; cpuUs: number };
  gateway: {
    p50: number;
    p99: number;
    ttft50: number;
    rps64: number;
    pacedRps64: number;
    non2xx: number;
    serverCpuUs: number;
    /** The same, of the Lectern process's main thread alone (the event loop serving HTTP). */
    serverMainCpuUs: number;
  };
  overP50: number;
  overP99: number;
  throughputRatio: number;
  /** Gateway ÷ bare proxy, instant load: what Lectern's own work costs beyond the second hop. */
  bareProxyRatio: number;
  pacedThroughputRatio: number;
  ttftOver: number;
  /** Load average (1 min) at the start and at the end. */
  load: [number, number];
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

/** CPU seconds (user + system) a process (or, with `tid`, one of its threads) has used so far. */
function cpuSeconds(pid: number, tid?: number): number {
  const f = readFileSync(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, 'utf8');
  const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** A bench server script that prints `{"port": n}` once it listens: its process and its base URL. */
async function startPortServer(args: string[]) {
  const up = await startChild(args, {}, (b) => b.includes('\n'));
  const port = (JSON.parse(up.out.split('\n')[0]!) as { port: number }).port;
  return { child: up.child, url: `http://127.0.0.1:${port}/v1` };
}

const startUpstream = (tokenMs: number) =>
  startPortServer(['bench/gateway-upstream.mjs', '0', String(tokenMs)]);

export async function benchGateway(): Promise<GatewayBench> {
  const built = spawnSync(process.execPath, ['scripts/ensure-built.mjs'], { cwd: ROOT, stdio: 'inherit' });
  if (built.status !== 0) throw new Error('build failed');
  const dir = mkdtempSync(join(tmpdir(), 'lectern-bench-gw-'));
  const children: ChildProcess[] = [];
  const load0 = loadavg()[0]!;
  try {
    const instant = await startUpstream(0);
    children.push(instant.child);
    const paced = await startUpstream(TOKEN_MS);
    children.push(paced.child);
    const bare = await startPortServer(['bench/gateway-bare-proxy.mjs', new URL(instant.url).origin]);
    children.push(bare.child);
    const bareUrl = `${bare.url}/chat/completions`;
    // The paced upstream serves one model name of its own; everything else goes to the instant one.
    const providersFile = join(dir, 'providers.json');
    writeFileSync(
      providersFile,
      JSON.stringify({
        providers: [{ id: 'paced', base_url: paced.url, api_key: PROVIDER_KEY, models: ['paced-model'] }],
      }),
    );
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const env: Record<string, string> = {
      PORT: String(port),
      LECTERN_DATA_DIR: join(dir, 'lectern'),
      LECTERN_ADMIN_KEY: ADMIN,
      DATABASE_URL: '',
      OPENAI_BASE_URL: instant.url,
      OPENAI_API_KEY: PROVIDER_KEY,
      LECTERN_PROVIDERS_FILE: providersFile,
    };
    const prof = CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${join(ROOT, 'bench/profiles')}`] : [];
    // `npm start`'s command line and nothing of this shell's LECTERN_* settings: as shipped.
    const args = shippedArgs().map((a) => (a === 'dist/cli/main.js' ? SERVER : a));
    const server = spawn(process.execPath, [...prof, ...args], {
      cwd: ROOT,
      env: { ...cleanEnv(), ...env },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.push(server);
    const base = `http://127.0.0.1:${port}`;
    await waitHealthy(base);
    const auth = { authorization: `Bearer ${ADMIN}` };
    for (const [name, model] of [
      ['bench', 'gpt-4o-mini'],
      ['bench-paced', 'paced-model'],
    ] as const) {
      const created = await fetch(`${base}/v1/prompts`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({
          name,
          version: { messages: [{ role: 'user', content: 'Say {{word}}' }], model },
          labels: ['production'],
        }),
      });
      if (created.status !== 201) throw new Error(`seed: ${created.status} ${await created.text()}`);
      await created.arrayBuffer();
    }

    const directBody = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hi' }] };
    const gwBody = { messages: [], prompt: { name: 'bench', variables: { word: 'hi' } } };
    const pacedDirect = { ...directBody, model: 'paced-model', stream: true };
    const pacedGw = {
      messages: [],
      prompt: { name: 'bench-paced', variables: { word: 'hi' } },
      stream: true,
    };
    const directUrl = `${instant.url}/chat/completions`;
    const pacedUrl = `${paced.url}/chat/completions`;
    const gwUrl = `${base}/v1/chat/completions`;
    log('warming up');
    await probe(directUrl, directBody, {}, 50);
    await probe(gwUrl, gwBody, auth, 200);
    await probe(gwUrl, { ...gwBody, stream: true }, auth, 200);
    await probe(gwUrl, pacedGw, auth, 10);
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
    const rounds: Omit<GatewayBench, 'rounds' | 'tokenMs' | 'load'>[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      log(
        `round ${r + 1}/${ROUNDS}: ${PROBES} sequential requests each, then 64 streams × ${DURATION} s each`,
      );
      // Alternate so both share whatever else the machine is doing (and who goes first).
      const pair = async <T>(d: () => Promise<T>, g: () => Promise<T>): Promise<[T, T]> => {
        if (r % 2) {
          const gv = await g();
          return [await d(), gv];
        }
        const dv = await d();
        return [dv, await g()];
      };
      const [dJson, gJson] = await pair(
        () => probe(directUrl, directBody, {}, PROBES),
        () => probe(gwUrl, gwBody, auth, PROBES),
      );
      const [dStream, gStream] = await pair(
        () => probe(directUrl, { ...directBody, stream: true }, {}, PROBES),
        () => probe(gwUrl, { ...gwBody, stream: true }, auth, PROBES),
      );
      let upstreamCpuUs = 0;
      let serverCpuUs = 0;
      let serverMainCpuUs = 0;
      const [dLoad, gLoad] = await pair(
        async () => {
          const c0 = cpuSeconds(instant.child.pid!);
          const l = await load(spec(directUrl, { ...directBody, stream: true }, {}));
          upstreamCpuUs = ((cpuSeconds(instant.child.pid!) - c0) * 1e6) / Math.max(1, l.requests);
          return l;
        },
        async () => {
          const c0 = cpuSeconds(server.pid!);
          const m0 = cpuSeconds(server.pid!, server.pid!); // the main thread's id is the process's
          const l = await load(spec(gwUrl, { ...gwBody, stream: true }, auth));
          serverCpuUs = ((cpuSeconds(server.pid!) - c0) * 1e6) / Math.max(1, l.requests);
          serverMainCpuUs = ((cpuSeconds(server.pid!, server.pid!) - m0) * 1e6) / Math.max(1, l.requests);
          return l;
        },
      );
      const b0 = cpuSeconds(bare.child.pid!);
      const bLoad = await load(spec(bareUrl, { ...directBody, stream: true }, {}));
      const bareCpuUs = ((cpuSeconds(bare.child.pid!) - b0) * 1e6) / Math.max(1, bLoad.requests);
      const [dPaced, gPaced] = await pair(
        () => load(spec(pacedUrl, pacedDirect, {})),
        () => load(spec(gwUrl, pacedGw, auth)),
      );
      rounds.push({
        direct: {
          p50: dJson.p50,
          p99: dJson.p99,
          ttft50: dStream.ttft50,
          rps64: dLoad.rps,
          pacedRps64: dPaced.rps,
          upstreamCpuUs,
        },
        bareProxy: { rps64: bLoad.rps, cpuUs: bareCpuUs },
        gateway: {
          p50: gJson.p50,
          p99: gJson.p99,
          ttft50: gStream.ttft50,
          rps64: gLoad.rps,
          pacedRps64: gPaced.rps,
          non2xx: gLoad.non2xx + gLoad.errors + gPaced.non2xx + gPaced.errors,
          serverCpuUs,
          serverMainCpuUs,
        },
        overP50: gJson.p50 - dJson.p50,
        overP99: gJson.p99 - dJson.p99,
        throughputRatio: gLoad.rps / dLoad.rps,
        bareProxyRatio: gLoad.rps / bLoad.rps,
        pacedThroughputRatio: gPaced.rps / dPaced.rps,
        ttftOver: gStream.ttft50 - dStream.ttft50,
      });
    }
    const med = <K extends string>(pick: (x: (typeof rounds)[number]) => Record<K, number>) => {
      const keys = Object.keys(pick(rounds[0]!)) as K[];
      return Object.fromEntries(keys.map((k) => [k, median(rounds.map((x) => pick(x)[k]))])) as Record<
        K,
        number
      >;
    };
    const top = med((x) => ({
      overP50: x.overP50,
      overP99: x.overP99,
      throughputRatio: x.throughputRatio,
      bareProxyRatio: x.bareProxyRatio,
      pacedThroughputRatio: x.pacedThroughputRatio,
      ttftOver: x.ttftOver,
    }));
    return {
      rounds: ROUNDS,
      tokenMs: TOKEN_MS,
      direct: med((x) => x.direct),
      bareProxy: med((x) => x.bareProxy),
      gateway: { ...med((x) => x.gateway), non2xx: rounds.reduce((n, x) => n + x.gateway.non2xx, 0) },
      ...top,
      load: [load0, loadavg()[0]!],
    };
  } finally {
    // SIGTERM: the server stops cleanly, so a --cpu-prof profile gets written before we go on.
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((done) => {
            if (c.exitCode !== null || c.signalCode !== null) return done();
            c.once('exit', () => done());
            c.kill('SIGTERM');
          }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  }
}

export function gatewayTable(r: GatewayBench): string {
  const f = (n: number) => n.toFixed(3);
  const ok = (b: boolean) => (b ? 'met' : '**not met**');
  const sign = (n: number) => (n >= 0 ? `+${f(n)}` : f(n));
  return [
    '',
    `### Gateway overhead (same local upstream, direct vs through Lectern \`/v1/chat/completions\`; median of ${r.rounds} rounds, load ${r.load[0].toFixed(1)} → ${r.load[1].toFixed(1)})`,
    '',
    '| figure | direct | gateway | difference | target |',
    '|---|---|---|---|---|',
    `| p50 ms (one at a time) | ${f(r.direct.p50)} | ${f(r.gateway.p50)} | ${sign(r.overP50)} | ≤ +1 ms: ${ok(r.overP50 <= 1)} |`,
    `| p99 ms (one at a time) | ${f(r.direct.p99)} | ${f(r.gateway.p99)} | ${sign(r.overP99)} | ≤ +3 ms: ${ok(r.overP99 <= 3)} |`,
    `| time to first streamed byte, p50 ms | ${f(r.direct.ttft50)} | ${f(r.gateway.ttft50)} | ${sign(r.ttftOver)} | ≤ +1 ms: ${ok(r.ttftOver <= 1)} |`,
    `| req/s, 64 streams, instant upstream (CPU only) | ${r.direct.rps64.toFixed(0)} | ${r.gateway.rps64.toFixed(0)} | ×${r.throughputRatio.toFixed(2)} | ≥ 0.8×: ${ok(r.throughputRatio >= 0.8)} |`,
    `| req/s, 64 streams, instant upstream, through a bare node:http + undici proxy instead (the second hop alone) | ${r.bareProxy.rps64.toFixed(0)} | ${r.gateway.rps64.toFixed(0)} | ×${r.bareProxyRatio.toFixed(2)} of the bare proxy | (context) |`,
    `| req/s, 64 streams, paced upstream (an event every ${r.tokenMs} ms) | ${r.direct.pacedRps64.toFixed(0)} | ${r.gateway.pacedRps64.toFixed(0)} | ×${r.pacedThroughputRatio.toFixed(2)} | ≥ 0.8×: ${ok(r.pacedThroughputRatio >= 0.8)} |`,
    `| CPU µs per stream, instant load (upstream process / Lectern process) | ${r.direct.upstreamCpuUs.toFixed(0)} | ${r.gateway.serverCpuUs.toFixed(0)} | | |`,
    `| CPU µs per stream, instant load: the bare proxy process | | ${r.bareProxy.cpuUs.toFixed(0)} | | |`,
    `| CPU µs per stream, instant load: Lectern's main thread alone | | ${r.gateway.serverMainCpuUs.toFixed(0)} | | |`,
    ...(r.gateway.non2xx ? [`\n${r.gateway.non2xx} gateway requests failed under load.`] : []),
  ].join('\n');
}

// Run on its own: print the table and one JSON line.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = await benchGateway();
  process.stderr.write(`${gatewayTable(r)}\n`);
  process.stdout.write(`${JSON.stringify(r)}\n`);
}
