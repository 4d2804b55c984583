// Every write route of every API (native, PromptLayer, Keywords AI, NeMo, Langfuse) is parse, ONE registry
// call, map: the app runs on a registry that counts the calls each request makes. The routes come
// from the router's own table, so a write route added without a row here fails the first test.
// Both backends: the count is the same, and on PostgreSQL a write's statements must also not overlap.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { backends } from '../support/stores.ts';
import { createRegistry, type Registry } from '../../src/registry/index.ts';
import { buildApp } from '../../src/server/app.ts';
import { loadConfig } from '../../src/server/config.ts';
import { bootstrap } from '../../src/server/bootstrap.ts';
import type { Store } from '../../src/store/db.ts';
import { importBody } from '../support/export-records.ts';

const ADMIN = 'lec_test_admin_secret_0123456789';
/** Not use cases: wiring, and the auth hook's key look-up (cached, before the handler). */
const NOT_COUNTED = new Set([
  'store',
  'ctx',
  'onChange',
  'publishChanges',
  'authenticate',
  'countActiveKeys',
  // The request log's batching writer inserts on its own (a durable log waits for that insert).
  'insertRequestLogs',
]);
/** Routes that take a body to read, not to write (a POST because the body is large or structured). */
const READS = new Set([
  'POST /api/prompts/list',
  'POST /api/prompts/summary',
  'POST /prompt-templates/:identifier',
  'POST /v1/prompts/:prompt/render',
  'POST /v1/render',
  // Gateway runs: a version look-up and an LLM call (one gateway call, which writes nothing but the log).
  'POST /v1/prompts/:prompt/run',
  'POST /v1/chat/completions',
  'POST /api/chat/completions',
  // PromptLayer calls Lectern does not serve: a 404, nothing written.
  'POST /ws-token-request-library',
  'POST /workflow-version-execution-results',
]);

interface Fixture {
  id: string; // v1 committed labelled production, v2 a draft
  hex: string;
  seq: number;
  name: string;
  labelSeq: number; // PromptLayer id of its `production` label
  workspace: string; // an empty workspace of its own
  project: string; // a project of `default`
  keyId: string;
  n: number;
  webhookId: string;
  deliveryId: number;
  requestId: number; // a PromptLayer request-log record of workspace default
  groupId: number; // a PromptLayer request group of workspace default
}

type Req = { url: string; body?: unknown };
const msg = (t: string) => [{ role: 'user', content: t }];
const plTemplate = (t: string) => ({
  prompt_template: { type: 'chat', messages: [{ role: 'user', content: [{ type: 'text', text: t }] }] },
});

