// Default rate limits protect the server — failed authentication and requests without a key per
// address, writes per key — and never throttle an application's authenticated reads (fetch by
// label, lists, renders), which a load test of fetch-by-label used to be locked out of.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../src/server/config.ts';
import { backends } from '../support/stores.ts';
import { startTestApp, type TestApp, type ResponseOf } from '../support/app.ts';
import type { schema as nativePromptsCreate } from '../../src/dialects/native/routes/prompts-create.ts';
import type { schema as promptlayerList } from '../../src/dialects/promptlayer/routes/list.ts';

const DEFAULTS = loadConfig({});
const AT_DEFAULTS: Partial<Config> = {
  rateLimit: DEFAULTS.rateLimit,
  rateLimitWrites: DEFAULTS.rateLimitWrites,
  rateLimitAnonymous: DEFAULTS.rateLimitAnonymous,
  rateLimitAuthFailures: DEFAULTS.rateLimitAuthFailures,
};

describe('default rate limits', () => {
  it('count failed authentication, requests without a key and writes, and no authenticated read', () => {
    expect(DEFAULTS.rateLimit).toBe(0);
    expect(DEFAULTS.rateLimitAuthFailures).toBeGreaterThan(0);
    expect(DEFAULTS.rateLimitAnonymous).toBeGreaterThan(0);
    expect(DEFAULTS.rateLimitWrites).toBeGreaterThan(0);
    expect(DEFAULTS.rateLimitWindowMs).toBeGreaterThan(0);
  });
});

for (const backend of backends) {
  describe.skipIf(!backend.available)(`rate limits on ${backend.name}`, () => {
    describe('at the defaults', () => {
      let t: TestApp;
      let prompt: { id: string; seq: number; name: string };
      beforeAll(async () => {
        t = await startTestApp(backend, AT_DEFAULTS);
        const r = await t.call<ResponseOf<typeof nativePromptsCreate, 201>>('POST', '/v1/prompts', {
          body: {
            name: 'hot',
            version: { messages: [{ role: 'user', content: 'Hi {{name}}' }] },
            labels: ['production'],
          },
        });
        expect(r.status).toBe(201);
        prompt = r.body.prompt;
      });
      afterAll(() => t?.close());

      it('never throttles authenticated reads: more than the write limit of fetches and renders by one key', async () => {
        const reads = [
          ['GET', `/v1/prompts/${prompt.name}/resolve?label=production`, undefined],
          ['GET', `/prompt-templates/${prompt.name}?label=production`, undefined],
          [
            'POST',
            `/prompt-templates/${prompt.name}`,
            { label: 'production', input_variables: { name: 'Ada' } },
          ],
          ['POST', `/v1/prompts/${prompt.id}/render`, { variables: { name: 'Ada' } }],
          ['GET', '/v1/prompts?limit=5', undefined],
        ] as const;
        const n = DEFAULTS.rateLimitWrites + 200;
        const statuses = new Map<number, number>();
        for (let i = 0; i < n; i++) {
          const [method, url, body] = reads[i % reads.length]!;
          const r = await t.app.inject({
            method,
            url,
            headers: { authorization: `Bearer ${t.keys.viewer}` },
            ...(body ? { payload: body } : {}),
          });
          statuses.set(r.statusCode, (statuses.get(r.statusCode) ?? 0) + 1);
        }
        expect(Object.fromEntries(statuses)).toEqual({ 200: n });
      }, 120_000);

      it('health, readiness and metrics are never limited', async () => {
        for (let i = 0; i < DEFAULTS.rateLimitAnonymous + 20; i++) {
          const r = await t.app.inject({ method: 'GET', url: i % 2 ? '/healthz' : '/readyz' });
          expect(r.statusCode).toBe(200);
        }
      }, 60_000);
    });

    describe('each protected class, at small bounds', () => {
      let t: TestApp;
      beforeAll(async () => {
        t = await startTestApp(backend, {
          rateLimitWrites: 3,
          rateLimitAnonymous: 3,
          rateLimitAuthFailures: 3,
        });
      });
      afterAll(() => t?.close());

      it('writes per key: 429 with Retry-After in each API envelope, other keys and reads unaffected', async () => {
        for (let i = 0; i < 3; i++) {
          const r = await t.call<ResponseOf<typeof nativePromptsCreate, 201>>('POST', '/v1/prompts', {
            body: { name: `w-${i}`, version: { messages: [] } },
          });
          expect(r.status, JSON.stringify(r.body)).toBe(201);
        }
        const writes = [
          [
            'POST',
            '/v1/prompts',
            { name: 'w-x', version: { messages: [] } },
            (b: any) => expect(b.error.code).toBe('rate_limited'),
          ],
          [
            'PATCH',
            '/rest/prompt-templates/w-0',
            { commit_message: 'x' },
            (b: any) => expect(b).toMatchObject({ success: false, error: 'Too Many Requests' }),
          ],
          [
            'POST',
            '/api/prompts',
            { prompt_name: 'w-y' },
            (b: any) => expect(typeof b.detail).toBe('string'),
          ],
          [
            'POST',
            '/apis/models/v2/workspaces/default/prompts',
            { name: 'w-z', template: 'x' },
            (b: any) => expect(typeof b.detail).toBe('string'),
          ],
        ] as const;
        for (const [method, url, body, envelope] of writes) {
          const r = await t.call(method, url, { body });
          expect(r.status, `${method} ${url} ${JSON.stringify(r.body)}`).toBe(429);
          expect(Number(r.headers['retry-after']), url).toBeGreaterThan(0);
          envelope(r.body);
        }
        expect((await t.call('GET', '/v1/prompts/w-0')).status).toBe(200);
        expect(
          (await t.call('POST', '/prompt-templates/w-0', { body: { input_variables: {} } })).status,
        ).toBe(200);
        const other = await t.call('POST', '/v1/prompts', {
          key: t.keys.otherEditor,
          body: { name: 'o', version: { messages: [] } },
        });
        expect(other.status).toBe(201);
      });

      it('failed authentication per address: past the bound unknown keys are refused before any look-up, known keys still served', async () => {
        expect((await t.call('GET', '/v1/prompts', { key: t.keys.viewer })).status).toBe(200);
        for (let i = 0; i < 3; i++) {
          expect((await t.call('GET', '/v1/prompts', { key: `lec_wrong_${i}` })).status).toBe(401);
        }
        const refused = await t.call('GET', '/v1/prompts', { key: 'lec_wrong_again' });
        expect(refused.status).toBe(429);
        expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
        const pl = await t.call<ResponseOf<typeof promptlayerList, '4xx'>>('GET', '/prompt-templates', {
          key: 'lec_wrong_pl',
        });
        expect(pl.status).toBe(429);
        expect(pl.body).toMatchObject({ success: false, error: 'Too Many Requests' });
        // Keys this process already knows are valid go on working from the same address.
        expect((await t.call('GET', '/v1/prompts', { key: t.keys.viewer })).status).toBe(200);
      });

      it('requests without a key per address: the docs and missing-key requests', async () => {
        const statuses: number[] = [];
        for (let i = 0; i < 5; i++)
          statuses.push((await t.call('GET', '/openapi.json', { key: null })).status);
        expect(statuses).toEqual([200, 200, 200, 429, 429]);
        expect((await t.call('GET', '/v1/prompts', { key: null })).status).toBe(429);
        expect((await t.call('GET', '/healthz', { key: null })).status).toBe(200);
      });
    });
  });
}
