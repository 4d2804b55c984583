// Hostile requests as fast-check arbitraries, built from the app's own route table so a route added
// tomorrow is attacked tomorrow: wrong types, missing and extra fields, huge strings and arrays,
// deep nesting, invalid UTF-8 and JSON, unknown paths and methods, odd headers and keys.
import fc from 'fast-check';
import type { TestKeys } from './app.ts';
import type { Target } from './writers.ts';

export interface RawRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
}

export type Route = { method: string; url: string; config?: { stream?: boolean } };

/** Routes worth attacking: every registered one except HEAD twins and the docs page's assets. */
export function attackableRoutes(table: Route[]): Route[] {
  const seen = new Set<string>();
  return table.filter((r) => {
    const k = `${r.method} ${r.url}`;
    // A live stream (GET /v1/events) never ends; its refusals are in the security matrix.
    if (r.method === 'HEAD' || r.url.startsWith('/docs') || r.config?.stream || seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

const FIELD_NAMES = [
  'name',
  'prompt_name',
  'description',
  'messages',
  'content',
  'role',
  'version',
  'label',
  'labels',
  'base',
  'prompt_template',
  'prompt_version',
  'release_labels',
  'model',
  'deploy',
  'tags',
  'variables',
  'input_variables',
  'template_format',
  'params',
  'metadata',
  'status',
  'commit_message',
  'workspace',
  'project',
  'key',
  'role',
  'prompt_version_number',
  'model_parameters',
  'inference_params',
  'tools',
  'mode',
  'type',
  'filters',
  'sort_by',
  'operator',
  'filter',
  'source',
  'external_id',
  'external_ids',
  '__proto__',
  'constructor',
];

const hugeString = fc.integer({ min: 10_000, max: 300_000 }).map((n) => 'x'.repeat(n));
const weirdString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '{{',
    '{{#a}}{{/b}}',
    '{% for %}',
    '{0.__class__}',
    '../../etc/passwd',
    '\ud800',
    '\udfff',
    'a\u0000b',
    'ﾟ･✿ヾ╲(｡◕‿◕｡)╱✿･ﾟ',
  ),
  hugeString,
);
const deep = (depth: number) => {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
};
const value: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 2, arbitrary: weirdString },
  { weight: 1, arbitrary: fc.constantFrom(-1, 0, 2 ** 31, 2 ** 53 + 1, 1e308, -0, 0.5, true, null) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 1000, max: 50_000 }).map((n) => Array.from({ length: n }, (_, i) => i)),
  },
  { weight: 1, arbitrary: fc.integer({ min: 10, max: 200 }).map(deep) },
  // JSON objects that cannot be turned into strings: String() of these throws.
  {
    weight: 1,
    arbitrary: fc.constantFrom({ toString: 0 }, { toString: {}, valueOf: {} }, [{ toString: 0 }], {
      value: [{ toString: 0 }],
    }),
  },
  {
    weight: 1,
    arbitrary: fc.array(fc.record({ role: weirdString, content: fc.jsonValue({ maxDepth: 2 }) }), {
      maxLength: 5,
    }),
  },
);
const objectBody = fc.dictionary(fc.oneof(fc.constantFrom(...FIELD_NAMES), fc.string()), value, {
  maxKeys: 6,
});

