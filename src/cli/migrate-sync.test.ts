// A second `lectern migrate --from <vendor>` after the source changed is a sync, not a snapshot — as
// a user runs it (a child process), from a second Lectern seeded and then changed through that
// vendor's dialect: new versions appended in order and never twice, label moves applied and in the
// label history as moves, removed labels removed, prompts added and renamed; a prompt deleted at the
// source is reported and deleted only with --prune; --dry-run shows exactly the changes the run then
// makes, writing nothing.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LangfuseClient } from '@langfuse/client';
import { backends } from '../../test/support/stores.ts';
import { startTestApp, type ResponseOf, type TestApp } from '../../test/support/app.ts';
import type { schema as keywordsaiPromptsCreate } from '../dialects/keywordsai/routes/prompts-create.ts';
import type { getSchema as keywordsaiPromptsList } from '../dialects/keywordsai/routes/prompts-list.ts';
import type { schema as labelsHistory } from '../dialects/native/routes/labels-history.ts';
import { lecternAt } from '../../test/support/lectern-cli.ts';
import { langfuseKey, nativeView, urlOf } from '../../test/support/migrate-view.ts';

const pglite = backends.find((b) => b.name === 'pglite')!;

const pick = <T>(o: Record<string, T>, keys: string[]) =>
  Object.fromEntries(keys.filter((k) => k in o).map((k) => [k, o[k]!]));
const chat = (s: string) => [{ role: 'system', content: s }];
const plText = (s: string) => [{ role: 'user', content: [{ type: 'text', text: s }] }];

interface Case {
  vendor: string;
  /** Whether the source keeps history (NeMo does not: its current content is what migrates). */
  history: boolean;
  key?: (t: TestApp) => Promise<string>;
  seed: (t: TestApp) => Promise<void>;
  change: (t: TestApp) => Promise<void>;
  /** A label move the sync must record in the label history. */
  moved?: { prompt: string; label: string; from: number; to: number };
  deleted: string[];
}

const langfuseOf = async (t: TestApp) => {
  const [pk, sk] = (await langfuseKey(t)).split(':');
  return new LangfuseClient({ publicKey: pk!, secretKey: sk!, baseUrl: await urlOf(t) });
};

const plPublish = async (t: TestApp, name: string, text: string, labels: string[], message: string) => {
  const r = await t.call('POST', '/rest/prompt-templates', {
    body: {
      prompt_template: { prompt_name: name, tags: ['pl'] },
      prompt_version: {
        prompt_template: { type: 'chat', messages: plText(text), input_variables: [] },
        metadata: { model: { provider: 'openai', name: 'gpt-4o', parameters: { temperature: 0.3 } } },
        commit_message: message,
      },
      release_labels: labels,
    },
  });
  expect(r.status, r.raw).toBe(201);
};

