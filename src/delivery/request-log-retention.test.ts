// Retention on both backends: daily partitions made ahead, rows that landed in the default
// partition moved into their day, whole days past the retention dropped (their rows with them),
// and the log still written and read across it all. On PostgreSQL the maintenance lock is the
// schema's own: another schema's maintenance in the same database (other Lectern deployments, other
// test runs) never makes it skip, while one of its own still does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { backends, pgUrl } from '../../test/support/stores.ts';
import { openRegistry } from '../../test/support/registry.ts';
import type { Store } from '../store/db.ts';
import type { Actor } from '../model/types.ts';
import type { TestRegistry } from '../../test/support/verbs.ts';
import { rowsOf, type RequestLogRow } from '../registry/request-log.ts';
import { maintainRequestLog, requestLogPartitions } from './request-log-retention.ts';

const DAY = 86_400_000;

for (const backend of backends) {
  describe.skipIf(!backend.available)(`request log retention on ${backend.name}`, () => {
    let store: Store;
    let reg: TestRegistry;
    let viewer: Actor;
    let workspaceId: string;

    beforeAll(async () => {
      const r = await openRegistry(backend);
      store = r.store;
      reg = r.reg;
      viewer = await r.actor('viewer', 'default');
      workspaceId = viewer.workspaceId!;
    });
    afterAll(() => store.close());

    const at = (t: number, id: number): RequestLogRow => ({
      id,
      uniqueId: `u${id}`,
      workspaceId,
      source: 'native',
      createdAt: new Date(t),
    });
    const where = async (id: number) =>
      rowsOf<{ t: string }>(
        await store.db.execute(sql`select tableoid::regclass::text as t from request_logs where id = ${id}`),
      )[0]?.t;

    it('makes daily partitions, moves stray rows into them and drops days past the retention', async () => {
      const now = Date.UTC(2026, 11, 1, 12);
      const old = now - 40 * DAY;
      // Before any daily partition exists, rows land in the default one.
      await reg.insertRequestLogs([at(old, 1_000_001), at(now, 1_000_002)]);
      expect(await where(1_000_001)).toMatch(/request_logs_default$/);

      const first = await maintainRequestLog(store, { retentionDays: 0, now: new Date(old), aheadDays: 1 });
      expect(first.created).toEqual(['request_logs_p20261022', 'request_logs_p20261023']);
      expect(first.moved).toBe(1);
      expect(await where(1_000_001)).toMatch(/request_logs_p20261022$/);

      const second = await maintainRequestLog(store, { retentionDays: 30, now: new Date(now), aheadDays: 2 });
      expect(second.dropped).toEqual(['request_logs_p20261022', 'request_logs_p20261023']);
      expect(second.created).toEqual([
        'request_logs_p20261201',
        'request_logs_p20261202',
        'request_logs_p20261203',
      ]);
      expect(second.moved).toBe(1);
      expect(await where(1_000_001)).toBeUndefined();
      expect(await where(1_000_002)).toMatch(/request_logs_p20261201$/);

      // Idempotent.
      const third = await maintainRequestLog(store, { retentionDays: 30, now: new Date(now), aheadDays: 2 });
      expect(third).toMatchObject({ created: [], dropped: [], moved: 0 });
      expect(await requestLogPartitions(store.db)).toEqual([
        'request_logs_p20261201',
        'request_logs_p20261202',
        'request_logs_p20261203',
      ]);
    });

    it('deletes expired rows left in the default partition, keeping recent ones', async () => {
      const now = Date.UTC(2026, 11, 1, 12);
      await reg.insertRequestLogs([at(now - 100 * DAY, 1_000_010), at(now - 2 * DAY, 1_000_011)]);
      const r = await maintainRequestLog(store, { retentionDays: 30, now: new Date(now), aheadDays: 2 });
      expect(r.expiredInDefault).toBe(1);
      expect(await where(1_000_010)).toBeUndefined();
      expect(await where(1_000_011)).toMatch(/request_logs_default$/);
    });

    it.skipIf(backend.name !== 'postgres')(
      "another schema's maintenance never makes it skip; one of its own does",
      async () => {
        const schema = rowsOf<{ s: string }>(await store.db.execute(sql`select current_schema() as s`))[0]!.s;
        const other = new pg.Client({ connectionString: pgUrl() });
        await other.connect();
        try {
          await other.query('begin');
          // What the maintenance of another schema holds (and what every schema held before).
          await other.query('select pg_advisory_xact_lock(7402114)');
          await other.query(`select pg_advisory_xact_lock(7402114, hashtext('t_elsewhere'))`);
          const r = await maintainRequestLog(store, { retentionDays: 30, aheadDays: 1 });
          expect(r.skipped).toBe(false);
          await other.query('rollback');
          await other.query('begin');
          await other.query('select pg_advisory_xact_lock(7402114, hashtext($1))', [schema]);
          expect((await maintainRequestLog(store, { retentionDays: 30, aheadDays: 1 })).skipped).toBe(true);
          await other.query('rollback');
        } finally {
          await other.end();
        }
      },
    );

    it('logging keeps working through partition changes', async () => {
      await maintainRequestLog(store, { retentionDays: 30 });
      const r = await reg.logRequest(viewer, { source: 'native', model: 'm' });
      await reg.flushRequestLog();
      expect(await where(Number(r.id))).toMatch(/request_logs_p\d{8}$/);
    });
  });
}
