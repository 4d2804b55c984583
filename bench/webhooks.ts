// Webhook scenarios (issue 17), run by `npm run bench -- --only webhooks` or alone with
// `npx tsx bench/webhooks.ts`. One Lectern server (PGlite, or PostgreSQL with DATABASE_URL) and a
// local receiver in this process; the load generator (bench/load.ts, autocannon) in its own.
//
//  (w1) version creation — scenario (c)'s PromptLayer PATCH, 32 connections — with 3 endpoints
//       configured against the same run without (endpoints disabled). Rounds alternate which
//       phase goes first, and a phase with endpoints waits for its deliveries to arrive before
//       the next phase starts, so no phase pays for another's deliveries.
//       Target: within 5 % (ratio >= 0.95).
//  (w2) delivery throughput: events piled up (the receiver answered 503 with one Retry-After
//       date), then released at once; delivered events per second. Target >= 500/s.
//  (w3) change-to-delivery latency: one write at a time, from the write's request to the
//       receiver's arrival. Target p50 < 50 ms.
import { createServer as createHttp } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import type { LoadResult, LoadSpec } from './load.ts';
import { ROOT, cleanEnv, loadOnce as load, startLectern } from './harness.ts';

const ADMIN = `lec_bench_admin_${randomBytes(12).toString('hex')}`;
// WH_BENCH_DURATION / WH_BENCH_ROUNDS: shorter runs of w1 (rounds stay even: each order of the two
// phases runs as often).
const DURATION = Number(process.env.WH_BENCH_DURATION) || 4;
const ROUNDS = 2 * Math.max(1, Math.round((Number(process.env.WH_BENCH_ROUNDS) || 4) / 2));
const PROMPTS = 100;
const log = (m: string) => process.stderr.write(`[bench:webhooks] ${m}\n`);

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

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};

