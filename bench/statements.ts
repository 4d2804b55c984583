// `npx tsx bench/statements.ts [--prompts 100000] [--pglite-only|--postgres-only]`: the exact SQL
// statements the hot routes send, recorded by a counting wrapper around the drivers' `query` (here,
// never in production code), and for the list routes their plans by EXPLAIN (ANALYZE, BUFFERS) on
// a bulk-loaded workspace. Answers "why is the uncached list slow at 100,000 prompts" and "how many
// statements and round trips does one version create make", on both backends.
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { openStore, type Store } from '../src/store/db.ts';
import { createRegistry } from '../src/registry/index.ts';
import { buildApp } from '../src/server/app.ts';
import { loadConfig } from '../src/server/config.ts';
import { bootstrap } from '../src/server/bootstrap.ts';
import { rowsOf } from '../src/registry/outbox.ts';

const argv = process.argv.slice(2);
const PROMPTS = Number(argv[argv.indexOf('--prompts') + 1]) || 100_000;
const PG_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const backends = argv.includes('--pglite-only')
  ? ['pglite']
  : argv.includes('--postgres-only')
    ? ['postgres']
    : ['pglite', 'postgres'];

interface Stmt {
  text: string;
  values: unknown[];
}
let recording: Stmt[] | null = null;
const record = (text: unknown, values: unknown) => {
  if (recording && typeof text === 'string') recording.push({ text, values: (values as unknown[]) ?? [] });
};

// Both drivers' entry points, wrapped once: pg's Client (the pool's clients subclass it) and
// PGlite's query/exec (transactions call them too).
const pgQuery = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, config: any, values?: any, cb?: any) {
  if (typeof config === 'string') record(config, Array.isArray(values) ? values : []);
  else if (config && typeof config.text === 'string') record(config.text, config.values ?? values);
  return (pgQuery as any).call(this, config, values, cb);
} as typeof pgQuery;
const liteQuery = PGlite.prototype.query;
PGlite.prototype.query = function (this: PGlite, text: any, params?: any, opts?: any) {
  record(text, params);
  return (liteQuery as any).call(this, text, params, opts);
} as typeof liteQuery;
const liteExec = PGlite.prototype.exec;
PGlite.prototype.exec = function (this: PGlite, text: any, opts?: any) {
  record(text, []);
  return (liteExec as any).call(this, text, opts);
} as typeof liteExec;

async function open(backend: string): Promise<{ store: Store; drop: () => Promise<void> }> {
  if (backend === 'pglite') {
    const store = await openStore({ dataDir: 'memory://' });
    return { store, drop: () => store.close() };
  }
  const schema = `stmts_${randomBytes(5).toString('hex')}`;
  const store = await openStore({ databaseUrl: PG_URL, pgSchema: schema, poolSize: 8 });
  return {
    store,
    drop: async () => {
      await store.db.execute(sql.raw(`drop schema if exists ${schema} cascade`));
      await store.close();
    },
  };
}

/** The bench's bulk load (bench/run.ts `bulkSeed`), at `n` prompts × 5 versions. */
async function bulkLoad(store: Store, n: number) {
  const ws = rowsOf<{ id: string }>(
    await store.db.execute(sql`select id from workspaces where name = 'default' and deleted_at is null`),
  )[0]!.id;
  await store.db.execute(sql`
    insert into prompts (id, workspace_id, name, tags, kind, revision, last_version, created_at, updated_at)
    select gen_random_uuid(), ${ws}, 'scale-' || lpad(g::text, 6, '0'), '["scale"]', 'chat', 1, 5,
           now() - make_interval(secs => g), now() - make_interval(secs => g)
    from generate_series(1, ${n}::int) g`);
  await store.db.execute(sql`
    insert into versions (id, prompt_id, number, status, template_type, messages, template_format, input_variables, model, provider, params, committed_at, created_at, updated_at)
    select gen_random_uuid(), p.id, k, 'committed', 'chat', '[{"role":"system","content":"You are {{name}}."}]'::json,
           'mustache', '["name"]'::jsonb, 'gpt-4o', 'openai', '{"temperature":0.2}'::json, p.created_at, p.created_at, p.created_at
    from prompts p cross join generate_series(1, 5) k where p.workspace_id = ${ws} and p.name like 'scale-%'`);
  await store.db.execute(sql`
    insert into labels (id, prompt_id, name, version_id)
    select gen_random_uuid(), v.prompt_id, 'production', v.id
    from versions v join prompts p on p.id = v.prompt_id
    where p.workspace_id = ${ws} and p.name like 'scale-%' and v.number = 5`);
  await store.db.execute(sql`vacuum analyze`);
}

