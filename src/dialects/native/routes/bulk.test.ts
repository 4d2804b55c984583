// GET /v1/export and POST /v1/import on both backends: export -> import into an empty server gives
// the same store (compared through the API, labels and their history included); a second import
// changes nothing; bad input answers 400 in the native envelope and writes nothing of its batch.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../../../test/support/stores.ts';
import { startTestApp, type TestApp, type ResponseOf } from '../../../../test/support/app.ts';
import type { schema as importRoute } from './import.ts';
import type { schema as labelsHistory } from './labels-history.ts';
import type { schema as labelsList } from './labels-list.ts';
import type { schema as promptsCreate } from './prompts-create.ts';
import type { schema as promptsList } from './prompts-list.ts';
import type { schema as versionsCreate } from './versions-create.ts';
import type { schema as versionsList } from './versions-list.ts';

/** Everything the API shows of a workspace, minus what is per-server (seq, revision, label ids). */
export async function storeView(t: TestApp, key = t.keys.editor) {
  const out: unknown[] = [];
  for (let offset = 0; ; offset += 500) {
    const page = (
      await t.call<ResponseOf<typeof promptsList>>(
        'GET',
        `/v1/prompts?limit=500&offset=${offset}&sort=name&order=asc`,
        { key },
      )
    ).body.data;
    for (const p of page) {
      // Workspace and project ids are per server (the project is matched by name on import).
      const {
        seq: _s,
        revision: _r,
        workspace_id: _w,
        project_id: project,
        ...prompt
      } = p as Record<string, unknown>;
      prompt.has_project = project !== null;
      const versions = (
        (
          await t.call<ResponseOf<typeof versionsList>>(
            'GET',
            `/v1/prompts/${p.id}/versions?limit=500&order=asc`,
            { key },
          )
        ).body.data as Record<string, unknown>[]
      ).map(({ seq: _q, revision: _v, ...v }) => v);
      const labels = (
        (await t.call<ResponseOf<typeof labelsList>>('GET', `/v1/prompts/${p.id}/labels`, { key })).body
          .data as Record<string, unknown>[]
      ).map(({ id: _i, seq: _q, ...l }) => l);
      const history = (
        (
          await t.call<ResponseOf<typeof labelsHistory>>(
            'GET',
            `/v1/prompts/${p.id}/label-history?limit=500`,
            { key },
          )
        ).body.data as Record<string, unknown>[]
      ).map(({ id: _i, ...m }) => m);
      out.push({ prompt, versions, labels, history });
    }
    if (page.length < 500) break;
  }
  return out;
}

const ndjson = (records: unknown[]) => records.map((r) => JSON.stringify(r)).join('\n') + '\n';