export async function runWebhookBench() {
  // The receiver: 200, or 503 with one Retry-After date while `holdUntil` is set.
  let holdUntil: Date | null = null;
  const arrivals: { id: string; at: number; prompt: string }[] = [];
  const receiver = createHttp((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (holdUntil) {
        res.writeHead(503, { 'retry-after': holdUntil.toUTCString() }).end();
        return;
      }
      let prompt = '';
      try {
        prompt = JSON.parse(body).data?.prompt ?? '';
      } catch {
        /* not ours */
      }
      arrivals.push({ id: String(req.headers['webhook-id']), at: performance.now(), prompt });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const hook = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;

  const dataDir = mkdtempSync(join(tmpdir(), 'lectern-bench-wh-'));
  const schema = `bench_wh_${randomBytes(4).toString('hex')}`;
  const store: Record<string, string> = process.env.DATABASE_URL
    ? { DATABASE_URL: process.env.DATABASE_URL, LECTERN_PG_SCHEMA: schema }
    : { LECTERN_DATA_DIR: dataDir };
  // The compiled server with `npm start`'s flags (run `npm run build` first), on its defaults plus
  // what the scenarios need.
  const server = await startLectern({
    root: ROOT,
    env: {
      ...cleanEnv(),
      ...store,
      LECTERN_ADMIN_KEY: ADMIN,
      LECTERN_RATE_LIMIT_WRITES: '0',
      LECTERN_WEBHOOK_ALLOW_PRIVATE: 'true',
      LECTERN_WEBHOOK_RETRY_SCHEDULE: '0.1,0.1,0.1,0.1,0.1',
      LOG_LEVEL: 'warn',
    },
  });
  const base = server.base;
  const out: Record<string, unknown> = { backend: process.env.DATABASE_URL ? 'postgres' : 'pglite' };
  try {
    const names = Array.from({ length: PROMPTS }, (_, i) => `wh-bench-${i}`);
    for (const name of names) {
      await api(base, 'POST', '/v1/prompts', {
        name,
        version: { messages: [{ role: 'user', content: 'Hello {{name}}' }], model: 'gpt-4o' },
      });
    }
    const eps: string[] = [];
    for (let i = 0; i < 3; i++) eps.push((await api(base, 'POST', '/v1/webhooks', { url: hook })).webhook.id);
    const setEnabled = async (on: boolean) => {
      for (const id of eps) await api(base, 'PATCH', `/v1/webhooks/${id}`, { enabled: on });
    };

    // WH_BENCH_ONLY=w1|w2|w3: one scenario alone.
    const only = process.env.WH_BENCH_ONLY;
    const runs = (w: string) => !only || only === w;
    if (runs('w1')) {
      // (w1) scenario (c) with and without endpoints, alternating.
      const spec: LoadSpec = {
        url: base,
        connections: 32,
        duration: DURATION,
        method: 'PATCH',
        paths: names.map((n) => `/rest/prompt-templates/${n}`),
        body: { commit_message: 'bench', model_parameters: { temperature: 0.5 } },
        headers: { authorization: `Bearer ${ADMIN}` },
      };
      const without: LoadResult[] = [];
      const withEp: LoadResult[] = [];
      // A phase with endpoints leaves deliveries in flight: they finish before the next phase starts,
      // so neither phase pays for another's deliveries. Rounds alternate which phase goes first
      // (the server warms up as the run goes on; a fixed order would favour the second phase).
      const drain = async () => {
        for (let i = 0; i < 600; i++) {
          const before = arrivals.length;
          await new Promise((r) => setTimeout(r, 500));
          if (arrivals.length === before) break;
        }
      };
      // The warm-up's deliveries go before the first phase: left pending, they were sent in the gap
      // between the first two phases' loads and counted as the second's (round 1 said ~1,200
      // deliveries during the writes where the gate lets ~130 through).
      await load({ ...spec, duration: 2 });
      await drain();
      // How much of a phase's deliveries went while its writes ran, and how long the rest took
      // after: reported beside w1, so a ratio bought by deferring deliveries would show.
      const during: number[] = [];
      const drainS: number[] = [];
      const phase = async (on: boolean) => {
        await setEnabled(on);
        const before = arrivals.length;
        (on ? withEp : without).push(await load(spec));
        if (!on) return;
        during.push(arrivals.length - before);
        const t = performance.now();
        await drain();
        drainS.push((performance.now() - t) / 1000 - 0.5); // the drain's last, empty, look
      };
      for (let r = 0; r < ROUNDS; r++) {
        if (r % 2 === 0) {
          await phase(false);
          await phase(true);
        } else {
          await phase(true);
          await phase(false);
        }
        log(
          `(w1) round ${r + 1}: without ${without.at(-1)!.rps.toFixed(0)}/s, with ${withEp.at(-1)!.rps.toFixed(0)}/s; ` +
            `${during.at(-1)} deliveries during the writes, the rest in ${drainS.at(-1)!.toFixed(1)} s after`,
        );
      }
      const avg = (xs: LoadResult[]) => xs.reduce((a, x) => a + x.rps, 0) / xs.length;
      const perRound = without.map((w, i) => withEp[i]!.rps / w.rps).sort((a, b) => a - b);
      out.w1 = {
        withoutRps: avg(without),
        withRps: avg(withEp),
        ratio: avg(withEp) / avg(without),
        medianRoundRatio: (perRound[(perRound.length - 1) >> 1]! + perRound[perRound.length >> 1]!) / 2,
        target: '>= 0.95',
        p99Without: Math.max(...without.map((x) => x.p99)),
        p99With: Math.max(...withEp.map((x) => x.p99)),
        deliveredDuringWrites: during,
        drainSecondsAfter: drainS.map((x) => Number(x.toFixed(2))),
      };
      await drain();
    }

    if (runs('w2')) {
      // (w2) throughput: pile up N events against one endpoint, then release them at once.
      await setEnabled(false);
      const one = (await api(base, 'POST', '/v1/webhooks', { url: hook, events: ['prompt.version.created'] }))
        .webhook.id as string;
      const N = 3000;
      // Far enough that no delivery comes due before the release, however slow the machine.
      const releaseAt = new Date(Date.now() + 3600_000);
      holdUntil = releaseAt;
      const t0 = performance.now();
      let made = 0;
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          while (made < N) {
            made++;
            await api(base, 'PATCH', `/rest/prompt-templates/${names[made % PROMPTS]}`, {
              commit_message: 'pile',
            });
          }
        }),
      );
      log(
        `(w2) ${N} events written in ${((performance.now() - t0) / 1000).toFixed(1)} s; waiting for first attempts`,
      );
      // Every delivery has had its first (503) attempt when none is still due.
      for (;;) {
        const page = await api(
          base,
          'GET',
          `/v1/webhooks/${one}/deliveries?status=pending&limit=500&offset=0`,
        );
        const untried = (page.data as { attempts: number }[]).filter((d) => d.attempts === 0).length;
        if (page.pagination.total >= N && untried === 0) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      // Release: all become due now (re-enabling makes pending deliveries due at once).
      holdUntil = null;
      arrivals.length = 0;
      await api(base, 'PATCH', `/v1/webhooks/${one}`, { enabled: false });
      const r0 = performance.now();
      await api(base, 'PATCH', `/v1/webhooks/${one}`, { enabled: true });
      while (new Set(arrivals.map((a) => a.id)).size < N) {
        if (performance.now() - r0 > 120_000) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      const elapsed = (Math.max(...arrivals.map((a) => a.at)) - r0) / 1000;
      out.w2 = { events: N, seconds: elapsed, perSecond: N / elapsed, target: '>= 500/s' };
      log(`(w2) delivered ${N} in ${elapsed.toFixed(2)} s: ${(N / elapsed).toFixed(0)}/s`);
    }

    // (w3) latency: one write at a time, receiver up.
    if (runs('w3')) {
      const lat: number[] = [];
      const afterAck: number[] = [];
      for (let i = 0; i < 200; i++) {
        const name = names[i % PROMPTS]!;
        const seen = arrivals.length;
        const s = performance.now();
        await api(base, 'PATCH', `/rest/prompt-templates/${name}`, { commit_message: `lat ${i}` });
        const acked = performance.now();
        for (let k = 0; k < 2000; k++) {
          const a = arrivals.slice(seen).find((x) => x.prompt === name);
          if (a) {
            lat.push(a.at - s);
            afterAck.push(a.at - acked);
            break;
          }
          await new Promise((r) => setTimeout(r, 1));
        }
      }
      out.w3 = {
        samples: lat.length,
        p50ms: pct(lat, 50),
        p90ms: pct(lat, 90),
        p99ms: pct(lat, 99),
        // From the write's answer (a lower bound: the commit came a little before it).
        p50msAfterAnswer: pct(afterAck, 50),
        p99msAfterAnswer: pct(afterAck, 99),
        target: 'p50 < 50 ms (from the request: an upper bound, it includes the write)',
      };
      log(`(w3) change-to-delivery p50 ${pct(lat, 50).toFixed(1)} ms, p99 ${pct(lat, 99).toFixed(1)} ms`);
    }
  } finally {
    await server.stop();
    receiver.closeAllConnections();
    receiver.close();
    rmSync(dataDir, { recursive: true, force: true });
    if (process.env.DATABASE_URL) {
      const pg = (await import('pg')).default;
      const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await c.connect();
      await c.query(`drop schema if exists ${schema} cascade`);
      await c.end();
    }
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  runWebhookBench().then(
    (r) => process.stdout.write(JSON.stringify(r, null, 2) + '\n'),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