const cases: Case[] = [
  {
    vendor: 'langfuse',
    history: true,
    key: langfuseKey,
    seed: async (t) => {
      const lf = await langfuseOf(t);
      await lf.prompt.create({
        name: 'lf/critic',
        type: 'chat',
        prompt: chat('Rate {{movie}}'),
        labels: ['production'],
      });
      await lf.prompt.create({
        name: 'lf/critic',
        type: 'chat',
        prompt: chat('Rate {{movie}} briefly'),
        labels: ['staging'],
      });
      await lf.prompt.create({ name: 'lf/other', type: 'chat', prompt: chat('Hi'), labels: [] });
    },
    change: async (t) => {
      const lf = await langfuseOf(t);
      await lf.prompt.create({
        name: 'lf/critic',
        type: 'chat',
        prompt: chat('v3 {{movie}}'),
        labels: ['production'],
        commitMessage: 'third',
      });
      await lf.prompt.create({ name: 'lf/critic', type: 'chat', prompt: chat('v4 {{movie}}'), labels: [] });
      // Langfuse PATCH only adds labels: the removal is made at the source's store.
      expect((await t.call('DELETE', '/v1/prompts/lf%2Fcritic/labels/staging')).status).toBe(200);
      await lf.prompt.create({ name: 'lf/new', type: 'chat', prompt: chat('new'), labels: ['production'] });
      const del = await t.call('DELETE', '/api/public/v2/prompts/lf%2Fother', {
        key: t.keys.editor,
        headers: { authorization: `Basic ${Buffer.from(await langfuseKey(t)).toString('base64')}` },
      });
      expect(del.status, del.raw).toBeLessThan(300);
    },
    moved: { prompt: 'lf/critic', label: 'production', from: 1, to: 3 },
    deleted: ['lf/other'],
  },
  {
    vendor: 'promptlayer',
    history: true,
    seed: async (t) => {
      await plPublish(t, 'pl/greeter', 'Hello {name}', ['prod'], 'c1');
      await plPublish(t, 'pl/greeter', 'Hi {name}!', ['staging'], 'c2');
      await plPublish(t, 'pl/other', 'Only one', [], 'c1');
    },
    change: async (t) => {
      await plPublish(t, 'pl/greeter', 'Hey {name}', ['prod'], 'c3');
      // Renamed and deleted at the source (PromptLayer's own calls for these are not in the dialect).
      expect((await t.call('PATCH', '/v1/prompts/pl%2Fgreeter', { body: { name: 'pl/hello' } })).status).toBe(
        200,
      );
      expect((await t.call('DELETE', '/v1/prompts/pl%2Fother')).status).toBeLessThan(300);
      await plPublish(t, 'pl/new', 'New', ['prod'], 'c1');
    },
    moved: { prompt: 'pl/hello', label: 'prod', from: 1, to: 3 },
    deleted: ['pl/other'],
  },
  {
    vendor: 'keywordsai',
    history: true,
    seed: async (t) => {
      const p = await t.call<ResponseOf<typeof keywordsaiPromptsCreate, 201>>('POST', '/api/prompts/', {
        body: { name: 'kw greeter', description: 'greets' },
      });
      const base = `/api/prompts/${p.body.prompt_id}`;
      const V = { messages: [{ role: 'system', content: 'Hello {{name}}' }], model: 'gpt-4o' };
      expect((await t.call('POST', `${base}/versions/`, { body: V })).status).toBe(201);
      expect(
        (await t.call('POST', `${base}/versions/`, { body: { ...V, model: 'gpt-4o-mini' } })).status,
      ).toBe(201);
      expect((await t.call('PATCH', `${base}/versions/2/`, { body: { deploy: true } })).status).toBe(200);
      // Version 3 stays a draft: edited in place at the source before the rerun.
      expect((await t.call('POST', `${base}/versions/`, { body: { ...V, temperature: 0.1 } })).status).toBe(
        201,
      );
      const d = await t.call<ResponseOf<typeof keywordsaiPromptsCreate, 201>>('POST', '/api/prompts/', {
        body: { name: 'kw doomed' },
      });
      expect((await t.call('POST', `/api/prompts/${d.body.prompt_id}/versions/`, { body: V })).status).toBe(
        201,
      );
    },
    change: async (t) => {
      const list = (
        await t.call<ResponseOf<typeof keywordsaiPromptsList>>('GET', '/api/prompts/?page_size=100')
      ).body.results;
      const id = (name: string) => list.find((p) => p.name === name)!.prompt_id;
      const base = `/api/prompts/${id('kw greeter')}`;
      const edit = await t.call('PATCH', `${base}/versions/3/`, {
        body: { messages: [{ role: 'system', content: 'Hello there {{name}}' }] },
      });
      expect(edit.status, edit.raw).toBe(200);
      expect((await t.call('PATCH', `${base}/versions/3/`, { body: { deploy: true } })).status).toBe(200);
      expect((await t.call('PATCH', base, { body: { name: 'kw hello' } })).status).toBe(200);
      expect((await t.call('DELETE', `/api/prompts/${id('kw doomed')}/`)).status).toBeLessThan(300);
      const n = await t.call<ResponseOf<typeof keywordsaiPromptsCreate, 201>>('POST', '/api/prompts/', {
        body: { name: 'kw new' },
      });
      expect(
        (
          await t.call('POST', `/api/prompts/${n.body.prompt_id}/versions/`, {
            body: { messages: [{ role: 'user', content: 'new' }], model: 'gpt-4o' },
          })
        ).status,
      ).toBe(201);
    },
    moved: { prompt: 'kw hello', label: 'production', from: 2, to: 3 },
    deleted: ['kw doomed'],
  },
  {
    vendor: 'nemo',
    history: false,
    seed: async (t) => {
      const P = '/apis/models/v2/workspaces/default/prompts';
      for (const name of ['nemo-greeter', 'nemo-doomed'])
        expect(
          (
            await t.call('POST', P, {
              body: {
                name,
                messages: [{ role: 'user', content: 'Hello {{ name }}' }],
                inference_params: { temperature: 0.5 },
              },
            })
          ).status,
        ).toBe(201);
    },
    change: async (t) => {
      const P = '/apis/models/v2/workspaces/default/prompts';
      const put = await t.call('PUT', `${P}/nemo-greeter`, {
        body: {
          messages: [{ role: 'user', content: 'Hi {{ name }}' }],
          inference_params: { temperature: 0.5 },
        },
      });
      expect(put.status, put.raw).toBe(200);
      expect((await t.call('DELETE', `${P}/nemo-doomed`)).status).toBeLessThan(300);
      expect(
        (
          await t.call('POST', P, {
            body: { name: 'nemo-new', messages: [{ role: 'user', content: 'new' }] },
          })
        ).status,
      ).toBe(201);
    },
    deleted: ['nemo-doomed'],
  },
];

