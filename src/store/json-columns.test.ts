// Migration 0003 turns the jsonb columns clients' objects live in into json: data written before
// it survives with the same values (in jsonb's key order, which is all it kept), and what is
// written after it keeps its order. Both backends: each is migrated to 0002, given rows, then
// opened as the server opens it (which runs 0003).
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Store } from './db.ts';
import { versions } from './schema.ts';
import { pgUrl } from '../../test/support/stores.ts';
import { upgradePglite, upgradePostgres, type Upgrade } from '../../test/support/upgrade.ts';
import { parseStoredJson } from './json-columns.ts';
import type { JsonObject } from '../model/types.ts';

const W = '01900000-0000-7000-8000-000000000001';
const P = '01900000-0000-7000-8000-000000000002';
const V = '01900000-0000-7000-8000-000000000003';
const SEED = [
  `insert into workspaces (id, name, metadata) values ('${W}', 'w', '{"z": 1, "a": 2}')`,
  `insert into prompts (id, workspace_id, name, metadata) values ('${P}', '${W}', 'p', '{"team": "x", "10": 1, "2": 2}')`,
  `insert into versions (id, prompt_id, number, status, template_type, template_format, messages, params, json_schema, tools, tool_choice)
     values ('${V}', '${P}', 1, 'committed', 'chat', 'mustache', '[{"role": "user", "content": "hi"}]',
             '{"temperature": 0.5, "top_p": 1}', '{"properties": {"answer": {"type": "string"}, "reasoning": {"type": "string"}}}',
             '[{"type": "function", "function": {"name": "f"}}]', '"auto"')`,
];

async function check(store: Store) {
  const [row] = await store.db.select().from(versions).where(eq(versions.id, V));
  // The values survive (jsonb had already sorted their keys: shortest first).
  expect(row!.params).toEqual({ top_p: 1, temperature: 0.5 });
  expect(JSON.stringify(row!.jsonSchema)).toBe(
    '{"properties":{"answer":{"type":"string"},"reasoning":{"type":"string"}}}',
  );
  expect(row!.tools).toEqual([{ type: 'function', function: { name: 'f' } }]);
  // A JSON string value stays a string (not parsed twice).
  expect(row!.toolChoice).toBe('auto');
  expect(row!.messages).toEqual([{ role: 'user', content: 'hi' }]);
  const types = await store.db.execute(
    sql`select data_type from information_schema.columns where table_name = 'versions' and column_name = 'params' and table_schema = current_schema()`,
  );
  const list = (Array.isArray(types) ? types : (types as { rows: unknown[] }).rows) as {
    data_type: string;
  }[];
  expect(list[0]!.data_type).toBe('json');
  // Written after the migration: the order sent, integer-like keys included.
  const params = parseStoredJson('{"top_p":1,"temperature":0.5,"2":true}') as JsonObject;
  await store.db.update(versions).set({ params }).where(eq(versions.id, V));
  const [after] = await store.db.select().from(versions).where(eq(versions.id, V));
  expect(JSON.stringify(after!.params)).toBe('{"top_p":1,"temperature":0.5,"2":true}');
  // Metadata filters (jsonb operators) still work on the json column.
  const hit = await store.db.execute(
    sql`select count(*)::int as n from prompts where (metadata)::jsonb #>> '{team}' = 'x'`,
  );
  const rows = (Array.isArray(hit) ? hit : (hit as { rows: unknown[] }).rows) as { n: number }[];
  expect(rows[0]!.n).toBe(1);
}

const upgrade: Upgrade = {
  upTo: 2,
  before: async (query) => {
    for (const q of SEED) await query(q);
  },
  check,
};

describe('migration 0003 (jsonb → json)', () => {
  it('keeps the data written before it on PGlite', () => upgradePglite(upgrade), 60_000);
  it.skipIf(!pgUrl())(
    'keeps the data written before it on PostgreSQL',
    () => upgradePostgres(upgrade),
    60_000,
  );
});
