// The one-parameter many-row insert stores exactly what drizzle's own insert stores: the same rows
// of the request log written both ways, including hostile text, JSON with integer-like keys (whose
// order `json` keeps), JSON string and null values, text arrays and omitted columns (defaults),
// read back column by column on both backends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { getTableColumns, inArray, sql } from 'drizzle-orm';
import { backends } from '../../test/support/stores.ts';
import { requestLogs } from './schema.ts';
import type { Store } from './db.ts';
import { insertJsonRows, rowJson, rowsAsJson } from './json-rows-insert.ts';
import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';

const WS = '01900000-0000-7000-8000-0000000000aa';

// Text PostgreSQL can hold (no NUL), with quotes, backslashes, escapes and astral characters.
const hostile = fc
  .string({ unit: 'binary', maxLength: 24 })
  .map((s) => s.replace(/\u0000/g, '') + `"\\'\u2028😀`);
const jsonValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Object.is(d, -0)),
    hostile,
    fc.array(tie('v'), { maxLength: 3 }),
    fc.dictionary(fc.oneof(hostile, fc.nat({ max: 99 }).map(String)), tie('v'), {
      maxKeys: 4,
      noNullPrototype: true,
    }),
  ),
})).v;

const row = fc.record(
  {
    source: fc.constantFrom('native', 'ka.gateway', 'promptlayer'),
    model: fc.option(hostile),
    label: fc.option(hostile),
    versionNumber: fc.option(fc.integer({ min: 1, max: 1_000_000 })),
    inputVariables: fc.option(
      fc.dictionary(fc.nat({ max: 20 }).map(String), jsonValue, { maxKeys: 4, noNullPrototype: true }),
    ),
    request: jsonValue,
    response: fc.option(jsonValue),
    latencyMs: fc.option(fc.double({ min: 0, max: 1e6, noNaN: true })),
    status: fc.constantFrom('success', 'warning', 'error'),
    tags: fc.array(hostile, { maxLength: 3 }),
    metadata: fc.dictionary(hostile, jsonValue, { maxKeys: 3, noNullPrototype: true }),
    stream: fc.boolean(),
    startTime: fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }),
  },
  { requiredKeys: ['source'] },
);

const COLUMNS = [
  'source',
  'model',
  'label',
  'version_number',
  'input_variables::text',
  'request::text',
  'response::text',
  'latency_ms',
  'status',
  'tags',
  'metadata::text',
  'scores::text',
  'stream',
  'bodies_omitted',
  'start_time',
];

for (const backend of backends) {
  describe.skipIf(!backend.available)(`insertJsonRows on ${backend.name}`, () => {
    let store: Store;
    beforeAll(async () => {
      store = await backend.open();
    });
    afterAll(() => store?.close());

    const read = async (ids: number[]) => {
      const r = (await store.db.execute(
        sql.raw(
          `select id, ${COLUMNS.join(', ')} from request_logs where id in (${ids.join(',')}) order by id`,
        ),
      )) as unknown as { rows: Record<string, unknown>[] };
      return r.rows.map(({ id: _id, ...rest }) => rest);
    };

    it('stores what drizzle stores, for any row', async () => {
      let next = 1;
      await fc.assert(
        fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 4 }), async (rows) => {
          const createdAt = new Date();
          const mk = (r: (typeof rows)[number]) => ({
            ...r,
            id: next++,
            uniqueId: `u${next}`,
            workspaceId: WS,
            createdAt,
          });
          // The arbitraries make JSON values; the column types want the model's Json.
          const viaDrizzle = rows.map(mk) as unknown as (typeof requestLogs.$inferInsert & { id: number })[];
          const viaJson = rows.map(mk);
          await store.db.insert(requestLogs).values(viaDrizzle);
          await insertJsonRows(store.db, requestLogs, viaJson);
          const a = await read(viaDrizzle.map((r) => r.id));
          const b = await read(viaJson.map((r) => r.id));
          expect(b).toEqual(a);
          await store.db.delete(requestLogs).where(
            inArray(
              requestLogs.id,
              [...viaDrizzle, ...viaJson].map((r) => r.id),
            ),
          );
        }),
        { numRuns: 60 },
      );
    });

    it('keeps the key order of json values as written', async () => {
      const request = { z: 1, '10': 2, '2': 3, a: { '1': 'x', b: null } };
      await insertJsonRows(store.db, requestLogs, [
        { id: 900_001, uniqueId: 'o', workspaceId: WS, source: 'native', request, createdAt: new Date() },
      ]);
      const [r] = await read([900_001]);
      expect(r!['request']).toBe(JSON.stringify(request));
    });

    it('inserts nothing for no rows, and refuses a table whose defaults it cannot fill', async () => {
      await insertJsonRows(store.db, requestLogs, []);
      const t = pgTable('x', { a: text('a'), at: timestamp('at').defaultNow() });
      await expect(insertJsonRows(store.db, t, [{ a: 'x' }])).rejects.toThrow(/SQL default/);
    });
  });
}

describe('rowsAsJson', () => {
  // The text written column by column is what JSON.stringify makes of each row renamed to its
  // columns, defaults filled in: the statement gets the same parameter as before.
  const columns = Object.entries(getTableColumns(requestLogs));
  const renamed = (r: Record<string, unknown>) => {
    const o: Record<string, unknown> = {};
    for (const [key, c] of columns) o[c.name] = r[key] === undefined ? c.default : r[key];
    return o;
  };

  it('is JSON.stringify of the rows renamed to their columns, for any rows', () => {
    fc.assert(
      fc.property(fc.array(row, { maxLength: 4 }), (rows) => {
        expect(rowsAsJson(requestLogs, rows)).toBe(JSON.stringify(rows.map(renamed)));
      }),
    );
  });

  it('is the same text from rows encoded ahead one by one, and from a mix', () => {
    fc.assert(
      fc.property(
        fc.array(row, { maxLength: 5 }),
        fc.array(fc.boolean(), { maxLength: 5 }),
        (rows, ahead) => {
          const texts = rows.map((r, i) => (ahead[i] ? rowJson(requestLogs, r) : undefined));
          expect(rowsAsJson(requestLogs, rows, texts)).toBe(JSON.stringify(rows.map(renamed)));
        },
      ),
    );
  });

  it('writes the scalars JSON.stringify writes: odd numbers, dates valid or not, booleans, nested', () => {
    const odd = fc.record({
      source: fc.constant('native'),
      latencyMs: fc.oneof(
        fc.constantFrom(-0, NaN, Infinity, -Infinity, 1e21, 5e-7, Number.MAX_VALUE, Number.MIN_VALUE),
        fc.double(),
      ),
      costUsd: fc.oneof(fc.constant(null), fc.double()),
      inputTokens: fc.oneof(fc.constant(undefined), fc.integer()),
      stream: fc.boolean(),
      startTime: fc.date(),
      endTime: fc.oneof(fc.constant(new Date(NaN)), fc.date({ noInvalidDate: true })),
      attempts: fc.array(fc.record({ latencyMs: fc.double(), at: fc.date() }), { maxLength: 2 }),
    });
    fc.assert(
      fc.property(fc.array(odd, { maxLength: 3 }), (rows) => {
        expect(rowsAsJson(requestLogs, rows)).toBe(JSON.stringify(rows.map(renamed)));
      }),
    );
  });
});