/** The body, already serialised (or deliberately broken). */
const payload: fc.Arbitrary<{ payload?: string | Buffer; contentType?: string }> = fc.oneof(
  {
    weight: 6,
    arbitrary: objectBody.map((b) => ({ payload: JSON.stringify(b), contentType: 'application/json' })),
  },
  {
    weight: 2,
    arbitrary: value.map((b) => ({ payload: JSON.stringify(b) ?? 'null', contentType: 'application/json' })),
  },
  { weight: 1, arbitrary: fc.constant({}) },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(
        '{',
        '{"a":',
        '[1,2',
        'nul',
        '{"a":1}}',
        '\u0000',
        '{"__proto__":{"x":1}}',
        '{"constructor":{"prototype":{"x":1}}}',
        '{"a":1,"a":2}',
        '"just a string"',
        '1e999999',
        // Bad values the parser must refuse by field (never a 500, never stored mangled).
        '{"name":"a\\u0000b"}',
        '{"name":"\\ud800"}',
        '{"name":"x","metadata":{"\\udc00":1}}',
        '{"name":"x","params":{"t":1e309}}',
        '{"name":"x","version":{"params":{"t":-1e309}}}',
        '{"messages":[{"role":"user","content":"a\\u0000"}]}',
        '{"prompt_template":{"prompt_name":"\\ud83d"},"prompt_version":{"prompt_template":{"type":"chat","messages":[]}}}',
        '{"inference_params":{"temperature":1e400},"messages":[{"role":"user","content":"x"}]}',
        // __proto__ and constructor as data, at the top and nested.
        '{"name":"p","__proto__":{"admin":true}}',
        '{"name":"p","version":{"json_schema":{"properties":{"__proto__":{"type":"string"}}}}}',
        '{"messages":[{"role":"user","content":"x","__proto__":{"role":"system"}}],"model":"gpt-4o"}',
      )
      .map((p) => ({ payload: p, contentType: 'application/json' })),
  },
  {
    weight: 1,
    arbitrary: fc.uint8Array({ minLength: 1, maxLength: 64 }).map((bytes) => ({
      payload: Buffer.concat([
        Buffer.from('{"name":"'),
        Buffer.from([0xc3, 0x28, 0xff, ...bytes]),
        Buffer.from('"}'),
      ]),
      contentType: 'application/json',
    })),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      payload: fc.string(),
      contentType: fc.constantFrom(
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/json; charset=latin1',
        'application/xml',
        '',
      ),
    }),
  },
);

function segment(targets: Target[]): fc.Arbitrary<string> {
  const t = targets[0]!;
  return fc.oneof(
    {
      weight: 4,
      arbitrary: fc.constantFrom(
        ...targets.flatMap((x) => [x.id, String(x.seq), encodeURIComponent(x.name), x.hex]),
      ),
    },
    {
      weight: 2,
      arbitrary: fc.constantFrom('1', '2', 'latest', 'production', 'default', 'other', t.workspace),
    },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        '0',
        '-1',
        '99999999999999999999',
        '1e309',
        'NaN',
        '%00',
        '%2e%2e%2f',
        '..',
        '%ff%fe',
        '%E2%82',
        'a%2Fb',
        '00000000-0000-0000-0000-000000000000',
        'prompt-1111',
        'ffffffffffffffffffffffffffffffff',
        'ffffffffffffffffffffffffffffffff-1',
      ),
    },
    { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 40 }).map(encodeURIComponent) },
    { weight: 1, arbitrary: fc.integer({ min: 300, max: 3000 }).map((n) => 'a'.repeat(n)) },
    // Over the router's 1024-character limit, and broken or NUL/surrogate percent-encodings.
    {
      weight: 1,
      arbitrary: fc.constantFrom('b'.repeat(1025), 'c'.repeat(5000), '%ZZ', '%ed%a0%80', 'a%00b'),
    },
  );
}

const query = fc.option(
  fc.dictionary(
    fc.constantFrom(
      'limit',
      'offset',
      'workspace',
      'label',
      'version',
      'page',
      'page_size',
      'sort',
      'filter',
      'order',
      'include_deleted',
      'x',
    ),
    fc.oneof(
      fc.string(),
      fc.constantFrom('-1', '0', '1e9', '99999999999999', 'true', 'other', '[]', '{"a":1}'),
    ),
    { maxKeys: 3 },
  ),
  { nil: undefined },
);

