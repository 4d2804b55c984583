// `npm run stress`: the robustness suites at larger sizes, on PGlite and (when reachable) on
// PostgreSQL, bounded in time, ending with one table of figures. Exit code 1 when any invariant broke.
//   LECTERN_TEST_DATABASE_URL   PostgreSQL to use (default postgres://postgres@127.0.0.1:5432/test)
//   STRESS_SCALE                multiplies the sizes (default 1)
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { openStore, type Store } from '../src/store/db.ts';
import { startTestApp, type TestApp } from '../test/support/app.ts';
import { checkInvariants, dbFingerprint } from '../test/support/invariants.ts';
import { labelRaceStep, replayHistory } from '../test/support/label-race.ts';
import { attackableRoutes, hostileRequest } from '../test/support/hostile.ts';
import { crashScenario } from '../test/support/crash.ts';
import { shutdownScenario } from '../test/support/shutdown.ts';
import { connectionFaultScenario } from '../test/support/connection-faults.ts';
import { DEFAULT_TIMEOUT_MS } from '../src/templates/index.ts';
import {
  checkAcknowledged,
  createTarget,
  routeMatches,
  versionRows,
  writers,
  type Call,
} from '../test/support/writers.ts';

const SCALE = Number(process.env.STRESS_SCALE ?? 1);
const BOMB = '{% for a in range(100000) %}{% for b in range(100000) %}x{% endfor %}{% endfor %}';
const PG_URL = process.env.LECTERN_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

interface Row {
  backend: string;
  writesAttempted: number;
  writesAcknowledged: number;
  presentAfterCrash: string;
  labelSteps: number;
  labelViolations: number;
  fiveXx: number;
  hostileTried: number;
  hostileStateChanges: number;
  invariantViolations: number;
  bombCheapMaxMs: number;
  fairRenderMaxMs: number;
  snippetBomb: string;
  shutdown: string;
  connectionResets: string;
  seconds: number;
}

const log = (msg: string) => process.stderr.write(`[stress] ${msg}\n`);

async function pgReachable(): Promise<boolean> {
  const pg = (await import('pg')).default;
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 1500 });
  try {
    await c.connect();
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => {});
  }
}

async function openFor(backend: 'pglite' | 'postgres'): Promise<Store> {
  if (backend === 'pglite') return openStore({ dataDir: 'memory://' });
  const schema = `stress_${randomBytes(5).toString('hex')}`;
  const store = await openStore({ databaseUrl: PG_URL, pgSchema: schema, poolSize: 40 });
  const close = store.close.bind(store);
  store.close = async () => {
    await store.db.execute(sql.raw(`drop schema if exists ${schema} cascade`)).catch(() => {});
    await close();
  };
  return store;
}