const ROWS: Record<string, (f: Fixture) => Req> = {
  // native
  'POST /v1/prompts': (f) => ({
    url: '/v1/prompts',
    body: { name: `n-${f.n}`, version: { messages: msg('x') } },
  }),
  'PATCH /v1/prompts/:prompt': (f) => ({ url: `/v1/prompts/${f.id}`, body: { description: 'd' } }),
  'POST /v1/import': (f) => ({ url: '/v1/import', body: importBody(`imported-${f.n}`) }),
  'DELETE /v1/prompts/:prompt': (f) => ({ url: `/v1/prompts/${f.id}` }),
  'POST /v1/prompts/:prompt/restore': (f) => ({ url: `/v1/prompts/${f.id}/restore` }),
  'POST /v1/prompts/:prompt/versions': (f) => ({
    url: `/v1/prompts/${f.id}/versions`,
    body: { messages: msg('v'), labels: ['staging'], base: 1 },
  }),
  'PATCH /v1/prompts/:prompt/versions/:version': (f) => ({
    url: `/v1/prompts/${f.id}/versions/2`,
    body: { messages: msg('edited') },
  }),
  'DELETE /v1/prompts/:prompt/versions/:version': (f) => ({ url: `/v1/prompts/${f.id}/versions/2` }),
  'POST /v1/prompts/:prompt/commit': (f) => ({ url: `/v1/prompts/${f.id}/commit`, body: {} }),
  'PUT /v1/prompts/:prompt/labels/:label': (f) => ({
    url: `/v1/prompts/${f.id}/labels/staging`,
    body: { version: 1 },
  }),
  'DELETE /v1/prompts/:prompt/labels/:label': (f) => ({ url: `/v1/prompts/${f.id}/labels/production` }),
  'POST /v1/workspaces': (f) => ({ url: '/v1/workspaces', body: { name: `ws-new-${f.n}` } }),
  'DELETE /v1/workspaces/:name': (f) => ({ url: `/v1/workspaces/${f.workspace}` }),
  'POST /v1/workspaces/:name/projects': (f) => ({
    url: `/v1/workspaces/default/projects`,
    body: { name: `proj-new-${f.n}` },
  }),
  'DELETE /v1/workspaces/:name/projects/:project': (f) => ({
    url: `/v1/workspaces/default/projects/${f.project}`,
  }),
  'POST /v1/keys': (f) => ({
    url: '/v1/keys',
    body: { name: `k-${f.n}`, role: 'viewer', workspace: 'default' },
  }),
  'DELETE /v1/keys/:id': (f) => ({ url: `/v1/keys/${f.keyId}` }),
  // PromptLayer
  'POST /rest/prompt-templates': (f) => ({
    url: '/rest/prompt-templates',
    body: {
      prompt_template: { prompt_name: f.name },
      prompt_version: plTemplate('published'),
      release_labels: ['staging'],
      external_ids: [{ source: 'cms', external_id: `pub-${f.n}` }],
    },
  }),
  'PATCH /rest/prompt-templates/:identifier': (f) => ({
    url: `/rest/prompt-templates/${f.name}`,
    body: { label: 'production', commit_message: 'patched', release_labels: ['staging'] },
  }),
  'PUT /prompt-templates/by-external-id/:source/:external_id': (f) => ({
    url: `/prompt-templates/by-external-id/cms/up-${f.n}`,
    body: { prompt_template: { prompt_name: f.name }, prompt_version: plTemplate('upserted') },
  }),
  'POST /prompt-templates/:prompt_template_id/external-ids': (f) => ({
    url: `/prompt-templates/${f.seq}/external-ids`,
    body: { source: 'cms', external_id: `att-${f.n}` },
  }),
  'DELETE /prompt-templates/:prompt_template_id/external-ids/:source/:external_id': (f) => ({
    url: `/prompt-templates/${f.seq}/external-ids/cms/seeded-${f.n}`,
  }),
  'POST /prompts/:prompt_id/label': (f) => ({
    url: `/prompts/${f.seq}/label`,
    body: { name: 'canary', prompt_version_number: 1 },
  }),
  'PATCH /prompt-labels/:prompt_label_id': (f) => ({
    url: `/prompt-labels/${f.labelSeq}`,
    body: { prompt_version_number: 2 },
  }),
  'DELETE /prompt-labels/:prompt_label_id': (f) => ({ url: `/prompt-labels/${f.labelSeq}` }),
  'DELETE /api/public/v2/folders/entities': (f) => ({
    url: '/api/public/v2/folders/entities',
    body: { entities: [{ id: f.seq, type: 'PROMPT' }] },
  }),
  // request log
  'POST /v1/request-logs': (f) => ({ url: '/v1/request-logs', body: { prompt_id: f.id, model: 'm' } }),
  'POST /v1/request-groups': () => ({ url: '/v1/request-groups' }),
  'PUT /v1/request-log/settings': () => ({ url: '/v1/request-log/settings', body: { store_bodies: true } }),
  'POST /api/request-logs/create': (f) => ({
    url: '/api/request-logs/create/',
    body: { model: 'm', prompt: { prompt_id: f.hex } },
  }),
  'POST /api/request-logs': () => ({ url: '/api/request-logs/', body: { model: 'm' } }),
  'POST /request-logs/create': () => ({ url: '/request-logs/create', body: { model: 'm' } }),
  // Keywords AI
  'POST /api/prompts': (f) => ({ url: '/api/prompts/', body: { name: f.name, starred: true } }),
  'PATCH /api/prompts/:prompt_id': (f) => ({
    url: `/api/prompts/${f.hex}/`,
    body: { name: `kw-renamed-${f.n}`, starred: true, deploy: true },
  }),
  'DELETE /api/prompts/:prompt_id': (f) => ({ url: `/api/prompts/${f.hex}/` }),
  'POST /api/prompts/:prompt_id/versions': (f) => ({
    url: `/api/prompts/${f.hex}/versions/`,
    body: { messages: msg('kw'), model: 'gpt-4o', deploy: true },
  }),
  'PATCH /api/prompts/:prompt_id/versions/:version': (f) => ({
    url: `/api/prompts/${f.hex}/versions/2/`,
    body: { messages: msg('kw edited'), deploy: true },
  }),
  'DELETE /api/prompts/:prompt_id/versions/:version': (f) => ({ url: `/api/prompts/${f.hex}/versions/2/` }),
  'POST /api/prompts/:prompt_id/commits': (f) => ({
    url: `/api/prompts/${f.hex}/commits/`,
    body: { description: 'frozen' },
  }),
  'POST /api/prompts/:prompt_id/deployments': (f) => ({
    url: `/api/prompts/${f.hex}/deployments/`,
    body: { version: 2 },
  }),
  // webhooks
  'POST /v1/webhooks': () => ({ url: '/v1/webhooks', body: { url: 'http://127.0.0.1:9/hook' } }),
  'PATCH /v1/webhooks/:id': (f) => ({ url: `/v1/webhooks/${f.webhookId}`, body: { enabled: false } }),
  'POST /v1/webhooks/:id/rotate-secret': (f) => ({ url: `/v1/webhooks/${f.webhookId}/rotate-secret` }),
  'DELETE /v1/webhooks/:id': (f) => ({ url: `/v1/webhooks/${f.webhookId}` }),
  'POST /v1/webhooks/:id/deliveries/:delivery/replay': (f) => ({
    url: `/v1/webhooks/${f.webhookId}/deliveries/${f.deliveryId}/replay`,
  }),
  // NeMo
  'POST /apis/models/v2/workspaces/:workspace/prompts': (f) => ({
    url: '/apis/models/v2/workspaces/default/prompts',
    body: { name: `nemo-${f.n}`, messages: msg('nemo'), model: 'm' },
  }),
  'PUT /apis/models/v2/workspaces/:workspace/prompts/:name': (f) => ({
    url: `/apis/models/v2/workspaces/default/prompts/${f.name}`,
    body: { messages: msg('nemo put'), model: 'm', description: 'put' },
  }),
  'DELETE /apis/models/v2/workspaces/:workspace/prompts/:name': (f) => ({
    url: `/apis/models/v2/workspaces/default/prompts/${f.name}`,
  }),
  'PUT /apis/entities/v2/workspaces/:name': (f) => ({
    url: `/apis/entities/v2/workspaces/${f.workspace}`,
    body: { description: 'put' },
  }),
  'PUT /apis/entities/v2/workspaces/:workspace/projects/:name': (f) => ({
    url: `/apis/entities/v2/workspaces/default/projects/${f.project}`,
    body: { description: 'put' },
  }),
  // PromptLayer run-time
  'POST /track-request': (f) => ({
    url: '/track-request',
    body: { function_name: 'f', provider_type: 'openai', kwargs: {}, request_response: {}, prompt_id: f.seq },
  }),
  'POST /log-request': (f) => ({
    url: '/log-request',
    body: {
      provider: 'openai',
      model: 'm',
      input: { type: 'chat', messages: [] },
      output: { type: 'chat', messages: [] },
      request_start_time: 1,
      request_end_time: 2,
      prompt_name: f.name,
    },
  }),
  'POST /library-track-metadata': (f) => ({
    url: '/library-track-metadata',
    body: { request_id: f.requestId, metadata: { a: 'b' } },
  }),
  'POST /rest/track-metadata': (f) => ({
    url: '/rest/track-metadata',
    body: { request_id: f.requestId, metadata: { a: 'b' } },
  }),
  'POST /library-track-score': (f) => ({
    url: '/library-track-score',
    body: { request_id: f.requestId, score: 5 },
  }),
  'POST /rest/track-score': (f) => ({
    url: '/rest/track-score',
    body: { request_id: f.requestId, score: 5 },
  }),
  'POST /library-track-prompt': (f) => ({
    url: '/library-track-prompt',
    body: { request_id: f.requestId, prompt_name: f.name },
  }),
  'POST /rest/track-prompt': (f) => ({
    url: '/rest/track-prompt',
    body: { request_id: f.requestId, prompt_name: f.name },
  }),
  'POST /track-group': (f) => ({
    url: '/track-group',
    body: { request_id: f.requestId, group_id: f.groupId },
  }),
  'POST /rest/track-group': (f) => ({
    url: '/rest/track-group',
    body: { request_id: f.requestId, group_id: f.groupId },
  }),
  'POST /create-group': () => ({ url: '/create-group', body: {} }),
  'POST /spans-bulk': () => ({
    url: '/spans-bulk',
    body: { spans: [{ name: 's', context: { span_id: '1234567812345678' } }] },
  }),
  'POST /v1/traces': () => ({
    url: '/v1/traces',
    body: {
      resourceSpans: [
        { scopeSpans: [{ spans: [{ traceId: 'ab'.repeat(16), spanId: '12'.repeat(8), name: 's' }] }] },
      ],
    },
  }),
  'POST /apis/entities/v2/workspaces': (f) => ({
    url: '/apis/entities/v2/workspaces',
    body: { name: `nemo-ws-${f.n}` },
  }),
  'DELETE /apis/entities/v2/workspaces/:name': (f) => ({
    url: `/apis/entities/v2/workspaces/${f.workspace}`,
  }),
  'POST /apis/entities/v2/workspaces/:workspace/projects': (f) => ({
    url: '/apis/entities/v2/workspaces/default/projects',
    body: { name: `nemo-proj-${f.n}` },
  }),
  'DELETE /apis/entities/v2/workspaces/:workspace/projects/:name': (f) => ({
    url: `/apis/entities/v2/workspaces/default/projects/${f.project}`,
  }), // langfuse
  'POST /api/public/v2/prompts': (f) => ({
    url: '/api/public/v2/prompts',
    body: { name: `lf-${f.n}`, prompt: 'x {{y}}', labels: ['production'] },
  }),
  'PATCH /api/public/v2/prompts/:name/versions/:version': (f) => ({
    url: `/api/public/v2/prompts/${f.name}/versions/1`,
    body: { newLabels: ['staging'] },
  }),
  'DELETE /api/public/v2/prompts/:name': (f) => ({ url: `/api/public/v2/prompts/${f.name}?version=1` }),
};

