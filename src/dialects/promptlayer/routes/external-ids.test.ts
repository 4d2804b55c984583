// External ids: the upsert by external id (200 on a mapped pair, 201 otherwise), attach (idempotent,
// 409 elsewhere), list and detach; dormant mappings of deleted templates; errors in PromptLayer's
// envelopes with no state change; access control; and concurrent upserts of one new pair.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../../../test/support/stores.ts';
import { startTestApp, type ResponseOf, type TestApp } from '../../../../test/support/app.ts';
import type { ValidationErrorT } from '../responses.ts';
import type { schema as entitiesDelete } from './entities-delete.ts';
import type { schema as externalIdsAttach } from './external-ids-attach.ts';
import type { schema as externalIdsDelete } from './external-ids-delete.ts';
import type { schema as externalIdsList } from './external-ids-list.ts';
import type { schema as externalIdsUpsert } from './external-ids-upsert.ts';
import type { schema as getRaw } from './get-raw.ts';
import type { schema as patchSchema } from './patch.ts';
import type { schema as publishSchema } from './publish.ts';

/** Bodies typed from the response schemas the routes declare (`T` of a helper: the answer expected). */
type UpsertBody = ResponseOf<typeof externalIdsUpsert, 201>;
type AttachBody = ResponseOf<typeof externalIdsAttach, 201>;
type ListBody = ResponseOf<typeof externalIdsList>;
type DetachBody = ResponseOf<typeof externalIdsDelete, 204>;
type PublishBody = ResponseOf<typeof publishSchema, 201>;
type PatchBody = ResponseOf<typeof patchSchema, 201>;
type GetRawBody = ResponseOf<typeof getRaw>;
type EntitiesDeleteBody = ResponseOf<typeof entitiesDelete>;
type ErrorBody = ResponseOf<typeof publishSchema, '4xx'>;
import { checkInvariants, dbFingerprint, rows } from '../../../../test/support/invariants.ts';

const text = (s: string) => [{ type: 'text', text: s }];
const body = (name: string, say: string, extra: Record<string, unknown> = {}) => ({
  prompt_template: { prompt_name: name, ...extra },
  prompt_version: { prompt_template: { type: 'chat', messages: [{ role: 'user', content: text(say) }] } },
});
const enc = encodeURIComponent;

