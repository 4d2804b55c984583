// When a process's change feed (its LISTEN connection) cannot come back — here: its backend is
// terminated and its role may open no new connection, as when the server's connection limit is
// reached — that process must not serve what it cached: it reads the database, says so in its
// log, /readyz and /metrics, and once the feed is back it drops the cache and resumes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/db.ts';
import { createRegistry, type Registry } from '../../src/registry/index.ts';
import { startChangeFeed, type ChangeFeed } from '../../src/server/change-feed.ts';
import type { Actor } from '../../src/model/types.ts';
import { startChildServer, type ChildServer } from '../support/child-server.ts';
import { CHILD_ADMIN_KEY, httpCall } from '../support/child-place.ts';
import { createPgRole, type PgRole } from '../support/pg-role.ts';
import { pgUrl } from '../support/stores.ts';
import type { Call } from '../support/writers.ts';
import { withVerbs } from '../support/verbs.ts';

const url = pgUrl();
const root: Actor = { keyId: '00000000-0000-7000-8000-000000000000', role: 'admin', workspaceId: null };

async function until(what: string, limitMs: number, ok: () => Promise<boolean>): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    if (await ok()) return Date.now() - t0;
    if (Date.now() - t0 > limitMs) throw new Error(`${what}: not within ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(!url)('a process whose change feed is down', () => {
  let role: PgRole;
  let a: ChildServer;
  let call: Call;
  // Process B: another writer on the same schema (as the superuser, which no role limit binds).
  let bStore: Store;
  let b: Registry;
  let bFeed: ChangeFeed;

  beforeAll(async () => {
    role = await createPgRole(url, 'lec_feed');
    a = await startChildServer({
      DATABASE_URL: role.url,
      LECTERN_PG_SCHEMA: role.schema,
      LECTERN_ADMIN_KEY: CHILD_ADMIN_KEY,
      LECTERN_RATE_LIMIT: '0',
    });
    call = httpCall(a.url);
    bStore = await openStore({ databaseUrl: url, pgSchema: role.schema, poolSize: 2 });
    b = createRegistry(bStore);
    bFeed = await startChangeFeed(bStore, b);
  }, 120_000);
  afterAll(async () => {
    await role?.admin(`alter role ${role.role} connection limit -1`).catch(() => {});
    await a?.stop();
    await bFeed?.stop();
    await bStore?.close();
    await role?.drop();
  });

  const served = async (id: string) => {
    const r = await call('GET', `/v1/prompts/${id}/resolve?label=production`);
    expect(r.status).toBe(200);
    return r.body.version.number as number;
  };
  /** The text both render APIs give for the `production` version (their look-ups are memoised). */
  const rendered = async (id: string) => {
    const pl = await call('POST', '/prompt-templates/feed-outage', {
      body: { label: 'production', input_variables: { x: 'X' } },
    });
    const native = await call('POST', `/v1/prompts/${id}/render`, {
      body: { label: 'production', variables: { x: 'X' } },
    });
    expect([pl.status, native.status]).toEqual([200, 200]);
    return [pl.body.prompt_template.messages[0].content[0].text, native.body.messages[0].content];
  };
  const ready = async () => (await call('GET', '/readyz', { key: null })).body;
  const feedMetric = async () => {
    const text = (await call('GET', '/metrics', { key: null })).body as string;
    return /^lectern_change_feed_up (\d)/m.exec(text)?.[1];
  };

  it('reads the database instead of its cache, reports it, and resumes from an empty cache once back', async () => {
    const created = await call('POST', '/v1/prompts', {
      body: {
        name: 'feed-outage',
        version: { messages: [{ role: 'user', content: 'one' }] },
        labels: ['production'],
      },
    });
    expect(created.status).toBe(201);
    const id = created.body.prompt.id as string;
    expect(
      (
        await call('POST', `/v1/prompts/${id}/versions`, {
          body: { messages: [{ role: 'user', content: 'two' }] },
        })
      ).status,
    ).toBe(201);
    expect(await served(id)).toBe(1);
    expect(await served(id)).toBe(1); // now answered from A's cache
    expect(await rendered(id)).toEqual(['one', 'one']);
    expect(await rendered(id)).toEqual(['one', 'one']); // the renders' look-ups from A's memo
    expect(await ready()).toEqual({ status: 'ready' });
    expect(await feedMetric()).toBe('1');

    // The fault: A's LISTEN backend is terminated and A's role may open no new connection.
    await role.admin(`alter role ${role.role} connection limit 0`);
    const killed = await role.admin(
      `select pg_terminate_backend(pid) from pg_stat_activity where usename = $1 and application_name = 'lectern-listener'`,
      [role.role],
    );
    expect(killed.rowCount).toBe(1);
    await until('readyz reports the feed down', 5000, async () => (await ready()).status === 'degraded');
    expect(await ready()).toMatchObject({ status: 'degraded', change_feed: 'down' });
    expect(await feedMetric()).toBe('0');
    expect(a.output()).toMatch(/change feed down/);

    // B moves the label; A cannot hear of it, and must not answer from its cache.
    await withVerbs(b).setLabel(root, { id }, 'production', { number: 2 });
    expect(await served(id)).toBe(2);
    expect(await rendered(id)).toEqual(['two', 'two']);
    await withVerbs(b).setLabel(root, { id }, 'production', { number: 1 });
    expect(await served(id)).toBe(1);
    expect(await rendered(id)).toEqual(['one', 'one']);

    // The feed comes back: A says so, and answers from a cache that starts empty.
    await role.admin(`alter role ${role.role} connection limit -1`);
    await until('readyz reports the feed back', 15_000, async () => (await ready()).status === 'ready');
    expect(await feedMetric()).toBe('1');
    expect(a.output()).toMatch(/change feed restored/);
    expect(await served(id)).toBe(1);
    await withVerbs(b).setLabel(root, { id }, 'production', { number: 2 });
    await until('A hears of B again', 3000, async () => (await served(id)) === 2);
    await until('A renders what B moved', 3000, async () => (await rendered(id))[0] === 'two');
    expect(await rendered(id)).toEqual(['two', 'two']);
  }, 120_000);
});
