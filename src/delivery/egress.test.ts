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
    if (req.url === '/busy') {
      res.writeHead(503, { 'retry-after': '7' }).end('x'.repeat(5000));
      return;
    }
    if (req.url === '/moved') {
      res.writeHead(302, { location: '/ok' }).end();
      return;
    }
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

describe('post', () => {
  const opts = { allowPrivate: true, timeoutMs: 10_000 };

  it("gives the receiver's status, Retry-After and the first KB of its answer", async () => {
    const agent = egressAgent(opts);
    const r = await post(agent, `${url}/busy`, {}, '{}', opts);
    expect(r).toMatchObject({ status: 503, retryAfter: '7', error: null, failure: null });
    expect(r.response).toBe('x'.repeat(1024));
    expect((await post(agent, `${url}/ok`, {}, '{}', opts)).response).toBeNull();
    await agent.close();
  });

  it('follows no redirect, and a closed port is a network failure', async () => {
    const agent = egressAgent(opts);
    expect(await post(agent, `${url}/moved`, {}, '{}', opts)).toMatchObject({
      status: 302,
      failure: 'redirect',
      error: 'redirect not followed',
    });
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as { port: number }).port;
    await new Promise((r) => closed.close(r));
    const r = await post(agent, `http://127.0.0.1:${port}/x`, {}, '{}', opts);
    expect(r).toMatchObject({ status: null, failure: 'network' });
    expect(r.error).toMatch(/^ECONNREFUSED/);
    await agent.close();
  });

  it('refuses a private address unless allowed, without connecting', async () => {
    const agent = egressAgent({ ...opts, allowPrivate: false });
    const r = await post(agent, `${url}/ok`, {}, '{}', { ...opts, allowPrivate: false });
    expect(r).toMatchObject({ status: null, failure: 'refused' });
    await agent.close();
  });
});
