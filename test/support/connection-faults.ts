// The connection-reset fault shared by the CI suite and `npm run stress`: a real server on
// PostgreSQL takes writes through every writing API while its backends are terminated — those idle
// inside a transaction (the state a checked-out client is in between statements) and, now and then,
// those running a query. Checked: the process lives on; every affected request fails as a 503 with
// Retry-After in its own API's envelope (no other 5xx); the next requests succeed; every
// acknowledged write is in the store, whole.
import { openStore } from '../../src/store/db.ts';
import { startChildServer, type ChildServer } from './child-server.ts';
import { CHILD_ADMIN_KEY, httpCall } from './child-place.ts';
import { createPgRole } from './pg-role.ts';
import {
  checkAcknowledged,
  createTarget,
  versionRows,
  writers,
  type Call,
  type WriteResult,
} from './writers.ts';

export interface ConnectionFaultReport {
  attempted: number;
  acknowledged: number;
  /** Requests answered 503 with Retry-After in their API's envelope. */
  unavailable: number;
  /** The same, by API (native, promptlayer, keywordsai, nemo). */
  unavailableByApi: Record<string, number>;
  /** Backends terminated under load. */
  terminated: number;
  survived: boolean;
  violations: string[];
}

/** The API a path belongs to. */
function apiOf(url: string): string {
  if (url.startsWith('/v1/')) return 'native';
  if (url.startsWith('/api/prompts')) return 'keywordsai';
  if (url.startsWith('/apis/')) return 'nemo';
  return 'promptlayer';
}

/** The envelope each API answers a 503 in. */
function envelopeOk(url: string, body: any): boolean {
  const api = apiOf(url);
  if (api === 'native') return body?.error?.code === 'unavailable';
  if (api === 'promptlayer') return body?.success === false && typeof body?.message === 'string';
  return typeof body?.detail === 'string'; // Keywords AI (DRF) and NeMo (FastAPI)
}

export async function connectionFaultScenario(opts: {
  pgUrl: string;
  clients: number;
  durationMs: number;
  killEveryMs: number;
}): Promise<ConnectionFaultReport> {
  const report: ConnectionFaultReport = {
    attempted: 0,
    acknowledged: 0,
    unavailable: 0,
    unavailableByApi: {},
    terminated: 0,
    survived: false,
    violations: [],
  };
  const role = await createPgRole(opts.pgUrl);
  let child: ChildServer | undefined;
  try {
    child = await startChildServer({
      DATABASE_URL: role.url,
      LECTERN_PG_SCHEMA: role.schema,
      LECTERN_ADMIN_KEY: CHILD_ADMIN_KEY,
      LECTERN_RATE_LIMIT: '0',
      LECTERN_PG_POOL_SIZE: '8',
    });
    const plain = httpCall(child.url);
    const call: Call = async (method, url, o) => {
      const r = await plain(method, url, o);
      if (r.status === 503) {
        if (!r.headers['retry-after']) report.violations.push(`${method} ${url}: 503 without Retry-After`);
        else if (!envelopeOk(url, r.body))
          report.violations.push(`${method} ${url}: 503 outside its envelope: ${JSON.stringify(r.body)}`);
        else {
          report.unavailable++;
          const api = apiOf(url);
          report.unavailableByApi[api] = (report.unavailableByApi[api] ?? 0) + 1;
        }
      } else if (r.status >= 500 || r.status === 0) {
        report.violations.push(`${method} ${url}: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
      }
      return r;
    };
    const target = await createTarget(plain, 'fault-target');
    const acks: WriteResult[] = [];
    let stop = false;
    let counter = 0;
    const loops = Array.from({ length: opts.clients }, async (_, c) => {
      while (!stop) {
        const i = counter++;
        const r = await writers[(i + c) % writers.length]!.write(call, target, i);
        report.attempted++;
        if (r.status >= 200 && r.status < 300) acks.push(r);
        if (r.status === 0) return; // the server is gone
      }
    });
    const killer = (async () => {
      for (let round = 0; !stop; round++) {
        const states = round % 5 === 4 ? ['idle in transaction', 'active'] : ['idle in transaction'];
        const r = await role.admin(
          `select pg_terminate_backend(pid) as t from pg_stat_activity
            where usename = $1 and state = any($2) and pid <> pg_backend_pid()`,
          [role.role, states],
        );
        report.terminated += r.rows.filter((x) => x.t).length;
        await new Promise((res) => setTimeout(res, opts.killEveryMs));
      }
    })();
    await new Promise((res) => setTimeout(res, opts.durationMs));
    stop = true;
    await Promise.all([...loops, killer]);

    report.survived = child.proc.exitCode === null && child.proc.signalCode === null;
    if (!report.survived) {
      report.violations.push(`the server died: ${child.output().slice(-1500)}`);
      return report;
    }
    // Once the faults stop, the very next requests succeed (the pool replaced its dead clients).
    for (const w of writers) {
      const r = await w.write(plain, target, counter++);
      if (r.status < 200 || r.status >= 300) report.violations.push(`${w.api} after the faults: ${r.status}`);
      else acks.push(r);
    }
    const read = await plain('GET', `/v1/prompts/${target.id}`);
    if (read.status !== 200) report.violations.push(`read after the faults: ${read.status}`);
    report.acknowledged = acks.length;
    const exit = await child.stop('SIGTERM');
    if (exit !== 0) report.violations.push(`graceful stop exited with ${exit}`);
    const store = await openStore({ databaseUrl: role.url, pgSchema: role.schema, poolSize: 2 });
    try {
      report.violations.push(...checkAcknowledged(await versionRows(store, target.id), acks));
    } finally {
      await store.close();
    }
  } finally {
    if (child && child.proc.exitCode === null && child.proc.signalCode === null) child.proc.kill('SIGKILL');
    await role.drop();
  }
  return report;
}
