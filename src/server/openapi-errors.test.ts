// /openapi.json documents each operation's error answers status by status, in its API's envelope,
// and every error an operation really gives is among them: every operation of the document is
// probed with no key, a wrong key, a viewer's key, unknown ids, a body that does not parse and one
// of the wrong shape, and (on an app with a tight limit) too many failed logins. Each answer goes
// through the route's own response schema for its status (test/support/app.ts checks it is written
// unchanged), so an undocumented status or an envelope the schema does not describe fails here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../test/support/stores.ts';
import { startTestApp, type TestApp } from '../../test/support/app.ts';

interface Operation {
  operationId?: string;
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: unknown }> }>;
}
type Doc = {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, object> };
};

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];
const OPEN = ['/healthz', '/readyz', '/metrics', '/openapi.json'];

/** The API a path belongs to, the error statuses all its routes can answer, its envelope(s). */
function apiOf(path: string): { api: string; statuses: number[]; envelopes: string[] } {
  if (path.startsWith('/v1/') && path !== '/v1/traces') {
    return {
      api: 'native',
      statuses: [400, 401, 403, 404, 409, 412, 413, 422, 429],
      envelopes: ['NativeError'],
    };
  }
  if (path === '/api/chat/completions') {
    return { api: 'keywordsai', statuses: [400, 401, 403, 404, 429], envelopes: ['KeywordsAiGatewayError'] };
  }
  if (
    path.startsWith('/api/prompts') ||
    path.startsWith('/api/request-logs') ||
    path === '/request-logs/create'
  ) {
    return { api: 'keywordsai', statuses: [400, 401, 403, 404, 429], envelopes: ['KeywordsAiError'] };
  }
  if (path.startsWith('/apis/')) {
    return {
      api: 'nemo',
      statuses: [400, 401, 403, 404, 422, 429],
      envelopes: ['NemoError', 'NemoValidationError'],
    };
  }
  if (path.startsWith('/api/public/v2/prompts')) {
    return { api: 'langfuse', statuses: [400, 401, 403, 404, 429], envelopes: ['LangfuseError'] };
  }
  return {
    api: 'promptlayer',
    statuses: [400, 401, 403, 404, 422, 429],
    envelopes: ['PromptLayerError', 'PromptLayerValidationError'],
  };
}

/** Every `$ref` named inside a schema. */
function refsOf(schema: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(schema)) for (const s of schema) refsOf(s, out);
  else if (schema && typeof schema === 'object') {
    for (const [k, v] of Object.entries(schema)) {
      if (k === '$ref' && typeof v === 'string') out.add(v.split('/').pop()!);
      else refsOf(v, out);
    }
  }
  return out;
}

const backend = backends[0]!;
describe(`documented error responses on ${backend.name}`, () => {
  let t: TestApp;
  let limited: TestApp;
  let doc: Doc;
  beforeAll(async () => {
    t = await startTestApp(backend);
    // One failed login per window: the second is refused with 429 on whichever route it reaches.
    limited = await startTestApp(backend, { rateLimitAuthFailures: 1, rateLimitWindowMs: 600_000 });
    const res = await t.call<Doc>('GET', '/openapi.json', { key: null });
    expect(res.status).toBe(200);
    doc = res.body;
  });
  afterAll(async () => {
    await t?.close();
    await limited?.close();
  });

  const operations = () =>
    Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([method]) => METHODS.includes(method))
        .map(([method, op]) => ({
          method: method.toUpperCase(),
          path,
          name: `${method.toUpperCase()} ${path}`,
          op,
        })),
    );

  it("lists on every operation each error status its API answers, described, in the API's envelope", () => {
    let checked = 0;
    for (const { path, name, op } of operations()) {
      if (OPEN.includes(path)) continue;
      const { statuses, envelopes } = apiOf(path);
      for (const s of [...statuses.map(String), '4XX', '5XX']) {
        const r = op.responses?.[s];
        expect(r, `${name} ${s}`).toBeDefined();
        expect(r!.description, `${name} ${s}`).toBeTruthy();
        const named = [...refsOf(r!.content)];
        expect(named.length, `${name} ${s}`).toBeGreaterThan(0);
        for (const n of named) expect(envelopes, `${name} ${s}`).toContain(n);
      }
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(70);
  });

  it("documents FastAPI's 422 detail list for PromptLayer and NeMo", () => {
    const s = doc.components.schemas;
    expect(s['PromptLayerValidationError']).toMatchObject({
      required: ['detail'],
      properties: { detail: { type: 'array' } },
    });
    expect(s['PromptLayerDetailItem']).toMatchObject({ required: ['loc', 'msg', 'type'] });
    expect(s['NemoValidationError']).toMatchObject({
      required: ['detail'],
      properties: { detail: { type: 'array' } },
    });
    expect(s['NemoDetailItem']).toMatchObject({ required: ['type', 'loc', 'msg', 'input'] });
    const pl422 = doc.paths['/prompt-templates/{identifier}']!['post']!.responses!['422']!;
    expect([...refsOf(pl422.content)].sort()).toEqual(['PromptLayerError', 'PromptLayerValidationError']);
  });

  it('answers every probe of every operation with a status the operation documents', async () => {
    const junk = (path: string) => path.replace(/\{[^}]+\}/g, 'no-such-thing-0');
    const seen = new Map<string, Set<number>>();
    const undocumented: string[] = [];
    for (const { method, path, name, op } of operations()) {
      if (OPEN.includes(path)) continue;
      // A stream that follows new events never ends: poll it.
      const follows = (op as { parameters?: { name: string }[] }).parameters?.some(
        (q) => q.name === 'follow',
      );
      const url = follows ? `${junk(path)}?follow=false` : junk(path);
      const write = method !== 'GET';
      const probes: { key: string | null; body?: unknown; app?: TestApp }[] = [
        { key: null },
        { key: 'lec_not_a_key_0123456789abcdef' },
        { key: t.keys.viewer, ...(write ? { body: {} } : {}) },
        { key: t.keys.otherEditor },
        ...(write
          ? [
              { key: t.keys.editor, body: '{"broken' },
              { key: t.keys.editor, body: { name: [1], x: {} } },
            ]
          : []),
        { key: 'lec_not_a_key_0123456789abcdef', app: limited },
        { key: 'lec_not_a_key_0123456789abcdef', app: limited },
      ];
      for (const p of probes) {
        const res = await (p.app ?? t).call(method as 'GET', url, {
          key: p.key,
          ...(p.body !== undefined ? { body: p.body } : {}),
        });
        const status = res.status;
        if (status < 400) continue;
        const got = seen.get(apiOf(path).api) ?? new Set();
        got.add(status);
        seen.set(apiOf(path).api, got);
        if (!op.responses?.[String(status)])
          undocumented.push(`${name} answered ${status}: ${res.raw.slice(0, 120)}`);
      }
    }
    expect(undocumented).toEqual([]);
    // The probes reach the statuses the document promises (so this test can see a missing one).
    for (const api of ['native', 'promptlayer', 'keywordsai', 'nemo', 'langfuse']) {
      expect([...(seen.get(api) ?? [])], api).toEqual(expect.arrayContaining([401, 429]));
    }
    expect([...seen.get('promptlayer')!]).toContain(422);
    expect([...seen.get('nemo')!]).toContain(422);
    expect([...seen.get('native')!]).toEqual(expect.arrayContaining([400, 403, 404]));
  }, 600_000);
});
