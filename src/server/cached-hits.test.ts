import { get } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../test/support/stores.ts';
import { startTestApp, type TestApp } from '../../test/support/app.ts';
import { comparable } from '../../test/support/comparable-headers.ts';

/** A GET over a real socket, headers as sent (node:http, which keeps every header of a 304). */
function ask(url: string, headers: Record<string, string>) {
  return new Promise<{ status: number; headers: Record<string, unknown>; raw: string }>((resolve, reject) => {
    get(url, { headers }, (res) => {
      let raw = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (raw += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, raw }));
    }).on('error', reject);
  });
}

for (const backend of backends) {
  describe.skipIf(!backend.available)(`cache hits answered before Fastify on ${backend.name}`, () => {
    let t: TestApp;
    let base: string;
    let name: string;
    let promptId: string;
    let n = 0;
    const hits = () => t.app.readCache!.hits;

    /** Over the socket, as clients ask (app.inject goes to Fastify directly, past the server). */
    function http(url: string, key: string | null = t.keys.viewer, headers: Record<string, string> = {}) {
      return ask(base + url, { ...(key === null ? {} : { authorization: `Bearer ${key}` }), ...headers });
    }

    /** Counts the calls Fastify's hooks make to read a request's key (rate limits, authentication). */
    function countKeyReads(): { readonly calls: number; stop(): void } {
      const auth = t.app.authenticator;
      const original = auth.credentialsOf;
      const counter = { calls: 0, stop: () => void (auth.credentialsOf = original) };
      auth.credentialsOf = function (this: typeof auth, req) {
        counter.calls++;
        return original.call(this, req);
      };
      return counter;
    }

    async function seed(): Promise<string> {
      const p = `hit-${++n}`;
      const res = await t.call('POST', '/v1/prompts', {
        body: {
          name: p,
          version: { messages: [{ role: 'user', content: 'hi {{x}}' }] },
          labels: ['production'],
        },
      });
      expect(res.status).toBe(201);
      return p;
    }

    beforeAll(async () => {
      t = await startTestApp(backend);
      base = await t.app.listen({ port: 0, host: '127.0.0.1' });
      name = await seed();
      promptId = (await t.call<{ prompt: { id: string } }>('GET', `/v1/prompts/${name}/resolve`)).body.prompt
        .id;
    });
    afterAll(() => t?.close());

    const urls = () => [
      `/v1/prompts/${name}/resolve?label=production`,
      `/v1/prompts/${name}`,
      `/v1/prompts/${name}/versions/1`,
      '/v1/prompts',
      `/prompt-templates/${name}?label=production`,
      '/prompt-templates',
      `/api/public/v2/prompts/${name}?label=production`,
      '/api/public/v2/prompts',
      `/api/prompts/${promptId}/versions/1`,
      `/apis/models/v2/workspaces/default/prompts/${name}`,
      '/apis/models/v2/workspaces/default/prompts',
    ];

    it('answers a hit on every cacheable route with the status, headers and bytes Fastify gives', async () => {
      for (const url of urls()) {
        const viaFastify = await t.call('GET', url, { key: t.keys.viewer }); // a miss: kept
        expect(viaFastify.status, url).toBe(200);
        const before = hits();
        const hit = await http(url);
        expect(hits(), url).toBe(before + 1);
        expect(hit.status, url).toBe(200);
        expect(hit.raw, url).toBe(viaFastify.raw);
        expect(comparable(hit.headers), url).toEqual(comparable(viaFastify.headers));
        expect(hit.headers['x-request-id'], url).toMatch(/^[0-9a-f]{8}-[0-9a-z]+$/);
      }
    });

    it('answers If-None-Match on a hit with the 304 Fastify gives', async () => {
      const url = `/v1/prompts/${name}/resolve?label=production`;
      const first = await t.call('GET', url, { key: t.keys.viewer });
      const etag = first.headers.etag as string;
      const viaFastify = await t.call('GET', url, { key: t.keys.viewer, headers: { 'if-none-match': etag } });
      expect(viaFastify.status).toBe(304);
      const hit = await http(url, t.keys.viewer, { 'if-none-match': etag });
      expect(hit.status).toBe(304);
      expect(hit.raw).toBe('');
      expect(comparable(hit.headers)).toEqual(comparable(viaFastify.headers));
    });

    it('runs none of the hook chain for a hit, and all of it for a miss', async () => {
      const url = `/prompt-templates/${name}?label=production`;
      expect((await http(url)).status).toBe(200); // kept (or already there)
      const keyReads = countKeyReads();
      try {
        const before = hits();
        for (let i = 0; i < 5; i++) expect((await http(url)).status).toBe(200);
        expect(hits()).toBe(before + 5);
        expect(keyReads.calls).toBe(0);
        expect((await http(url, t.keys.viewer, { 'cache-control': 'no-cache' })).status).toBe(200);
        expect(keyReads.calls).toBeGreaterThan(0);
      } finally {
        keyReads.stop();
      }
    });

    it('keeps the client’s x-request-id, and gives each hit its own otherwise', async () => {
      const url = `/v1/prompts/${name}`;
      await http(url);
      expect((await http(url, t.keys.viewer, { 'x-request-id': 'trace-42' })).headers['x-request-id']).toBe(
        'trace-42',
      );
      const [a, b] = [await http(url), await http(url)];
      expect(a.headers['x-request-id']).not.toBe(b.headers['x-request-id']);
    });

    it('refuses a revoked key at once, though its answer is in the cache', async () => {
      const created = await t.call<{ key: { id: string }; secret: string }>('POST', '/v1/keys', {
        key: t.keys.admin,
        body: { name: 'soon revoked', role: 'viewer', workspace: 'default' },
      });
      expect(created.status).toBe(201);
      const url = `/v1/prompts/${name}/resolve?label=production`;
      expect((await http(url, created.body.secret)).status).toBe(200);
      expect((await http(url, created.body.secret)).status).toBe(200);
      const revoked = await t.call('DELETE', `/v1/keys/${created.body.key.id}`, { key: t.keys.admin });
      expect(revoked.status).toBeLessThan(300);
      const after = await http(url, created.body.secret);
      expect(after.status).toBe(401);
      expect(JSON.parse(after.raw).error.code).toBe('unauthorized');
    });

    it('answers no other workspace, no missing or unknown key, from the cache', async () => {
      const url = `/v1/prompts/${name}/resolve?label=production`;
      expect((await http(url)).status).toBe(200);
      expect((await http(url, t.keys.otherViewer)).status).toBe(404);
      expect((await http(url, null)).status).toBe(401);
      expect((await http(url, 'lec_not_a_key_0123456789abcdef')).status).toBe(401);
    });

    it('records hits in the latency metric under the route pattern', async () => {
      const url = `/api/public/v2/prompts/${name}?label=production`;
      await http(url);
      const count = async () => {
        const text = (await http('/metrics', null)).raw;
        const line = text
          .split('\n')
          .find(
            (l) =>
              l.startsWith('lectern_http_request_duration_seconds_count') &&
              l.includes('route="/api/public/v2/prompts/:name"') &&
              l.includes('status="200"'),
          );
        return Number(line?.split(' ').pop() ?? 0);
      };
      const before = await count();
      for (let i = 0; i < 3; i++) await http(url);
      expect(await count()).toBe(before + 3);
    });
  });

  describe.skipIf(!backend.available)(`cache hits with every request rate-limited on ${backend.name}`, () => {
    let t: TestApp;
    let base: string;
    beforeAll(async () => {
      t = await startTestApp(backend, { rateLimit: 3, rateLimitWindowMs: 60_000 });
      base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    });
    afterAll(() => t?.close());

    it('counts cached hits against LECTERN_RATE_LIMIT like every other request', async () => {
      const res = await t.call('POST', '/v1/prompts', {
        key: t.keys.editor,
        body: {
          name: 'limited',
          version: { messages: [{ role: 'user', content: 'hi' }] },
          labels: ['production'],
        },
      });
      expect(res.status).toBe(201);
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const r = await ask(`${base}/v1/prompts/limited/resolve?label=production`, {
          authorization: `Bearer ${t.keys.viewer}`,
        });
        statuses.push(r.status);
      }
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
    });
  });
}
