// The native request-group routes on both backends: create, get with the record count, list
// newest first with a cursor, the group filter of the request-log list; workspace isolation, a
// group made by PromptLayer's own SDK (`pl.group.create`) seen natively with the runs logged into
// it, and bad input answered in the native envelope.
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PromptLayer as PromptLayerT } from 'promptlayer';
import { backends } from '../../../../test/support/stores.ts';
import { startTestApp, type ResponseOf, type TestApp } from '../../../../test/support/app.ts';
import {
  pointOpenAiEnvAt,
  startFakeOpenAi,
  type FakeUpstream,
} from '../../../../test/support/fake-openai-upstream.ts';
import type { RequestGroupPageT, RequestGroupT } from '../request-group-wire.ts';
import type { RequestLogFullT, RequestLogPageT } from '../request-log-wire.ts';
import type { ErrorT } from '../responses.ts';
import type { schema as requestLogsCreate } from './request-logs-create.ts';

// The SDK's CommonJS build: its ESM build cannot load `openai` (runtime.md §1.8).
const require = createRequire(import.meta.url);
const { PromptLayer } = require('promptlayer') as { PromptLayer: typeof PromptLayerT };

for (const backend of backends) {
  describe.skipIf(!backend.available)(`native request-group API on ${backend.name}`, () => {
    let t: TestApp;
    let llm: FakeUpstream;
    let pl: InstanceType<typeof PromptLayerT>;
    let restoreEnv = () => {};

    beforeAll(async () => {
      llm = await startFakeOpenAi();
      // The provider SDK inside pl.run() reads OPENAI_BASE_URL / OPENAI_API_KEY.
      restoreEnv = pointOpenAiEnvAt(llm.url, 'sk-upstream');
      t = await startTestApp(backend);
      const base = await t.app.listen({ port: 0, host: '127.0.0.1' });
      pl = new PromptLayer({ apiKey: t.keys.editor, baseURL: base, throwOnError: true });
    });
    afterAll(async () => {
      restoreEnv();
      await t?.close();
      await llm?.close();
    });

    const create = async (key = t.keys.viewer, qs = '') => {
      const r = await t.call<RequestGroupT>('POST', `/v1/request-groups${qs}`, { key });
      expect(r.status, r.raw).toBe(201);
      return r.body;
    };
    const logInto = async (group: number, key = t.keys.viewer) => {
      const r = await t.call<ResponseOf<typeof requestLogsCreate, 201>>(
        'POST',
        '/v1/request-logs?wait=commit',
        {
          key,
          body: { model: 'm', group_id: group },
        },
      );
      expect(r.status, r.raw).toBe(201);
      return r.body.id;
    };

    it('creates a group, and gets it with its record count and a link to its records', async () => {
      const g = await create();
      expect(g).toMatchObject({ request_count: 0, first_request_at: null, last_request_at: null });
      expect(g.request_logs).toBe(`/v1/request-logs?group=${g.id}`);
      const ids = [await logInto(g.id), await logInto(g.id)];
      // One more joins through PromptLayer's track-group.
      const later = await t.call<ResponseOf<typeof requestLogsCreate, 201>>(
        'POST',
        '/v1/request-logs?wait=commit',
        {
          key: t.keys.viewer,
          body: {},
        },
      );
      const tracked = await t.call('POST', '/rest/track-group', {
        key: null,
        headers: { 'x-api-key': t.keys.viewer },
        body: { request_id: Number(later.body.id), group_id: g.id },
      });
      expect(tracked.status, tracked.raw).toBe(200);
      ids.push(later.body.id);
      // Another workspace's group is not this record's: it is logged without one.
      const foreign = await create(t.keys.otherViewer);
      const stray = await logInto(foreign.id);
      await t.registry.flushRequestLog();
      const got = await t.call<RequestGroupT>('GET', `/v1/request-groups/${g.id}`, { key: t.keys.viewer });
      expect(got.status, got.raw).toBe(200);
      expect(got.body).toMatchObject({ id: g.id, request_count: 3 });
      expect(got.body.first_request_at).not.toBeNull();
      const listed = await t.call<RequestLogPageT>('GET', got.body.request_logs);
      expect(listed.body.data.map((r) => r.id).sort()).toEqual([...ids].sort());
      const strayRecord = await t.call<RequestLogFullT>('GET', `/v1/request-logs/${stray}`);
      expect(strayRecord.body.group_id).toBeNull();
      expect(
        (await t.call<RequestGroupT>('GET', `/v1/request-groups/${foreign.id}`, { key: t.keys.otherViewer }))
          .body.request_count,
      ).toBe(0);
    });

    it('lists groups newest first, every group once across pages', async () => {
      const made = [await create(), await create(), await create()].map((g) => g.id);
      const seen: number[] = [];
      let cursor: string | null = null;
      do {
        const page: RequestGroupPageT = (
          await t.call<RequestGroupPageT>(
            'GET',
            `/v1/request-groups?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
          )
        ).body;
        seen.push(...page.data.map((g) => g.id));
        cursor = page.next_cursor;
      } while (cursor);
      expect(seen).toEqual([...seen].sort((a, b) => b - a));
      expect(seen.slice(0, 3)).toEqual([...made].reverse());
      expect(new Set(seen).size).toBe(seen.length);
    });

    it("keeps workspaces apart: another workspace's group is a 404 and is not listed", async () => {
      const mine = await create();
      const theirs = await create(t.keys.otherViewer);
      expect(theirs.workspace_id).not.toBe(mine.workspace_id);
      const foreign = await t.call<ErrorT>('GET', `/v1/request-groups/${mine.id}`, {
        key: t.keys.otherViewer,
      });
      expect(foreign.status).toBe(404);
      expect(foreign.body.error.code).toBe('not_found');
      const list = await t.call<RequestGroupPageT>('GET', '/v1/request-groups?limit=500', {
        key: t.keys.otherViewer,
      });
      expect(list.body.data.map((g) => g.id)).toContain(theirs.id);
      expect(list.body.data.map((g) => g.id)).not.toContain(mine.id);
      // An admin key names the workspace; an editor of one cannot reach another.
      const asAdmin = await create(t.keys.admin, '?workspace=other');
      expect(asAdmin.workspace_id).toBe(theirs.workspace_id);
      expect(
        (await t.call('POST', '/v1/request-groups?workspace=other', { key: t.keys.editor })).status,
      ).toBe(404);
      expect((await t.call('GET', '/v1/request-groups', { key: null })).status).toBe(401);
    });

    it('a group made by the PromptLayer SDK is seen natively with the runs logged into it', async () => {
      const published = await pl.templates.publish({
        prompt_name: 'grouped-support',
        prompt_template: {
          type: 'chat',
          input_variables: ['question'],
          messages: [
            {
              role: 'user',
              input_variables: [],
              template_format: 'f-string',
              content: [{ type: 'text', text: '{question}' }],
            },
          ],
        },
        metadata: { model: { provider: 'openai', name: 'gpt-4o-mini', api_type: 'chat-completions' } },
      } as never);
      expect(published).toBeTruthy();
      const group = (await pl.group.create()) as number;
      expect(typeof group).toBe('number');
      const runs: number[] = [];
      for (const question of ['one', 'two']) {
        const r = (await pl.run({
          promptName: 'grouped-support',
          inputVariables: { question },
          groupId: group,
        })) as unknown as { request_id: number };
        runs.push(r.request_id);
      }
      await t.registry.flushRequestLog();
      const got = await t.call<RequestGroupT>('GET', `/v1/request-groups/${group}`);
      expect(got.status, got.raw).toBe(200);
      expect(got.body.request_count).toBe(2);
      const listed = await t.call<RequestLogPageT>('GET', got.body.request_logs);
      expect(listed.body.data.map((r) => Number(r.id)).sort()).toEqual([...runs].sort());
      expect(listed.body.data.every((r) => r.group_id === group && r.model === 'gpt-4o-mini')).toBe(true);
      const page = await t.call<RequestGroupPageT>('GET', '/v1/request-groups?limit=1');
      expect(page.body.data[0]).toMatchObject({ id: group, request_count: 2 });
    });

    it('answers bad input in the native envelope and makes nothing', async () => {
      const before = (await t.call<RequestGroupPageT>('GET', '/v1/request-groups?limit=500')).body.data
        .length;
      const bad: [string, string, unknown][] = [
        ['POST', '/v1/request-groups', '{"'],
        ['GET', '/v1/request-groups?cursor=garbage', undefined],
        ['GET', '/v1/request-groups?limit=0', undefined],
        ['GET', '/v1/request-groups/0', undefined],
        ['GET', '/v1/request-groups/nope', undefined],
      ];
      for (const [method, url, body] of bad) {
        const r = await t.call<ErrorT>(method as never, url, { body });
        expect(r.status, `${method} ${url}: ${r.raw}`).toBe(400);
        expect(r.body.error.code).toBe('bad_request');
      }
      expect((await t.call('GET', '/v1/request-groups/99999999999')).status).toBe(404);
      const after = (await t.call<RequestGroupPageT>('GET', '/v1/request-groups?limit=500')).body.data.length;
      expect(after).toBe(before);
    });
  });
}
