// The request log's write side on both backends: ids answered at once, rows written by the batching
// writer off the call, enrichment wherever the record is, bodies off per workspace, bad input
// refused before it can reach a batch.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { backends } from '../../test/support/stores.ts';
import { openRegistry } from '../../test/support/registry.ts';
import type { Store } from '../store/db.ts';
import type { Actor } from '../model/types.ts';
import { LecternError } from '../model/errors.ts';
import { RequestLogWriter } from './request-log-writer.ts';
import type { TestRegistry } from '../../test/support/verbs.ts';
import { rowsOf } from '../registry/request-log.ts';

async function rowOf(store: Store, id: string) {
  const r = await store.db.execute(sql`select * from request_logs where id = ${Number(id)}`);
  return rowsOf<Record<string, unknown>>(r)[0];
}

async function countRows(store: Store): Promise<number> {
  const r = await store.db.execute(sql`select count(*)::int as n from request_logs`);
  return Number(rowsOf<{ n: number }>(r)[0]!.n);
}

for (const backend of backends) {
  describe.skipIf(!backend.available)(`request log writes on ${backend.name}`, () => {
    let store: Store;
    let reg: TestRegistry;
    let viewer: Actor;
    let admin: Actor;
    let otherAdmin: Actor;
    let writer: RequestLogWriter;

    beforeAll(async () => {
      const r = await openRegistry(backend, ['default', 'other']);
      store = r.store;
      reg = r.reg;
      viewer = await r.actor('viewer', 'default');
      admin = await r.actor('admin', 'default');
      otherAdmin = await r.actor('admin', 'other');
      // A long interval: rows stay queued until a test flushes, so "queued" is observable.
      reg.attachRequestLogWriter(
        (insert, encode) =>
          (writer = new RequestLogWriter(insert, {
            encode,
            maxQueue: 50,
            batchSize: 20,
            flushMs: 60_000,
            waitMs: 5_000,
          })),
      );
    });
    afterAll(async () => {
      await reg.closeRequestLog();
      await store.close();
    });

    it('answers distinct ids at once and writes the rows only when flushed', async () => {
      const before = await countRows(store);
      const receipts = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          reg.logRequest(viewer, { source: 'native', model: 'gpt-4o', metadata: { i } }),
        ),
      );
      const ids = receipts.map((r) => r.id);
      expect(new Set(ids).size).toBe(30);
      for (const r of receipts) {
        expect(r.id).toMatch(/^[1-9][0-9]*$/);
        expect(r.uniqueId).toMatch(/^[0-9a-f]{32}$/);
      }
      // 30 ≥ batchSize: one batch of 20 went; the last 10 wait for the interval or a flush.
      await reg.flushRequestLog();
      expect(await countRows(store)).toBe(before + 30);
      const row = await rowOf(store, receipts[7]!.id);
      expect(row).toMatchObject({ source: 'native', model: 'gpt-4o', status: 'success' });
      expect(row!.metadata).toEqual({ i: 7 });
    });

    it('a durable record is committed when logRequest resolves', async () => {
      const r = await reg.logRequest(viewer, { source: 'pl.track', model: 'm' }, { durable: true });
      expect(await rowOf(store, r.id)).toBeDefined();
    });

    it('enriches a record still in the queue, and one already stored, the same way', async () => {
      const queued = await reg.logRequest(viewer, {
        source: 'pl.track',
        metadata: { a: 1 },
        scores: [{ name: 'default', value: 10 }],
      });
      // Its statement's text is made ahead (a turn of the loop later); enrichment makes it again.
      await new Promise((r) => setImmediate(r));
      expect(writer.queued(Number(queued.id))).toBeDefined();
      const stored = await reg.logRequest(
        viewer,
        { source: 'pl.track', metadata: { a: 1 }, scores: [{ name: 'default', value: 10 }] },
        { durable: true },
      );
      const group = await reg.createRequestGroup(viewer);
      for (const r of [queued, stored]) {
        await reg.enrichRequest(viewer, r.id, { metadata: { b: 'x', a: 2 } });
        await reg.enrichRequest(viewer, r.id, { scores: [{ name: 'default', value: 80 }] });
        await reg.enrichRequest(viewer, r.id, { scores: [{ name: 'accuracy', value: 3 }] });
        await reg.enrichRequest(viewer, r.id, { groupId: group.id, label: 'prod', versionNumber: 3 });
      }
      await reg.flushRequestLog();
      for (const r of [queued, stored]) {
        const row = await rowOf(store, r.id);
        expect(row!.metadata).toEqual({ a: 2, b: 'x' });
        expect(row!.scores).toEqual([
          { name: 'default', value: 80 },
          { name: 'accuracy', value: 3 },
        ]);
        expect(row).toMatchObject({ label: 'prod', version_number: 3 });
        expect(Number(row!.group_id)).toBe(group.id);
      }
    });

    it('enrichment of an unknown or foreign id is not found', async () => {
      const mine = await reg.logRequest(viewer, { source: 'native' }, { durable: true });
      const foreign = reg.enrichRequest(otherAdmin, mine.id, { metadata: { x: 1 } });
      await expect(foreign).rejects.toSatisfy((e) => e instanceof LecternError && e.kind === 'not_found');
      for (const id of ['999999999', '0', 'abc', '-1', '1e3', '']) {
        await expect(reg.enrichRequest(viewer, id, { metadata: {} })).rejects.toSatisfy(
          (e) => e instanceof LecternError && e.kind === 'not_found',
        );
      }
    });

    it('refuses bad input with a typed error and writes nothing for it', async () => {
      const bad = [
        { source: 'nope' },
        { source: 'native', promptId: 'not-a-uuid' },
        { source: 'native', inputTokens: -1 },
        { source: 'native', inputTokens: 1.5 },
        { source: 'native', outputTokens: 2 ** 40 },
        { source: 'native', model: 'a\u0000b' },
        { source: 'native', status: 'fine' },
        { source: 'native', latencyMs: Number.NaN },
        { source: 'native', startTime: new Date('x') },
        { source: 'native', metadata: [] },
        { source: 'native', scores: [{ name: '', value: 1 }] },
        { source: 'native', tags: ['ok', 3] },
      ];
      for (const input of bad) {
        await expect(reg.logRequest(viewer, input as never)).rejects.toSatisfy(
          (e) => e instanceof LecternError && e.kind === 'invalid',
        );
      }
    });

    it('a workspace that turns bodies off keeps the metrics, not the bodies', async () => {
      await expect(reg.setRequestLogSettings(viewer, { storeBodies: false })).rejects.toSatisfy(
        (e) => e instanceof LecternError && e.kind === 'forbidden',
      );
      expect(await reg.setRequestLogSettings(otherAdmin, { storeBodies: false })).toEqual({
        storeBodies: false,
      });
      expect(await reg.getRequestLogSettings(otherAdmin)).toEqual({ storeBodies: false });
      expect(await reg.getRequestLogSettings(admin)).toEqual({ storeBodies: true });
      const body = {
        source: 'ka.log' as const,
        request: { messages: [{ role: 'user', content: 'secret' }] },
        response: { content: 'answer' },
        inputVariables: { who: 'x' },
        inputTokens: 12,
      };
      const off = await reg.logRequest(otherAdmin, body);
      const on = await reg.logRequest(admin, body);
      const perRecord = await reg.logRequest(admin, { ...body, omitBodies: true });
      await reg.enrichRequest(otherAdmin, off.id, { inputVariables: { late: 'y' } });
      await reg.flushRequestLog();
      expect(await rowOf(store, off.id)).toMatchObject({
        request: null,
        response: null,
        input_variables: null,
        bodies_omitted: true,
        input_tokens: 12,
      });
      expect(await rowOf(store, perRecord.id)).toMatchObject({ request: null, bodies_omitted: true });
      expect(await rowOf(store, on.id)).toMatchObject({
        response: { content: 'answer' },
        bodies_omitted: false,
      });
      await reg.setRequestLogSettings(otherAdmin, { storeBodies: true });
    });

    it('a full queue makes writers wait (nothing is dropped), then everything is written', async () => {
      const before = await countRows(store);
      const n = 200; // four times the queue bound
      const receipts = await Promise.all(
        Array.from({ length: n }, (_, i) => reg.logRequest(viewer, { source: 'native', metadata: { i } })),
      );
      expect(new Set(receipts.map((r) => r.id)).size).toBe(n);
      await reg.flushRequestLog();
      expect(await countRows(store)).toBe(before + n);
    });
  });
}
