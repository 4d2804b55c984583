// The security matrix of the native API: every /v1 route, taken from the router itself, is
// refused without a key and with a wrong key (401), refused to a role below the one it needs
// (403), and sees nothing of another workspace (404) — each refusal changing nothing — while the
// role it needs gets through. A route added without a row here fails the first test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../../../test/support/stores.ts';
import { oneProvider, startTestApp, type TestApp, type ResponseOf } from '../../../../test/support/app.ts';
import { dbFingerprint } from '../../../../test/support/invariants.ts';
import { startFakeLlm, type FakeLlm } from '../../../../test/support/fake-llm.ts';
import { uniq } from '../testing.ts';
import { importBody } from '../../../../test/support/export-records.ts';
import type { schema as keysCreate } from './keys-create.ts';
import type { ErrorT } from '../responses.ts';
import type { schema as promptsCreate } from './prompts-create.ts';
import type { schema as requestGroupsCreate } from './request-groups-create.ts';
import type { schema as requestLogsCreate } from './request-logs-create.ts';
import type { schema as webhooksCreate } from './webhooks-create.ts';
import type { schema as webhooksDeliveries } from './webhooks-deliveries.ts';

type Role = 'viewer' | 'editor' | 'admin';

/** Things of workspace `default` a route can be pointed at; made fresh for every route. */
interface Fixture {
  id: string; // a prompt: v1 committed and labelled `production`, v2 a draft
  name: string;
  deletedId: string; // a soft-deleted prompt
  project: string; // a project of `default`
  keyId: string; // a viewer key of `default`
  workspace: string; // a workspace of its own, empty
  webhookId: string; // a webhook endpoint of `default`
  deliveryId: number; // one of its deliveries
  requestId: string; // a logged request of `default`
  groupId: number; // a request group of `default`
}

interface Row {
  /** Method and path as registered. */
  route: string;
  /** The least role that may call it. */
  role: Role;
  url: (f: Fixture) => string;
  body?: (f: Fixture) => unknown;
  /**
   * The same request aimed at workspace `default`'s things by a key of workspace `other` holding
   * the role: must be 404. A string says why the route has no such request.
   */
  other: typeof SAME | ((f: Fixture) => { url: string; body?: unknown }) | string;
  /** The route answers in another dialect's envelope (PromptLayer's OTLP route). */
  envelope?: 'promptlayer';
}

/** `other`: the request itself, sent with another workspace's key. */
const SAME = Symbol('same request');

const msg = [{ role: 'user', content: 'hi {{x}}' }];

