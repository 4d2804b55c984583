// One log line per request, and only for failures at info: the fetch path answers tens of
// thousands of requests a second, and Fastify's two info lines per request cost more CPU than the
// answer (issue 11 item 17; docs/performance.md).
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './app.ts';
import { loadConfig } from './config.ts';
import { createRegistry } from '../registry/index.ts';
import type { Store } from '../store/db.ts';
import { openPgliteForTest } from '../../test/support/stores.ts';

let store: Store;
beforeAll(async () => {
  store = await openPgliteForTest();
});
afterAll(() => store.close());

async function linesFor(level: string, path: string): Promise<Record<string, unknown>[]> {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      cb();
    },
  });
  const app = await buildApp({
    registry: createRegistry(store),
    config: { ...loadConfig({}), logLevel: level, renderThreads: 0 },
    logger: { level, stream },
  });
  try {
    await app.inject({ url: path });
  } finally {
    await app.close();
  }
  return lines.filter((l) => l.msg === 'request completed' || l.msg === 'incoming request');
}

describe('request logging', () => {
  it('writes nothing for a success at info', async () => {
    expect(await linesFor('info', '/healthz')).toEqual([]);
  });

  it('writes one info line for a failure, with method, url, status and time', async () => {
    const lines = await linesFor('info', '/v1/prompts');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 30, method: 'GET', url: '/v1/prompts', status: 401 });
    expect(typeof lines[0]!.ms).toBe('number');
  });

  it('writes one debug line for a success at debug (the access log)', async () => {
    const lines = await linesFor('debug', '/healthz');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 20, status: 200, url: '/healthz' });
  });
});