for (const backend of backends) {
  describe.skipIf(!backend.available)(`bulk export and import on ${backend.name}`, () => {
    let src: TestApp;
    let dst: TestApp;
    beforeAll(async () => {
      [src, dst] = await Promise.all([startTestApp(backend), startTestApp(backend)]);
      await src.call('POST', '/v1/workspaces/default/projects', { body: { name: 'support' } });
      for (let i = 0; i < 5; i++) {
        const created = await src.call<ResponseOf<typeof promptsCreate, 201>>('POST', '/v1/prompts', {
          body: {
            name: `bulk/p${i}`,
            description: i % 2 ? `prompt ${i}` : null,
            tags: [`t${i}`],
            ...(i === 0 ? { project: 'support' } : {}),
            is_snippet: i === 4,
            version: {
              template_format: (['mustache', 'jinja2', 'f-string'] as const)[i % 3],
              messages: [{ role: 'user', content: `v1 of ${i} {{x}}`, name: 'kept' }],
              params: { temperature: i / 10 },
              tools: i === 1 ? [{ type: 'function', function: { name: 'f' } }] : null,
              commit_message: 'first',
            },
            labels: ['production'],
          },
        });
        expect(created.status).toBe(201);
        const id = created.body.prompt.id as string;
        for (let v = 2; v <= 3; v++)
          await src.call('POST', `/v1/prompts/${id}/versions`, {
            body: { base: 'latest', messages: [{ role: 'user', content: `v${v}` }], commit_message: `v${v}` },
          });
        await src.call('PUT', `/v1/prompts/${id}/labels/production`, { body: { version: 3 } });
        await src.call('PUT', `/v1/prompts/${id}/labels/staging`, { body: { version: 2 } });
        await src.call('POST', `/v1/prompts/${id}/versions`, {
          body: { status: 'draft', messages: [{ role: 'user', content: 'wip' }] },
        });
      }
      await src.call('DELETE', '/v1/prompts/bulk%2Fp3/labels/staging');
    });
    afterAll(async () => {
      await src?.close();
      await dst?.close();
    });

    it('export -> import into an empty server gives the same store, with history; again changes nothing', async () => {
      const exp = await src.call('GET', '/v1/export');
      expect(exp.status).toBe(200);
      expect(exp.headers['content-type']).toContain('application/x-ndjson');
      const lines = exp.raw
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { type: string });
      expect(lines[0]).toMatchObject({
        type: 'header',
        format: 'lectern-export',
        format_version: 1,
        workspace: 'default',
      });
      expect(lines.at(-1)).toEqual({ type: 'footer', prompts: 5, versions: 20, labels: 9, label_moves: 16 });

      const imp = await dst.call<ResponseOf<typeof importRoute>>('POST', '/v1/import', {
        body: exp.raw,
        headers: { 'content-type': 'application/x-ndjson' },
      });
      expect(imp.status, imp.raw).toBe(200);
      expect(imp.body).toEqual({
        prompts_created: 5,
        prompts_updated: 0,
        prompts_skipped: 0,
        versions: 20,
        labels: 9,
        label_moves: 16,
        complete: true,
        dry_run: false,
        problems: [],
        changes: [],
      });
      const want = await storeView(src);
      expect(await storeView(dst)).toEqual(want);
      // The imported store carries on: new versions number on, the draft is still the one draft.
      const next = await dst.call<ResponseOf<typeof versionsCreate, 201>>(
        'POST',
        '/v1/prompts/bulk%2Fp0/versions',
        {
          body: { messages: [{ role: 'user', content: 'v5' }] },
        },
      );
      expect(next.body.version.number).toBe(5);

      const again = await dst.call<ResponseOf<typeof importRoute>>('POST', '/v1/import', {
        body: exp.raw,
        headers: { 'content-type': 'application/x-ndjson' },
      });
      expect(again.body).toMatchObject({ prompts_created: 0, prompts_skipped: 5, versions: 0 });
    });

    // A migration rerun while its killed run's import is still being written sends the same
    // prompts at once: each is stored once, and every import answers 200 (none fails on a key).
    it('the same import sent several times at once stores each prompt once, without an error', async () => {
      const fresh = await startTestApp(backend);
      try {
        const exp = (await src.call('GET', '/v1/export')).raw;
        const rs = await Promise.all(
          [0, 1, 2].map(() =>
            fresh.call<ResponseOf<typeof importRoute>>('POST', '/v1/import', {
              body: exp,
              headers: { 'content-type': 'application/x-ndjson' },
            }),
          ),
        );
        expect(rs.map((r) => r.status)).toEqual([200, 200, 200]);
        expect(rs.map((r) => r.body.prompts_created).reduce((a, b) => a + b)).toBe(5);
        expect(rs.map((r) => r.body.prompts_skipped).reduce((a, b) => a + b)).toBe(10);
        expect(await storeView(fresh)).toEqual(await storeView(src));
      } finally {
        await fresh.close();
      }
    });

    // A file cut off (no footer) may end inside a prompt's records: that prompt is left out and
    // named, so sending the whole file again brings it complete instead of skipping it as stored.
    it('a cut-off import leaves out the prompt it ended in; the whole file then completes it', async () => {
      const fresh = await startTestApp(backend);
      try {
        const exp = (await src.call('GET', '/v1/export')).raw;
        const lines = exp.trim().split('\n');
        const second = lines.findIndex((l, i) => i > 1 && JSON.parse(l).type === 'prompt');
        const cut = lines.slice(0, second + 2).join('\n'); // the 2nd prompt and one of its records
        const h = { 'content-type': 'application/x-ndjson' };
        const r = await fresh.call<ResponseOf<typeof importRoute>>('POST', '/v1/import', {
          body: cut,
          headers: h,
        });
        expect(r.status, r.raw).toBe(200);
        const secondName = JSON.parse(lines[second]!).name as string;
        expect(r.body).toMatchObject({ prompts_created: 1, complete: false });
        expect(r.body.problems).toEqual([
          { prompt: secondName, reason: expect.stringContaining('before its footer') },
        ]);
        expect((await fresh.call('GET', `/v1/prompts/${encodeURIComponent(secondName)}`)).status).toBe(404);
        const all = await fresh.call<ResponseOf<typeof importRoute>>('POST', '/v1/import', {
          body: exp,
          headers: h,
        });
        expect(all.body).toMatchObject({
          prompts_created: 4,
          prompts_skipped: 1,
          complete: true,
          problems: [],
        });
        expect(await storeView(fresh)).toEqual(await storeView(src));
      } finally {
        await fresh.close();
      }
    });

    it('refuses bad input in the native envelope, writing nothing of the batch', async () => {
      const fresh = await startTestApp(backend);
      try {
        const exp = (await src.call('GET', '/v1/export')).raw.trim().split('\n');
        const broken = [...exp.slice(0, 3), '{"type":"version","id":"nope"}', ...exp.slice(3)].join('\n');
        for (const [body, msg] of [
          [broken, 'line 4'],
          ['not json\n', 'line 1: not valid JSON'],
          [exp.slice(1).join('\n'), 'starts with the header'],
          ['', 'the import is empty'],
          [ndjson([{ type: 'header', format: 'lectern-export', format_version: 99 }]), 'format_version 99'],
        ] as const) {
          const r = await fresh.call<ResponseOf<typeof importRoute, '4xx'>>('POST', '/v1/import', {
            body,
            headers: { 'content-type': 'application/x-ndjson' },
          });
          expect(r.status, String(msg)).toBe(400);
          expect(r.body.error.message).toContain(msg);
        }
        expect((await fresh.call<ResponseOf<typeof promptsList>>('GET', '/v1/prompts')).body.data).toEqual(
          [],
        );
        // Viewers may neither export nor import.
        expect((await fresh.call('GET', '/v1/export', { key: fresh.keys.viewer })).status).toBe(403);
        const v = await fresh.call('POST', '/v1/import', {
          key: fresh.keys.viewer,
          body: exp.join('\n'),
          headers: { 'content-type': 'application/x-ndjson' },
        });
        expect(v.status).toBe(403);
        // A name another live prompt holds is reported, not merged.
        await fresh.call('POST', '/v1/prompts', { body: { name: 'bulk/p1' } });
        const r = await fresh.call<ResponseOf<typeof importRoute>>('POST', '/v1/import', {
          body: exp.join('\n'),
          headers: { 'content-type': 'application/x-ndjson' },
        });
        expect(r.body).toMatchObject({ prompts_created: 4, prompts_skipped: 1 });
        expect(r.body.problems).toEqual([
          { prompt: 'bulk/p1', reason: expect.stringContaining('a different live prompt') },
        ]);
      } finally {
        await fresh.close();
      }
    });
  });
}
