import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../test/support/stores.ts';
import { startTestApp, type TestApp } from '../../test/support/app.ts';
import { comparable } from '../../test/support/comparable-headers.ts';

/** A POST over a real socket (app.inject goes to Fastify directly, past the server's listener). */
function post(url: string, body: string, headers: Record<string, string>) {
  return new Promise<{ status: number; headers: Record<string, unknown>; raw: string }>((resolve, reject) => {
    const req = request(url, { method: 'POST', headers }, (res) => {
      let raw = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (raw += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, raw }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

for (const backend of backends) {
  describe.skipIf(!backend.available)(`renders answered before Fastify on ${backend.name}`, () => {
    let t: TestApp;
    let base: string;
    let name: string;
    let fastifyCalls = 0;

    beforeAll(async () => {
      t = await startTestApp(backend);
      base = await t.app.listen({ port: 0, host: '127.0.0.1' });
      // Fastify's hooks read the key through credentialsOf; the early path never does.
      const auth = t.app.authenticator;
      const original = auth.credentialsOf;
      auth.credentialsOf = function (this: typeof auth, req) {
        fastifyCalls++;
        return original.call(this, req);
      };
      name = 'early-render';
      const res = await t.call('POST', '/v1/prompts', {
        body: {
          name,
          version: {
            messages: [
              { role: 'system', content: 'You help {{company}}.' },
              { role: 'user', content: 'Hi {{name}}' },
            ],
            model: 'gpt-4o',
            params: { temperature: 0.2 },
          },
          labels: ['production'],
        },
      });
      expect(res.status).toBe(201);
    });
    afterAll(() => t?.close());

    /** The socket's answer (early or not) and Fastify's own (inject) for the same request. */
    async function both(
      body: string,
      headers: Record<string, string> = {},
      path = `/prompt-templates/${name}`,
    ) {
      const h = { authorization: `Bearer ${t.keys.viewer}`, 'content-type': 'application/json', ...headers };
      const before = fastifyCalls;
      const viaSocket = await post(base + path, body, h);
      const early = fastifyCalls === before;
      const viaFastify = await t.app.inject({ method: 'POST', url: path, headers: h, payload: body });
      return { viaSocket, viaFastify, early };
    }

    const same = (r: Awaited<ReturnType<typeof both>>) => {
      expect(r.viaSocket.status).toBe(r.viaFastify.statusCode);
      expect(r.viaSocket.raw).toBe(r.viaFastify.body);
      expect(comparable(r.viaSocket.headers)).toEqual(comparable(r.viaFastify.headers));
    };

    it('answers a render of a memoised version early, with the bytes and headers Fastify gives', async () => {
      const body = JSON.stringify({ label: 'production', input_variables: { company: 'Acme', name: 'Ada' } });
      await both(body); // the first one loads the read through Fastify
      const r = await both(body, { 'x-request-id': 'req-early-1' });
      expect(r.early).toBe(true);
      expect(r.viaSocket.headers['x-request-id']).toBe('req-early-1');
      same(r);
      // A missing variable: the warning, the same bytes.
      const missing = await both(JSON.stringify({ label: 'production', input_variables: { company: 'A' } }));
      expect(missing.early).toBe(true);
      expect(JSON.parse(missing.viaSocket.raw).warning).toMatch(/name/);
      same(missing);
    });

    it('gives every request it cannot answer to Fastify, body intact, answered as before', async () => {
      const ok = JSON.stringify({ label: 'production', input_variables: { company: 'Acme' } });
      const cases: [string, Record<string, string>, string?][] = [
        ['{"label": "production", "input_variables": ', {}], // broken JSON
        [JSON.stringify({ label: 'production', input_variables: { a: 1 }, version: 'x' }), {}], // schema
        [JSON.stringify({ label: 'production' }), {}], // no variables: the read cache's
        [ok, { 'content-type': 'text/plain' }],
        [ok, { authorization: 'Bearer lec_not_a_key' }],
        [ok, {}, '/prompt-templates/no-such-template'],
        [ok, {}, `/prompt-templates/${name}?x=1`],
        [ok, {}, `/prompt-templates/early%2Drender`],
        [JSON.stringify({ label: 'no-such-label', input_variables: { a: 1 } }), {}],
      ];
      for (const [body, headers, path] of cases) {
        // Twice: a read memoised by the first cannot change the second's answer.
        for (let i = 0; i < 2; i++) {
          const r = await both(body, headers, path);
          same(r);
        }
      }
    });

    it('answers a native render early, ETag included, with the bytes Fastify gives', async () => {
      const path = `/v1/prompts/${name}/render`;
      const body = JSON.stringify({ label: 'production', variables: { company: 'Acme', name: 'Ada' } });
      await both(body, {}, path);
      const r = await both(body, {}, path);
      expect(r.early).toBe(true);
      expect(r.viaSocket.headers['etag']).toBeTruthy();
      same(r);
      const lenient = JSON.stringify({ version: 1, variables: { company: 'A' }, mode: 'lenient' });
      await both(lenient, {}, path);
      const l = await both(lenient, {}, path);
      expect(l.early).toBe(true);
      same(l);
      // Declined, then answered by Fastify as ever: strict with a variable missing (422), both
      // label and version (400), an unknown field, a workspace query.
      for (const b of [
        { label: 'production', variables: { company: 'A' } },
        { label: 'production', version: 1, variables: {} },
        { label: 'production', variables: {}, extra: 1 },
      ]) {
        for (let i = 0; i < 2; i++) same(await both(JSON.stringify(b), {}, path));
      }
      for (let i = 0; i < 2; i++) same(await both(body, {}, `${path}?workspace=default`));
    });

    it('leaves a render with unbounded work (a jinja loop) to Fastify and the render threads', async () => {
      const loop = 'early-loop';
      const created = await t.call('POST', '/v1/prompts', {
        body: {
          name: loop,
          version: {
            template_format: 'jinja2',
            messages: [{ role: 'user', content: '{% for i in range(n) %}{{ i }},{% endfor %}' }],
          },
          labels: ['production'],
        },
      });
      expect(created.status).toBe(201);
      const body = JSON.stringify({ label: 'production', input_variables: { n: 3 } });
      const threads = t.app.renderer.counts.thread;
      for (let i = 0; i < 2; i++) {
        const r = await both(body, {}, `/prompt-templates/${loop}`);
        expect(r.early).toBe(false);
        same(r);
      }
      expect(t.app.renderer.counts.thread).toBeGreaterThan(threads);
    });

    it("acts as the route's API, as the authentication hook's actor does", async () => {
      const route = t.app.routeTable.find(
        (r) => r.method === 'POST' && r.url === '/prompt-templates/:identifier',
      );
      const early = route!.config!.early!;
      const original = early.answer.bind(early);
      const via: unknown[] = [];
      early.answer = (req) => {
        via.push(req.actor.via);
        return original(req);
      };
      try {
        const body = JSON.stringify({ label: 'production', input_variables: { company: 'Via' } });
        await both(body);
        expect((await both(body)).early).toBe(true);
        expect(via.at(-1)).toBe('promptlayer');
      } finally {
        early.answer = original;
      }
    });

    it('records the latency under the route', async () => {
      const body = JSON.stringify({ label: 'production', input_variables: { company: 'M' } });
      await both(body);
      expect((await both(body)).early).toBe(true);
      const metrics = await t.call('GET', '/metrics', { key: null });
      expect(metrics.raw).toMatch(
        /lectern_http_request_duration_seconds_count\{method="POST",route="\/prompt-templates\/:identifier",status="200"\} \d+/,
      );
    });
  });
}