/**
 * Read routes that used to chain registry calls, each held to one: Keywords AI's prompt page and
 * list, native's prompt (with its labels) and diff, PromptLayer's identifier look-ups, template list
 * and snippet usage, NeMo's prompt list (with a filter on what
 * the newest version shows, decided inside the registry's call).
 */
const READ_ROWS: Record<string, (f: Fixture) => Req> = {
  'GET /api/prompts/:prompt_id': (f) => ({ url: `/api/prompts/${f.hex}/` }),
  'GET /api/prompts': () => ({ url: '/api/prompts/?page_size=5' }),
  'POST /api/prompts/list': (f) => ({
    url: '/api/prompts/list/',
    body: { filters: { name: { value: f.name } } },
  }),
  'GET /v1/prompts/:prompt': (f) => ({ url: `/v1/prompts/${f.id}` }),
  'GET /v1/prompts/:prompt (deleted)': (f) => ({ url: `/v1/prompts/deleted-${f.n}?include_deleted=true` }),
  'GET /v1/prompts/:prompt/diff': (f) => ({ url: `/v1/prompts/${f.name}/diff?from=1&to=latest` }),
  'GET /prompt-templates/:identifier/labels (by id)': (f) => ({ url: `/prompt-templates/${f.seq}/labels` }),
  'GET /prompt-templates/:identifier/labels (by name)': (f) => ({
    url: `/prompt-templates/${f.name}/labels`,
  }),
  'GET /prompt-templates/:identifier (snippets expanded)': (f) => ({
    url: `/prompt-templates/expands-${f.n}`,
  }),
  'GET /prompt-templates/:identifier (by label, snippets kept)': (f) => ({
    url: `/prompt-templates/${f.seq}?label=production&resolve_snippets=false&include_llm_kwargs=true`,
  }),
  'POST /prompt-templates/:identifier (rendered)': (f) => ({
    url: `/prompt-templates/expands-${f.n}`,
    body: { input_variables: { x: 'y' } },
  }),
  'POST /prompt-templates/:identifier (by version, not rendered)': (f) => ({
    url: `/prompt-templates/${f.name}`,
    body: { version: 1, skip_input_variable_rendering: true },
  }),
  'GET /api/public/v2/prompts/:name (references resolved)': (f) => ({
    url: `/api/public/v2/prompts/expands-${f.n}?label=latest`,
  }),
  'GET /apis/models/v2/workspaces/:workspace/prompts/:name': (f) => ({
    url: `/apis/models/v2/workspaces/default/prompts/${f.name}`,
  }),
  'GET /prompt-templates (by label, workspace ids)': () => ({
    url: '/prompt-templates?label=production&per_page=5',
  }),
  'GET /prompt-templates (by external id)': (f) => ({
    url: `/prompt-templates?external_source=cms&external_id=listed-${f.n}`,
  }),
  'GET /prompt-templates/:identifier/snippet-usage': (f) => ({
    url: `/prompt-templates/${f.seq}/snippet-usage?prompt_version_number=1`,
  }),
  'GET /apis/models/v2/workspaces/:workspace/prompts': () => ({
    url: '/apis/models/v2/workspaces/default/prompts?page_size=5',
  }),
  'GET /apis/models/v2/workspaces/:workspace/prompts (filter on data)': (f) => ({
    url: `/apis/models/v2/workspaces/default/prompts?filter[name]=${f.name}&filter[data.messages.content]=v2`,
  }),
};

