// Outbound requests' deadlines: a receiver that never answers is cut at the timeout (and reported
// as a timeout), a stop aborts what is in flight (and what starts after it), and a request that
// answers in time is untouched by its slot's deadline.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { Deadlines, egressAgent, post } from './egress.ts';

let server: Server;
let url = '';
beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    if (req.url === '/hang') return; // never answers
    req.on('end', () => res.writeHead(204).end());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('Deadlines', () => {
  const opts = { allowPrivate: true, timeoutMs: 300 };

  it('cuts a request that gets no answer at its timeout, reported as a timeout', async () => {
    const agent = egressAgent({ ...opts, timeoutMs: 10_000 });
    const d = new Deadlines(300, 50);
    const t0 = Date.now();
    const r = await post(agent, `${url}/hang`, {}, '{}', { ...opts, signal: d.signal() });
    const ms = Date.now() - t0;
    expect(r.failure).toBe('timeout');
    expect(r.error).toBe('timeout after 300 ms');
    expect(ms).toBeGreaterThanOrEqual(290);
    expect(ms).toBeLessThan(2000);
    await agent.destroy();
  });

  it('lets requests that answer in time through, many sharing one slot', async () => {
    const roomy = { ...opts, timeoutMs: 10_000 }; // a loaded machine answers late, not never
    const agent = egressAgent(roomy);
    const d = new Deadlines(roomy.timeoutMs, 1000);
    const rs = await Promise.all(
      Array.from({ length: 40 }, () => post(agent, `${url}/ok`, {}, '{}', { ...roomy, signal: d.signal() })),
    );
    expect(rs.map((r) => r.error)).toEqual(rs.map(() => null));
    expect(rs.every((r) => r.status === 204)).toBe(true);
    await agent.close();
  });

  it('abortAll ends requests in flight as aborted, and any started later at once', async () => {
    const agent = egressAgent({ ...opts, timeoutMs: 10_000 });
    const d = new Deadlines(10_000);
    const inflight = post(agent, `${url}/hang`, {}, '{}', { ...opts, signal: d.signal() });
    await new Promise((r) => setTimeout(r, 50));
    d.abortAll();
    expect((await inflight).failure).toBe('aborted');
    const later = await post(agent, `${url}/ok`, {}, '{}', { ...opts, signal: d.signal() });
    expect(later.failure).toBe('aborted');
    await agent.destroy();
  });
});
