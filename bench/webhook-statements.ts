// `npx tsx bench/webhook-statements.ts [--writes 300] [--pglite-only|--postgres-only]`: the SQL
// statements per write that webhooks add (issue 17, w1). One registry + app + delivery worker in
// this process (the statement counter wraps the drivers' `query`, as bench/statements.ts does), a
// local receiver, 3 endpoints; `--writes` PromptLayer PATCHes from 8 concurrent callers, once with
// the endpoints disabled and once enabled, each phase lasting until every delivery has arrived.
// Prints the statements of each phase grouped by their first words.
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { openStore, type Store } from '../src/store/db.ts';
import { createRegistry } from '../src/registry/index.ts';
import { buildApp } from '../src/server/app.ts';
import { loadConfig } from '../src/server/config.ts';
import { bootstrap } from '../src/server/bootstrap.ts';
import { startWebhookWorker } from '../src/delivery/webhooks.ts';

const argv = process.argv.slice(2);
const WRITES = Number(argv[argv.indexOf('--writes') + 1]) || 300;
const PG_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const backends = argv.includes('--pglite-only')
  ? ['pglite']
  : argv.includes('--postgres-only')
    ? ['postgres']
    : ['pglite', 'postgres'];

let counts: Map<string, number> | null = null;
const record = (text: unknown) => {
  if (!counts || typeof text !== 'string') return;
  const key = text.replace(/\s+/g, ' ').trim().slice(0, 70);
  counts.set(key, (counts.get(key) ?? 0) + 1);
};
const pgQuery = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, config: any, values?: any, cb?: any) {
  record(typeof config === 'string' ? config : config?.text);
  return (pgQuery as any).call(this, config, values, cb);
} as typeof pgQuery;
const liteQuery = PGlite.prototype.query;
PGlite.prototype.query = function (this: PGlite, text: any, params?: any, opts?: any) {
  record(text);
  return (liteQuery as any).call(this, text, params, opts);
} as typeof liteQuery;
const liteExec = PGlite.prototype.exec;
PGlite.prototype.exec = function (this: PGlite, text: any, opts?: any) {
  record(text);
  return (liteExec as any).call(this, text, opts);
} as typeof liteExec;

async function open(backend: string): Promise<{ store: Store; drop: () => Promise<void> }> {
  if (backend === 'pglite') {
    const store = await openStore({ dataDir: 'memory://' });
    return { store, drop: () => store.close() };
  }
  const schema = `whstmts_${randomBytes(5).toString('hex')}`;
  const store = await openStore({ databaseUrl: PG_URL, pgSchema: schema, poolSize: 8 });
  return {
    store,
    drop: async () => {
      await store.db.execute(sql.raw(`drop schema if exists ${schema} cascade`));
      await store.close();
    },
  };
}

async function main() {
  let arrived = 0;
  const receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      arrived++;
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const hook = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;
  for (const backend of backends) {
    const { store, drop } = await open(backend);
    try {
      const registry = createRegistry(store);
      const admin = 'lec_stmts_admin_secret_0123456789';
      await bootstrap(registry, admin);
      const app = await buildApp({
        config: loadConfig({ LECTERN_RATE_LIMIT: '0', LECTERN_RATE_LIMIT_WRITES: '0', LOG_LEVEL: 'warn' }),
        registry,
        logger: false,
      });
      // Requests in flight, as serve.ts tells the worker (it batches and yields while there are).
      let inFlight = 0;
      const worker = startWebhookWorker(registry, {
        retrySchedule: [1],
        timeoutMs: 5000,
        allowPrivate: true,
        concurrency: 64,
        retentionDays: 7,
        requestsInFlight: () => inFlight,
      });
      const call = async (method: string, url: string, body?: unknown) => {
        inFlight++;
        const r = await app
          .inject({
            method: method as 'GET',
            url,
            headers: { authorization: `Bearer ${admin}` },
            payload: body as object,
          })
          .finally(() => inFlight--);
        if (r.statusCode >= 300) throw new Error(`${method} ${url}: ${r.statusCode} ${r.body}`);
        return r.json();
      };
      for (let i = 0; i < 20; i++)
        await call('POST', '/v1/prompts', {
          name: `p${i}`,
          version: { messages: [{ role: 'user', content: 'Hello {{name}}' }], model: 'gpt-4o' },
        });
      const eps: string[] = [];
      for (let i = 0; i < 3; i++) eps.push((await call('POST', '/v1/webhooks', { url: hook })).webhook.id);
      const phase = async (on: boolean) => {
        for (const id of eps) await call('PATCH', `/v1/webhooks/${id}`, { enabled: on });
        await new Promise((r) => setTimeout(r, 1200));
        const a0 = arrived;
        counts = new Map();
        let made = 0;
        await Promise.all(
          Array.from({ length: 8 }, async () => {
            while (made < WRITES) {
              made++;
              await call('PATCH', `/rest/prompt-templates/p${made % 20}`, { commit_message: 'b' });
            }
          }),
        );
        const want = on ? 3 * WRITES : 0;
        for (let i = 0; i < 300 && arrived - a0 < want; i++) await new Promise((r) => setTimeout(r, 20));
        await new Promise((r) => setTimeout(r, 50));
        const got = counts;
        counts = null;
        const total = [...got.values()].reduce((a, b) => a + b, 0);
        console.log(
          `\n## ${backend}, endpoints ${on ? 'enabled' : 'disabled'}: ${WRITES} writes, ${arrived - a0} deliveries, ` +
            `${total} statements (${(total / WRITES).toFixed(2)} per write)`,
        );
        for (const [k, n] of [...got].sort((a, b) => b[1] - a[1]))
          console.log(`${(n / WRITES).toFixed(3).padStart(7)}  ${String(n).padStart(5)}  ${k}`);
      };
      await phase(false);
      await phase(true);
      await worker.stop();
      await app.close();
    } finally {
      await drop();
    }
  }
  receiver.close();
}
await main();
