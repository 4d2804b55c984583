// Hostile input through every kind of slot (path, query, body) never produces a 5xx: whatever a
// client sends is answered in the error envelope with a 4xx, or served.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { backends } from '../../../../test/support/stores.ts';
import { startTestApp, type TestApp } from '../../../../test/support/app.ts';
import { promptWithVersions } from '../testing.ts';
import type { ErrorT } from '../responses.ts';

const hostile = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom(
    '\u0000',
    'a\u0000b',
    '%',
    '..',
    '../..',
    "'; drop table prompts; --",
    '\ud800',
    '9'.repeat(30),
    '__proto__',
  ),
);

// Lone surrogates cannot be percent-encoded as UTF-8: send them as U+FFFD (the raw-byte case is
// covered by the malformed escapes in `rawPaths`).
const enc = (s: string) =>
  encodeURIComponent(
    s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'),
  );
const rawPaths = ['%ED%A0%80', '%FF', '%', '%E0%A4%A', 'a%2Fb', '%2e%2e'];

for (const backend of backends) {
  describe.skipIf(!backend.available)(`native API under hostile input on ${backend.name}`, () => {
    let t: TestApp;
    let id: string;
    beforeAll(async () => {
      t = await startTestApp(backend);
      id = (await promptWithVersions(t, ['a {{x}}'], { labels: ['production'] })).id;
    });
    afterAll(() => t?.close());

    const okOrClientError = (status: number, what: string) => {
      expect(status, what).toBeLessThan(500);
      expect(status, what).not.toBe(0);
    };

    it('path and query values', async () => {
      await fc.assert(
        fc.asyncProperty(hostile, async (s) => {
          const e = enc(s);
          for (const url of [
            `/v1/prompts/${e}`,
            `/v1/prompts/${e}/resolve?label=${e}`,
            `/v1/prompts?q=${e}&name=${e}&label=${e}&tags=${e}&project=${e}`,
            `/v1/prompts/${id}/label-history?label=${e}`,
            `/v1/audit?entity_id=${e}&action=${e}`,
            `/v1/workspaces/${e}/projects`,
          ]) {
            // Only an error's body is read.
            const res = await t.call<ErrorT>('GET', url, { key: t.keys.admin });
            okOrClientError(res.status, url);
            if (res.status >= 400) expect(res.body.error.code, url).toBeTruthy();
          }
        }),
        { numRuns: 25 },
      );
    });

    it('malformed percent-escapes in paths and queries', async () => {
      for (const raw of rawPaths) {
        for (const url of [`/v1/prompts/${raw}`, `/v1/prompts/${raw}/versions/1`, `/v1/prompts?q=${raw}`]) {
          const res = await t.call('GET', url, { key: t.keys.admin });
          okOrClientError(res.status, url);
        }
      }
    });

    it('body values', async () => {
      await fc.assert(
        fc.asyncProperty(hostile, fc.jsonValue({ maxDepth: 3 }), async (s, j) => {
          const calls: [string, string, unknown][] = [
            ['POST', `/v1/prompts/${id}/render`, { label: s, variables: { x: j }, mode: 'lenient' }],
            ['POST', '/v1/render', { format: 'jinja2', template: s, variables: { v: j }, mode: 'lenient' }],
            ['POST', '/v1/render', { format: 'f-string', template: s, mode: 'lenient' }],
            ['PUT', `/v1/prompts/${id}/labels/${enc(s)}`, { version: 1 }],
            ['PATCH', `/v1/prompts/${id}`, { metadata: { k: j } }],
          ];
          for (const [method, url, body] of calls) {
            const res = await t.call(method as 'POST', url, { body });
            okOrClientError(res.status, `${method} ${url}`);
          }
        }),
        { numRuns: 25 },
      );
    });
  });
}
