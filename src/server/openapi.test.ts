// /openapi.json is a valid OpenAPI document (checked by a real validator), and it says what each
// operation answers: an operation id, a response schema for success and one for errors, shared
// components by name; catch-all routes stay out of it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Validator } from '@seriousme/openapi-schema-validator';
import { backends } from '../../test/support/stores.ts';
import { startTestApp, type TestApp } from '../../test/support/app.ts';

interface Operation {
  operationId?: string;
  responses?: Record<string, { content?: Record<string, { schema?: object }> }>;
}
type Doc = {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, object> };
};

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

const backend = backends[0]!;
describe(`OpenAPI document on ${backend.name}`, () => {
  let t: TestApp;
  let doc: Doc;
  beforeAll(async () => {
    t = await startTestApp(backend);
    const res = await t.call<Doc>('GET', '/openapi.json', { key: null });
    expect(res.status).toBe(200);
    doc = res.body;
  });
  afterAll(() => t?.close());

  const operations = () =>
    Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([method]) => METHODS.includes(method))
        .map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, op })),
    );

  it('passes an OpenAPI validator', async () => {
    const result = await new Validator().validate(doc as never);
    expect(result.errors ?? [], JSON.stringify(result.errors, null, 1)?.slice(0, 2000)).toEqual([]);
    expect(result.valid).toBe(true);
    expect(doc.openapi).toMatch(/^3\.1\./);
  });

  it('gives every operation a unique operationId', () => {
    const ids = operations().map(({ name, op }) => {
      expect(op.operationId, name).toBeTruthy();
      return op.operationId;
    });
    expect(ids.length).toBeGreaterThanOrEqual(70);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('documents a success response and the error envelope of every operation', () => {
    for (const { name, op } of operations()) {
      const codes = Object.keys(op.responses ?? {});
      const ok = codes.filter((c) => /^2/.test(c));
      expect(ok.length, name).toBeGreaterThan(0);
      for (const c of ok) {
        // JSON, or the one media type a streaming route declares (`produces`: NDJSON, SSE).
        const content = op.responses![c]!.content ?? {};
        const schema = content['application/json']?.schema ?? Object.values(content)[0]?.schema;
        if (c !== '204') expect(schema, `${name} ${c}`).toBeDefined();
      }
      if (!name.includes('/healthz') && !name.includes('/readyz')) expect(codes, name).toContain('4XX');
    }
  });

  it('lists the shared schemas of every API by name', () => {
    const names = Object.keys(doc.components.schemas);
    for (const n of [
      'NativePrompt',
      'NativeVersion',
      'NativeError',
      'PromptLayerCreated',
      'PromptLayerError',
    ]) {
      expect(names).toContain(n);
    }
    for (const n of ['KeywordsAiPrompt', 'KeywordsAiVersion', 'KeywordsAiError', 'NemoPrompt', 'NemoError']) {
      expect(names).toContain(n);
    }
  });

  it('keeps catch-all routes out of the document', () => {
    expect(Object.keys(doc.paths).filter((p) => p.includes('*'))).toEqual([]);
  });

  // Every GET of the document is called with real ids: one whose answer carries an ETag must
  // answer 304 to If-None-Match and declare it; one declaring 304 must answer it.
  it('declares 304 on exactly the routes that answer it to If-None-Match', async () => {
    const created = await t.call<{ prompt: { id: string; seq: number; name: string } }>(
      'POST',
      '/v1/prompts',
      {
        body: {
          name: 'openapi-304',
          version: { messages: [{ role: 'user', content: 'x' }] },
          labels: ['production'],
        },
      },
    );
    expect(created.status).toBe(201);
    const p = created.body.prompt;
    const value = (path: string, param: string): string => {
      if (param === 'prompt') return p.id;
      if (param === 'version') return '1';
      if (param === 'label') return 'production';
      if (param === 'identifier' || param === 'prompt_template_id') return String(p.seq);
      if (param === 'prompt_id')
        return path.startsWith('/api/prompts') ? p.id.replace(/-/g, '') : String(p.seq);
      if (param === 'name') return path.includes('/prompts/{name}') ? p.name : 'default';
      if (param === 'workspace') return 'default';
      return 'none';
    };
    const answering: string[] = [];
    const declaring: string[] = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      const op = item.get;
      if (!op) continue;
      const at = path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(value(path, name)));
      // A stream that follows new events never ends: poll it.
      const follows = (op as { parameters?: { name: string }[] }).parameters?.some(
        (q) => q.name === 'follow',
      );
      const url = follows ? `${at}?follow=false` : at;
      const name = `GET ${path}`;
      if (op.responses?.['304']) declaring.push(name);
      const first = await t.call('GET', url, { key: t.keys.admin });
      const etag = first.headers['etag'];
      if (first.status !== 200 || typeof etag !== 'string') continue;
      const again = await t.call('GET', url, { key: t.keys.admin, headers: { 'if-none-match': etag } });
      if (again.status === 304) answering.push(name);
    }
    expect(answering.length).toBeGreaterThanOrEqual(3);
    expect(declaring.sort()).toEqual(answering.sort());
    for (const name of declaring) {
      const [, path] = name.split(' ');
      const r304 = doc.paths[path!]!.get!.responses!['304'] as { content?: unknown; headers?: object };
      expect(r304.content, name).toBeUndefined();
      expect(r304.headers, name).toHaveProperty('etag');
    }
  });

  it('marks a query parameter with a default as optional', () => {
    const list = doc.paths['/v1/prompts']!.get as unknown as {
      parameters: { name: string; in: string; required?: boolean }[];
    };
    const limit = list.parameters.find((p) => p.name === 'limit' && p.in === 'query');
    expect(limit?.required).toBe(false);
  });
});
