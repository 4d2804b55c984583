// Diagnostic: the SQL a UI search runs at 10,000 prompts (seeded as bench/ui.ts seeds), its EXPLAIN
// ANALYZE on PGlite (or PostgreSQL with DATABASE_URL), and the process's CPU per search request
// (app.inject, PGlite runs in this thread, so CPU is the query's and the server's work).
// `npx tsx bench/search-explain.ts [--explain] [--rounds N]`
import { sql } from 'drizzle-orm';
import { openStore } from '../src/store/db.ts';
import { createRegistry } from '../src/registry/index.ts';
import { bootstrap } from '../src/server/bootstrap.ts';
import { buildApp } from '../src/server/app.ts';
import { loadConfig } from '../src/server/config.ts';
import { seedUiPrompts } from './ui-seed.ts';

const KEY = 'lec_bench_ui_admin_0123456789abcdef';
const argv = process.argv.slice(2);
const EXPLAIN = argv.includes('--explain');
const ROUNDS = argv.includes('--rounds') ? Number(argv[argv.indexOf('--rounds') + 1]) : 30;
const terms = ['', 'order 4242', 'prompt-0777', 't17', 'assistant', 'no-such-text-anywhere', 'area-3/'];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const url = process.env.DATABASE_URL;
const pgSchema = url ? `search_explain_${process.pid}` : undefined;
const store = await openStore(url ? { databaseUrl: url, pgSchema } : { dataDir: 'memory://' });
const registry = createRegistry(store);
await bootstrap(registry, KEY);
await seedUiPrompts(store.db, 10_000);
const app = await buildApp({
  registry,
  config: { ...loadConfig({}), rateLimit: 0, cacheEntries: 0 },
  logger: false,
});
await app.ready();

// Record the statements of one request (the session's client is drizzle's driver object).
const session = (store.db as unknown as { session: { client: { query: (...a: unknown[]) => unknown } } })
  .session;
const captured: { text: string; params: unknown[] }[] = [];
let capturing = false;
const original = session.client.query.bind(session.client);
session.client.query = (...a: unknown[]) => {
  if (capturing) {
    const q = a[0] as string | { text: string; values?: unknown[] };
    captured.push(
      typeof q === 'string'
        ? { text: q, params: (a[1] as unknown[]) ?? [] }
        : { text: q.text, params: q.values ?? (a[1] as unknown[]) ?? [] },
    );
  }
  return original(...a);
};

const ask = (term: string) =>
  app.inject({
    method: 'GET',
    url: `/v1/prompts?${term ? `search=${encodeURIComponent(term)}&` : ''}limit=100&sort=updated_at`,
    headers: { authorization: `Bearer ${KEY}` },
  });

for (const term of terms) {
  for (let i = 0; i < 3; i++) await ask(term);
  const cpu: number[] = [];
  let total = 0;
  for (let i = 0; i < ROUNDS; i++) {
    const c0 = process.cpuUsage();
    const r = await ask(term);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
    total = (r.json() as { pagination: { total: number } }).pagination.total;
  }
  console.log(
    `search ${JSON.stringify(term).padEnd(24)} CPU/request median ${median(cpu).toFixed(1)} ms  (${total} hits)`,
  );
  if (EXPLAIN) {
    captured.length = 0;
    capturing = true;
    await ask(term);
    capturing = false;
    for (const q of captured) {
      if (!/from "prompts"/.test(q.text) || /"prompt_counts"/.test(q.text)) continue;
      const inline = q.text.replace(/\$(\d+)/g, (_, n) => {
        const v = q.params[Number(n) - 1];
        return typeof v === 'number' ? String(v) : `'${String(v).replace(/'/g, "''")}'`;
      });
      const r = (await store.db.execute(sql.raw(`explain (analyze, buffers off) ${inline}`))) as unknown as {
        rows: Record<string, string>[];
      };
      console.log('  ' + inline.slice(0, 4000));
      console.log(r.rows.map((x) => '    ' + Object.values(x)[0]).join('\n'));
    }
  }
}
await app.close();
if (pgSchema) await store.db.execute(sql.raw(`drop schema ${pgSchema} cascade`));
await store.close();
