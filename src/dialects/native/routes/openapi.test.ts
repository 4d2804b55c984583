// Every native route is in /openapi.json with a summary and tags, and nothing in /v1 is missing:
// the route list is read by registering each route on a recorder, and checked against the
// live app's routes (printRoutes) so a route added outside routes/index.ts is caught too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { backends } from '../../../../test/support/stores.ts';
import { startTestApp, type TestApp } from '../../../../test/support/app.ts';
import { routes } from './index.ts';

/** The parts of /openapi.json these tests read. */
interface DocOperation {
  summary?: string;
  tags?: string[];
  parameters: { name: string }[];
  requestBody: { content: Record<string, { schema: { properties: Record<string, unknown> } }> };
}
type Doc = { paths: Record<string, Record<string, DocOperation>> };

interface Recorded {
  method: string;
  url: string;
  schema: { summary?: string; tags?: string[]; [k: string]: unknown };
}

function recordRoutes(): Recorded[] {
  const out: Recorded[] = [];
  // addHook: a route may own a hook (the event stream ends its streams on close).
  // register: a route may own an encapsulated context (the import's raw-body parser).
  const recorder: Record<string, unknown> = {
    withTypeProvider: () => recorder,
    addHook: () => recorder,
    removeAllContentTypeParsers: () => recorder,
    addContentTypeParser: () => recorder,
    register: (plugin: (sub: unknown) => unknown) => void plugin(recorder),
  };
  for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
    recorder[method] = (url: string, opts: { schema: Recorded['schema'] }) => {
      out.push({ method, url, schema: opts.schema });
      return recorder;
    };
  }
  for (const route of routes) route(recorder as unknown as FastifyInstance);
  return out;
}

/** Full paths and methods from Fastify's route tree (children print indented, 4 columns a level). */
function routerPaths(tree: string): [string, string][] {
  const out: [string, string][] = [];
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const m = /^([│ ]*)[├└]── (\S+) \(([^)]*)\)$/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    stack.length = depth;
    const full = (depth ? stack[depth - 1]! : '') + m[2]!;
    stack.push(full);
    out.push([full, m[3]!]);
  }
  return out;
}

const toOpenApiPath = (url: string) => `/v1${url}`.replace(/:([A-Za-z_]+)/g, '{$1}');

const backend = backends[0]!;
describe(`native OpenAPI on ${backend.name}`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend);
  });
  afterAll(() => t?.close());

  it('lists every native route with its method, summary and tags', async () => {
    const recorded = recordRoutes();
    expect(recorded.length).toBeGreaterThanOrEqual(33);
    const res = await t.call<Doc>('GET', '/openapi.json', { key: null });
    expect(res.status).toBe(200);
    const paths = res.body.paths;
    for (const r of recorded) {
      const op = paths[toOpenApiPath(r.url)]?.[r.method];
      expect(op, `${r.method.toUpperCase()} ${r.url}`).toBeDefined();
      expect(op!.summary, r.url).toBeTruthy();
      expect(op!.tags?.length, r.url).toBeGreaterThan(0);
      expect(r.schema.summary).toBe(op!.summary);
    }
  });

  it('has no /v1 route in the router that the OpenAPI document lacks', async () => {
    const res = await t.call<Doc>('GET', '/openapi.json', { key: null });
    const paths = Object.keys(res.body.paths);
    const live = routerPaths(t.app.printRoutes({ commonPrefix: false }))
      .filter(([path, methods]) => path.startsWith('/v1/') && /GET|POST|PUT|PATCH|DELETE/.test(methods))
      .map(([path, methods]) => [path.replace(/:([A-Za-z_]+)/g, '{$1}'), methods] as const);
    expect(live.length).toBeGreaterThanOrEqual(20);
    for (const [path] of live) expect(paths, path).toContain(path.replace(/\/$/, ''));
  });

  it('documents the request schemas (params, query, body) of writes', async () => {
    const res = await t.call<Doc>('GET', '/openapi.json', { key: null });
    const put = res.body.paths['/v1/prompts/{prompt}/labels/{label}']!['put']!;
    expect(put.parameters.map((p) => p.name)).toEqual(
      expect.arrayContaining(['prompt', 'label', 'if-match']),
    );
    expect(put.requestBody.content['application/json']!.schema.properties).toHaveProperty('version');
    const list = res.body.paths['/v1/prompts']!['get']!;
    expect(list.parameters.map((p) => p.name)).toEqual(
      expect.arrayContaining([
        'workspace',
        'status',
        'q',
        'tags',
        'label',
        'sort',
        'order',
        'limit',
        'offset',
      ]),
    );
  });
});