for (const backend of backends) {
  describe.skipIf(!backend.available)(`PromptLayer external ids on ${backend.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp(backend);
    });
    afterAll(() => t?.close());
    const put = <T = UpsertBody>(source: string, id: string, b: unknown, key?: string) =>
      t.call<T>('PUT', `/prompt-templates/by-external-id/${enc(source)}/${enc(id)}`, { body: b, key });
    const attach = <T = AttachBody>(tid: number, source: string, id: string, key?: string) =>
      t.call<T>('POST', `/prompt-templates/${tid}/external-ids`, { body: { source, external_id: id }, key });
    const list = <T = ListBody>(tid: number, key?: string) =>
      t.call<T>('GET', `/prompt-templates/${tid}/external-ids`, { key });
    const detach = <T = DetachBody>(tid: number, source: string, id: string, key?: string) =>
      t.call<T>('DELETE', `/prompt-templates/${tid}/external-ids/${enc(source)}/${enc(id)}`, { key });

    describe('upsert by external id', () => {
      it('creates the template and maps the pair (201), then appends to the mapped template (200)', async () => {
        const first = await put('acme_cms', 'pt_1', body('ext-one', 'v1', { tags: ['a'] }));
        expect(first.status).toBe(201);
        const publishKeys = Object.keys(
          (await t.call<PublishBody>('POST', '/rest/prompt-templates', { body: body('ext-shape', 'x') }))
            .body,
        ).sort();
        expect(Object.keys(first.body).sort()).toEqual(publishKeys);
        expect(first.body).toMatchObject({
          prompt_name: 'ext-one',
          version_number: 1,
          tags: ['a'],
          external_ids: [{ source: 'acme_cms', external_id: 'pt_1' }],
        });
        // The mapping wins over the body's name: the mapped template keeps its own; tags apply as on publish.
        const second = await put('acme_cms', 'pt_1', body('renamed-in-cms', 'v2', { tags: ['b'] }));
        expect(second.status).toBe(200);
        expect(second.body).toMatchObject({
          id: first.body.id,
          prompt_name: 'ext-one',
          version_number: 2,
          tags: ['b'],
          external_ids: [{ source: 'acme_cms', external_id: 'pt_1' }],
        });
        expect((await t.call<GetRawBody>('GET', '/prompt-templates/renamed-in-cms')).status).toBe(404);
        const got = await t.call<GetRawBody>('GET', `/prompt-templates/${first.body.id}`);
        // The template is free-form in the schema: the part read here, viewed as the wire shows it.
        const tpl = got.body.prompt_template as { messages: { content: { text: string }[] }[] };
        expect(tpl.messages[0]!.content[0]!.text).toBe('v2');
      });

      it('a new pair whose prompt_name names an existing template adds a version to it (201)', async () => {
        const pub = await t.call<PublishBody>('POST', '/rest/prompt-templates', {
          body: body('ext-existing', 'v1'),
        });
        const r = await put('acme_cms', 'pt_existing', body('ext-existing', 'v2', { is_snippet: true }));
        expect(r.status).toBe(201);
        expect(r.body).toMatchObject({ id: pub.body.id, version_number: 2 });
        expect((await list(pub.body.id)).body.external_ids).toMatchObject([
          { source: 'acme_cms', external_id: 'pt_existing' },
        ]);
      });

      it('sources and ids are taken verbatim from the path (slashes, spaces, unicode)', async () => {
        const r = await put('cms/eu west', 'id:1/ü', body('ext-odd', 'x'));
        expect(r.status).toBe(201);
        expect(r.body.external_ids).toEqual([{ source: 'cms/eu west', external_id: 'id:1/ü' }]);
        expect((await put('cms/eu west', 'id:1/ü', body('ext-odd', 'y'))).status).toBe(200);
        expect((await detach(r.body.id, 'cms/eu west', 'id:1/ü')).status).toBe(204);
      });

      it('moves release_labels and checks the body like publish (422 detail lists, nothing written)', async () => {
        const r = await put('acme_cms', 'pt_labels', {
          ...body('ext-labels', 'x'),
          release_labels: ['prod'],
        });
        expect(r.body.release_labels).toEqual(['prod']);
        const before = await dbFingerprint(t.store);
        const bad = await put<ValidationErrorT>('acme_cms', 'pt_bad', {
          prompt_template: {},
          prompt_version: {},
        });
        expect(bad.status).toBe(422);
        expect(bad.body.detail.map((d) => d.loc.join('.'))).toContain('body.prompt_template.prompt_name');
        const snippet = await put<ValidationErrorT>(
          'acme_cms',
          'pt_bad',
          body('ext-bad', '@@@no-such-snippet@@@'),
        );
        expect(snippet.status).toBe(422);
        expect(snippet.body.detail[0]!.loc).toEqual(['body', 'prompt_version', 'prompt_template']);
        const role = await put('acme_cms', 'pt_bad', {
          ...body('ext-bad', 'x'),
          prompt_version: {
            prompt_template: { type: 'chat', messages: [{ role: 'tool', content: text('x') }] },
          },
        });
        expect(role.status).toBe(422);
        const long = await put<ValidationErrorT>('s'.repeat(129), 'x', body('ext-bad', 'x'));
        expect(long.status).toBe(422);
        expect(long.body.detail[0]!.loc).toEqual(['path', 'source']);
        expect((await put('acme_cms', 'x'.repeat(513), body('ext-bad', 'x'))).status).toBe(422);
        const nul = await put('acme\u0000cms', 'x', body('ext-bad', 'x'));
        expect(nul.status).toBe(400);
        expect(nul.body).toMatchObject({ success: false, error: 'Bad Request' });
        expect(await dbFingerprint(t.store)).toBe(before);
      });
    });

    describe('external_ids in a publish body', () => {
      it('publish maps them onto the template in the same write; publish and PATCH answers show them', async () => {
        const b = {
          ...body('ext-pub', 'v1'),
          external_ids: [
            { source: 'cms', external_id: 'p-1' },
            { source: 'git', external_id: 'prompts/p.yaml' },
          ],
        };
        const pub = await t.call<PublishBody>('POST', '/rest/prompt-templates', { body: b });
        expect(pub.status).toBe(201);
        expect(pub.body.external_ids).toEqual(b.external_ids);
        // A later publish without them, and a PATCH, answer with the template's mappings.
        const again = await t.call<PublishBody>('POST', '/rest/prompt-templates', {
          body: body('ext-pub', 'v2'),
        });
        expect(again.body.external_ids).toEqual(b.external_ids);
        const patched = await t.call<PatchBody>('PATCH', `/rest/prompt-templates/${pub.body.id}`, {
          body: { messages: { '0': { role: 'user', content: text('v3') } } },
        });
        expect(patched.status).toBe(201);
        expect(patched.body.external_ids).toEqual(b.external_ids);
        // The upsert by one of them finds the template.
        const up = await put('git', 'prompts/p.yaml', body('whatever', 'v4'));
        expect(up.status).toBe(200);
        expect(up.body).toMatchObject({ id: pub.body.id, version_number: 4 });
      });

      it('a pair mapped to another template is a 409 and the publish writes nothing', async () => {
        const other = await t.call<PublishBody>('POST', '/rest/prompt-templates', {
          body: { ...body('ext-owner', 'x'), external_ids: [{ source: 'cms', external_id: 'taken' }] },
        });
        expect(other.status).toBe(201);
        const before = await dbFingerprint(t.store);
        const r = await t.call<PublishBody>('POST', '/rest/prompt-templates', {
          body: {
            ...body('ext-thief', 'x'),
            external_ids: [
              { source: 'cms', external_id: 'free' },
              { source: 'cms', external_id: 'taken' },
            ],
          },
        });
        expect(r.status).toBe(409);
        expect(r.body).toMatchObject({ success: false });
        expect(await dbFingerprint(t.store)).toEqual(before);
        expect((await t.call<GetRawBody>('GET', '/prompt-templates/ext-thief')).status).toBe(404);
      });

      it('the upsert maps the body pairs too, besides the one in its path', async () => {
        const r = await put('cms', 'main-1', {
          ...body('ext-upsert-extra', 'x'),
          external_ids: [{ source: 'git', external_id: 'extra-1' }],
        });
        expect(r.status).toBe(201);
        expect(r.body.external_ids).toEqual([
          { source: 'cms', external_id: 'main-1' },
          { source: 'git', external_id: 'extra-1' },
        ]);
      });

      it('refuses malformed pairs with a 422 naming the field', async () => {
        const r = await t.call<ValidationErrorT>('POST', '/rest/prompt-templates', {
          body: { ...body('ext-bad', 'x'), external_ids: [{ source: '', external_id: 'a' }] },
        });
        expect(r.status).toBe(422);
        expect(JSON.stringify(r.body.detail)).toContain('external_ids');
      });
    });

    describe('attach, list, detach', () => {
      it('attaches (201), is idempotent (200), refuses a pair mapped elsewhere (409), detaches (204)', async () => {
        const a = (await t.call<PublishBody>('POST', '/rest/prompt-templates', { body: body('ext-a', 'a') }))
          .body;
        const b = (await t.call<PublishBody>('POST', '/rest/prompt-templates', { body: body('ext-b', 'b') }))
          .body;
        const made = await attach(a.id, 'crm', 'c-1');
        expect(made.status).toBe(201);
        expect(made.body).toMatchObject({
          prompt_template_id: a.id,
          external_ids: [{ source: 'crm', external_id: 'c-1', created_at: expect.any(String) }],
        });
        expect((await attach(a.id, 'crm', 'c-1')).status).toBe(200);
        expect((await attach(a.id, 'crm', 'c-2')).status).toBe(201);
        expect((await list(a.id)).body.external_ids.map((e) => e.external_id)).toEqual(['c-1', 'c-2']);
        const before = await dbFingerprint(t.store);
        const clash = await attach<ErrorBody>(b.id, 'crm', 'c-1');
        expect(clash.status).toBe(409);
        expect(clash.body).toMatchObject({ success: false, error: 'Conflict' });
        expect(clash.body.message).toContain('crm/c-1');
        expect(await dbFingerprint(t.store)).toBe(before);
        // The pair names template a: an upsert on it appends there.
        const up = await put('crm', 'c-1', body('ext-b', 'to a'));
        expect(up.status).toBe(200);
        expect(up.body.id).toBe(a.id);
        expect(up.body.external_ids).toHaveLength(2);

        expect((await detach(a.id, 'crm', 'c-1')).status).toBe(204);
        const gone = await detach(a.id, 'crm', 'c-1');
        expect(gone.status).toBe(404);
        expect(gone.body).toMatchObject({ success: false, error: 'Not Found' });
        expect((await detach(b.id, 'crm', 'c-2')).status).toBe(404); // on a, not b
        expect((await list(a.id)).body.external_ids).toHaveLength(1);
        expect((await attach(b.id, 'crm', 'c-1')).status).toBe(201);
        expect((await list(b.id)).body.external_ids).toHaveLength(1);
      });

      it('each write bumps the template ETag, writes an audit event and leaves the store consistent', async () => {
        const a = (
          await t.call<PublishBody>('POST', '/rest/prompt-templates', { body: body('ext-audit', 'a') })
        ).body;
        const etag = async () =>
          (await t.call('GET', `/v1/prompts/ext-audit`, { key: t.keys.admin, headers: {} })).headers['etag'];
        const e0 = await etag();
        await attach(a.id, 'audit', 'x');
        const e1 = await etag();
        await detach(a.id, 'audit', 'x');
        const e2 = await etag();
        expect(new Set([e0, e1, e2]).size).toBe(3);
        const events = await rows(
          t.store,
          "select action from audit_events where entity_type = 'external_id' order by id desc limit 2",
        );
        expect(events.map((e) => e.action)).toEqual(['external_id.detach', 'external_id.attach']);
        expect(await checkInvariants(t.store)).toEqual([]);
      });

      it('errors: unknown template 404, bad id or body 422, no key 401', async () => {
        expect((await list(999_999)).status).toBe(404);
        expect((await attach(999_999, 's', 'x')).status).toBe(404);
        expect((await t.call<ErrorBody>('GET', '/prompt-templates/abc/external-ids')).status).toBe(422);
        const a = (
          await t.call<PublishBody>('POST', '/rest/prompt-templates', { body: body('ext-err', 'a') })
        ).body;
        const missing = await t.call<ValidationErrorT>('POST', `/prompt-templates/${a.id}/external-ids`, {
          body: { source: 's' },
        });
        expect(missing.status).toBe(422);
        expect(missing.body.detail).toEqual([
          { loc: ['body', 'external_id'], msg: 'Field required', type: 'missing' },
        ]);
        expect((await attach(a.id, '', 'x')).status).toBe(422);
        const anon = await list<ErrorBody>(a.id, null as never);
        expect(anon.status).toBe(401);
        expect(anon.body.success).toBe(false);
        expect((await put('s', 'x', body('ext-anon', 'x'), null as never)).status).toBe(401);
      });
    });

    describe('deleted templates', () => {
      it('a deleted template’s mappings are dormant: hidden, free to take, back on restore unless taken', async () => {
        const old = await put('cms', 'dormant-1', body('ext-deleted', 'old'));
        await attach(old.body.id, 'cms', 'dormant-2');
        const del = await t.call<EntitiesDeleteBody>('DELETE', '/api/public/v2/folders/entities', {
          body: { entities: [{ id: old.body.id, type: 'PROMPT' }] },
        });
        expect(del.status).toBe(200);
        expect((await list(old.body.id)).status).toBe(404);
        // The pair no longer names a live template: the upsert creates one and takes the pair.
        const fresh = await put('cms', 'dormant-1', body('ext-deleted', 'new'));
        expect(fresh.status).toBe(201);
        expect(fresh.body.id).not.toBe(old.body.id);
        expect(fresh.body.version_number).toBe(1);
        // Restoring the old one (under another name: its own is taken) brings back the pair nobody took.
        const uuid = (await rows(t.store, `select id from prompts where seq = ${old.body.id}`))[0]!.id;
        await t.call('PATCH', `/v1/prompts/${fresh.body.id}`, { body: { name: 'ext-deleted-2' } });
        const restored = await t.call('POST', `/v1/prompts/${uuid}/restore`);
        expect(restored.status).toBe(200);
        expect((await list(old.body.id)).body.external_ids.map((e) => e.external_id)).toEqual(['dormant-2']);
        expect((await list(fresh.body.id)).body.external_ids.map((e) => e.external_id)).toEqual([
          'dormant-1',
        ]);
        expect(await checkInvariants(t.store)).toEqual([]);
      });
    });

    describe('access control', () => {
      it('a viewer cannot write (403) and changes nothing; it may list', async () => {
        const a = await put('acl', 'v-1', body('ext-acl', 'a'));
        const before = await dbFingerprint(t.store);
        for (const r of [
          await put('acl', 'v-1', body('ext-acl', 'b'), t.keys.viewer),
          await put('acl', 'v-new', body('ext-acl-new', 'b'), t.keys.viewer),
          await attach(a.body.id, 'acl', 'v-2', t.keys.viewer),
          await detach(a.body.id, 'acl', 'v-1', t.keys.viewer),
        ]) {
          expect(r.status).toBe(403);
          expect(r.body).toMatchObject({ success: false, error: 'Forbidden' });
        }
        expect(await dbFingerprint(t.store)).toBe(before);
        expect((await list(a.body.id, t.keys.viewer)).status).toBe(200);
      });

      it('another workspace sees none of the mappings (404) and has pairs of its own', async () => {
        const a = await put('acl', 'w-1', body('ext-ws', 'a'));
        const before = await dbFingerprint(t.store);
        expect((await list(a.body.id, t.keys.otherEditor)).status).toBe(404);
        expect((await attach(a.body.id, 'acl', 'w-2', t.keys.otherEditor)).status).toBe(404);
        expect((await detach(a.body.id, 'acl', 'w-1', t.keys.otherEditor)).status).toBe(404);
        expect(await dbFingerprint(t.store)).toBe(before);
        // The same pair in the other workspace is another mapping: its own template is created.
        const theirs = await put('acl', 'w-1', body('ext-ws', 'theirs'), t.keys.otherEditor);
        expect(theirs.status).toBe(201);
        expect(theirs.body.id).not.toBe(a.body.id);
        const ours = await t.call<GetRawBody>('GET', `/prompt-templates/${a.body.id}`);
        expect(ours.body.version).toBe(1);
        expect((await list(a.body.id)).body.external_ids).toHaveLength(1);
      });
    });

    describe('concurrency', () => {
      it('16 concurrent upserts of one new pair make one template with 16 versions', async () => {
        const results = await Promise.all(
          Array.from({ length: 16 }, (_, i) =>
            // Two names race too: whichever creates the template, the pair then names it.
            put('race', 'one', body(i % 2 ? 'ext-race-a' : 'ext-race-b', `w${i}`)),
          ),
        );
        const statuses = results.map((r) => r.status).sort();
        expect(statuses.filter((s) => s === 201)).toHaveLength(1);
        expect(statuses.filter((s) => s === 200)).toHaveLength(15);
        expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
        expect(results.map((r) => r.body.version_number).sort((x, y) => x - y)).toEqual(
          Array.from({ length: 16 }, (_, i) => i + 1),
        );
        const made = await rows(
          t.store,
          "select count(*)::int as n from prompts where name like 'ext-race-%'",
        );
        expect(made[0]!.n).toBe(1);
        const mapped = await rows(
          t.store,
          "select count(*)::int as n from prompt_external_ids where source = 'race' and external_id = 'one'",
        );
        expect(mapped[0]!.n).toBe(1);
        expect(await checkInvariants(t.store)).toEqual([]);
      });

      it('concurrent upserts of different new pairs naming one new template share it', async () => {
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, i) => put('race2', `p${i}`, body('ext-race-shared', `w${i}`))),
        );
        expect(results.map((r) => r.status)).toEqual(Array(8).fill(201));
        expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
        expect((await list(results[0]!.body.id)).body.external_ids).toHaveLength(8);
      });
    });
  });
}