const ROWS: Row[] = [
  {
    route: 'POST /v1/prompts',
    role: 'editor',
    url: () => '/v1/prompts',
    body: () => ({ name: uniq('sec-new') }),
    other: () => ({ url: '/v1/prompts?workspace=default', body: { name: uniq('sec-intruder') } }),
  },
  {
    route: 'GET /v1/prompts',
    role: 'viewer',
    url: () => '/v1/prompts',
    other: () => ({ url: '/v1/prompts?workspace=default' }),
  },
  { route: 'GET /v1/prompts/:prompt', role: 'viewer', url: (f) => `/v1/prompts/${f.id}`, other: SAME },
  {
    route: 'PATCH /v1/prompts/:prompt',
    role: 'editor',
    url: (f) => `/v1/prompts/${f.id}`,
    body: () => ({ description: 'changed' }),
    other: SAME,
  },
  { route: 'DELETE /v1/prompts/:prompt', role: 'editor', url: (f) => `/v1/prompts/${f.id}`, other: SAME },
  {
    route: 'POST /v1/prompts/:prompt/restore',
    role: 'editor',
    url: (f) => `/v1/prompts/${f.deletedId}/restore`,
    other: SAME,
  },
  {
    route: 'GET /v1/prompts/:prompt/resolve',
    role: 'viewer',
    url: (f) => `/v1/prompts/${f.id}/resolve?label=production`,
    other: SAME,
  },
  {
    route: 'POST /v1/prompts/:prompt/versions',
    role: 'editor',
    url: (f) => `/v1/prompts/${f.id}/versions`,
    body: () => ({ messages: msg }),
    other: SAME,
  },
  {
    route: 'GET /v1/prompts/:prompt/versions',
    role: 'viewer',
    url: (f) => `/v1/prompts/${f.id}/versions`,
    other: SAME,
  },
  {
    route: 'GET /v1/prompts/:prompt/versions/:version',
    role: 'viewer',
    url: (f) => `/v1/prompts/${f.id}/versions/1`,
    other: SAME,
  },
  {
    route: 'PATCH /v1/prompts/:prompt/versions/:version',
    role: 'editor',
    url: (f) => `/v1/prompts/${f.id}/versions/2`,
    body: () => ({ model: 'gpt-4o-mini' }),
    other: SAME,
  },
  {
    route: 'POST /v1/prompts/:prompt/commit',
    role: 'editor',
    url: (f) => `/v1/prompts/${f.id}/commit`,
    body: () => ({ commit_message: 'ship it' }),
    other: SAME,
  },
  {
    route: 'DELETE /v1/prompts/:prompt/versions/:version',
    role: 'editor',
    url: (f) => `/v1/prompts/${f.id}/versions/2`,
    other: SAME,
  },
  {
    route: 'GET /v1/prompts/:prompt/diff',
    role: 'viewer',
    url: (f) => `/v1/prompts/${f.id}/diff?from=1&to=2`,
    other: SAME,
  },
  {
    route: 'GET /v1/prompts/:prompt/labels',
    role: 'viewer',
    url: (f) => `/v1/prompts/${f.id}/labels`,
    other: SAME,
  },
  {
    route: 'GET /v1/prompts/:prompt/label-history',
    role: 'viewer',
    url: (f) => `/v1/prompts/${f.id}/label-history`,
    other: SAME,
  },
  {
    route: 'GET /v1/prompts/:prompt/labels/history',
    role: 'viewer',
    url: (f) => `/v1/prompts/${f.id}/labels/history`,
    other: SAME,
  },
  {
    route: 'PUT /v1/prompts/:prompt/labels/:label',
    role: 'editor',
    url: (f) => `/v1/prompts/${f.id}/labels/staging`,
    body: () => ({ version: 1 }),
    other: SAME,
  },
  {
    route: 'DELETE /v1/prompts/:prompt/labels/:label',
    role: 'editor',
    url: (f) => `/v1/prompts/${f.id}/labels/production`,
    other: SAME,
  },
  {
    route: 'POST /v1/prompts/:prompt/render',
    role: 'viewer',
    url: (f) => `/v1/prompts/${f.id}/render`,
    body: () => ({ label: 'production', variables: { x: 'y' } }),
    other: SAME,
  },
  {
    route: 'POST /v1/render',
    role: 'viewer',
    url: () => '/v1/render',
    body: () => ({ format: 'mustache', template: 'hi {{x}}', variables: { x: 'y' } }),
    other: 'renders only what the request carries: no stored data to reach',
  },
  // The gateway routes (an LLM played by test/support/fake-llm.ts; the fixture has no model).
  {
    route: 'POST /v1/prompts/:prompt/run',
    role: 'viewer',
    url: (f) => `/v1/prompts/${f.id}/run`,
    body: () => ({ label: 'production', variables: { x: 'y' }, model: 'fake-model' }),
    other: SAME,
  },
  {
    route: 'POST /v1/chat/completions',
    role: 'viewer',
    url: () => '/v1/chat/completions',
    body: (f) => ({ messages: [], prompt: { id: f.id, model: 'fake-model', strict: false } }),
    other: SAME,
  },
  {
    route: 'GET /v1/request-logs',
    role: 'viewer',
    url: () => '/v1/request-logs',
    other: () => ({ url: '/v1/request-logs?workspace=default' }),
  },
  {
    // PromptLayer's OTLP export route (its dialect, under /v1 where OTLP exporters post).
    route: 'POST /v1/traces',
    role: 'viewer',
    url: () => '/v1/traces',
    body: () => ({ resourceSpans: [] }),
    other: "a key records spans into its own workspace: there is nothing of default's to reach",
    envelope: 'promptlayer',
  },
  {
    route: 'GET /v1/request-logs/:id',
    role: 'viewer',
    url: (f) => `/v1/request-logs/${f.requestId}`,
    other: SAME,
  },
  {
    route: 'POST /v1/request-logs',
    role: 'viewer',
    url: () => '/v1/request-logs',
    body: () => ({ model: 'm' }),
    other: "a key logs into its own workspace: there is nothing of default's to reach",
  },
  {
    route: 'POST /v1/request-groups',
    role: 'viewer',
    url: () => '/v1/request-groups',
    other: "a key makes groups in its own workspace: there is nothing of default's to reach",
  },
  {
    route: 'GET /v1/request-groups',
    role: 'viewer',
    url: () => '/v1/request-groups',
    other: () => ({ url: '/v1/request-groups?workspace=default' }),
  },
  {
    route: 'GET /v1/request-groups/:id',
    role: 'viewer',
    url: (f) => `/v1/request-groups/${f.groupId}`,
    other: SAME,
  },
  {
    route: 'GET /v1/prompts/:prompt/usage',
    role: 'viewer',
    url: (f) => `/v1/prompts/${f.id}/usage`,
    other: SAME,
  },
  {
    route: 'GET /v1/request-log/settings',
    role: 'viewer',
    url: () => '/v1/request-log/settings',
    other: "a key reads its own workspace's settings",
  },
  {
    route: 'PUT /v1/request-log/settings',
    role: 'admin',
    url: () => '/v1/request-log/settings',
    body: () => ({ store_bodies: true }),
    other: "a key sets its own workspace's settings",
  },
  {
    route: 'GET /v1/audit',
    role: 'viewer',
    url: () => '/v1/audit',
    other: () => ({ url: '/v1/audit?workspace=default' }),
  },
  {
    route: 'POST /v1/keys',
    role: 'admin',
    url: () => '/v1/keys',
    body: () => ({ name: uniq('sec-key'), role: 'viewer', workspace: 'default' }),
    other: () => ({
      url: '/v1/keys',
      body: { name: uniq('sec-mint'), role: 'viewer', workspace: 'default' },
    }),
  },
  {
    route: 'GET /v1/keys',
    role: 'admin',
    url: () => '/v1/keys',
    other: 'a workspace admin lists only its own keys (checked in keys.test.ts)',
  },
  { route: 'DELETE /v1/keys/:id', role: 'admin', url: (f) => `/v1/keys/${f.keyId}`, other: SAME },
  {
    route: 'POST /v1/workspaces',
    role: 'admin',
    url: () => '/v1/workspaces',
    body: () => ({ name: uniq('sec-ws') }),
    other: 'creates a new workspace: nothing of another one is named',
  },
  {
    route: 'GET /v1/workspaces',
    role: 'viewer',
    url: () => '/v1/workspaces',
    other: 'a workspace key lists only its own workspace (checked in workspaces.test.ts)',
  },
  {
    route: 'GET /v1/folders',
    role: 'viewer',
    url: () => '/v1/folders',
    other: () => ({ url: '/v1/folders?workspace=default' }),
  },
  {
    route: 'GET /v1/me',
    role: 'viewer',
    url: () => '/v1/me',
    other: 'a key only ever describes itself',
  },
  { route: 'GET /v1/workspaces/:name', role: 'viewer', url: () => '/v1/workspaces/default', other: SAME },
  {
    route: 'DELETE /v1/workspaces/:name',
    role: 'admin',
    url: (f) => `/v1/workspaces/${f.workspace}`,
    other: SAME,
  },
  {
    route: 'POST /v1/workspaces/:name/projects',
    role: 'editor',
    url: () => '/v1/workspaces/default/projects',
    body: () => ({ name: uniq('sec-proj') }),
    other: SAME,
  },
  {
    route: 'GET /v1/workspaces/:name/projects',
    role: 'viewer',
    url: () => '/v1/workspaces/default/projects',
    other: SAME,
  },
  {
    route: 'GET /v1/workspaces/:name/projects/:project',
    role: 'viewer',
    url: (f) => `/v1/workspaces/default/projects/${f.project}`,
    other: SAME,
  },
  {
    route: 'DELETE /v1/workspaces/:name/projects/:project',
    role: 'editor',
    url: (f) => `/v1/workspaces/default/projects/${f.project}`,
    other: SAME,
  },
  {
    route: 'GET /v1/export',
    role: 'editor',
    url: () => '/v1/export',
    other: () => ({ url: '/v1/export?workspace=default' }),
  },
  {
    route: 'POST /v1/import',
    role: 'editor',
    url: () => '/v1/import',
    body: () => importBody(uniq('sec-imported')),
    other: () => ({ url: '/v1/import?workspace=default', body: importBody(uniq('sec-intruder')) }),
  },
  {
    route: 'POST /v1/webhooks',
    role: 'admin',
    url: () => '/v1/webhooks',
    body: () => ({ url: 'http://127.0.0.1:9/hook' }),
    other: () => ({ url: '/v1/webhooks?workspace=default', body: { url: 'http://127.0.0.1:9/x' } }),
  },
  {
    route: 'GET /v1/webhooks',
    role: 'admin',
    url: () => '/v1/webhooks',
    other: () => ({ url: '/v1/webhooks?workspace=default' }),
  },
  { route: 'GET /v1/webhooks/:id', role: 'admin', url: (f) => `/v1/webhooks/${f.webhookId}`, other: SAME },
  {
    route: 'PATCH /v1/webhooks/:id',
    role: 'admin',
    url: (f) => `/v1/webhooks/${f.webhookId}`,
    body: () => ({ enabled: false }),
    other: SAME,
  },
  {
    route: 'POST /v1/webhooks/:id/rotate-secret',
    role: 'admin',
    url: (f) => `/v1/webhooks/${f.webhookId}/rotate-secret`,
    other: SAME,
  },
  { route: 'DELETE /v1/webhooks/:id', role: 'admin', url: (f) => `/v1/webhooks/${f.webhookId}`, other: SAME },
  {
    route: 'GET /v1/webhooks/:id/deliveries',
    role: 'admin',
    url: (f) => `/v1/webhooks/${f.webhookId}/deliveries`,
    other: SAME,
  },
  {
    route: 'POST /v1/webhooks/:id/deliveries/:delivery/replay',
    role: 'admin',
    url: (f) => `/v1/webhooks/${f.webhookId}/deliveries/${f.deliveryId}/replay`,
    other: SAME,
  },
  {
    route: 'GET /v1/events',
    role: 'viewer',
    url: () => '/v1/events?follow=false',
    other: () => ({ url: '/v1/events?follow=false&workspace=default' }),
  },
];

