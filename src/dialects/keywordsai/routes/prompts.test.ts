import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../../../test/support/stores.ts';
import { startTestApp, type ResponseOf, type TestApp } from '../../../../test/support/app.ts';
import type { schema as deploymentsCreate } from './deployments-create.ts';
import type { schema as promptsCreate } from './prompts-create.ts';
import type { schema as promptsDelete } from './prompts-delete.ts';
import type { schema as promptsGet } from './prompts-get.ts';
import type { schema as promptsUpdate } from './prompts-update.ts';
import type { schema as versionsCreate } from './versions-create.ts';
import type { getSchema } from './prompts-list.ts';
import type { PromptPageT, SummaryT } from '../responses.ts';
import type { schema as nativePromptsGet } from '../../native/routes/prompts-get.ts';

/** Bodies typed from the response schemas the routes declare. */
type DeploymentsCreateBody = ResponseOf<typeof deploymentsCreate, 201>;
type PromptsCreateBody = ResponseOf<typeof promptsCreate, 201>;
type PromptsDeleteBody = ResponseOf<typeof promptsDelete, 204>;
type PromptsGetBody = ResponseOf<typeof promptsGet>;
type PromptsUpdateBody = ResponseOf<typeof promptsUpdate>;
type VersionsCreateBody = ResponseOf<typeof versionsCreate, 201>;
type ErrorBody = ResponseOf<typeof deploymentsCreate, '4xx'>;

const HEX32 = /^[0-9a-f]{32}$/;
const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;
const V = { messages: [{ role: 'user', content: 'Hello {{name}}' }], model: 'gpt-4o' };

