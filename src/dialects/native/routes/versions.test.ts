import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../../../test/support/stores.ts';
import { startTestApp, type ResponseOf, type TestApp } from '../../../../test/support/app.ts';
import type { schema as labelsSet } from './labels-set.ts';
import type { schema as promptsResolve } from './prompts-resolve.ts';
import type { schema as promptsUpdate } from './prompts-update.ts';
import type { schema as versionsCommit } from './versions-commit.ts';
import type { schema as versionsCreate } from './versions-create.ts';
import type { schema as versionsDelete } from './versions-delete.ts';
import type { schema as versionsDiff } from './versions-diff.ts';
import type { schema as versionsGet } from './versions-get.ts';
import type { schema as versionsList } from './versions-list.ts';
import type { schema as versionsUpdate } from './versions-update.ts';

/** Bodies typed from the response schemas the routes declare. */
type LabelsSetBody = ResponseOf<typeof labelsSet>;
type PromptsResolveBody = ResponseOf<typeof promptsResolve>;
type PromptsUpdateBody = ResponseOf<typeof promptsUpdate>;
type VersionsCommitBody = ResponseOf<typeof versionsCommit>;
type VersionsCreateBody = ResponseOf<typeof versionsCreate, 201>;
type VersionsDeleteBody = ResponseOf<typeof versionsDelete>;
type VersionsDiffBody = ResponseOf<typeof versionsDiff>;
type VersionsGetBody = ResponseOf<typeof versionsGet>;
type VersionsListBody = ResponseOf<typeof versionsList>;
type VersionsUpdateBody = ResponseOf<typeof versionsUpdate>;
type ErrorBody = ResponseOf<typeof labelsSet, '4xx'>;
import { promptWithVersions } from '../testing.ts';
import type { ResolvedT } from '../responses.ts';