function keyHeader(keys: TestKeys): fc.Arbitrary<Record<string, string>> {
  const k = fc.constantFrom(keys.editor, keys.viewer, keys.admin, keys.otherEditor, keys.otherViewer);
  return fc.oneof(
    { weight: 6, arbitrary: k.map((key) => ({ authorization: `Bearer ${key}` })) },
    { weight: 2, arbitrary: k.map((key) => ({ 'x-api-key': key })) },
    { weight: 1, arbitrary: fc.constant<Record<string, string>>({}) },
    {
      weight: 2,
      arbitrary: fc.constantFrom<Record<string, string>>(
        { authorization: 'Bearer' },
        { authorization: 'Basic dXNlcjpwYXNz' },
        { authorization: `Bearer ${'k'.repeat(8000)}` },
        { authorization: 'Bearer lec_wrong_key_000000000000000' },
        { 'x-api-key': ' ' },
        { authorization: `Bearer ${keys.editor}`, 'x-api-key': keys.otherEditor },
      ),
    },
  );
}

const oddHeaders = fc.dictionary(
  fc.constantFrom(
    'if-match',
    'if-none-match',
    'accept',
    'accept-encoding',
    'x-request-id',
    'x-forwarded-for',
    'origin',
    'range',
    'x-http-method-override',
  ),
  fc.oneof(
    fc.string().map((s) => s.replace(/[^\x20-\x7e]/g, '')),
    fc.constantFrom('*', '"1.1"', 'W/"x"', 'gzip, br', 'bytes=0-1', 'DELETE', '*/*;q=0'),
  ),
  { maxKeys: 3 },
);

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function hostileRequest(routes: Route[], targets: Target[], keys: TestKeys): fc.Arbitrary<RawRequest> {
  const known = fc
    .record({
      route: fc.constantFrom(...routes),
      segs: fc.array(segment(targets), { minLength: 6, maxLength: 6 }),
      query,
      body: payload,
      key: keyHeader(keys),
      odd: oddHeaders,
    })
    .map(({ route, segs, query: q, body, key, odd }) => {
      let i = 0;
      const path = route.url
        .split('/')
        .map((s) => (s.startsWith(':') ? segs[i++ % segs.length]! : s === '*' ? segs[5]! : s))
        .join('/');
      return build(route.method, path, q, BODY_METHODS.has(route.method) ? body : {}, { ...odd, ...key });
    });
  const unknown = fc
    .record({
      method: fc.constantFrom(
        'GET',
        'POST',
        'PUT',
        'PATCH',
        'DELETE',
        'OPTIONS',
        'PROPFIND',
        'TRACE',
        'SEARCH',
      ),
      path: fc.oneof(
        fc
          .array(fc.string({ maxLength: 12 }).map(encodeURIComponent), { minLength: 1, maxLength: 6 })
          .map((p) => `/${p.join('/')}`),
        fc.constantFrom(
          '/v1',
          '/v1/',
          '/v2/prompts',
          '/rest',
          '/api/prompts/x/y/z/w',
          '/apis/models/v2/workspaces',
          '//',
          '/%',
          '/v1/prompts/%ZZ',
        ),
        fc.constantFrom(...routes).map((r) => r.url.replace(/:[^/]+/g, 'zz') + '/extra'),
      ),
      body: payload,
      key: keyHeader(keys),
    })
    .map(({ method, path, body, key }) => build(method, path, undefined, body, key));
  return fc.oneof({ weight: 5, arbitrary: known }, { weight: 1, arbitrary: unknown });
}

function build(
  method: string,
  path: string,
  q: Record<string, string> | undefined,
  body: { payload?: string | Buffer; contentType?: string },
  headers: Record<string, string>,
): RawRequest {
  const qs = q && Object.keys(q).length ? `?${new URLSearchParams(q).toString()}` : '';
  const h = { ...headers };
  if (body.payload !== undefined && body.contentType) h['content-type'] = body.contentType;
  return {
    method,
    url: path + qs,
    headers: h,
    ...(body.payload !== undefined ? { payload: body.payload } : {}),
  };
}

export function deepJson(depth: number): string {
  return JSON.stringify(deep(depth));
}