for (const backend of backends) {
  describe.skipIf(!backend.available)(`Keywords AI prompts API on ${backend.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp(backend);
    });
    afterAll(() => t?.close());

    const create = async (body?: unknown, key?: string) => {
      const res = await t.call<PromptsCreateBody>('POST', '/api/prompts/', { body, key });
      expect(res.status).toBe(201);
      return res.body;
    };

    describe('happy path', () => {
      it('creates "Untitled" from an empty body, with or without a JSON content type', async () => {
        const a = await create();
        expect(a).toMatchObject({
          name: 'Untitled',
          description: '',
          current_version: null,
          live_version: null,
          prompt_live_version_number: null,
          commit_count: 0,
          tags: [],
          starred: false,
        });
        expect(a.prompt_id).toMatch(HEX32);
        expect(a.id).toBe(a.prompt_id);
        expect(a.created_at).toMatch(TIME);
        const b = await t.call<PromptsCreateBody>('POST', '/api/prompts', {
          body: '',
          headers: { 'content-type': 'application/json' },
        });
        expect(b.status).toBe(201);
        // Names are unique in Lectern: the second "Untitled" is stored under a suffix, shown as asked.
        expect(b.body.name).toBe('Untitled');
        expect(b.body.prompt_id).not.toBe(a.prompt_id);
        const native = await t.call<ResponseOf<typeof nativePromptsGet>>(
          'GET',
          `/v1/prompts/${b.body.prompt_id.replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-')}`,
        );
        expect(native.status).toBe(200);
        expect(native.body.prompt.name).toMatch(/^Untitled \(\d+\)$/);
      });

      it('retrieves, renames and describes a prompt, with and without the trailing slash', async () => {
        const p = await create({ name: 'kw-retrieve', description: 'first' });
        for (const path of [`/api/prompts/${p.prompt_id}/`, `/api/prompts/${p.prompt_id}`]) {
          const got = await t.call<PromptsGetBody>('GET', path, { key: t.keys.viewer });
          expect(got.status).toBe(200);
          expect(got.body).toMatchObject({
            prompt_id: p.prompt_id,
            name: 'kw-retrieve',
            description: 'first',
          });
          expect(got.body.prompt_versions).toEqual([]);
        }
        const upd = await t.call<PromptsUpdateBody>('PATCH', `/api/prompts/${p.prompt_id}/`, {
          body: { name: 'kw-renamed', description: 'second' },
        });
        expect(upd.status).toBe(200);
        expect(upd.body).toMatchObject({ name: 'kw-renamed', description: 'second' });
        const upd2 = await t.call<PromptsUpdateBody>('PATCH', `/api/prompts/${p.prompt_id}`, {
          body: { description: 'third' },
        });
        expect(upd2.body).toMatchObject({ name: 'kw-renamed', description: 'third' });
      });

      it('repeated names: creates and renames onto a taken name keep the asked-for name visible', async () => {
        const ids = [];
        for (let i = 0; i < 3; i++) ids.push((await create({ name: 'kw-same' })).prompt_id);
        expect(new Set(ids).size).toBe(3);
        const shown = await Promise.all(
          ids.map(async (id) => (await t.call<PromptsGetBody>('GET', `/api/prompts/${id}/`)).body.name),
        );
        expect(shown).toEqual(['kw-same', 'kw-same', 'kw-same']);
        const other = await create({ name: 'kw-other' });
        const renamed = await t.call<PromptsUpdateBody>('PATCH', `/api/prompts/${other.prompt_id}/`, {
          body: { name: 'kw-same' },
        });
        expect(renamed.status).toBe(200);
        expect(renamed.body.name).toBe('kw-same');
        const filtered = await t.call<SummaryT>('POST', '/api/prompts/summary/', {
          body: { filters: { name: { operator: '', value: ['kw-same'] } } },
        });
        expect(filtered.body.total_count).toBe(4);
        // Renaming back to a free name drops the alias.
        const back = await t.call<PromptsUpdateBody>('PATCH', `/api/prompts/${other.prompt_id}/`, {
          body: { name: 'kw-other-2' },
        });
        expect(back.body.name).toBe('kw-other-2');
      });

      it('retrieve shows current_version, live_version, prompt_live_version_number and commit_count', async () => {
        const p = await create({ name: 'kw-state' });
        const base = `/api/prompts/${p.prompt_id}`;
        for (let i = 0; i < 3; i++)
          expect((await t.call<VersionsCreateBody>('POST', `${base}/versions/`, { body: V })).status).toBe(
            201,
          );
        expect(
          (await t.call<DeploymentsCreateBody>('POST', `${base}/deployments/`, { body: { version: 2 } }))
            .status,
        ).toBe(201);
        const got = (await t.call<PromptsGetBody>('GET', `${base}/`)).body;
        expect(got.current_version).toMatchObject({ version: 3, readonly: false, is_deployed: false });
        expect(got.live_version).toMatchObject({ version: 2, readonly: true, is_deployed: true });
        expect(got.prompt_live_version_number).toBe(2);
        expect(got.commit_count).toBe(2);
        expect(got.prompt_versions!.map((v) => v.version)).toEqual([3, 2, 1]);
      });

      it('legacy PATCH prompt {"deploy": true} makes the newest committed version live', async () => {
        const p = await create({ name: 'kw-legacy-deploy' });
        const base = `/api/prompts/${p.prompt_id}`;
        await t.call<VersionsCreateBody>('POST', `${base}/versions`, { body: V });
        await t.call<VersionsCreateBody>('POST', `${base}/versions`, { body: V });
        const res = await t.call<ResponseOf<typeof promptsUpdate>>('PATCH', base, { body: { deploy: true } });
        expect(res.status).toBe(200);
        expect(res.body.prompt_live_version_number).toBe(1);
        expect(res.body.live_version).toMatchObject({ version: 1, is_deployed: true });
      });

      it('lists in all three forms with DRF pages and absolute URLs', async () => {
        await create({ name: 'list-a', description: 'alpha' });
        await create({ name: 'list-b', description: 'beta' });
        await create({ name: 'list-c', description: 'gamma' });
        for (const [method, path] of [
          ['GET', '/api/prompts/'],
          ['GET', '/api/prompts'],
          ['GET', '/api/prompts/list/'],
          ['GET', '/api/prompts/list'],
          ['POST', '/api/prompts/list/'],
          ['POST', '/api/prompts/list'],
        ] as const) {
          const res = await t.call<PromptPageT>(method, `${path}?page_size=2`, {
            key: t.keys.viewer,
            headers: { host: 'kw.example:8080' },
          });
          expect(res.status, `${method} ${path}`).toBe(200);
          expect(res.body.results).toHaveLength(2);
          expect(res.body.count).toBeGreaterThanOrEqual(3);
          expect(res.body.previous).toBeNull();
          expect(res.body.next).toMatch(
            /^http:\/\/kw\.example:8080\/api\/prompts(\/list)?\/?\?page_size=2&page=2$/,
          );
          const second = await t.call<PromptPageT>(
            method,
            new URL(res.body.next!).pathname + new URL(res.body.next!).search,
            {
              headers: { host: 'kw.example:8080' },
            },
          );
          expect(second.status).toBe(200);
          expect(second.body.previous).toMatch(/^http:\/\/kw\.example:8080\/.*page_size=2$/);
        }
        // Default sort is -id: newest first.
        const names = (
          await t.call<ResponseOf<typeof getSchema>>('GET', '/api/prompts/?page_size=100')
        ).body.results.map((r: { name: string }) => r.name);
        expect(names.indexOf('list-c')).toBeLessThan(names.indexOf('list-a'));
      });

      it('filters the POST list with operators, AND/OR, sort_by, and counts in summary', async () => {
        const body = { filters: { name: { operator: 'startswith', value: ['list-'] } } };
        const res = await t.call<ResponseOf<typeof getSchema>>('POST', '/api/prompts/list/?sort_by=name', {
          body,
        });
        expect(res.body.results.map((r: { name: string }) => r.name)).toEqual(['list-a', 'list-b', 'list-c']);
        const or = await t.call<ResponseOf<typeof getSchema>>('POST', '/api/prompts/list/?sort_by=-name', {
          body: {
            filters: {
              description: { operator: 'icontains', value: ['ALPH'] },
              name: { operator: 'in', value: ['list-c'] },
            },
            operator: 'OR',
          },
        });
        expect(or.body.results.map((r: { name: string }) => r.name)).toEqual(['list-c', 'list-a']);
        const and = await t.call<ResponseOf<typeof getSchema>>('POST', '/api/prompts/list/', {
          body: {
            filters: {
              description: { operator: 'icontains', value: ['alph'] },
              name: { operator: '', value: ['list-c'] },
            },
          },
        });
        expect(and.body.count).toBe(0);
        const sum = await t.call('POST', '/api/prompts/summary/', { body });
        expect(sum.body).toEqual({ total_count: 3 });
        const sumGet = await t.call('GET', '/api/prompts/summary?name=list-');
        expect(sumGet.body).toEqual({ total_count: 3 });
        const q = await t.call<ResponseOf<typeof getSchema>>('GET', '/api/prompts/list/?name=LIST-B');
        expect(q.body.results.map((r: { name: string }) => r.name)).toEqual(['list-b']);
      });

      it('filters, sorts by the shown name and pages in the database: later pages are right', async () => {
        const made: Record<string, string> = {};
        for (const x of ['e', 'b', 'g', 'a', 'f', 'c', 'd']) {
          made[x] = (await create({ name: `deep-${x}`, description: x === 'c' ? 'drop' : 'keep' })).prompt_id;
        }
        // A repeated name: stored as "deep-a (n)", shown and sorted as "deep-a".
        const again = (await create({ name: 'deep-a', description: 'keep' })).prompt_id;
        const body = {
          filters: { name: { operator: 'startswith', value: ['deep-'] }, description: { value: ['keep'] } },
        };
        const at = (page: number) =>
          t.call<ResponseOf<typeof getSchema>>(
            'POST',
            `/api/prompts/list/?sort_by=-name&page_size=2&page=${page}`,
            { body },
          );
        const p2 = await at(2);
        expect(p2.status).toBe(200);
        expect(p2.body.count).toBe(7);
        expect(p2.body.results.map((r: { name: string }) => r.name)).toEqual(['deep-e', 'deep-d']);
        expect(p2.body.next).toMatch(/page=3/);
        expect(p2.body.previous).toMatch(/\?sort_by=-name&page_size=2$/);
        const p4 = await at(4);
        // Ties on the shown name break on the newest first (descending id).
        expect(p4.body.results.map((r: { prompt_id: string }) => r.prompt_id)).toEqual([made.a]);
        const p3 = await at(3);
        expect(p3.body.results.map((r: { prompt_id: string }) => r.prompt_id)).toEqual([made.b, again]);
        expect((await t.call('POST', '/api/prompts/summary/', { body })).body).toEqual({ total_count: 7 });
      });

      it('clamps page_size to 100 and refuses a page past the end with 404 "Invalid page."', async () => {
        const res = await t.call<ResponseOf<typeof getSchema>>('GET', '/api/prompts/?page_size=1000');
        expect(res.status).toBe(200);
        expect(res.body.results.length).toBeLessThanOrEqual(100);
        const far = await t.call<ResponseOf<typeof getSchema, '4xx'>>('GET', '/api/prompts/?page=9999');
        expect(far.status).toBe(404);
        expect(far.body).toEqual({ detail: 'Invalid page.' });
      });

      it('soft-deletes: gone from the list and retrieve, listed in the trash filter', async () => {
        const p = await create({ name: 'kw-doomed' });
        const del = await t.call<PromptsDeleteBody>('DELETE', `/api/prompts/${p.prompt_id}/`);
        expect(del.status).toBe(204);
        expect(del.raw).toBe('');
        expect((await t.call<PromptsGetBody>('GET', `/api/prompts/${p.prompt_id}`)).status).toBe(404);
        const trash = await t.call<ResponseOf<typeof getSchema>>('POST', '/api/prompts/list/', {
          body: { filters: { is_deleted: { operator: '', value: [true] } } },
        });
        expect(trash.body.results.map((r: { prompt_id: string }) => r.prompt_id)).toContain(p.prompt_id);
        const active = await t.call<ResponseOf<typeof getSchema>>('GET', '/api/prompts/?page_size=100');
        expect(active.body.results.map((r: { prompt_id: string }) => r.prompt_id)).not.toContain(p.prompt_id);
        // The name is free again.
        expect((await create({ name: 'kw-doomed' })).name).toBe('kw-doomed');
      });
    });

    describe('errors', () => {
      it('answers 404 {"detail"} to an unknown or malformed prompt id and unknown sub-paths', async () => {
        for (const path of [
          '/api/prompts/0123456789abcdef0123456789abcdef/',
          '/api/prompts/not-an-id',
          '/api/prompts/0123456789abcdef0123456789abcdef/nothing/here/',
        ]) {
          const res = await t.call<ErrorBody>('GET', path);
          expect(res.status, path).toBe(404);
          expect(typeof res.body.detail).toBe('string');
        }
      });

      it('answers 400 naming the field for a bad create/update body, a bad filter and a bad sort', async () => {
        const bad = await t.call<ErrorBody>('POST', '/api/prompts/', { body: { name: 42 } });
        expect(bad.status).toBe(400);
        expect(bad.body.detail).toMatch(/^name: /);
        const p = await create({ name: 'kw-errors' });
        const upd = await t.call<ErrorBody>('PATCH', `/api/prompts/${p.prompt_id}/`, {
          body: { description: ['x'] },
        });
        expect(upd.status).toBe(400);
        expect(upd.body.detail).toMatch(/^description: /);
        const filt = await t.call<ResponseOf<typeof getSchema, '4xx'>>('POST', '/api/prompts/list/', {
          body: { filters: { colour: { value: ['x'] } } },
        });
        expect(filt.status).toBe(400);
        expect(filt.body.detail).toMatch(/filters\.colour/);
        const op = await t.call<ResponseOf<typeof getSchema, '4xx'>>('POST', '/api/prompts/list/', {
          body: { filters: { name: { operator: 'regex', value: ['x'] } } },
        });
        expect(op.status).toBe(400);
        expect(op.body.detail).toMatch(/filters\.name\.operator/);
        const sort = await t.call<ResponseOf<typeof getSchema, '4xx'>>(
          'GET',
          '/api/prompts/?sort_by=-colour',
        );
        expect(sort.status).toBe(400);
        expect(sort.body.detail).toMatch(/^sort_by: /);
        const json = await t.call<ErrorBody>('POST', '/api/prompts/', { body: '{"name": ' });
        expect(json.status).toBe(400);
        expect(typeof json.body.detail).toBe('string');
      });

      it('legacy deploy on a prompt without versions is a 400', async () => {
        const p = await create({ name: 'kw-empty-deploy' });
        const res = await t.call<ErrorBody>('PATCH', `/api/prompts/${p.prompt_id}/`, {
          body: { deploy: true },
        });
        expect(res.status).toBe(400);
        expect(res.body.detail).toMatch(/deploy/);
      });
    });

    describe('security', () => {
      it('answers 401 without a key and with a wrong key', async () => {
        const none = await t.call<ResponseOf<typeof getSchema, '4xx'>>('GET', '/api/prompts/', { key: null });
        expect(none.status).toBe(401);
        expect(none.body).toEqual({ detail: 'Authentication credentials were not provided.' });
        const wrong = await t.call<ErrorBody>('POST', '/api/prompts/', { key: 'lec_nope', body: {} });
        expect(wrong.status).toBe(401);
        expect(wrong.body.detail).toMatch(/Invalid/);
      });

      it('answers 403 to a viewer that writes', async () => {
        const p = await create({ name: 'kw-viewer' });
        for (const [method, path, body] of [
          ['POST', '/api/prompts/', {}],
          ['PATCH', `/api/prompts/${p.prompt_id}/`, { name: 'x' }],
          ['DELETE', `/api/prompts/${p.prompt_id}/`, undefined],
        ] as const) {
          const res = await t.call<ErrorBody>(method, path, { key: t.keys.viewer, body });
          expect(res.status, `${method} ${path}`).toBe(403);
          expect(typeof res.body.detail).toBe('string');
        }
      });

      it("hides another workspace's prompts (404) and never lists them", async () => {
        const p = await create({ name: 'kw-private' });
        for (const [method, path, body] of [
          ['GET', `/api/prompts/${p.prompt_id}/`, undefined],
          ['PATCH', `/api/prompts/${p.prompt_id}/`, { name: 'stolen' }],
          ['DELETE', `/api/prompts/${p.prompt_id}/`, undefined],
        ] as const) {
          const res = await t.call(method, path, { key: t.keys.otherEditor, body });
          expect(res.status, `${method} ${path}`).toBe(404);
        }
        const list = await t.call<ResponseOf<typeof getSchema>>('GET', '/api/prompts/?page_size=100', {
          key: t.keys.otherViewer,
        });
        expect(list.body.results.map((r: { prompt_id: string }) => r.prompt_id)).not.toContain(p.prompt_id);
      });
    });
  });
}
