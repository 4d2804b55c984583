import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { backends } from '../../test/support/stores.ts';
import { startTestApp, type TestApp } from '../../test/support/app.ts';

const pglite = backends[0]!;

/** A pino destination that keeps the lines written. */
function sink() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n')) if (l.trim()) lines.push(JSON.parse(l));
      done();
    },
  });
  return { lines, stream };
}

describe('per-request logging on the hot path', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('makes no child logger for a request that logs nothing, and still logs failures with their request id', async () => {
    const { lines, stream } = sink();
    t = await startTestApp(pglite, {}, { logger: { level: 'info', stream } });
    const child = vi.spyOn(t.app.log, 'child');
    for (let i = 0; i < 5; i++) expect((await t.call('GET', '/healthz', { key: null })).status).toBe(200);
    expect(child).not.toHaveBeenCalled();
    expect(lines.filter((l) => l.msg === 'request completed')).toEqual([]);

    const failed = await t.call('GET', '/no/such/path');
    expect(failed.status).toBe(404);
    await new Promise((r) => setImmediate(r));
    const logged = lines.filter((l) => l.msg === 'request completed');
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ status: 404, reqId: failed.headers['x-request-id'] });
  });

  it('writes a success at debug, bound to its request id', async () => {
    const { lines, stream } = sink();
    t = await startTestApp(pglite, {}, { logger: { level: 'debug', stream } });
    const ok = await t.call('GET', '/healthz', { key: null });
    await new Promise((r) => setImmediate(r));
    expect(lines.find((l) => l.msg === 'request completed')).toMatchObject({
      status: 200,
      reqId: ok.headers['x-request-id'],
    });
  });

  it('gives every request its own id, one prefix per process, and keeps an id the client sent', async () => {
    t = await startTestApp(pglite);
    const ids = await Promise.all(
      Array.from({ length: 20 }, async () =>
        String((await t!.call('GET', '/healthz', { key: null })).headers['x-request-id']),
      ),
    );
    expect(new Set(ids).size).toBe(20);
    expect(new Set(ids.map((id) => id.split('-')[0])).size).toBe(1);
    const echoed = await t.call('GET', '/healthz', { key: null, headers: { 'x-request-id': 'abc-123' } });
    expect(echoed.headers['x-request-id']).toBe('abc-123');
  });
});
