// `npx tsx bench/notify-commit-probe.ts`: what a NOTIFY inside a transaction costs PostgreSQL's
// commit throughput. 32 connections commit one-insert transactions for 5 s, alternately without
// and with a `pg_notify` in the transaction, 3 rounds. PostgreSQL takes one global lock for the
// commit of every transaction that queued a notification, held through its WAL flush, so the
// second figure is bounded by one commit at a time (why prompt changes are published after
// commit: src/registry/change-publisher.ts).
import pg from 'pg';

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const table = `notify_probe_${process.pid}`;
const pool = new pg.Pool({ connectionString: url, max: 32 });
await pool.query(`create table ${table} (id serial primary key, v text)`);

async function commitsPerSecond(notify: boolean, secs = 5): Promise<number> {
  let n = 0;
  const end = Date.now() + secs * 1000;
  const insert = `insert into ${table} (v) values ('x') returning id`;
  const text = notify ? `with i as (${insert}) select pg_notify('${table}', 'x') from i` : insert;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (Date.now() < end) {
        const c = await pool.connect();
        try {
          await c.query('begin');
          await c.query(text);
          await c.query('commit');
          n++;
        } finally {
          c.release();
        }
      }
    }),
  );
  return n / secs;
}

try {
  for (let round = 1; round <= 3; round++) {
    const plain = await commitsPerSecond(false);
    const notifying = await commitsPerSecond(true);
    console.log(
      `round ${round}: ${plain.toFixed(0)} commits/s without NOTIFY, ${notifying.toFixed(0)} with (load ${(await import('node:os')).loadavg()[0]!.toFixed(1)})`,
    );
  }
} finally {
  await pool.query(`drop table ${table}`);
  await pool.end();
}
