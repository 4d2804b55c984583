// The UI's static serving: index.html never cached and under a strict CSP with a fresh nonce,
// hashed assets immutable, API paths' 404s still in their own envelopes, and a clear message when
// the UI was not built.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApp, type TestApp } from '../../test/support/app.ts';
import { openPgliteForTest } from '../../test/support/stores.ts';
import type { ErrorT } from '../dialects/native/responses.ts';

const pglite = { name: 'pglite' as const, available: true, open: openPgliteForTest };

describe('static UI', () => {
  let t: TestApp;
  beforeAll(async () => {
    const dist = mkdtempSync(join(tmpdir(), 'lectern-ui-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(
      join(dist, 'index.html'),
      '<html><head><meta name="csp-nonce" content="__CSP_NONCE__"></head><body><script type="module" src="/assets/app-abc123.js"></script></body></html>',
    );
    writeFileSync(join(dist, 'assets', 'app-abc123.js'), 'console.log(1)');
    process.env.LECTERN_UI_DIST = dist;
    t = await startTestApp(pglite);
    delete process.env.LECTERN_UI_DIST;
  });
  afterAll(async () => t?.close());

  it('serves index.html at / without a key, never cached, under a CSP with a per-response nonce', async () => {
    const a = await t.call('GET', '/', { key: null });
    const b = await t.call('GET', '/', { key: null });
    expect(a.status).toBe(200);
    expect(a.headers['content-type']).toMatch(/text\/html/);
    expect(a.headers['cache-control']).toBe('no-cache');
    const csp = String(a.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    const nonce = /'nonce-([^']+)'/.exec(csp)![1]!;
    expect(a.raw).toContain(`content="${nonce}"`);
    expect(a.raw).not.toContain('__CSP_NONCE__');
    expect(b.headers['content-security-policy']).not.toBe(csp);
  });

  it('serves hashed assets as immutable, without a key', async () => {
    const r = await t.call('GET', '/assets/app-abc123.js', { key: null });
    expect(r.status).toBe(200);
    expect(r.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(r.headers['content-type']).toMatch(/javascript/);
  });

  it('leaves API paths alone: unknown paths answer in their API envelope, not with the UI', async () => {
    const native = await t.call<ErrorT>('GET', '/v1/no-such-route');
    expect(native.status).toBe(404);
    expect(native.body.error.code).toBe('not_found');
    const other = await t.call('GET', '/prompts/whatever/deeper');
    expect(other.status).toBe(404);
    expect(other.raw).not.toContain('<html');
    const missingAsset = await t.call('GET', '/assets/nope.js', { key: null });
    expect(missingAsset.status).toBe(404);
  });

  it('answers / with how to build the UI when web/dist is missing', async () => {
    process.env.LECTERN_UI_DIST = join(tmpdir(), 'lectern-no-such-ui-dir');
    const t2 = await startTestApp(pglite);
    delete process.env.LECTERN_UI_DIST;
    try {
      const r = await t2.call('GET', '/', { key: null });
      expect(r.status).toBe(503);
      expect(r.raw).toContain('npm run build:web');
    } finally {
      await t2.close();
    }
  });
});
