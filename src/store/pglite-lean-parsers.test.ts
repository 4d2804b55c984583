import { describe, expect, it } from 'vitest';
import { PGlite, type QueryOptions } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { PglitePreparedQuery } from 'drizzle-orm/pglite/session';
import { sql } from 'drizzle-orm';
import { leanDrizzleClient, leanOptions } from './pglite-lean-parsers.ts';

// Dates, timestamps, intervals and their arrays, through drizzle's typed and raw paths.
const typed = sql`select now()::timestamptz as tz, '2026-01-02 03:04:05'::timestamp as ts,
  '2026-01-02'::date as d, '1 day 02:00'::interval as iv, array['2026-01-02']::date[] as ds,
  array[1.5, 2]::numeric[] as ns, '{"b":1,"a":2}'::json as j`;

async function readBoth(db: ReturnType<typeof drizzle>) {
  const raw = await db.execute(typed);
  const inTx = await db.transaction((tx) => tx.execute(typed));
  return { raw: raw.rows[0], inTx: inTx.rows[0] };
}

describe('drizzle over PGlite without per-query parsers', () => {
  it('drops exactly the parsers drizzle sends with every query', () => {
    const q = new PglitePreparedQuery(
      {} as never,
      'select 1',
      [],
      { logQuery() {} } as never,
      undefined as never,
      undefined,
      undefined,
      undefined,
      undefined,
      false,
    );
    // drizzle's own option objects (private fields of its prepared query).
    const seen = q as unknown as Record<'queryConfig' | 'rawQueryConfig', QueryOptions>;
    for (const o of [seen.queryConfig, seen.rawQueryConfig]) {
      const lean = leanOptions(o);
      expect(lean).not.toBe(o);
      expect(lean).toEqual({ rowMode: o.rowMode });
    }
    // Anything else is passed on untouched.
    const other = { rowMode: 'array' as const, parsers: { 25: (v: string) => v.toUpperCase() } };
    expect(leanOptions(other)).toBe(other);
  });

  // One PGlite (its start-up is slow on a loaded machine): read plainly first, then made lean.
  it(
    'reads every value as drizzle over a plain PGlite does, in and out of transactions',
    { timeout: 180_000 },
    async () => {
      const pg = await PGlite.create();
      try {
        const a = await readBoth(drizzle({ client: pg }));
        const b = await readBoth(drizzle({ client: leanDrizzleClient(pg) as PGlite }));
        for (const r of [a.raw, a.inTx, b.raw, b.inTx]) delete (r as Record<string, unknown>)['tz'];
        expect(b).toEqual(a);
        expect(typeof (b.raw as Record<string, unknown>)['ts']).toBe('string');
      } finally {
        await pg.close();
      }
    },
  );
});