describe.skipIf(!pglite.available)('a lectern migrate rerun syncs what changed at the source', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lectern-migrate-sync-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  for (const c of cases)
    it(`${c.vendor}: new versions, label moves and removals, added, renamed and deleted prompts`, async () => {
      const [src, dst] = await Promise.all([startTestApp(pglite), startTestApp(pglite)]);
      try {
        await c.seed(src);
        const [srcUrl, dstUrl] = [await urlOf(src), await urlOf(dst)];
        const lectern = lecternAt(dstUrl, dst.keys.editor, dir);
        const key = c.key ? await c.key(src) : src.keys.editor;
        const args = [
          'migrate',
          '--from',
          c.vendor,
          '--url',
          srcUrl,
          '--key',
          key,
          '--state',
          join(dir, `${c.vendor}.json`),
          '--json',
        ];
        const run = async (...more: string[]) => {
          const r = await lectern(...args, ...more);
          expect(r.code, r.stderr).toBe(0);
          return JSON.parse(r.stdout);
        };
        const first = await run();
        expect(first.imported.prompts_created).toBe(first.prompts);

        // A rerun with nothing changed at the source reads it all again and changes nothing.
        const same = await run();
        expect(same).toMatchObject({
          prompts: first.prompts,
          skipped_already_done: 0,
          changes: [],
          deleted_at_source: [],
        });
        expect(same.imported).toEqual({
          prompts_created: 0,
          prompts_updated: 0,
          prompts_skipped: first.prompts,
        });

        const before = await nativeView(dst);
        await c.change(src);

        // The dry run shows the changes and writes nothing.
        const dry = await run('--dry-run');
        expect(dry.dry_run).toBe(true);
        expect(dry.changes.length).toBeGreaterThan(0);
        expect(await nativeView(dst)).toEqual(before);
        const human = await lectern(...args.filter((a) => a !== '--json'), '--dry-run', '--no-progress');
        expect(human.stdout).toContain('would change');
        expect(human.stdout).toContain(`${c.deleted[0]}`);
        expect(human.stdout).toContain('kept: pass --prune to delete it');

        const synced = await run();
        expect(synced.changes).toEqual(dry.changes);
        expect(synced.deleted_at_source.map((d: { prompt: string }) => d.prompt)).toEqual(c.deleted);
        expect(synced.pruned).toEqual([]);
        expect(synced.changes.map((ch: { action: string }) => ch.action)).toContain('created');
        expect(synced.changes.map((ch: { action: string }) => ch.action)).toContain('updated');

        const want = await nativeView(src);
        const got = await nativeView(dst);
        // Deleted at the source, kept here until --prune.
        expect(Object.keys(got).sort()).toEqual([...Object.keys(want), ...c.deleted].sort());
        if (c.history) expect(pick(got, Object.keys(want))).toEqual(want);
        else
          for (const [name, w] of Object.entries(want)) {
            const last = (v: { versions: unknown[] }) =>
              (v.versions.at(-1) as { messages: unknown }).messages;
            expect(last(got[name]!), name).toEqual(last(w));
          }
        if (c.moved) {
          const h = await dst.call<ResponseOf<typeof labelsHistory>>(
            'GET',
            `/v1/prompts/${encodeURIComponent(c.moved.prompt)}/label-history?limit=100`,
          );
          expect(h.status).toBe(200);
          expect(
            h.body.data.some(
              (m) =>
                m.label === c.moved!.label &&
                m.from_version === c.moved!.from &&
                m.to_version === c.moved!.to,
            ),
            JSON.stringify(h.body.data),
          ).toBe(true);
        }

        // Again: nothing to do, nothing appended twice.
        const again = await run();
        expect(again.changes).toEqual([]);
        expect(await nativeView(dst)).toEqual(got);

        // --prune deletes what the source deleted (the dry run says so first).
        const dryPrune = await run('--prune', '--dry-run');
        expect(dryPrune.pruned).toEqual(c.deleted);
        expect(Object.keys(await nativeView(dst)).sort()).toEqual(Object.keys(got).sort());
        const pruned = await run('--prune');
        expect(pruned.pruned).toEqual(c.deleted);
        expect(Object.keys(await nativeView(dst)).sort()).toEqual(Object.keys(want).sort());
      } finally {
        await Promise.all([src.close(), dst.close()]);
      }
    }, 300_000);
});
