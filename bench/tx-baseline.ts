// The database baseline: a bare driver loop (`pg`, or PGlite for the embedded run) doing the same
// version-insert transaction Lectern runs for a PATCH — resolve workspace, lock the prompt, read the
// base version, commit any draft, insert the version, bump the prompt, write the audit event —
// from `connections` concurrent workers, for `duration` seconds. argv[2]: a JSON TxSpec.
import { randomUUID } from 'node:crypto';
import { openStore } from '../src/store/db.ts';

export interface TxSpec {
  backend: 'postgres' | 'pglite';
  databaseUrl?: string;
  pgSchema?: string;
  dataDir?: string;
  connections: number;
  duration: number;
  prompts: number;
}

type Query = (text: string, params?: unknown[]) => Promise<{ rows: Record<string, unknown>[] }>;

const spec = JSON.parse(process.argv[2]!) as TxSpec;

// Migrate with Lectern's own code, then drive the database with the bare driver only.
const store = await openStore({
  databaseUrl: spec.databaseUrl,
  pgSchema: spec.pgSchema,
  dataDir: spec.dataDir,
  poolSize: 1,
});
await store.close();

let runTx: (fn: (q: Query) => Promise<void>) => Promise<void>;
let query: Query;
let close: () => Promise<void>;
if (spec.backend === 'postgres') {
  const pg = (await import('pg')).default;
  const pool = new pg.Pool({
    connectionString: spec.databaseUrl,
    max: spec.connections,
    options: spec.pgSchema ? `-c search_path=${spec.pgSchema}` : undefined,
  });
  query = (t, p) => pool.query(t, p as unknown[]);
  runTx = async (fn) => {
    const c = await pool.connect();
    try {
      await c.query('begin');
      await fn((t, p) => c.query(t, p as unknown[]));
      await c.query('commit');
    } catch (e) {
      await c.query('rollback');
      throw e;
    } finally {
      c.release();
    }
  };
  close = () => pool.end();
} else {
  const { PGlite } = await import('@electric-sql/pglite');
  const { pgliteExtensions } = await import('../src/store/pglite-open.ts');
  // The schema's trigram indexes need pg_trgm loaded, as Lectern's own store loads it.
  const db = await PGlite.create(spec.dataDir!, { extensions: await pgliteExtensions() });
  query = (t, p) => db.query(t, p as unknown[]) as never;
  runTx = (fn) => db.transaction((tx) => fn((t, p) => tx.query(t, p as unknown[]) as never));
  close = () => db.close();
}

// Seed: a workspace of its own with `prompts` prompts of one committed version each.
const wsName = `baseline-${randomUUID().slice(0, 8)}`;
const ws = (
  await query(`insert into workspaces (id, name) values ($1, $2) returning id`, [randomUUID(), wsName])
).rows[0]!.id as string;
await query(
  `insert into prompts (id, workspace_id, name, last_version) select gen_random_uuid(), $1, 'baseline-' || g, 1 from generate_series(1, $2::int) g`,
  [ws, spec.prompts],
);
await query(
  `insert into versions (id, prompt_id, number, status, template_type, messages, template_format, input_variables, committed_at)
   select gen_random_uuid(), id, 1, 'committed', 'chat', '[{"role":"user","content":"Hello {{name}}"}]', 'mustache', '["name"]', now()
   from prompts where workspace_id = $1`,
  [ws],
);

async function versionInsert(name: string): Promise<void> {
  await runTx(async (q) => {
    const w = (await q(`select id from workspaces where id = $1 and deleted_at is null limit 1`, [ws]))
      .rows[0]!;
    const p = (
      await q(
        `select id, revision, last_version from prompts where workspace_id = $1 and name = $2 and deleted_at is null limit 1 for update`,
        [w.id, name],
      )
    ).rows[0]!;
    const base = (
      await q(
        `select * from versions where prompt_id = $1 and deleted_at is null order by number desc limit 1`,
        [p.id],
      )
    ).rows[0]!;
    await q(
      `update versions set status = 'committed', committed_at = now(), updated_at = now() where prompt_id = $1 and status = 'draft'`,
      [p.id],
    );
    const n = Number(p.last_version) + 1;
    const v = (
      await q(
        `insert into versions (id, prompt_id, number, status, template_type, messages, template_format, input_variables, params, commit_message, committed_at)
         values ($1, $2, $3, 'committed', 'chat', $4, 'mustache', $5, $6, 'bench', now()) returning *`,
        [
          randomUUID(),
          p.id,
          n,
          JSON.stringify(base.messages),
          JSON.stringify(base.input_variables),
          JSON.stringify({ temperature: 0.5 }),
        ],
      )
    ).rows[0]!;
    await q(
      `update prompts set last_version = $2, revision = revision + 1, updated_at = now() where id = $1 returning *`,
      [p.id, n],
    );
    await q(
      `insert into audit_events (workspace_id, action, entity_type, entity_id, before, after) values ($1, 'version.create', 'version', $2, null, $3)`,
      [ws, v.id, JSON.stringify(v)],
    );
  });
}

const latencies: number[] = [];
const deadline = performance.now() + spec.duration * 1000;
let next = 0;
const worker = async () => {
  while (performance.now() < deadline) {
    const name = `baseline-${(next++ % spec.prompts) + 1}`;
    const t0 = performance.now();
    await versionInsert(name);
    latencies.push(performance.now() - t0);
  }
};
const t0 = performance.now();
await Promise.all(Array.from({ length: spec.connections }, worker));
const secs = (performance.now() - t0) / 1000;
latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0;
await close();
process.stdout.write(
  JSON.stringify({
    rps: latencies.length / secs,
    p50: pct(0.5),
    p99: pct(0.99),
    requests: latencies.length,
    non2xx: 0,
    errors: 0,
  }) + '\n',
);