/** Routes whose fixture prompt must be soft-deleted first. */
const NEEDS_DELETED = new Set(['POST /v1/prompts/:prompt/restore']);
/** Routes that need a seeded external id on the prompt. */
const NEEDS_PAIR = new Set([
  'DELETE /prompt-templates/:prompt_template_id/external-ids/:source/:external_id',
]);

function counting(registry: Registry): { registry: Registry; calls: string[]; on: { value: boolean } } {
  const calls: string[] = [];
  const on = { value: false };
  const proxy = new Proxy(registry, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown;
      if (typeof v !== 'function' || typeof prop !== 'string' || NOT_COUNTED.has(prop)) return v;
      return (...args: unknown[]) => {
        if (on.value) calls.push(prop);
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { registry: proxy, calls, on };
}

/**
 * The backend matters in one way: a PostgreSQL transaction is one connection, where statements sent
 * in parallel (`Promise.all` inside a write) queue behind each other and node-postgres warns that
 * pg 9 refuses them; PGlite runs them without a word. The warning has no code, so its text is matched.
 */
const overlapping: string[] = [];
process.on('warning', (w) => {
  if (w.name === 'DeprecationWarning' && w.message.includes('already executing a query'))
    overlapping.push(w.message);
});

for (const backend of backends) {
  describe.skipIf(!backend.available)(`one registry call per write route (${backend.name})`, () => {
    let store: Store;
    let app: FastifyInstance;
    let raw: Registry;
    let count: ReturnType<typeof counting>;
    let n = 0;
    const inject = async (method: string, url: string, body?: unknown) => {
      const res = await app.inject({
        method: method as 'GET',
        url,
        headers: { authorization: `Bearer ${ADMIN}` },
        ...(body !== undefined ? { payload: body as object } : {}),
      });
      return { status: res.statusCode, body: res.body ? (JSON.parse(res.body) as any) : undefined };
    };

    beforeAll(async () => {
      store = await backend.open();
      raw = createRegistry(store);
      await bootstrap(raw, ADMIN);
      count = counting(raw);
      app = await buildApp({
        registry: count.registry,
        config: { ...loadConfig({}), rateLimit: 0, cacheEntries: 0 },
        logger: false,
      });
      await app.ready();
    });
    afterAll(async () => {
      await app?.close();
      await store?.close();
    });
    beforeEach(() => {
      count.on.value = false;
    });
    // node-postgres warns once per process: the test that set it off is the one that fails.
    afterEach(() => {
      expect(overlapping.splice(0), 'statements sent in parallel on one connection').toEqual([]);
    });

    const writeRoutes = () =>
      [
        ...new Set(
          app.routeTable
            .filter((r) => !['GET', 'HEAD', 'OPTIONS'].includes(r.method) && !r.url.includes('*'))
            .map((r) => `${r.method} ${r.url.replace(/\/$/, '')}`),
        ),
      ].filter((r) => !READS.has(r));

    it('every write route has a row', () => {
      expect(writeRoutes().filter((r) => !ROWS[r])).toEqual([]);
    });

    async function fixture(): Promise<Fixture> {
      const i = ++n;
      const name = `one-call-${i}`;
      const p = await inject('POST', '/v1/prompts', {
        name,
        version: { messages: msg('v1') },
        labels: ['production'],
      });
      expect(p.status).toBe(201);
      const id = p.body.prompt.id as string;
      expect(
        (await inject('POST', `/v1/prompts/${id}/versions`, { messages: msg('v2'), status: 'draft' })).status,
      ).toBe(201);
      const labels = await inject('GET', `/prompt-templates/${name}/labels`);
      const labelSeq = (
        labels.body.release_labels as { release_label: string; release_label_id: number }[]
      ).find((l) => l.release_label === 'production')!.release_label_id;
      const workspace = `one-call-ws-${i}`;
      expect((await inject('POST', '/v1/workspaces', { name: workspace })).status).toBe(201);
      const project = `one-call-proj-${i}`;
      expect((await inject('POST', '/v1/workspaces/default/projects', { name: project })).status).toBe(201);
      const key = await inject('POST', '/v1/keys', { name: `k${i}`, role: 'viewer', workspace: 'default' });
      const hook = await inject('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/hook', prompts: [name] });
      expect(hook.status).toBe(201);
      expect((await inject('PATCH', `/v1/prompts/${id}`, { description: 'hooked' })).status).toBe(200);
      raw.outbox.kick(); // no worker: the delivery stays pending once fanned out
      await raw.outbox.hub.idle();
      const deliveries = await inject('GET', `/v1/webhooks/${hook.body.webhook.id}/deliveries`);
      const tracked = await inject('POST', '/track-request', {
        function_name: 'f',
        kwargs: {},
        request_response: {},
      });
      const group = await inject('POST', '/create-group', {});
      return {
        webhookId: hook.body.webhook.id,
        deliveryId: deliveries.body.data[0].id,
        requestId: tracked.body.request_id,
        groupId: group.body.id,
        id,
        hex: id.replace(/-/g, ''),
        seq: p.body.prompt.seq,
        name,
        labelSeq,
        workspace,
        project,
        keyId: key.body.key.id,
        n: i,
      };
    }

    for (const route of Object.keys(ROWS)) {
      it(`${route} makes one registry call`, async () => {
        const f = await fixture();
        if (NEEDS_DELETED.has(route))
          expect((await inject('DELETE', `/v1/prompts/${f.id}`)).status).toBe(200);
        if (NEEDS_PAIR.has(route)) {
          const r = await inject('POST', `/prompt-templates/${f.seq}/external-ids`, {
            source: 'cms',
            external_id: `seeded-${f.n}`,
          });
          expect(r.status).toBe(201);
        }
        const req = ROWS[route]!(f);
        const method = route.split(' ')[0]!;
        count.calls.length = 0;
        count.on.value = true;
        const res = await inject(method, req.url, req.body);
        count.on.value = false;
        expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
        expect(count.calls).toHaveLength(1);
      });
    }

    // Writes whose body brings snippet tags: the snippets are checked inside the write, under the lock.
    const SNIPPET_WRITES: Record<string, (f: Fixture, tag: string) => Req> = {
      'PATCH /rest/prompt-templates/:identifier': (f, tag) => ({
        url: `/rest/prompt-templates/${f.name}`,
        body: { messages: { '0': { role: 'user', content: [{ type: 'text', text: tag }] } } },
      }),
      'POST /rest/prompt-templates': (f, tag) => ({
        url: '/rest/prompt-templates',
        body: { prompt_template: { prompt_name: f.name }, prompt_version: plTemplate(tag) },
      }),
      'PUT /prompt-templates/by-external-id/:source/:external_id': (f, tag) => ({
        url: `/prompt-templates/by-external-id/cms/snip-${f.n}`,
        body: { prompt_template: { prompt_name: f.name }, prompt_version: plTemplate(tag) },
      }),
    };
    for (const route of Object.keys(SNIPPET_WRITES)) {
      it(`${route} with snippet tags makes one registry call`, async () => {
        const f = await fixture();
        const snippet = await inject('POST', '/rest/prompt-templates', {
          prompt_template: { prompt_name: `tagged-${f.n}` },
          prompt_version: { prompt_template: { type: 'completion', content: [{ type: 'text', text: 's' }] } },
        });
        expect(snippet.status).toBe(201);
        const req = SNIPPET_WRITES[route]!(f, `use @@@tagged-${f.n}@@@`);
        count.calls.length = 0;
        count.on.value = true;
        const res = await inject(route.split(' ')[0]!, req.url, req.body);
        count.on.value = false;
        expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
        expect(count.calls).toHaveLength(1);
        // A tag naming no snippet is refused by that one call, nothing written.
        const missing = SNIPPET_WRITES[route]!(f, `use @@@absent-${f.n}@@@`);
        const before = await inject('GET', `/v1/prompts/${f.id}/versions`);
        count.calls.length = 0;
        count.on.value = true;
        const refused = await inject(route.split(' ')[0]!, missing.url, missing.body);
        count.on.value = false;
        expect(refused.status, JSON.stringify(refused.body)).toBe(422);
        expect(count.calls).toHaveLength(1);
        const after = await inject('GET', `/v1/prompts/${f.id}/versions`);
        expect(after.body).toEqual(before.body);
      });
    }

    // Langfuse's create with a prompt reference: resolved inside the write, a bad one refused (400).
    it('POST /api/public/v2/prompts with a prompt reference makes one registry call', async () => {
      const f = await fixture();
      const target = await inject('POST', '/api/public/v2/prompts', {
        name: `lf-target-${f.n}`,
        prompt: 'T',
      });
      expect(target.status).toBe(201);
      const ref = (name: string) => `use @@@langfusePrompt:name=${name}|label=latest@@@`;
      count.calls.length = 0;
      count.on.value = true;
      const res = await inject('POST', '/api/public/v2/prompts', {
        name: `lf-user-${f.n}`,
        prompt: ref(`lf-target-${f.n}`),
      });
      count.on.value = false;
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(count.calls).toHaveLength(1);
      count.calls.length = 0;
      count.on.value = true;
      const refused = await inject('POST', '/api/public/v2/prompts', {
        name: `lf-user-${f.n}`,
        prompt: ref(`lf-absent-${f.n}`),
      });
      count.on.value = false;
      expect(refused.status, JSON.stringify(refused.body)).toBe(400);
      expect(refused.body.message).toContain(
        `referenced prompt not found: @@@langfusePrompt:name=lf-absent-${f.n}`,
      );
      expect(count.calls).toHaveLength(1);
      const versions = await inject('GET', `/v1/prompts/lf-user-${f.n}/versions`);
      expect(versions.body.data).toHaveLength(1);
    });

    for (const route of Object.keys(READ_ROWS)) {
      it(`${route} makes one registry call`, async () => {
        const f = await fixture();
        // A template that uses the fixture as a snippet, so the usage read has a user to find.
        const user = await inject('POST', '/v1/prompts', {
          name: `uses-${f.n}`,
          version: { messages: msg(`@@@${f.name}@label:production@@@`) },
        });
        expect(user.status).toBe(201);
        // A completion snippet and a template that expands it (a chat template is no snippet).
        for (const [name, text] of [
          [`snip-${f.n}`, 'snippet text'],
          [`expands-${f.n}`, `before @@@snip-${f.n}@@@ {{x}}`],
        ]) {
          const r = await inject('POST', '/rest/prompt-templates', {
            prompt_template: { prompt_name: name },
            prompt_version: { prompt_template: { type: 'completion', content: [{ type: 'text', text }] } },
          });
          expect(r.status, JSON.stringify(r.body)).toBe(201);
        }
        const gone = await inject('POST', '/v1/prompts', { name: `deleted-${f.n}` });
        expect((await inject('DELETE', `/v1/prompts/${gone.body.prompt.id}`)).status).toBe(200);
        const pair = await inject('POST', `/prompt-templates/${f.seq}/external-ids`, {
          source: 'cms',
          external_id: `listed-${f.n}`,
        });
        expect(pair.status).toBe(201);
        const req = READ_ROWS[route]!(f);
        count.calls.length = 0;
        count.on.value = true;
        const res = await inject(route.split(' ')[0]!, req.url, req.body);
        count.on.value = false;
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        expect(count.calls).toHaveLength(1);
        if (route.includes('snippet-usage')) expect(res.body.snippet_usage).toHaveLength(1);
        if (route.startsWith('GET /prompt-templates (')) {
          expect(res.body.items.length).toBeGreaterThan(0);
          for (const item of res.body.items) expect(item.workspace_id).toBe(1);
        }
        if (route.includes('by external id')) {
          expect(res.body.items.map((i: { prompt_name: string }) => i.prompt_name)).toEqual([f.name]);
          expect(res.body.items[0].external_ids).toEqual([
            expect.objectContaining({ source: 'cms', external_id: `listed-${f.n}` }),
          ]);
        }
        if (route.includes('/labels')) expect(res.body.release_labels).toHaveLength(1);
        if (route === 'GET /v1/prompts/:prompt') {
          expect(res.body.labels).toEqual([expect.objectContaining({ name: 'production', version: 1 })]);
        }
        if (route.includes('(deleted)')) expect(res.body.labels).toEqual([]);
        if (route.includes('/diff')) {
          expect(res.body).toMatchObject({ from: 1, to: 2 });
          expect(res.body.changes.length).toBeGreaterThan(0);
        }
        if (route.startsWith('POST /api/prompts/list')) {
          expect(res.body.results).toEqual([
            expect.objectContaining({ name: f.name, live_version: expect.objectContaining({ version: 1 }) }),
          ]);
          expect(res.body.results[0].commit_count).toBe(1);
        }
        if (route.includes('references resolved')) {
          expect(res.body.resolutionGraph.dependencies).toBeDefined();
          expect(res.body.prompt).not.toContain('@@@');
        }
        if (route.includes('snippets expanded') || route.includes('(rendered)')) {
          expect(res.body.snippets).toHaveLength(1);
          expect(JSON.stringify(res.body.prompt_template)).not.toContain('@@@');
        }
      });
    }
  });
}
