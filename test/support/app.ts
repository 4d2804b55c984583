// A whole Lectern app on a test backend, with one key of each kind, for route tests. Requests go
// through Fastify's real routing, hooks and serialisation (inject), or a real port (listen).
import type { FastifyInstance, InjectOptions } from 'fastify';
import type { Static, TSchema } from '@sinclair/typebox';
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import type { Store } from '../../src/store/db.ts';
import { createRegistry, type Registry } from '../../src/registry/index.ts';
import { buildApp, type AppOptions } from '../../src/server/app.ts';
import { loadConfig, type Config } from '../../src/server/config.ts';
import { bootstrap } from '../../src/server/bootstrap.ts';
import type { ProviderSet } from '../../src/gateway/providers.ts';
import type { Backend } from './stores.ts';

export interface TestKeys {
  admin: string; // every workspace
  editor: string; // workspace default
  viewer: string; // workspace default
  otherEditor: string; // workspace other
  otherViewer: string; // workspace other
}

/** What a route declares beside its handler (`export const schema`): its response schemas. */
export interface RouteSchema {
  response: { [code: string | number]: TSchema };
}

/**
 * The body a route answers with `code` (200 unless given), typed from the response schema the
 * route declares: `t.call<ResponseOf<typeof getRaw>>('GET', …)` with
 * `import { schema as getRaw } from './get-raw.ts'`. A test then reads only fields the route
 * promises: a renamed or dropped field is a type error in every test that reads it.
 */
export type ResponseOf<S extends RouteSchema, C extends keyof S['response'] = 200> = Static<S['response'][C]>;

/**
 * An answer as a test sees it. `T` types the body: `call<ResponseOf<typeof schema>>(…)` (or a
 * response type the routes export, e.g. `ResolvedT`); untyped calls are `unknown`.
 */
export interface TestResponse<T = unknown> {
  status: number;
  body: T;
  headers: Record<string, unknown>;
  raw: string;
}

export interface TestApp {
  app: FastifyInstance;
  registry: Registry;
  store: Store;
  keys: TestKeys;
  /** inject with a key: `call('POST', '/v1/prompts', { key: keys.editor, body })` */
  call<T = unknown>(
    method: InjectOptions['method'],
    url: string,
    opts?: {
      key?: string | null;
      body?: unknown;
      headers?: Record<string, string>;
      auth?: 'bearer' | 'x-api-key';
    },
  ): Promise<TestResponse<T>>;
  close(): Promise<void>;
}

export async function startTestApp(
  backend: Backend,
  config: Partial<Config> = {},
  extra: Pick<AppOptions, 'gateway' | 'logger'> = {},
): Promise<TestApp> {
  const store = await backend.open();
  const registry = createRegistry(store);
  const adminSecret = 'lec_test_admin_secret_0123456789';
  await bootstrap(registry, adminSecret);
  await registry.ensureWorkspace('other');
  const root = (await registry.authenticate(adminSecret))!;
  const mk = async (role: 'editor' | 'viewer', workspace: string) =>
    (await registry.createKey(root, { name: `${role}@${workspace}`, role, workspace })).secret;
  const keys: TestKeys = {
    admin: adminSecret,
    editor: await mk('editor', 'default'),
    viewer: await mk('viewer', 'default'),
    otherEditor: await mk('editor', 'other'),
    otherViewer: await mk('viewer', 'other'),
  };
  const app = await buildApp({
    registry,
    // Rate limits off unless a test asks (security matrices send hundreds of bad keys).
    config: {
      ...loadConfig({}),
      rateLimit: 0,
      rateLimitWrites: 0,
      rateLimitAnonymous: 0,
      rateLimitAuthFailures: 0,
      ...config,
    },
    logger: extra.logger ?? false,
    ...(extra.gateway ? { gateway: extra.gateway } : {}),
    serializerFactory: faithfulSerializers,
  });
  await app.ready();
  return {
    app,
    registry,
    store,
    keys,
    async call(method, url, opts = {}) {
      const headers: Record<string, string> = { ...(opts.headers ?? {}) };
      const key = opts.key === undefined ? keys.editor : opts.key;
      if (key !== null) {
        if (opts.auth === 'x-api-key') headers['x-api-key'] = key;
        else headers.authorization = `Bearer ${key}`;
      }
      if (typeof opts.body === 'string') headers['content-type'] ??= 'application/json';
      const res = await app.inject({
        method,
        url,
        headers,
        ...(opts.body !== undefined ? { payload: opts.body as string | object } : {}),
      });
      let body: unknown = res.body;
      try {
        body = res.body ? JSON.parse(res.body) : undefined;
      } catch {
        /* not JSON: keep text */
      }
      return {
        status: res.statusCode,
        body: body as any,
        headers: res.headers as Record<string, unknown>,
        raw: res.body,
      };
    },
    async close() {
      await app.close();
      await store.close();
    },
  };
}

/**
 * Fastify's compiled serialisers (fast-json-stringify) drop properties a response schema does not
 * declare and write declared ones in schema order. In tests every answer serialised through a
 * response schema must be byte for byte what JSON.stringify makes of the handler's value, so a
 * schema that loses a key, reorders keys or coerces a value fails the test that produced it.
 */
const faithfulSerializers: NonNullable<Parameters<typeof buildApp>[0]['serializerFactory']> = (
  externalSchemas,
  options,
) => {
  const compile = SerializerSelector()(externalSchemas, options);
  return (route) => {
    const serialize = compile(route);
    return (data: unknown) => {
      const out = serialize(data);
      const expected = JSON.stringify(data);
      if (out !== expected) {
        let at = 0;
        while (at < out.length && out[at] === expected[at]) at++;
        const msg =
          `response schema of ${route.method} ${route.url} (${route.httpStatus}) changes the answer ` +
          `at ${at}:\n  schema: ${out.slice(Math.max(0, at - 80), at + 80)}\n  value:  ` +
          `${expected.slice(Math.max(0, at - 80), at + 80)}`;
        console.error(msg);
        throw new Error(msg);
      }
      return out;
    };
  };
};

/** The gateway's providers in a test: one OpenAI-compatible server (a local fake), the default. */
export function oneProvider(baseURL: string, apiKey: string | undefined, id = 'local'): ProviderSet {
  return {
    providers: new Map([[id, { id, baseURL, apiKey, models: [], headers: {}, timeoutMs: undefined }]]),
    defaultId: id,
  };
}