const LOWER: Record<Role, ('viewer' | 'editor')[]> = {
  viewer: [],
  editor: ['viewer'],
  admin: ['viewer', 'editor'],
};

for (const backend of backends) {
  describe.skipIf(!backend.available)(`native API security matrix on ${backend.name}`, () => {
    let t: TestApp;
    let otherAdmin: string;
    let llm: FakeLlm;
    beforeAll(async () => {
      llm = await startFakeLlm();
      t = await startTestApp(backend, {}, { gateway: { providers: oneProvider(llm.url, undefined) } });
      const made = await t.call<ResponseOf<typeof keysCreate, 201>>('POST', '/v1/keys', {
        key: t.keys.admin,
        body: { name: 'admin@other', role: 'admin', workspace: 'other' },
      });
      expect(made.status).toBe(201);
      otherAdmin = made.body.secret as string;
    });
    afterAll(async () => {
      await t?.close();
      await llm?.close();
    });

    const keyOf = (role: Role) =>
      role === 'admin' ? t.keys.admin : role === 'editor' ? t.keys.editor : t.keys.viewer;
    const otherKeyOf = (role: Role) =>
      role === 'admin' ? otherAdmin : role === 'editor' ? t.keys.otherEditor : t.keys.otherViewer;

    async function fixture(): Promise<Fixture> {
      const name = uniq('sec');
      const created = await t.call<ResponseOf<typeof promptsCreate, 201>>('POST', '/v1/prompts', {
        body: { name, version: { messages: msg }, labels: ['production'] },
      });
      expect(created.status).toBe(201);
      const id = created.body.prompt.id as string;
      const draft = await t.call('POST', `/v1/prompts/${id}/versions`, {
        body: { messages: msg, status: 'draft' },
      });
      expect(draft.status).toBe(201);
      const gone = await t.call<ResponseOf<typeof promptsCreate, 201>>('POST', '/v1/prompts', {
        body: { name: uniq('sec-gone') },
      });
      expect((await t.call('DELETE', `/v1/prompts/${gone.body.prompt.id}`)).status).toBeLessThan(300);
      const project = uniq('sec-p');
      expect(
        (await t.call('POST', '/v1/workspaces/default/projects', { body: { name: project } })).status,
      ).toBe(201);
      const key = await t.call<ResponseOf<typeof keysCreate, 201>>('POST', '/v1/keys', {
        key: t.keys.admin,
        body: { name: uniq('sec-victim'), role: 'viewer', workspace: 'default' },
      });
      expect(key.status).toBe(201);
      const workspace = uniq('sec-ws');
      expect(
        (await t.call('POST', '/v1/workspaces', { key: t.keys.admin, body: { name: workspace } })).status,
      ).toBe(201);
      const hook = await t.call<ResponseOf<typeof webhooksCreate, 201>>('POST', '/v1/webhooks', {
        key: t.keys.admin,
        body: { url: 'http://127.0.0.1:9/hook', prompts: [name] },
      });
      expect(hook.status).toBe(201);
      const webhookId = hook.body.webhook.id as string;
      expect((await t.call('PATCH', `/v1/prompts/${id}`, { body: { description: 'hooked' } })).status).toBe(
        200,
      );
      // No worker here: the delivery stays pending once the sequencer has fanned the event out.
      t.registry.outbox.kick();
      await t.registry.outbox.hub.idle();
      const deliveries = await t.call<ResponseOf<typeof webhooksDeliveries>>(
        'GET',
        `/v1/webhooks/${webhookId}/deliveries`,
        { key: t.keys.admin },
      );
      const deliveryId = deliveries.body.data[0]!.id;
      const log = await t.call<ResponseOf<typeof requestLogsCreate, 201>>(
        'POST',
        '/v1/request-logs?wait=commit',
        {
          body: { prompt_id: id, model: 'm' },
        },
      );
      expect(log.status).toBe(201);
      const group = await t.call<ResponseOf<typeof requestGroupsCreate, 201>>('POST', '/v1/request-groups');
      expect(group.status, group.raw).toBe(201);
      return {
        id,
        name,
        deletedId: gone.body.prompt.id,
        project,
        keyId: key.body.key.id,
        workspace,
        webhookId,
        deliveryId,
        requestId: log.body.id as string,
        groupId: group.body.id,
      };
    }

    it('has a row for every /v1 route the router serves', () => {
      const served = new Set(
        t.app.routeTable
          .filter((r) => r.url.startsWith('/v1/') && r.method !== 'HEAD')
          .map((r) => `${r.method} ${r.url}`),
      );
      expect([...served].sort()).toEqual(ROWS.map((r) => r.route).sort());
    });

    for (const row of ROWS) {
      it(`${row.route}: 401 without a key or with a wrong one, ${
        LOWER[row.role].length ? `403 below ${row.role}, ` : ''
      }404 from another workspace, and through for ${row.role}`, async () => {
        const f = await fixture();
        const [method] = row.route.split(' ') as [string];
        const url = row.url(f);
        const body = row.body?.(f);
        const refusals: [string, string | null, 'bearer' | 'x-api-key', number, string, unknown][] = [
          ['no key', null, 'bearer', 401, url, body],
          ['wrong bearer key', 'lec_not_a_real_key_0000000000000000', 'bearer', 401, url, body],
          ['wrong X-API-KEY', 'lec_not_a_real_key_0000000000000000', 'x-api-key', 401, url, body],
          ['malformed key', 'Bearer', 'bearer', 401, url, body],
          ...LOWER[row.role].map(
            (r) =>
              [`${r} key`, keyOf(r), 'bearer', 403, url, body] as [
                string,
                string,
                'bearer',
                number,
                string,
                unknown,
              ],
          ),
        ];
        if (typeof row.other !== 'string') {
          const o = row.other === SAME ? { url, body } : row.other(f);
          refusals.push([
            `workspace other's ${row.role} key`,
            otherKeyOf(row.role),
            'bearer',
            404,
            o.url,
            o.body,
          ]);
        }
        for (const [what, key, auth, status, target, payload] of refusals) {
          const before = await dbFingerprint(t.store);
          // PromptLayer's envelope for its OTLP route, the native one for the rest.
          const res = await t.call<ErrorT>(method as never, target, { key, auth, body: payload });
          expect(res.status, `${what}: ${JSON.stringify(res.body)}`).toBe(status);
          if (row.envelope === 'promptlayer')
            expect(res.body, what).toMatchObject({ success: false, message: expect.any(String) });
          else
            expect(res.body?.error?.code, what).toBe(
              status === 401 ? 'unauthorized' : status === 403 ? 'forbidden' : 'not_found',
            );
          expect(await dbFingerprint(t.store), `${what} changed state`).toBe(before);
        }
        // The role the route needs gets through (so the refusals above are about the key).
        const ok = await t.call(method as never, url, { key: keyOf(row.role), body });
        expect(ok.status, `${row.role}: ${JSON.stringify(ok.body)}`).toBeLessThan(300);
      });
    }
  });
}
