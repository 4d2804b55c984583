// Migration 0014 drops webhook_deliveries_due, which the per-endpoint due index (0009) made
// redundant: a database migrated before it loses the index when the server opens it, and the
// indexes of due deliveries left are the per-endpoint one. Both backends: migrated to 0013, then
// opened as the server opens it (which runs 0014).
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Store } from '../store/db.ts';
import { pgUrl } from '../../test/support/stores.ts';
import { upgradePglite, upgradePostgres, type Upgrade } from '../../test/support/upgrade.ts';
import { rowsOf } from './outbox.ts';

const INDEXES = `select indexname from pg_indexes where schemaname = current_schema()
  and tablename = 'webhook_deliveries' order by indexname`;

async function indexesAfterUpgrade(store: Store) {
  return rowsOf<{ indexname: string }>(await store.db.execute(sql.raw(INDEXES))).map((r) => r.indexname);
}

const AFTER = [
  'webhook_deliveries_endpoint',
  'webhook_deliveries_endpoint_due',
  'webhook_deliveries_event',
  'webhook_deliveries_once',
  'webhook_deliveries_pkey',
];

const upgrade: Upgrade = {
  upTo: 12,
  before: async (query) =>
    expect((await query(INDEXES)).map((r) => r.indexname)).toContain('webhook_deliveries_due'),
  check: async (store) => expect(await indexesAfterUpgrade(store)).toEqual(AFTER),
};

describe('migration 0014 (webhook_deliveries_due dropped)', () => {
  it('drops the index from a database migrated before it, on PGlite', () => upgradePglite(upgrade), 60_000);
  it.skipIf(!pgUrl())(
    'drops the index from a database migrated before it, on PostgreSQL',
    () => upgradePostgres(upgrade),
    60_000,
  );
});
