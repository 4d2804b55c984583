// The request log's partitions (drizzle/0004_request_log.sql): one per UTC day, made a few days
// ahead, and dropped whole once older than the retention (LECTERN_REQUEST_LOG_RETENTION_DAYS).
// Dropping a partition is a catalog change, not a DELETE: no row-by-row work, no vacuum debt, and
// it takes the same time at a thousand rows as at a hundred million.
//
// Rows that found no daily partition (the job had not run yet) sit in the default partition; making
// the day's partition moves them into it in the same transaction. Several processes on one
// PostgreSQL may run this at once: a transaction-scoped advisory lock lets one of them do it. The
// lock is per schema: advisory locks are database-wide, and deployments (or test runs) in other
// schemas of the same database have request logs of their own to maintain — sharing one key made
// each skip its maintenance whenever another held it (the retention test's flake under load).
import { sql } from 'drizzle-orm';
import type { Store, Tx } from '../store/db.ts';
import { rowsOf } from '../registry/request-log.ts';

const DAY_MS = 86_400_000;
const LOCK = 7_402_114; // advisory lock id (db.ts uses 7_402_113 for migrations)
const PREFIX = 'request_logs_p';

export interface MaintenanceOptions {
  /** Days of log kept; 0 keeps everything. */
  retentionDays: number;
  /** Daily partitions made ahead of today. */
  aheadDays?: number;
  /** The clock (tests move it). */
  now?: Date;
}

export interface MaintenanceReport {
  created: string[];
  dropped: string[];
  /** Rows moved out of the default partition into daily ones. */
  moved: number;
  /** Rows older than the retention deleted from the default partition. */
  expiredInDefault: number;
  /** Another process held the lock: nothing done. */
  skipped: boolean;
}

const dayStart = (t: number) => Math.floor(t / DAY_MS) * DAY_MS;
const nameOf = (day: number) => PREFIX + new Date(day).toISOString().slice(0, 10).replace(/-/g, '');
const dayOf = (name: string): number | null => {
  const m = /^request_logs_p(\d{4})(\d{2})(\d{2})$/.exec(name);
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : null;
};
const iso = (t: number) => new Date(t).toISOString();

/** The daily partitions that exist, by name. */
export async function requestLogPartitions(db: Store['db'] | Tx): Promise<string[]> {
  const r = await db.execute(sql`
    select c.relname as name from pg_inherits i
      join pg_class c on c.oid = i.inhrelid
     where i.inhparent = 'request_logs'::regclass
     order by c.relname`);
  return rowsOf<{ name: string }>(r)
    .map((x) => x.name)
    .filter((n) => dayOf(n) !== null);
}

export async function maintainRequestLog(store: Store, opts: MaintenanceOptions): Promise<MaintenanceReport> {
  const now = (opts.now ?? new Date()).getTime();
  const ahead = opts.aheadDays ?? 3;
  const report: MaintenanceReport = {
    created: [],
    dropped: [],
    moved: 0,
    expiredInDefault: 0,
    skipped: false,
  };
  await store.db.transaction(async (tx) => {
    const got = rowsOf<{ ok: boolean }>(
      await tx.execute(sql`select pg_try_advisory_xact_lock(${LOCK}, hashtext(current_schema())) as ok`),
    );
    if (!got[0]?.ok) {
      report.skipped = true;
      return;
    }
    const existing = new Set(await requestLogPartitions(tx));
    const cutoff = opts.retentionDays > 0 ? dayStart(now) - opts.retentionDays * DAY_MS : null;
    for (const name of existing) {
      const day = dayOf(name)!;
      // A partition goes once its whole day is older than the retention.
      if (cutoff !== null && day + DAY_MS <= cutoff) {
        await tx.execute(sql.raw(`drop table "${name}"`));
        report.dropped.push(name);
      }
    }
    if (cutoff !== null) {
      const r = await tx.execute(
        sql`with gone as (delete from request_logs_default where created_at < ${iso(cutoff)}::timestamptz returning 1)
            select count(*)::int as n from gone`,
      );
      report.expiredInDefault = Number(rowsOf<{ n: number }>(r)[0]?.n ?? 0);
    }
    for (let d = dayStart(now); d <= dayStart(now) + ahead * DAY_MS; d += DAY_MS) {
      const name = nameOf(d);
      if (existing.has(name)) continue;
      const from = iso(d);
      const to = iso(d + DAY_MS);
      // Made detached, filled with the day's rows from the default partition, then attached:
      // attaching a range the default partition still holds rows of would fail.
      await tx.execute(
        sql.raw(`create table "${name}" (like request_logs including defaults including constraints)`),
      );
      const moved = await tx.execute(
        sql.raw(`with m as (delete from request_logs_default
                   where created_at >= '${from}'::timestamptz and created_at < '${to}'::timestamptz returning *),
                 ins as (insert into "${name}" select * from m returning 1)
                 select count(*)::int as n from ins`),
      );
      report.moved += Number(rowsOf<{ n: number }>(moved)[0]?.n ?? 0);
      await tx.execute(
        sql.raw(
          `alter table request_logs attach partition "${name}" for values from ('${from}') to ('${to}')`,
        ),
      );
      report.created.push(name);
    }
  });
  return report;
}

/** Runs the maintenance now and then every `everyMs`; returns a stop function. */
export function startRequestLogMaintenance(
  store: Store,
  opts: MaintenanceOptions & { everyMs?: number; onError?: (err: unknown) => void },
): { stop(): Promise<void>; ran: Promise<void> } {
  let running: Promise<void> = Promise.resolve();
  const run = () =>
    (running = running
      .then(() => maintainRequestLog(store, { retentionDays: opts.retentionDays, aheadDays: opts.aheadDays }))
      .then(
        () => {},
        (err) => opts.onError?.(err),
      ));
  const ran = run();
  const timer = setInterval(() => void run(), opts.everyMs ?? 3_600_000);
  timer.unref();
  return {
    ran,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