async function runBackend(backend: 'pglite' | 'postgres'): Promise<{ row: Row; problems: string[] }> {
  const started = Date.now();
  const problems: string[] = [];
  const row: Row = {
    backend,
    writesAttempted: 0,
    writesAcknowledged: 0,
    presentAfterCrash: '',
    labelSteps: 0,
    labelViolations: 0,
    fiveXx: 0,
    hostileTried: 0,
    hostileStateChanges: 0,
    invariantViolations: 0,
    bombCheapMaxMs: 0,
    fairRenderMaxMs: 0,
    snippetBomb: '',
    shutdown: '',
    connectionResets: 'n/a',
    seconds: 0,
  };
  const t: TestApp = await startTestApp(
    { name: backend, available: true, open: () => openFor(backend) },
    { bodyLimit: 256 * 1024 },
  );
  const call = t.call as Call;
  try {
    // 1. Concurrent writers: every API alone, then all mixed.
    const clients = 128 * SCALE;
    const live = writers.filter((w) =>
      routeMatches(
        t.app.routeTable,
        ...w.probe({ id: 'x', seq: 1, name: 'x', hex: 'x', workspace: 'default' }),
      ),
    );
    for (const group of [...live.map((w) => [w]), live]) {
      const name = `stress-${group.length > 1 ? 'mix' : group[0]!.api}`;
      const target = await createTarget(call, name);
      const results = await Promise.all(
        Array.from({ length: clients }, (_, i) => group[i % group.length]!.write(call, target, i)),
      );
      row.writesAttempted += results.length;
      const acks = results.filter((r) => r.status >= 200 && r.status < 300);
      row.writesAcknowledged += acks.length;
      row.fiveXx += results.filter((r) => r.status >= 500).length;
      const v = checkAcknowledged(await versionRows(t.store, target.id), acks);
      if (acks.length !== clients) v.push(`${name}: ${clients - acks.length} writes refused`);
      problems.push(...v);
      row.invariantViolations += v.length;
      log(`${backend} writers ${name}: ${acks.length}/${clients} acknowledged`);
    }

    // 2. Label races.
    const admin = (await t.registry.authenticate(t.keys.admin))!;
    const lt = await createTarget(call, 'stress-labels');
    for (let step = 0; step < 15 * SCALE; step++) {
      const r = await labelRaceStep(call, t.app.routeTable, lt, 32, 1000 + step);
      row.fiveXx += r.fiveXx;
      row.labelSteps++;
      const v = [...(await checkInvariants(t.store)), ...(await replayHistory(t.registry, admin, lt))];
      row.labelViolations += v.length;
      problems.push(...v);
    }
    log(`${backend} label races: ${row.labelSteps} steps, ${row.labelViolations} violations`);

    // 3. Hostile input over every route.
    const b = await createTarget(call, 'stress-hostile-b', t.keys.otherEditor, 'other');
    const routes = attackableRoutes(t.app.routeTable);
    const samples = fc.sample(hostileRequest(routes, [lt, b], t.keys), {
      numRuns: 800 * SCALE,
      seed: 424242,
    });
    for (const req of samples) {
      const before = await dbFingerprint(t.store);
      const res = await t.app.inject(req as never);
      row.hostileTried++;
      if (res.statusCode >= 500) {
        row.fiveXx++;
        problems.push(`hostile ${req.method} ${req.url.slice(0, 120)} -> ${res.statusCode}`);
      } else if (res.statusCode >= 400 && (await dbFingerprint(t.store)) !== before) {
        row.hostileStateChanges++;
        problems.push(`hostile ${req.method} ${req.url.slice(0, 120)} -> ${res.statusCode} changed state`);
      }
    }
    log(
      `${backend} hostile: ${row.hostileTried} requests (${Math.round((Date.now() - started) / 1000)} s so far)`,
    );

    // 4. Render bombs against a cheap request's latency.
    const bomb = await call('POST', '/v1/prompts', {
      body: {
        name: 'stress-bomb',
        version: {
          template_format: 'jinja2',
          messages: [
            {
              role: 'user',
              content: BOMB,
            },
          ],
        },
      },
    });
    for (let i = 0; i < 4; i++) {
      const pending = call('POST', `/v1/prompts/${bomb.body.prompt.id}/render`, { body: {} });
      await new Promise((r) => setTimeout(r, 5));
      const s = Date.now();
      await call('GET', `/v1/prompts/${lt.id}`);
      row.bombCheapMaxMs = Math.max(row.bombCheapMaxMs, Date.now() - s);
      const r = await pending;
      if (r.status !== 422) problems.push(`render bomb -> ${r.status}`);
    }
    // 4b. Fairness: one key's render bombs (16 at once) against another key's small renders,
    // which must not wait longer than one render budget.
    const small = await call('POST', '/v1/prompts', {
      body: {
        name: 'stress-small',
        version: { template_format: 'mustache', messages: [{ role: 'user', content: 'Hi {{name}}' }] },
      },
    });
    const smallRender = () =>
      call('POST', `/v1/prompts/${small.body.prompt.id}/render`, { body: { variables: { name: 'Ada' } } });
    await smallRender(); // warm: the first look-up is not what this measures
    let bombsDone = false;
    const bombs = Promise.all(
      Array.from({ length: 16 }, () =>
        call('POST', '/v1/render', {
          key: t.keys.viewer,
          body: { format: 'jinja2', template: BOMB, variables: {} },
        }),
      ),
    ).finally(() => (bombsDone = true));
    await new Promise((r) => setTimeout(r, 20));
    while (!bombsDone) {
      const s = Date.now();
      const r = await smallRender();
      row.fairRenderMaxMs = Math.max(row.fairRenderMaxMs, Date.now() - s);
      if (r.status !== 200) problems.push(`render next to another key's bombs -> ${r.status}`);
    }
    for (const r of await bombs) {
      if (r.status !== 422 && r.status !== 429) problems.push(`render bomb (fairness) -> ${r.status}`);
    }
    if (row.fairRenderMaxMs > DEFAULT_TIMEOUT_MS) {
      problems.push(
        `another key's render waited ${row.fairRenderMaxMs} ms behind bombs (budget ${DEFAULT_TIMEOUT_MS} ms)`,
      );
    }

    // 4c. Snippet-expansion bombs (PromptLayer): 100 characters × 500 × 500 refused at publish.
    const pub = (name: string, content: string, extra: Record<string, unknown> = {}) =>
      call('POST', '/rest/prompt-templates', {
        body: {
          prompt_template: { prompt_name: name, ...extra },
          prompt_version: {
            prompt_template: { type: 'completion', content: [{ type: 'text', text: content }] },
          },
        },
      });
    const snippets = [
      await pub('stress-s100', 'x'.repeat(100), { is_snippet: true }),
      await pub('stress-s500', '@@@stress-s100@@@'.repeat(500), { is_snippet: true }),
    ];
    const huge = await pub('stress-s25m', '@@@stress-s500@@@'.repeat(500));
    const after = await call('GET', `/v1/prompts/${lt.id}`);
    row.snippetBomb = `${snippets.map((r) => r.status).join('+')} then ${huge.status}, next ${after.status}`;
    if (snippets.some((r) => r.status !== 201) || huge.status !== 422 || after.status !== 200) {
      problems.push(`snippet expansion bomb: ${row.snippetBomb}`);
    }
    log(
      `${backend} fairness: other key's render max ${row.fairRenderMaxMs} ms; snippet bomb ${row.snippetBomb}`,
    );

    const finalV = await checkInvariants(t.store);
    row.invariantViolations += finalV.length;
    problems.push(...finalV);
  } finally {
    await t.close();
  }

  // 5. Crash safety: SIGKILL at five points.
  const crash = await crashScenario(backend, {
    pgUrl: PG_URL,
    killAfterMs: [150, 400, 800, 1500].map((x) => x * SCALE),
    clients: 16,
  });
  row.writesAttempted += crash.attempted;
  row.writesAcknowledged += crash.acknowledged;
  row.fiveXx += crash.fiveXx;
  row.presentAfterCrash = `${crash.presentAfterCrash}/${crash.acknowledged}`;
  row.invariantViolations += crash.violations.length;
  problems.push(...crash.violations);
  log(`${backend} crash: ${row.presentAfterCrash} present after ${crash.restarts} kills`);

  // 6. Graceful shutdown under load.
  const sd = await shutdownScenario(backend, {
    pgUrl: PG_URL,
    clients: 16,
    slowRequests: 4,
    signalAfterMs: 800,
  });
  row.writesAttempted += sd.attempted;
  row.writesAcknowledged += sd.acknowledged;
  row.shutdown = `exit ${sd.exitCode}, ${sd.presentAfterRestart}/${sd.acknowledged} kept, ${sd.shutdownMs} ms`;
  if (sd.exitCode !== 0 || sd.presentAfterRestart !== sd.acknowledged)
    problems.push(`shutdown: ${row.shutdown}`);
  problems.push(...sd.unexpected);

  // 7. Connection resets under write load (PostgreSQL): backends terminated inside transactions.
  if (backend === 'postgres') {
    const cf = await connectionFaultScenario({
      pgUrl: PG_URL,
      clients: 16,
      durationMs: 6000 * SCALE,
      killEveryMs: 40,
    });
    row.writesAttempted += cf.attempted;
    row.writesAcknowledged += cf.acknowledged;
    row.connectionResets = `${cf.terminated} killed, ${cf.unavailable}×503, ${cf.survived ? 'survived' : 'DIED'}`;
    row.invariantViolations += cf.violations.length;
    problems.push(...cf.violations.map((v) => `connection resets: ${v}`));
    if (!cf.survived || cf.terminated === 0) problems.push(`connection resets: ${row.connectionResets}`);
    log(`${backend} connection resets: ${row.connectionResets}`);
  }
  row.seconds = Math.round((Date.now() - started) / 1000);
  return { row, problems };
}

