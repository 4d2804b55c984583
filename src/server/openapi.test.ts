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

  it('marks a query parameter with a default as optional', () => {
    const list = doc.paths['/v1/prompts']!.get as unknown as {
      parameters: { name: string; in: string; required?: boolean }[];
    };
    const limit = list.parameters.find((p) => p.name === 'limit' && p.in === 'query');
    expect(limit?.required).toBe(false);
  });
});
