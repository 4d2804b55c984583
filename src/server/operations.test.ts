import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../test/support/stores.ts';
import { startTestApp, type TestApp } from '../../test/support/app.ts';
import type { ErrorT } from '../dialects/native/responses.ts';

const pglite = backends[0]!;

describe('operations routes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(pglite);
  });
  afterAll(() => t?.close());

  it('answers /healthz and /readyz without a key', async () => {
    expect((await t.call('GET', '/healthz', { key: null })).body).toEqual({ status: 'ok' });
    expect((await t.call('GET', '/readyz', { key: null })).body).toEqual({ status: 'ready' });
  });

  it('serves the OpenAPI document and the docs page without a key', async () => {
    const spec = await t.call<{ openapi: string; paths: Record<string, unknown> }>('GET', '/openapi.json', {
      key: null,
    });
    expect(spec.status).toBe(200);
    expect(spec.body.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.body.paths)).toContain('/v1/prompts');
    const docs = await t.call('GET', '/docs/', { key: null });
    expect(docs.status).toBe(200);
    expect(docs.raw).toContain('<html');
  });

  it('serves the docs page with every asset from this server and a CSP that allows no other host', async () => {
    const page = await t.call('GET', '/docs', { key: null });
    expect(page.status).toBe(200);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toMatch(/default-src 'self'/);
    // Nothing in the policy names another host (no https: sources, no CDN, no font service).
    expect(csp).not.toMatch(/https?:|\*\./);
    const refs = [...page.raw.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(2);
    const init = refs.find((r) => r.includes('swagger-initializer'));
    expect(init).toBeDefined();
    for (const ref of refs) {
      expect(ref, ref).not.toMatch(/^(https?:)?\/\//);
      const url = new URL(ref, 'http://lectern.test/docs/static/index.html').pathname;
      const asset = await t.call('GET', url, { key: null });
      expect(asset.status, url).toBe(200);
      // The stylesheets load no web fonts or images from elsewhere.
      if (url.endsWith('.css')) expect(asset.raw, url).not.toMatch(/url\(\s*['"]?(https?:)?\/\//);
    }
    const initializer = await t.call(
      'GET',
      new URL(init!, 'http://lectern.test/docs/static/index.html').pathname,
      {
        key: null,
      },
    );
    expect(initializer.raw).toMatch(/validatorUrl: null/);
  });

  it('exports Prometheus metrics labelled by route pattern', async () => {
    await t.call('GET', '/v1/prompts/some-name');
    const res = await t.call('GET', '/metrics', { key: null });
    expect(res.status).toBe(200);
    expect(res.raw).toContain('lectern_http_request_duration_seconds_bucket');
    expect(res.raw).toContain('route="/v1/prompts/:prompt"');
    expect(res.raw).not.toContain('some-name');
  });

  it('echoes a request id and answers unknown paths with 404 in the native envelope', async () => {
    const res = await t.call<ErrorT>('GET', '/no/such/path', { headers: { 'x-request-id': 'abc-123' } });
    expect(res.status).toBe(404);
    expect(res.headers['x-request-id']).toBe('abc-123');
    expect(res.body.error.code).toBe('not_found');
  });
});
