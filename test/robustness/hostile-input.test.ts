// Hostile input against every route the app registers (read from the app, so new routes are
// attacked automatically): never a 5xx, and a refused request (4xx) leaves every table untouched.
// Bodies over the limit are 413 and nesting over the limit 400 on every route that takes a body.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/stores.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { dbFingerprint } from '../support/invariants.ts';
import { attackableRoutes, deepJson, hostileRequest, type Route } from '../support/hostile.ts';
import { createTarget, type Call, type Target } from '../support/writers.ts';

const RUNS = Number(process.env.LECTERN_HOSTILE_RUNS ?? 300);
const BODY_LIMIT = 64 * 1024;

for (const backend of backends) {
  describe.skipIf(!backend.available)(`hostile input on ${backend.name}`, () => {
    let t: TestApp;
    let routes: Route[];
    let targets: Target[];
    beforeAll(async () => {
      t = await startTestApp(backend, { bodyLimit: BODY_LIMIT });
      const call = t.call as Call;
      const a = await createTarget(call, 'hostile-a');
      await call('PUT', `/v1/prompts/${a.id}/labels/production`, { body: { version: 1 } });
      await call('POST', `/v1/prompts/${a.id}/versions`, {
        body: { messages: [{ role: 'user', content: 'Hello {{name}}' }], status: 'draft' },
      });
      const b = await createTarget(call, 'hostile-b', t.keys.otherEditor, 'other');
      targets = [a, b];
      routes = attackableRoutes(t.app.routeTable);
    });
    afterAll(() => t?.close());

    it('covers every route family the app registers', () => {
      const families = new Set(routes.map((r) => r.url.split('/')[1]));
      for (const f of ['v1', 'rest', 'api', 'apis', 'healthz']) expect(families).toContain(f);
    });

    it(`${RUNS} property-based hostile requests: no 5xx, no state change on any 4xx`, async () => {
      let tried = 0;
      const statuses = new Map<number, number>();
      await fc.assert(
        fc.asyncProperty(hostileRequest(routes, targets, t.keys), async (req) => {
          tried++;
          const before = await dbFingerprint(t.store);
          const res = await t.app.inject(req as never);
          const where = `${req.method} ${req.url.slice(0, 200)} -> ${res.statusCode} ${res.body.slice(0, 300)}`;
          statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
          expect(res.statusCode, where).toBeLessThan(500);
          if (res.statusCode >= 400) expect(await dbFingerprint(t.store), where).toBe(before);
        }),
        { numRuns: RUNS, seed: Number(process.env.LECTERN_HOSTILE_SEED ?? 20261122), endOnFailure: true },
      );
      expect(tried).toBe(RUNS);
      // The attack must reach handlers, not only the authentication gate: some requests succeed,
      // and validation and lookups refuse others.
      const count = (pred: (s: number) => boolean) =>
        [...statuses].filter(([s]) => pred(s)).reduce((n, [, c]) => n + c, 0);
      expect(
        count((s) => s < 300),
        JSON.stringify([...statuses]),
      ).toBeGreaterThan(RUNS / 20);
      expect(
        count((s) => s === 400 || s === 422),
        JSON.stringify([...statuses]),
      ).toBeGreaterThan(RUNS / 20);
      expect(
        count((s) => s === 404),
        JSON.stringify([...statuses]),
      ).toBeGreaterThan(RUNS / 20);
      console.log(
        `[hostile] ${backend.name}: ${tried} requests, statuses ${JSON.stringify(Object.fromEntries(statuses))}`,
      );
    }, 120_000);

    const bodyRoutes = () => routes.filter((r) => ['POST', 'PUT', 'PATCH'].includes(r.method));
    const fill = (url: string) =>
      url.replace(/:[^/]+/g, (p) => (p === ':workspace' ? 'default' : targets[0]!.id));

    it('a body over the configured limit is 413 on every route that takes a body', async () => {
      const huge = JSON.stringify({ name: 'x'.repeat(BODY_LIMIT + 10) });
      const wrong: string[] = [];
      for (const r of bodyRoutes()) {
        const before = await dbFingerprint(t.store);
        const res = await t.app.inject({
          method: r.method as 'POST',
          url: fill(r.url),
          headers: { authorization: `Bearer ${t.keys.editor}`, 'content-type': 'application/json' },
          payload: huge,
        });
        if (res.statusCode !== 413) wrong.push(`${r.method} ${r.url} -> ${res.statusCode}`);
        expect(await dbFingerprint(t.store)).toBe(before);
      }
      expect(wrong).toEqual([]);
    });

    it('a path segment over 1024 characters is a 400 (never a raw 414) on every route with a parameter', async () => {
      const wrong: string[] = [];
      const long = 'z'.repeat(1500);
      for (const r of routes.filter((x) => x.url.includes(':'))) {
        const res = await t.app.inject({
          method: r.method as 'GET',
          url: r.url.replace(/:[^/]+/, long).replace(/:[^/]+/g, '1'),
          headers: { authorization: `Bearer ${t.keys.editor}` },
        });
        if (res.statusCode !== 400 || res.body.includes(long) || res.body.includes('FST_ERR'))
          wrong.push(`${r.method} ${r.url} -> ${res.statusCode} ${res.body.slice(0, 120)}`);
      }
      expect(wrong).toEqual([]);
    });

    it('nesting over the configured limit is 400 on every route that takes a body', async () => {
      const nested = deepJson(t.app.lecternConfig.maxJsonDepth + 5);
      const wrong: string[] = [];
      for (const r of bodyRoutes()) {
        const res = await t.app.inject({
          method: r.method as 'POST',
          url: fill(r.url),
          headers: { authorization: `Bearer ${t.keys.editor}`, 'content-type': 'application/json' },
          payload: nested,
        });
        if (res.statusCode !== 400) wrong.push(`${r.method} ${r.url} -> ${res.statusCode}`);
      }
      expect(wrong).toEqual([]);
    });

    it('malformed JSON, invalid UTF-8 and unstorable values are refused (4xx) on every route that takes a body', async () => {
      const wrong: string[] = [];
      for (const r of bodyRoutes()) {
        for (const payload of [
          '{"name":',
          Buffer.from([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]),
          // NUL, a lone surrogate, a non-finite number: each a 400 naming the field, on every route.
          '{"name":"a\\u0000b","messages":[{"role":"user","content":"x"}]}',
          '{"name":"\\ud800","messages":[{"role":"user","content":"x"}]}',
          '{"name":"x","temperature":1e309,"messages":[{"role":"user","content":"x"}]}',
        ]) {
          const before = await dbFingerprint(t.store);
          const res = await t.app.inject({
            method: r.method as 'POST',
            url: fill(r.url),
            headers: { authorization: `Bearer ${t.keys.editor}`, 'content-type': 'application/json' },
            payload,
          });
          if (res.statusCode < 400 || res.statusCode >= 500)
            wrong.push(`${r.method} ${r.url} -> ${res.statusCode}`);
          else if (typeof payload === 'string' && /u0000|ud800|1e309/.test(payload) && res.statusCode !== 400)
            wrong.push(`${r.method} ${r.url} -> ${res.statusCode} (want 400) ${res.body.slice(0, 200)}`);
          else if ((await dbFingerprint(t.store)) !== before)
            wrong.push(`${r.method} ${r.url}: state changed`);
        }
      }
      expect(wrong).toEqual([]);
    });
  });
}
