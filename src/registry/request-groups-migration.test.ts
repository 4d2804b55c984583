// Migration 0011 moves request groups from audit events into request_groups and makes the request
// log's group_id a bigint that references a group of the record's own workspace: groups made
// before it keep their ids, records keep their group (an id no group had gets one), a record that
// cannot point at a group of its workspace loses only that, new ids follow the old ones, and the
// migration runs again over itself unchanged. Both backends: migrated to 0010, given rows, then
// opened as the server opens it (which runs 0011).
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MIGRATIONS_DIR, type Store } from '../store/db.ts';
import { pgUrl } from '../../test/support/stores.ts';
import { upgradePglite, upgradePostgres, type Upgrade } from '../../test/support/upgrade.ts';
import { createRegistry } from './index.ts';
import { rowsOf } from './request-log.ts';

const W = '01900000-0000-7000-8000-000000000001';
const W2 = '01900000-0000-7000-8000-000000000002';
const KEY = '01900000-0000-7000-8000-0000000000ee';
const log = (id: number, ws: string, group: string | null) =>
  `insert into request_logs (id, unique_id, workspace_id, source, group_id, created_at)
     values (${id}, 'u${id}', '${ws}', 'pl.track', ${group === null ? 'null' : `'${group}'`}, '2026-11-30T10:00:0${id}Z')`;
const SEED = [
  `insert into workspaces (id, name) values ('${W}', 'w'), ('${W2}', 'w2')`,
  // A group as wave 4 made it: the audit event is the group, its id the group's id.
  `insert into audit_events (id, workspace_id, actor, action, entity_type, entity_id, after, at)
     values (41, '${W}', '${KEY}', 'request_group.create', 'request_group', '41', '{}', '2026-11-30T09:00:00Z')`,
  log(1, W, '41'),
  log(2, W, '77'), // track-request took any integer: no group had 77
  log(3, W, '77'),
  log(4, W, 'abc'),
  log(5, W2, '41'), // another workspace's group
  log(6, W, null),
];
const STATEMENTS = readFileSync(join(MIGRATIONS_DIR, '0011_request_groups.sql'), 'utf8').split(
  '--> statement-breakpoint',
);

async function check(store: Store) {
  const q = async <T>(text: string) => rowsOf<T>(await store.db.execute(sql.raw(text)));
  const state = async () => ({
    groups: (
      await q<{ id: string | number; workspace_id: string; created_by: string | null }>(
        'select id, workspace_id, created_by from request_groups order by id',
      )
    ).map((g) => ({ ...g, id: Number(g.id) })),
    logs: (
      await q<{ id: string | number; g: string | number | null }>(
        'select id, group_id as g from request_logs order by id',
      )
    ).map((r) => [Number(r.id), r.g === null ? null : Number(r.g)]),
  });
  const before = await state();
  expect(before.groups).toEqual([
    { id: 41, workspace_id: W, created_by: KEY },
    { id: 77, workspace_id: W, created_by: null },
  ]);
  expect(before.logs).toEqual([
    [1, 41],
    [2, 77],
    [3, 77],
    [4, null],
    [5, null],
    [6, null],
  ]);
  const [type] = await q<{ data_type: string }>(
    `select data_type from information_schema.columns where table_schema = current_schema()
       and table_name = 'request_logs' and column_name = 'group_id'`,
  );
  expect(type!.data_type).toBe('bigint');
  // A record cannot name another workspace's group, even written past the registry.
  await expect(store.db.execute(sql.raw(log(7, W2, '41').replace("'41'", '41')))).rejects.toThrow();
  // Runs again over itself: nothing changes.
  for (const s of STATEMENTS) await store.db.execute(sql.raw(s));
  expect(await state()).toEqual(before);
  // New groups follow the moved ones.
  const reg = createRegistry(store);
  const g = await reg.createRequestGroup({ keyId: KEY, role: 'viewer', workspaceId: W });
  expect(g.id).toBeGreaterThan(77);
}

const upgrade: Upgrade = {
  upTo: 9,
  before: async (query) => {
    for (const q of SEED) await query(q);
  },
  check,
};

describe('migration 0011 (request groups)', () => {
  it('moves the groups and keeps every record its group on PGlite', () => upgradePglite(upgrade), 60_000);
  it.skipIf(!pgUrl())(
    'moves the groups and keeps every record its group on PostgreSQL',
    () => upgradePostgres(upgrade),
    60_000,
  );
});