for (const backend of backends) {
  describe.skipIf(!backend.available)(`native versions API on ${backend.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp(backend);
    });
    afterAll(() => t?.close());

    describe('happy path', () => {
      it('numbers 32 concurrent creates 1..32 with no 5xx', async () => {
        const { id } = await promptWithVersions(t, []);
        const results = await Promise.all(
          Array.from({ length: 32 }, (_, i) =>
            t.call<VersionsCreateBody>('POST', `/v1/prompts/${id}/versions`, {
              body: { messages: [{ role: 'user', content: `v${i}` }] },
            }),
          ),
        );
        expect(results.map((r) => r.status)).toEqual(Array(32).fill(201));
        const numbers = results.map((r) => r.body.version.number as number).sort((a, b) => a - b);
        expect(numbers).toEqual(Array.from({ length: 32 }, (_, i) => i + 1));
        const list = await t.call<VersionsListBody>('GET', `/v1/prompts/${id}/versions?limit=500&order=asc`);
        expect(list.body.pagination.total).toBe(32);
        expect(list.body.data.map((v: { number: number }) => v.number)).toEqual(numbers);
      });

      it('lists newest first, paginated, and gets by number and latest', async () => {
        const { id } = await promptWithVersions(t, ['one', 'two', 'three']);
        const page = await t.call<VersionsListBody>('GET', `/v1/prompts/${id}/versions?limit=2`, {
          key: t.keys.viewer,
        });
        expect(page.status).toBe(200);
        expect(page.body.data.map((v: { number: number }) => v.number)).toEqual([3, 2]);
        expect(page.body.pagination).toEqual({ total: 3, limit: 2, offset: 0, next_offset: 2 });
        const two = await t.call<VersionsGetBody>('GET', `/v1/prompts/${id}/versions/2`);
        expect(two.body.version.messages).toEqual([{ role: 'user', content: 'two' }]);
        const latest = await t.call<VersionsGetBody>('GET', `/v1/prompts/${id}/versions/latest`);
        expect(latest.body.version.number).toBe(3);
        expect(latest.headers.etag).toMatch(/^"\d+\.\d+"$/);
      });

      it('resolves by label, version and latest, with ETag and 304', async () => {
        const { id, name } = await promptWithVersions(t, ['a', 'b'], { labels: ['production'] });
        await t.call<VersionsCreateBody>('POST', `/v1/prompts/${id}/versions`, { body: { messages: [] } });
        const byLabel = await t.call<PromptsResolveBody>(
          'GET',
          `/v1/prompts/${encodeURIComponent(name)}/resolve?label=production`,
          {
            key: t.keys.viewer,
          },
        );
        expect(byLabel.status).toBe(200);
        expect(byLabel.body.prompt.id).toBe(id);
        expect(byLabel.body.version).toMatchObject({ number: 2, labels: ['production'] });
        expect(
          (await t.call<ResolvedT>('GET', `/v1/prompts/${id}/resolve?version=1`)).body.version.number,
        ).toBe(1);
        expect((await t.call<ResolvedT>('GET', `/v1/prompts/${id}/resolve`)).body.version.number).toBe(3);
        expect(
          (await t.call<ResolvedT>('GET', `/v1/prompts/${id}/resolve?version=latest`)).body.version.number,
        ).toBe(3);

        const tag = byLabel.headers.etag as string;
        const again = await t.call<PromptsResolveBody>('GET', `/v1/prompts/${id}/resolve?label=production`, {
          headers: { 'if-none-match': tag },
        });
        expect(again.status).toBe(304);
        // Moving the label changes the tag, so a cached copy is refreshed.
        await t.call<LabelsSetBody>('PUT', `/v1/prompts/${id}/labels/production`, { body: { version: 3 } });
        const moved = await t.call<PromptsResolveBody>('GET', `/v1/prompts/${id}/resolve?label=production`, {
          headers: { 'if-none-match': tag },
        });
        expect(moved.status).toBe(200);
        expect(moved.body.version.number).toBe(3);
      });

      it('recomputes input_variables from every message on write: sorted, unique, client list ignored', async () => {
        const { id } = await promptWithVersions(t, ['a']);
        const res = await t.call<VersionsCreateBody>('POST', `/v1/prompts/${id}/versions`, {
          body: {
            template_format: 'jinja2',
            input_variables: ['bogus'],
            messages: [
              { role: 'system', content: '{{ zeta }} {% for i in items %}{{ i }}{{ alpha.x }}{% endfor %}' },
              {
                role: 'user',
                content: [{ type: 'text', text: 'Hi {alpha} {mid[0]}' }],
                template_format: 'f-string',
              },
              {
                role: 'assistant',
                content: '{{zeta}} {{#sec}}{{inner}}{{/sec}}',
                template_format: 'mustache',
              },
            ],
          },
        });
        expect(res.status).toBe(201);
        expect(res.body.version.input_variables).toEqual(['alpha', 'items', 'mid', 'sec', 'zeta']);
        const got = await t.call<VersionsGetBody>(
          'GET',
          `/v1/prompts/${id}/versions/${res.body.version.number}`,
        );
        expect(got.body.version.input_variables).toEqual(['alpha', 'items', 'mid', 'sec', 'zeta']);
      });

      it('edits a draft in place, then commits it with a message', async () => {
        const { id } = await promptWithVersions(t, ['draft {{x}}'], { lastStatus: 'draft' });
        const edit = await t.call<VersionsUpdateBody>('PATCH', `/v1/prompts/${id}/versions/1`, {
          body: { messages: [{ role: 'user', content: 'edited {{y}}' }], model: 'gpt-4o' },
        });
        expect(edit.status).toBe(200);
        expect(edit.body.version).toMatchObject({
          number: 1,
          status: 'draft',
          model: 'gpt-4o',
          input_variables: ['y'],
        });
        const commit = await t.call<VersionsCommitBody>('POST', `/v1/prompts/${id}/commit`, {
          body: { commit_message: 'ship it' },
        });
        expect(commit.status).toBe(200);
        expect(commit.body.version).toMatchObject({
          number: 1,
          status: 'committed',
          commit_message: 'ship it',
        });
        expect(commit.body.version.committed_at).not.toBeNull();
        expect(commit.headers.etag).toBeTruthy();
      });

      it('deletes an unlabelled version; numbers are not reused', async () => {
        const { id } = await promptWithVersions(t, ['a', 'b']);
        const del = await t.call<VersionsDeleteBody>('DELETE', `/v1/prompts/${id}/versions/2`);
        expect(del.status).toBe(200);
        expect(del.body.version.number).toBe(2);
        expect((await t.call<VersionsGetBody>('GET', `/v1/prompts/${id}/versions/2`)).status).toBe(404);
        const next = await t.call<VersionsCreateBody>('POST', `/v1/prompts/${id}/versions`, { body: {} });
        expect(next.body.version.number).toBe(3);
      });

      it('diffs two versions field by field', async () => {
        const { id } = await promptWithVersions(t, ['hello {{a}}']);
        await t.call<VersionsCreateBody>('POST', `/v1/prompts/${id}/versions`, {
          body: { base: 1, model: 'gpt-4o', params: { temperature: 0.3 } },
        });
        const res = await t.call<VersionsDiffBody>('GET', `/v1/prompts/${id}/diff?from=1&to=latest`, {
          key: t.keys.viewer,
        });
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ prompt_id: id, from: 1, to: 2 });
        expect(res.body.changes).toEqual([
          { path: '/model', op: 'changed', from: null, to: 'gpt-4o' },
          { path: '/params/temperature', op: 'added', to: 0.3 },
        ]);
        const same = await t.call<VersionsDiffBody>('GET', `/v1/prompts/${id}/diff?from=2&to=2`);
        expect(same.body.changes).toEqual([]);
      });
    });

    describe('errors', () => {
      it('answers 409 to editing a committed version and 409 to a commit with no draft', async () => {
        const { id } = await promptWithVersions(t, ['frozen']);
        const res = await t.call<ErrorBody>('PATCH', `/v1/prompts/${id}/versions/1`, {
          body: { model: 'x' },
        });
        expect(res.status).toBe(409);
        expect(res.body.error.code).toBe('conflict');
        expect(
          (await t.call<VersionsGetBody>('GET', `/v1/prompts/${id}/versions/1`)).body.version.model,
        ).toBeNull();
        expect(
          (await t.call<VersionsCommitBody>('POST', `/v1/prompts/${id}/commit`, { body: {} })).status,
        ).toBe(409);
      });

      it('answers 409 to deleting a labelled version', async () => {
        const { id } = await promptWithVersions(t, ['live'], { labels: ['production'] });
        const res = await t.call<ErrorBody>('DELETE', `/v1/prompts/${id}/versions/1`);
        expect(res.status).toBe(409);
        expect(res.body.error.details.labels).toEqual(['production']);
        expect((await t.call<VersionsGetBody>('GET', `/v1/prompts/${id}/versions/1`)).status).toBe(200);
      });

      it('answers 412 to a stale If-Match on edit, commit and delete, changing nothing', async () => {
        const { id, etag } = await promptWithVersions(t, ['a', 'b'], { lastStatus: 'draft' });
        await t.call<PromptsUpdateBody>('PATCH', `/v1/prompts/${id}`, { body: { description: 'moved on' } });
        const stale = { 'if-match': etag };
        const edit = await t.call<VersionsUpdateBody>('PATCH', `/v1/prompts/${id}/versions/2`, {
          body: { model: 'm' },
          headers: stale,
        });
        expect(edit.status).toBe(412);
        expect(
          (await t.call<VersionsCommitBody>('POST', `/v1/prompts/${id}/commit`, { body: {}, headers: stale }))
            .status,
        ).toBe(412);
        expect(
          (await t.call<VersionsDeleteBody>('DELETE', `/v1/prompts/${id}/versions/1`, { headers: stale }))
            .status,
        ).toBe(412);
        const list = await t.call<VersionsListBody>('GET', `/v1/prompts/${id}/versions`);
        expect(list.body.data.map((v) => [v.number, v.status, v.model])).toEqual([
          [2, 'draft', null],
          [1, 'committed', null],
        ]);
      });

      it('answers 404 to unknown versions and labels, 400 to bad selectors', async () => {
        const { id } = await promptWithVersions(t, ['a']);
        expect((await t.call<VersionsGetBody>('GET', `/v1/prompts/${id}/versions/9`)).status).toBe(404);
        expect((await t.call<PromptsResolveBody>('GET', `/v1/prompts/${id}/resolve?label=nope`)).status).toBe(
          404,
        );
        expect((await t.call<VersionsDiffBody>('GET', `/v1/prompts/${id}/diff?from=1&to=7`)).status).toBe(
          404,
        );
        for (const url of [
          `/v1/prompts/${id}/versions/0`,
          `/v1/prompts/${id}/versions/abc`,
          `/v1/prompts/${id}/resolve?label=production&version=1`,
          `/v1/prompts/${id}/diff?from=1`,
          `/v1/prompts/${id}/versions?order=sideways`,
        ]) {
          const res = await t.call<ErrorBody>('GET', url);
          expect(res.status, url).toBe(400);
          expect(res.body.error.code).toBe('bad_request');
        }
        expect(
          (await t.call<VersionsUpdateBody>('PATCH', `/v1/prompts/${id}/versions/latest`, { body: {} }))
            .status,
        ).toBe(400);
      });

      it('answers 404 for a prompt with no versions', async () => {
        const { id } = await promptWithVersions(t, []);
        expect((await t.call<ResolvedT>('GET', `/v1/prompts/${id}/resolve`)).status).toBe(404);
      });
    });

    describe('security', () => {
      it('answers 401 without a key or with a wrong key', async () => {
        const { id } = await promptWithVersions(t, ['a']);
        for (const key of [null, 'lec_wrong']) {
          expect((await t.call<PromptsResolveBody>('GET', `/v1/prompts/${id}/resolve`, { key })).status).toBe(
            401,
          );
          expect((await t.call<VersionsListBody>('GET', `/v1/prompts/${id}/versions`, { key })).status).toBe(
            401,
          );
        }
      });

      it('lets a viewer read but not edit, commit or delete versions', async () => {
        const { id } = await promptWithVersions(t, ['a'], { lastStatus: 'draft' });
        const v = t.keys.viewer;
        expect(
          (await t.call<PromptsResolveBody>('GET', `/v1/prompts/${id}/resolve`, { key: v })).status,
        ).toBe(200);
        expect(
          (await t.call<VersionsCreateBody>('POST', `/v1/prompts/${id}/versions`, { key: v, body: {} }))
            .status,
        ).toBe(403);
        expect(
          (
            await t.call<VersionsUpdateBody>('PATCH', `/v1/prompts/${id}/versions/1`, {
              key: v,
              body: { model: 'x' },
            })
          ).status,
        ).toBe(403);
        expect(
          (await t.call<VersionsCommitBody>('POST', `/v1/prompts/${id}/commit`, { key: v, body: {} })).status,
        ).toBe(403);
        expect(
          (await t.call<VersionsDeleteBody>('DELETE', `/v1/prompts/${id}/versions/1`, { key: v })).status,
        ).toBe(403);
      });

      it("answers 404 for another workspace's versions on every route", async () => {
        const { id, name } = await promptWithVersions(t, ['a', 'b'], { lastStatus: 'draft' });
        const o = t.keys.otherEditor;
        for (const url of [
          `/v1/prompts/${id}/versions`,
          `/v1/prompts/${id}/versions/1`,
          `/v1/prompts/${id}/resolve`,
          `/v1/prompts/${encodeURIComponent(name)}/resolve`,
          `/v1/prompts/${id}/diff?from=1&to=2`,
        ]) {
          expect((await t.call('GET', url, { key: o })).status, url).toBe(404);
        }
        expect(
          (
            await t.call<VersionsUpdateBody>('PATCH', `/v1/prompts/${id}/versions/2`, {
              key: o,
              body: { model: 'x' },
            })
          ).status,
        ).toBe(404);
        expect(
          (await t.call<VersionsCommitBody>('POST', `/v1/prompts/${id}/commit`, { key: o, body: {} })).status,
        ).toBe(404);
        expect(
          (await t.call<VersionsDeleteBody>('DELETE', `/v1/prompts/${id}/versions/1`, { key: o })).status,
        ).toBe(404);
        expect(
          (await t.call<VersionsGetBody>('GET', `/v1/prompts/${id}/versions/2`)).body.version.status,
        ).toBe('draft');
      });
    });
  });
}
