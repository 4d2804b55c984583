import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { randomBytes } from 'node:crypto';
import { openPostgresForTest, pgUrl } from '../../test/support/stores.ts';
import { openStore } from './db.ts';
import { statementNamer } from './pg-named.ts';

describe('statement names', () => {
  it('name a text only once it recurs, and always the same name for it', () => {
    const name = statementNamer({ after: 3, max: 10, counted: 100 });
    expect(name('select $1')).toBeUndefined();
    expect(name('select $1')).toBeUndefined();
    const n = name('select $1');
    expect(n).toMatch(/^lectern_\d+$/);
    expect(name('select $1')).toBe(n);
    for (let i = 0; i < 3; i++) name('select $1, $2');
    expect(name('select $1, $2')).not.toBe(n);
  });

  it('stop naming new texts at the bound, keeping the names given', () => {
    const name = statementNamer({ after: 1, max: 5, counted: 100 });
    const given = Array.from({ length: 8 }, (_, i) => name(`select ${i}, $1`));
    expect(given.filter(Boolean)).toHaveLength(5);
    expect(given.slice(5)).toEqual([undefined, undefined, undefined]);
    expect(name('select 0, $1')).toBe(given[0]);
  });

  it('forget the counts of one-off texts past their bound', () => {
    const name = statementNamer({ after: 2, max: 5, counted: 3 });
    name('a $1');
    for (let i = 0; i < 3; i++) name(`one-off ${i} $1`); // the fourth count clears the table
    expect(name('a $1')).toBeUndefined(); // its first sighting was forgotten
    expect(name('a $1')).toMatch(/^lectern_/);
  });
});

describe.skipIf(!pgUrl())('named statements on PostgreSQL', () => {
  it('prepare a recurring parameterised statement once on its connection, and not a one-off', async () => {
    const store = await openPostgresForTest(1);
    try {
      const tag = randomBytes(4).toString('hex');
      const rows = async (q: ReturnType<typeof sql>) =>
        ((await store.db.execute(q)) as unknown as { rows: Record<string, unknown>[] }).rows;
      const recurring = (i: number) => rows(sql`select ${i}::int + 1 as n, ${sql.raw(`'r${tag}'`)} as t`);
      // Answers are the same whether the statement went unnamed or named.
      for (let i = 0; i < 5; i++) expect((await recurring(i))[0]).toEqual({ n: i + 1, t: `r${tag}` });
      await store.db.execute(sql`select ${1}::int as n, ${sql.raw(`'o${tag}'`)} as t`);
      const prepared = await rows(
        sql`select statement from pg_prepared_statements where statement like ${`%${tag}%`} and statement not like '%pg_prepared_statements%'`,
      );
      expect(prepared.map((r) => String(r.statement))).toEqual([`select $1::int + 1 as n, 'r${tag}' as t`]);
    } finally {
      await store.close();
    }
  });

  it('send every statement unnamed when turned off (a pooler that keeps no prepared statements)', async () => {
    const pgSchema = `t_${randomBytes(6).toString('hex')}`;
    const store = await openStore({ databaseUrl: pgUrl(), pgSchema, poolSize: 1, preparedStatements: false });
    try {
      const tag = randomBytes(4).toString('hex');
      for (let i = 0; i < 5; i++)
        await store.db.execute(sql`select ${i}::int as n, ${sql.raw(`'x${tag}'`)} as t`);
      const prepared = (await store.db.execute(
        sql`select count(*)::int as n from pg_prepared_statements where statement like ${`%x${tag}%`} and statement not like '%pg_prepared_statements%'`,
      )) as unknown as { rows: { n: number }[] };
      expect(prepared.rows[0]!.n).toBe(0);
    } finally {
      await store.db.execute(sql.raw(`drop schema if exists ${pgSchema} cascade`));
      await store.close();
    }
  });
});
