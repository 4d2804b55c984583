// A PostgreSQL login role of its own with a schema it owns, so a test (or `npm run stress`) can
// single out one Lectern process's connections in pg_stat_activity — to terminate them, or to
// refuse it new ones (CONNECTION LIMIT) — without touching the other tests sharing the server.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface PgRole {
  role: string;
  /** The schema (named like the role, owned by it). */
  schema: string;
  /** A connection URL that logs in as the role. */
  url: string;
  /** Runs SQL as the superuser of `adminUrl`. */
  admin(text: string, values?: unknown[]): Promise<pg.QueryResult>;
  /** Drops the schema and the role (terminating what is left of its connections). */
  drop(): Promise<void>;
}

export async function createPgRole(adminUrl: string, prefix = 'lec_fault'): Promise<PgRole> {
  const role = `${prefix}_${randomBytes(5).toString('hex')}`;
  const client = new pg.Client({ connectionString: adminUrl });
  client.on('error', () => {});
  await client.connect();
  await client.query(`create role ${role} login`);
  await client.query(`create schema ${role} authorization ${role}`);
  const url = new URL(adminUrl);
  // Lectern runs `create schema if not exists`, which needs the right even when the schema exists.
  await client.query(`grant create on database "${url.pathname.slice(1)}" to ${role}`);
  url.username = role;
  url.password = '';
  return {
    role,
    schema: role,
    url: url.toString(),
    admin: (text, values) => client.query(text, values as unknown[]),
    async drop() {
      await client.query(`drop schema if exists ${role} cascade`).catch(() => {});
      await client
        .query('select pg_terminate_backend(pid) from pg_stat_activity where usename = $1', [role])
        .catch(() => {});
      for (let i = 0; i < 20; i++) {
        try {
          await client.query(`drop owned by ${role}`); // the grant on the database
          await client.query(`drop role if exists ${role}`);
          break;
        } catch {
          await new Promise((r) => setTimeout(r, 100)); // its last backends are still exiting
        }
      }
      await client.end().catch(() => {});
    },
  };
}
