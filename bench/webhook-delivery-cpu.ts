// `npx tsx bench/webhook-delivery-cpu.ts [--events 1000] [--endpoints 3]` (DATABASE_URL=… for
// PostgreSQL, PGlite otherwise): the CPU one webhook delivery costs, apart from the writes.
// A registry and app in this process write `--events` versions with `--endpoints` endpoints
// enabled but no delivery worker running (the sequencer fans them out to pending deliveries);
// then the worker starts and sends them all to a receiver in a process of its own
// (bench/webhook-receiver.mjs). Prints this process's CPU (process.cpuUsage) per delivery over the
// drain and, on PostgreSQL, the CPU of the backends serving this process (/proc, by client port).
// Run under `node --cpu-prof --import tsx …` for a profile of the delivery path alone.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { openStore } from '../src/store/db.ts';
import { createRegistry } from '../src/registry/index.ts';
import { buildApp } from '../src/server/app.ts';
import { loadConfig } from '../src/server/config.ts';
import { bootstrap } from '../src/server/bootstrap.ts';
import { startWebhookWorker } from '../src/delivery/webhooks.ts';
import { backendCpu } from './harness.ts';

const argv = process.argv.slice(2);
const opt = (name: string, dflt: number) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
};
const EVENTS = opt('events', 1000);
const ENDPOINTS = opt('endpoints', 3);
const PG_URL = process.env.DATABASE_URL;

const recv = spawn(process.execPath, [fileURLToPath(new URL('webhook-receiver.mjs', import.meta.url))], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const recvPort = await new Promise<number>((r) => recv.stdout!.once('data', (d) => r(Number(String(d)))));
const arrived = async () => Number(await (await fetch(`http://127.0.0.1:${recvPort}/count`)).text());
const schema = `whdcpu_${randomBytes(4).toString('hex')}`;
const store = await openStore(
  PG_URL ? { databaseUrl: PG_URL, pgSchema: schema, poolSize: 16 } : { dataDir: 'memory://' },
);
const admin = PG_URL ? new pg.Client({ connectionString: PG_URL }) : null;
await admin?.connect();
const backendCpus = () => backendCpu(admin, process.pid);
try {
  const registry = createRegistry(store);
  const key = 'lec_whdcpu_admin_secret_0123456789';
  await bootstrap(registry, key);
  const app = await buildApp({
    config: loadConfig({ LECTERN_RATE_LIMIT: '0', LECTERN_RATE_LIMIT_WRITES: '0', LOG_LEVEL: 'warn' }),
    registry,
    logger: false,
  });
  const call = async (method: string, url: string, body?: unknown) => {
    const r = await app.inject({
      method: method as 'GET',
      url,
      headers: { authorization: `Bearer ${key}` },
      payload: body as object,
    });
    if (r.statusCode >= 300) throw new Error(`${method} ${url}: ${r.statusCode} ${r.body}`);
    return r.json();
  };
  for (let i = 0; i < 20; i++)
    await call('POST', '/v1/prompts', {
      name: `p${i}`,
      version: { messages: [{ role: 'user', content: 'Hello {{name}}' }], model: 'gpt-4o' },
    });
  for (let i = 0; i < ENDPOINTS; i++)
    await call('POST', '/v1/webhooks', { url: `http://127.0.0.1:${recvPort}/h${i}` });
  let made = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (made < EVENTS) {
        made++;
        await call('PATCH', `/rest/prompt-templates/p${made % 20}`, { commit_message: 'b' });
      }
    }),
  );
  await registry.outbox.hub.idle();
  await new Promise((r) => setTimeout(r, 200));
  await registry.outbox.hub.idle();
  const pending = await store.db.execute(
    sql`select count(*)::int as n from webhook_deliveries where status = 'pending'`,
  );
  const N = Number(
    ((pending as { rows?: { n: number }[] }).rows ?? (pending as unknown as { n: number }[]))[0]!.n,
  );
  // Claim and record statements over the drain (the registry's outbox calls, one statement each).
  const calls = { claims: 0, records: 0 };
  const { claim, record } = registry.outbox;
  registry.outbox.claim = (...a) => (calls.claims++, claim(...a));
  registry.outbox.record = (...a) => (calls.records++, record(...a));
  const a0 = await arrived();
  const db0 = await backendCpus();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const worker = startWebhookWorker(registry, {
    retrySchedule: [1],
    timeoutMs: 5000,
    allowPrivate: true,
    concurrency: 64,
    retentionDays: 7,
  });
  while ((await arrived()) - a0 < N) {
    if (process.env.WH_DEBUG) console.error('arrived', (await arrived()) - a0, 'of', N);
    await new Promise((r) => setTimeout(r, process.env.WH_DEBUG ? 1000 : 5));
  }
  // Until every result is recorded.
  for (;;) {
    const left = await store.db.execute(
      sql`select count(*)::int as n from webhook_deliveries where status = 'pending'`,
    );
    if (
      Number(((left as { rows?: { n: number }[] }).rows ?? (left as unknown as { n: number }[]))[0]!.n) === 0
    )
      break;
    await new Promise((r) => setTimeout(r, 5));
  }
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  const db1 = await backendCpus();
  let db = 0;
  for (const [p, v] of db1) db += v - (db0.get(p) ?? 0);
  await worker.stop();
  await app.close();
  console.log(
    JSON.stringify({
      backend: PG_URL ? 'postgres' : 'pglite',
      deliveries: N,
      seconds: ms / 1000,
      perSecond: (N * 1000) / ms,
      processUsPerDelivery: (c.user + c.system) / N,
      dbUsPerDelivery: PG_URL ? (db * 1000) / N : null,
      claims: calls.claims,
      records: calls.records,
    }),
  );
} finally {
  if (PG_URL) await store.db.execute(sql.raw(`drop schema if exists ${schema} cascade`));
  await store.close();
  await admin?.end();
  recv.kill('SIGTERM');
}