async function main() {
  const list: ('pglite' | 'postgres')[] = ['pglite'];
  if (await pgReachable()) list.push('postgres');
  else log(`PostgreSQL not reachable at ${PG_URL}: PGlite only`);
  const rows: Row[] = [];
  const problems: string[] = [];
  // Both backends at once: the run stays within a few minutes.
  for (const r of await Promise.all(list.map((b) => runBackend(b)))) {
    rows.push(r.row);
    problems.push(...r.problems.map((p) => `${r.row.backend}: ${p}`));
  }
  const cols: [keyof Row, string][] = [
    ['backend', 'backend'],
    ['writesAttempted', 'writes attempted'],
    ['writesAcknowledged', 'acknowledged'],
    ['presentAfterCrash', 'present after crash'],
    ['labelSteps', 'label race steps'],
    ['labelViolations', 'label invariant violations'],
    ['fiveXx', '5xx'],
    ['hostileTried', 'hostile requests'],
    ['hostileStateChanges', 'state changes on 4xx'],
    ['invariantViolations', 'other violations'],
    ['bombCheapMaxMs', 'cheap req. during bomb (max ms)'],
    ['shutdown', 'SIGTERM under load'],
    ['fairRenderMaxMs', "other key's render during bombs (max ms)"],
    ['snippetBomb', 'snippet expansion bomb (statuses)'],
    ['connectionResets', 'connection resets under load'],
    ['seconds', 's'],
  ];
  const widths = cols.map(([k, h]) => Math.max(h.length, ...rows.map((r) => String(r[k]).length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(line(cols.map(([, h]) => h)));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) console.log(line(cols.map(([k]) => String(r[k]))));
  if (problems.length) {
    console.log(`\n${problems.length} problem(s):`);
    for (const p of problems.slice(0, 40)) console.log(`  - ${p}`);
    process.exitCode = 1;
  }
}

await main();
