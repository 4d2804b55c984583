// One provider call over undici: the wire the `openai` SDK sent (path, Bearer key, provider
// headers, JSON body), failures read the way the SDK reads them (OpenAI's `{error: {message}}`,
// else the text, else "no body"), keys cut out of upstream messages, Retry-After, connection
// failures, timeouts before the first byte, and a stream's first bytes handed over with the rest.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callJson, callStream, type CallOptions } from './upstream.ts';
import type { Provider } from './providers.ts';

const KEY = 'sk-upstream-test-0123456789';
let server: Server;
let base = '';
const seen: { url?: string; headers: IncomingMessage['headers']; body: string }[] = [];
let answer: (req: IncomingMessage, res: ServerResponse) => void = (_q, s) => s.end('{}');

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ url: req.url, headers: req.headers, body });
      answer(req, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const provider = (over: Partial<Provider> = {}): Provider => ({
  id: 'p',
  baseURL: base,
  apiKey: KEY,
  models: [],
  headers: { 'x-team': 'lectern' },
  timeoutMs: undefined,
  ...over,
});
const opts = (over: Partial<CallOptions> = {}): CallOptions => ({
  provider: provider(),
  body: { model: 'm', messages: [] },
  timeoutMs: 2_000,
  signal: new AbortController().signal,
  ...over,
});

describe('upstream calls', () => {
  it('sends what the SDK sent and parses a JSON answer', async () => {
    answer = (_q, s) => s.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"x","n":1}');
    seen.length = 0;
    expect(await callJson(opts())).toEqual({ ok: true, body: { id: 'x', n: 1 } });
    expect(seen[0]!.url).toBe('/v1/chat/completions');
    expect(seen[0]!.headers['authorization']).toBe(`Bearer ${KEY}`);
    expect(seen[0]!.headers['x-team']).toBe('lectern');
    expect(JSON.parse(seen[0]!.body)).toEqual({ model: 'm', messages: [] });
  });

  it('a per-call key wins; a keyless provider sends no Authorization at all', async () => {
    answer = (_q, s) => s.end('{}');
    seen.length = 0;
    await callJson(opts({ apiKey: 'sk-per-call' }));
    await callJson(opts({ provider: provider({ apiKey: undefined }) }));
    expect(seen[0]!.headers['authorization']).toBe('Bearer sk-per-call');
    expect(seen[1]!.headers['authorization']).toBeUndefined();
  });

  it.each([
    ['OpenAI error shape', '{"error":{"message":"bad model","type":"invalid"}}', 'bad model'],
    ['error without message', '{"error":{"code":7}}', '400 {"code":7}'],
    ['plain text', 'upstream exploded', '400 upstream exploded'],
    ['no body', '', '400 status code (no body)'],
  ])('a failure is read like the SDK reads it: %s', async (_name, text, message) => {
    answer = (_q, s) => s.writeHead(400).end(text);
    expect(await callJson(opts())).toMatchObject({ ok: false, status: 400, reason: 'http', message });
  });

  it('keys are cut out of upstream messages; Retry-After is kept', async () => {
    answer = (_q, s) =>
      s.writeHead(429, { 'retry-after': '2' }).end(`{"error":{"message":"key ${KEY} is over its quota"}}`);
    const f = await callStream(opts({ body: { model: 'm', messages: [], stream: true } }));
    expect(f).toMatchObject({ ok: false, status: 429, retryAfterMs: 2000 });
    expect(JSON.stringify(f)).not.toContain(KEY);
  });

  it('no server: unreachable with the connection code; no first byte in time: timeout', async () => {
    const closed = provider({ baseURL: 'http://127.0.0.1:1/v1' });
    expect(await callJson(opts({ provider: closed }))).toMatchObject({
      ok: false,
      status: null,
      reason: 'unreachable',
      message: 'connection failed (ECONNREFUSED)',
    });
    answer = () => {}; // never answers
    expect(await callStream(opts({ timeoutMs: 100 }))).toMatchObject({ ok: false, reason: 'timeout' });
  });

  it('a stream: the first bytes, then the rest as they come; the caller leaving aborts it', async () => {
    let res!: ServerResponse;
    answer = (_q, s) => {
      res = s;
      s.writeHead(200, { 'content-type': 'text/event-stream' });
      s.write('data: 1\n\n');
    };
    const leave = new AbortController();
    const r = await callStream(opts({ signal: leave.signal, timeoutMs: 100 }));
    if (!r.ok) throw new Error(r.message);
    expect(Buffer.from(r.first).toString()).toBe('data: 1\n\n');
    // Past the first byte the timeout no longer applies.
    await new Promise((d) => setTimeout(d, 200));
    res.write('data: 2\n\n');
    const rest = r.rest[Symbol.asyncIterator]();
    expect(Buffer.from((await rest.next()).value as Uint8Array).toString()).toBe('data: 2\n\n');
    const pending = rest.next();
    leave.abort();
    await expect(pending).rejects.toThrow();
  });
});
