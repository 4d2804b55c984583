// POST /v1/import?existing=sync on both backends: a stored prompt is brought up to its records (what a
// `lectern migrate` rerun sends) — versions appended after the stored ones and never twice, a draft
// updated in place, labels moved and removed with each move in the label history, a rename applied —
// and `dry_run=true` answers the same changes while writing nothing. A version this store wrote
// itself since the import is never renumbered or overwritten: the source's later versions are
// reported instead.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../../../test/support/stores.ts';
import { startTestApp, type TestApp, type ResponseOf } from '../../../../test/support/app.ts';
import { versionRecord } from '../../../../test/support/export-records.ts';
import type { schema as importRoute } from './import.ts';
import type { schema as labelsHistory } from './labels-history.ts';
import type { schema as labelsList } from './labels-list.ts';
import type { schema as promptsGet } from './prompts-get.ts';
import type { schema as versionsList } from './versions-list.ts';

const PROMPT = '018f0000-0000-7000-8000-0000000000a1';
const vid = (n: number) => `018f0000-0000-7000-8000-0000000001${String(n).padStart(2, '0')}`;
const T = '2026-01-01T00:00:00.000Z';

const version = (n: number, text: string, status: 'draft' | 'committed' = 'committed') =>
  versionRecord(PROMPT, vid(n), n, text, status, T);
const label = (name: string, v: number) => ({
  type: 'label',
  prompt_id: PROMPT,
  name,
  version: v,
  created_at: T,
  updated_at: T,
});
const body = (name: string, versions: unknown[], labels: unknown[]) =>
  [
    { type: 'header', format: 'lectern-export', format_version: 1, exported_at: T, workspace: 'x' },
    {
      type: 'prompt',
      id: PROMPT,
      name,
      description: null,
      tags: [],
      project: null,
      kind: 'chat',
      is_snippet: false,
      metadata: {},
      created_at: T,
      updated_at: T,
    },
    ...versions,
    ...labels,
    { type: 'footer', prompts: 1, versions: 0, labels: 0, label_moves: 0 },
  ]
    .map((r) => JSON.stringify(r))
    .join('\n');

for (const backend of backends)
  describe.skipIf(!backend.available)(`import existing=sync on ${backend.name}`, () => {
    let t: TestApp;
    const imp = (b: string, q = 'existing=sync') =>
      t.call<ResponseOf<typeof importRoute>>('POST', `/v1/import?${q}`, {
        body: b,
        headers: { 'content-type': 'application/x-ndjson' },
      });
    const view = async () => {
      const vs = (
        await t.call<ResponseOf<typeof versionsList>>(
          'GET',
          `/v1/prompts/${PROMPT}/versions?limit=50&order=asc`,
        )
      ).body.data as any[];
      const ls = (await t.call<ResponseOf<typeof labelsList>>('GET', `/v1/prompts/${PROMPT}/labels`)).body
        .data as any[];
      const p = (await t.call<ResponseOf<typeof promptsGet>>('GET', `/v1/prompts/${PROMPT}`)).body;
      return {
        name: p.prompt.name,
        versions: vs.map((v) => [v.number, v.status, v.messages[0].content]),
        labels: Object.fromEntries(ls.map((l) => [l.name, l.version])),
      };
    };
    beforeAll(async () => {
      t = await startTestApp(backend);
    });
    afterAll(() => t?.close());

    it('appends, updates the draft, moves and removes labels, renames; dry run writes nothing', async () => {
      const first = await imp(
        body(
          'sync/a',
          [version(1, 'one'), version(2, 'two draft', 'draft')],
          [label('production', 1), label('staging', 2)],
        ),
      );
      expect(first.status, first.raw).toBe(200);
      expect(first.body).toMatchObject({
        prompts_created: 1,
        changes: [{ action: 'created', versions_added: [1, 2] }],
      });
      const before = await view();

      // At the source: the draft was edited and committed, version 3 added, production moved to 3,
      // staging removed, the prompt renamed.
      const next = body(
        'sync/renamed',
        [version(1, 'one'), version(2, 'two final'), version(3, 'three')],
        [label('production', 3)],
      );
      const want = {
        prompt: 'sync/renamed',
        action: 'updated',
        renamed_from: 'sync/a',
        fields: [],
        versions_added: [3],
        versions_updated: [2],
        labels: [
          { label: 'production', from: 1, to: 3 },
          { label: 'staging', from: 2, to: null },
        ],
      };
      const dry = await imp(next, 'existing=sync&dry_run=true');
      expect(dry.status, dry.raw).toBe(200);
      expect(dry.body).toMatchObject({ dry_run: true, prompts_updated: 1, versions: 1, changes: [want] });
      expect(await view()).toEqual(before);

      const real = await imp(next);
      expect(real.body).toMatchObject({ dry_run: false, prompts_updated: 1, changes: [want], problems: [] });
      expect(await view()).toEqual({
        name: 'sync/renamed',
        versions: [
          [1, 'committed', 'one'],
          [2, 'committed', 'two final'],
          [3, 'committed', 'three'],
        ],
        labels: { production: 3 },
      });
      const history = (
        await t.call<ResponseOf<typeof labelsHistory>>('GET', `/v1/prompts/${PROMPT}/label-history?limit=50`)
      ).body.data as any[];
      expect(
        history
          .slice(0, 2)
          .map((m) => [m.label, m.from_version, m.to_version])
          .sort(),
      ).toEqual([
        ['production', 1, 3],
        ['staging', 2, null],
      ]);

      // Again: nothing changes, nothing is appended twice.
      const again = await imp(next);
      expect(again.body).toMatchObject({ prompts_updated: 0, prompts_skipped: 1, versions: 0, changes: [] });
      // The default stays a skip, whatever the records say.
      const skip = await imp(body('sync/renamed', [version(4, 'four')], []), 'existing=skip');
      expect(skip.body).toMatchObject({ prompts_skipped: 1, versions: 0 });
      expect((await view()).versions).toHaveLength(3);
    });

    it('a version written here since the import is kept; the source’s later versions are reported', async () => {
      const local = await t.call('POST', `/v1/prompts/${PROMPT}/versions`, {
        body: { messages: [{ role: 'user', content: 'written here' }] },
      });
      expect(local.status, local.raw).toBe(201);
      const r = await imp(
        body(
          'sync/renamed',
          [
            version(1, 'one'),
            version(2, 'two final'),
            version(3, 'three'),
            version(4, 'four'),
            version(5, 'five'),
          ],
          [label('production', 3)],
        ),
      );
      expect(r.status, r.raw).toBe(200);
      expect(r.body.changes).toEqual([]);
      expect(r.body.problems).toEqual([
        {
          prompt: 'sync/renamed',
          reason:
            'version 4 of the source: version 4 here was written after the import, so versions from 4 on are not synced (rename the prompt here, then run again)',
        },
      ]);
      expect((await view()).versions.at(-1)).toEqual([4, 'committed', 'written here']);
    });

    it('bad query values are a 400 in the native envelope', async () => {
      const r = await imp(body('x', [], []), 'existing=merge');
      expect(r.status).toBe(400);
      expect((r.body as unknown as ResponseOf<typeof importRoute, '4xx'>).error).toBeDefined();
    });
  });
