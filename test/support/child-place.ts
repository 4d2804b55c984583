// Where crash and shutdown tests put a child server's data (a fresh PGlite directory or a fresh
// PostgreSQL schema), and a Call over real HTTP to reach it.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startChildServer, type ChildServer } from './child-server.ts';
import type { Call, CallResult } from './writers.ts';

// One per test process: a client of another run's server (a stray load loop, a port reused) is
// refused instead of writing into this run's server.
export const CHILD_ADMIN_KEY = `lec_robustness_admin_${randomBytes(16).toString('hex')}`;

/** Where a child keeps its data: a fresh PGlite directory or a fresh PostgreSQL schema. */
export interface DataPlace {
  backend: 'pglite' | 'postgres';
  env: Record<string, string>;
  dataDir?: string;
  pgUrl?: string;
  pgSchema?: string;
}

export function freshPlace(backend: 'pglite' | 'postgres', pgUrl?: string): DataPlace {
  if (backend === 'pglite') {
    const dataDir = mkdtempSync(join(tmpdir(), 'lectern-crash-'));
    return { backend, dataDir, env: { LECTERN_DATA_DIR: dataDir } };
  }
  const pgSchema = `crash_${randomBytes(5).toString('hex')}`;
  return { backend, pgUrl, pgSchema, env: { DATABASE_URL: pgUrl!, LECTERN_PG_SCHEMA: pgSchema } };
}

/** Starts `lectern serve` on a place, with the robustness admin key and no rate limit. */
export function startOn(place: DataPlace, extraEnv: Record<string, string> = {}): Promise<ChildServer> {
  return startChildServer({
    LECTERN_ADMIN_KEY: CHILD_ADMIN_KEY,
    LECTERN_RATE_LIMIT: '0',
    ...place.env,
    ...extraEnv,
  });
}

/** A Call over real HTTP; a refused or broken connection answers status 0. */
export function httpCall(baseUrl: string, defaultKey = CHILD_ADMIN_KEY): Call {
  return async (method, url, opts = {}) => {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    const key = opts.key === undefined ? defaultKey : opts.key;
    if (key !== null) headers.authorization = `Bearer ${key}`;
    let body: string | undefined;
    if (opts.body !== undefined) {
      body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    try {
      const res = await fetch(baseUrl + url, { method, headers, body });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        /* not JSON */
      }
      return { status: res.status, body: parsed, headers: Object.fromEntries(res.headers) } as CallResult;
    } catch (err) {
      return { status: 0, body: String((err as Error).cause ?? err), headers: {} };
    }
  };
}