/** `$1`-style parameters inlined as literals, so EXPLAIN sees what the planner saw. */
function inline(s: Stmt): string {
  return s.text.replace(/\$(\d+)/g, (_, i) => {
    const v = s.values[Number(i) - 1];
    if (v === null || v === undefined) return 'null';
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    const str = v instanceof Date ? v.toISOString() : typeof v === 'object' ? JSON.stringify(v) : String(v);
    return `'${str.replace(/'/g, "''")}'`;
  });
}

async function main() {
  for (const backend of backends) {
    const { store, drop } = await open(backend);
    try {
      const registry = createRegistry(store);
      const admin = 'lec_stmts_admin_secret_0123456789';
      await bootstrap(registry, admin);
      const app = await buildApp({
        config: loadConfig({ LECTERN_RATE_LIMIT: '0', LOG_LEVEL: 'warn' }),
        registry,
        logger: false,
      });
      const call = (method: string, url: string, body?: unknown) =>
        app.inject({
          method: method as 'GET',
          url,
          headers: { authorization: `Bearer ${admin}`, 'cache-control': 'no-cache' },
          payload: body as object,
        });
      const created = await call('POST', '/v1/prompts', {
        name: 'hot',
        version: { messages: [{ role: 'system', content: 'You are {{name}}.' }], model: 'gpt-4o' },
        labels: ['production'],
      });
      if (created.statusCode >= 300) throw new Error(`seed: ${created.statusCode} ${created.body}`);
      const t0 = Date.now();
      await bulkLoad(store, PROMPTS);
      console.log(`\n## ${backend}: ${PROMPTS} prompts × 5 versions bulk-loaded in ${Date.now() - t0} ms`);

      const routes: [string, string, unknown?][] = [
        ['GET', '/v1/prompts?limit=50'],
        ['GET', '/prompt-templates?per_page=50'],
        ['GET', '/api/prompts/?page_size=50'],
        ['GET', '/apis/models/v2/workspaces/default/prompts?page_size=50'],
        [
          'PATCH',
          '/rest/prompt-templates/hot',
          { commit_message: 'bench', model_parameters: { temperature: 0.5 } },
        ],
      ];
      for (const [method, url, body] of routes) {
        await call(method, url, body); // warm: the route's first answer compiles its serialiser
        recording = [];
        const t = performance.now();
        const r = await call(method, url, body);
        const ms = performance.now() - t;
        const stmts = recording;
        recording = null;
        console.log(
          `\n### ${method} ${url} → ${r.statusCode}, ${ms.toFixed(1)} ms, ${stmts.length} statements`,
        );
        for (const s of stmts) {
          console.log(`\n-- ${s.text.replace(/\s+/g, ' ').slice(0, 600)}`);
          if (method !== 'GET' || !/^\s*select/i.test(s.text)) continue;
          const plan = await store.db.execute(sql.raw(`explain (analyze, buffers) ${inline(s)}`));
          for (const row of rowsOf<Record<string, string>>(plan)) console.log(`   ${Object.values(row)[0]}`);
        }
      }
      await app.close();
    } finally {
      await drop();
    }
  }
}

await main();
