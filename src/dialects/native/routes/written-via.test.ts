// Which API wrote a version (`written_via` on native version reads): each vendor API's write is
// named by the native read, the CLI is told apart from the native API by its client header, an
// import keeps what the export says, and an edit in place renames the draft's writer. Both backends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../../../test/support/stores.ts';
import { startTestApp, type TestApp, type ResponseOf } from '../../../../test/support/app.ts';
import { publicKeyOf } from '../../../registry/keys.ts';
import { CLIENT_HEADER } from '../../common/write-api.ts';
import { sql } from 'drizzle-orm';
import type { VersionPageT } from '../responses.ts';
import type { schema as importRoute } from './import.ts';
import type { schema as keywordsaiPromptsCreate } from '../../keywordsai/routes/prompts-create.ts';
import type { schema as promptsCreate } from './prompts-create.ts';
import type { schema as promptsResolve } from './prompts-resolve.ts';
import type { schema as versionsCreate } from './versions-create.ts';
import type { schema as versionsGet } from './versions-get.ts';

for (const backend of backends) {
  describe.skipIf(!backend.available)(`written_via on ${backend.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp(backend);
    });
    afterAll(() => t?.close());

    const versionsOf = async (name: string) => {
      const res = await t.call<VersionPageT>(
        'GET',
        `/v1/prompts/${encodeURIComponent(name)}/versions?order=asc`,
      );
      expect(res.status, res.raw).toBe(200);
      return res.body.data.map((v) => [v.number, v.written_via]);
    };

    it('names PromptLayer, Keywords AI, NeMo and Langfuse for versions written through them', async () => {
      const pl = await t.call('POST', '/rest/prompt-templates', {
        auth: 'x-api-key',
        body: {
          prompt_template: { prompt_name: 'wv-pl' },
          prompt_version: {
            prompt_template: {
              type: 'chat',
              messages: [{ role: 'user', content: [{ type: 'text', text: 'P' }] }],
            },
          },
        },
      });
      expect(pl.status, pl.raw).toBeLessThan(300);

      const kw = await t.call<ResponseOf<typeof keywordsaiPromptsCreate, 201>>('POST', '/api/prompts/', {
        body: { name: 'wv-kw' },
      });
      expect(kw.status, kw.raw).toBeLessThan(300);
      const kwv = await t.call('POST', `/api/prompts/${kw.body.prompt_id}/versions/`, {
        body: { messages: [{ role: 'user', content: 'K' }], model: 'gpt-4o-mini' },
      });
      expect(kwv.status, kwv.raw).toBeLessThan(300);

      const nemo = await t.call('POST', '/apis/models/v2/workspaces/default/prompts', {
        body: { name: 'wv-nemo', messages: [{ role: 'user', content: 'N' }] },
      });
      expect(nemo.status, nemo.raw).toBe(201);

      const pk = publicKeyOf((await t.registry.authenticate(t.keys.editor))!.keyId);
      const basic = { authorization: `Basic ${Buffer.from(`${pk}:${t.keys.editor}`).toString('base64')}` };
      const lf = await t.call('POST', '/api/public/v2/prompts', {
        key: null,
        headers: basic,
        body: { name: 'wv-lf', prompt: 'L' },
      });
      expect(lf.status, lf.raw).toBe(201);

      expect(await versionsOf('wv-pl')).toEqual([[1, 'promptlayer']]);
      expect((await versionsOf('wv-kw')).every(([, via]) => via === 'keywordsai')).toBe(true);
      expect(await versionsOf('wv-nemo')).toEqual([[1, 'nemo']]);
      expect(await versionsOf('wv-lf')).toEqual([[1, 'langfuse']]);
    });

    it('tells the native API from the CLI by its client header, and shows it on every version read', async () => {
      const made = await t.call<ResponseOf<typeof promptsCreate, 201>>('POST', '/v1/prompts', {
        body: { name: 'wv-native', version: { messages: [{ role: 'user', content: 'a' }] } },
      });
      expect(made.status, made.raw).toBe(201);
      expect(made.body.version?.written_via).toBe('native');
      const cli = await t.call<ResponseOf<typeof versionsCreate, 201>>(
        'POST',
        '/v1/prompts/wv-native/versions',
        {
          headers: { [CLIENT_HEADER]: 'cli' },
          body: { messages: [{ role: 'user', content: 'b' }] },
        },
      );
      expect(cli.status, cli.raw).toBe(201);
      expect(cli.body.version.written_via).toBe('cli');
      // Any other value of the header is just the native API.
      const other = await t.call<ResponseOf<typeof versionsCreate, 201>>(
        'POST',
        '/v1/prompts/wv-native/versions',
        {
          headers: { [CLIENT_HEADER]: 'something-else' },
          body: { messages: [{ role: 'user', content: 'c' }] },
        },
      );
      expect(other.body.version.written_via).toBe('native');
      expect(await versionsOf('wv-native')).toEqual([
        [1, 'native'],
        [2, 'cli'],
        [3, 'native'],
      ]);
      const one = await t.call<ResponseOf<typeof versionsGet>>('GET', '/v1/prompts/wv-native/versions/2');
      expect(one.body.version.written_via).toBe('cli');
      const resolved = await t.call<ResponseOf<typeof promptsResolve>>(
        'GET',
        '/v1/prompts/wv-native/resolve',
      );
      expect(resolved.body.version.written_via).toBe('native');
    });

    it('an edit of the draft in place records the API that edited it', async () => {
      const made = await t.call<ResponseOf<typeof promptsCreate, 201>>('POST', '/v1/prompts', {
        body: { name: 'wv-draft' },
      });
      expect(made.status, made.raw).toBe(201);
      const draft = await t.call<ResponseOf<typeof versionsCreate, 201>>(
        'POST',
        '/v1/prompts/wv-draft/versions',
        {
          body: { status: 'draft', messages: [{ role: 'user', content: 'd' }] },
        },
      );
      expect(draft.body.version).toMatchObject({ status: 'draft', written_via: 'native' });
      const id = (made.body.prompt.id as string).replace(/-/g, '');
      const edit = await t.call('PATCH', `/api/prompts/${id}/versions/1/`, { body: { temperature: 0.2 } });
      expect(edit.status, edit.raw).toBeLessThan(300);
      expect(await versionsOf('wv-draft')).toEqual([[1, 'keywordsai']]);
    });

    it('an import keeps the written_via an export line carries; a line without it is `import`', async () => {
      const exp = await t.call('GET', '/v1/export');
      expect(exp.status).toBe(200);
      const lines = exp.raw
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      const keep = new Set(
        lines
          .filter((l) => l.type === 'prompt' && ['wv-nemo', 'wv-lf'].includes(l.name as string))
          .map((l) => l.id),
      );
      const picked = lines.filter(
        (l) => l.type === 'header' || keep.has(l.id) || (l.prompt_id !== undefined && keep.has(l.prompt_id)),
      );
      // wv-lf's version line loses the field, as an export from before Lectern recorded it would.
      const lfId = lines.find((l) => l.type === 'prompt' && l.name === 'wv-lf')!.id;
      for (const l of picked) if (l.type === 'version' && l.prompt_id === lfId) delete l.written_via;
      const counts = { prompts: 2, versions: 2, labels: 0, label_moves: 0 };
      const body = [...picked, { type: 'footer', ...counts }].map((l) => JSON.stringify(l)).join('\n');

      const dst = await startTestApp(backend);
      try {
        const imp = await dst.call<ResponseOf<typeof importRoute>>('POST', '/v1/import', {
          body,
          headers: { 'content-type': 'application/x-ndjson' },
        });
        expect(imp.status, imp.raw).toBe(200);
        expect(imp.body).toMatchObject({ prompts_created: 2, versions: 2, problems: [] });
        const via = async (name: string) =>
          (await dst.call<ResponseOf<typeof versionsGet>>('GET', `/v1/prompts/${name}/versions/1`)).body
            .version.written_via as unknown;
        expect(await via('wv-nemo')).toBe('nemo');
        expect(await via('wv-lf')).toBe('import');
      } finally {
        await dst.close();
      }
    });

    it('a version stored before the column existed reads as null (unknown)', async () => {
      const made = await t.call<ResponseOf<typeof promptsCreate, 201>>('POST', '/v1/prompts', {
        body: { name: 'wv-old', version: { messages: [{ role: 'user', content: 'o' }] } },
      });
      // What migration 0008 leaves on rows written before it: NULL.
      await t.store.db.execute(
        sql`update versions set written_via = null where id = ${made.body.version!.id}`,
      );
      const got = await t.call<ResponseOf<typeof versionsGet>>('GET', '/v1/prompts/wv-old/versions/1');
      expect(got.status).toBe(200);
      expect(got.body.version.written_via).toBeNull();
    });
  });
}
