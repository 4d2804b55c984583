// `lectern migrate --from <vendor>` as a user runs it (a child process), from a second Lectern seeded
// through that vendor's dialect — which proves both ends: our dialect speaks the vendor's API, and
// the migration reads it. The source being a Lectern, its native API is the ground truth to compare.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../test/support/stores.ts';
import { startTestApp, type ResponseOf, type TestApp } from '../../test/support/app.ts';
import type { schema as keywordsaiPromptsCreate } from '../dialects/keywordsai/routes/prompts-create.ts';
import type { schema as promptsList } from '../dialects/native/routes/prompts-list.ts';
import { lecternAt } from '../../test/support/lectern-cli.ts';
import { LangfuseClient } from '@langfuse/client';
import { langfuseKey, nativeView as viewOf, urlOf } from '../../test/support/migrate-view.ts';
import { publicKeyOf } from '../registry/keys.ts';

const pglite = backends.find((b) => b.name === 'pglite')!;

const nativeView = (t: TestApp) => viewOf(t, ['number', 'messages', 'model', 'params', 'template_format']);

describe.skipIf(!pglite.available)('lectern migrate --from each vendor', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lectern-migrate-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const cases: {
    vendor: string;
    seed: (t: TestApp) => Promise<void>;
    history: boolean;
    key?: (t: TestApp) => Promise<string>;
  }[] = [
    {
      vendor: 'langfuse',
      history: true,
      // Langfuse keys are "public:secret" (HTTP Basic); Lectern's public key names the API key.
      key: langfuseKey,
      seed: async (t) => {
        await t.app.listen({ port: 0, host: '127.0.0.1' });
        const baseUrl = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
        const pk = publicKeyOf((await t.registry.authenticate(t.keys.editor))!.keyId);
        const lf = new LangfuseClient({ publicKey: pk, secretKey: t.keys.editor, baseUrl });
        const chat = (s: string) => [{ role: 'system', content: s }];
        await lf.prompt.create({
          name: 'lf/critic',
          type: 'chat',
          prompt: chat('Rate {{movie}}'),
          config: { model: 'gpt-4o', temperature: 0.2 },
          labels: ['production'],
          commitMessage: 'first',
        });
        await lf.prompt.create({
          name: 'lf/critic',
          type: 'chat',
          prompt: chat('Rate {{movie}} briefly'),
          labels: ['staging'],
        });
        await lf.prompt.create({ name: 'lf/other', type: 'chat', prompt: chat('Hi'), labels: [] });
      },
    },
    {
      vendor: 'promptlayer',
      history: true,
      seed: async (t) => {
        const text = (s: string) => [{ type: 'text', text: s }];
        for (const [name, texts] of [
          ['pl/greeter', ['Hello {name}', 'Hi {name}!']],
          ['pl/other', ['Only one']],
        ] as const)
          for (const [i, s] of texts.entries()) {
            const r = await t.call('POST', '/rest/prompt-templates', {
              body: {
                prompt_template: { prompt_name: name, tags: ['pl'] },
                prompt_version: {
                  prompt_template: {
                    type: 'chat',
                    messages: [{ role: 'user', content: text(s) }],
                    input_variables: [],
                  },
                  metadata: {
                    model: { provider: 'openai', name: 'gpt-4o', parameters: { temperature: 0.3 } },
                  },
                  commit_message: `c${i + 1}`,
                },
                release_labels: i === 0 ? ['prod'] : [],
              },
            });
            expect(r.status, r.raw).toBe(201);
          }
      },
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
        expect((await t.call('POST', `${base}/versions/`, { body: { ...V, temperature: 0.1 } })).status).toBe(
          201,
        );
      },
    },
    {
      vendor: 'nemo',
      history: false,
      seed: async (t) => {
        const P = '/apis/models/v2/workspaces/default/prompts';
        const r = await t.call('POST', P, {
          body: {
            name: 'nemo-greeter',
            messages: [{ role: 'user', content: 'Hello {{ name }}' }],
            inference_params: { temperature: 0.5 },
          },
        });
        expect(r.status, r.raw).toBe(201);
      },
    },
  ];

  for (const c of cases)
    it(`migrates every prompt, version and label from ${c.vendor}; a rerun resumes and changes nothing`, async () => {
      const [src, dst] = await Promise.all([startTestApp(pglite), startTestApp(pglite)]);
      try {
        await c.seed(src);
        const [srcUrl, dstUrl] = [
          src.app.server.listening
            ? `http://127.0.0.1:${(src.app.server.address() as { port: number }).port}`
            : await urlOf(src),
          await urlOf(dst),
        ];
        const lectern = lecternAt(dstUrl, dst.keys.editor, dir);
        const state = join(dir, `${c.vendor}.state.json`);
        const key = c.key ? await c.key(src) : src.keys.editor;
        const args = ['migrate', '--from', c.vendor, '--url', srcUrl, '--key', key, '--state', state];

        const dry = await lectern(...args, '--dry-run', '--json');
        expect(dry.code, dry.stderr).toBe(0);
        const dryReport = JSON.parse(dry.stdout);
        expect((await dst.call<ResponseOf<typeof promptsList>>('GET', '/v1/prompts')).body.data).toEqual([]);

        const run = await lectern(...args, '--json');
        expect(run.code, run.stderr).toBe(0);
        const report = JSON.parse(run.stdout);
        expect(report).toMatchObject({
          from: c.vendor,
          prompts: dryReport.prompts,
          versions: dryReport.versions,
        });
        expect(report.imported.prompts_created).toBe(report.prompts);

        const want = await nativeView(src);
        const got = await nativeView(dst);
        expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
        for (const [name, w] of Object.entries(want)) {
          if (c.history) {
            expect(got[name]!.versions, name).toEqual(w.versions);
            expect(got[name]!.labels, name).toEqual(w.labels);
          } else {
            // NeMo shows only the current content: it arrives as version 1.
            expect(got[name]!.versions.length).toBe(1);
            expect((got[name]!.versions[0] as any).messages).toEqual((w.versions.at(-1) as any).messages);
            expect(report.problems.map((p: { reason: string }) => p.reason).join()).toContain(
              'no version history',
            );
          }
        }

        // A finished run's rerun reads the source again (a sync: migrate-sync.test.ts) and, the
        // source unchanged, changes nothing.
        const again = await lectern(...args, '--json');
        expect(JSON.parse(again.stdout)).toMatchObject({
          prompts: report.prompts,
          skipped_already_done: 0,
          changes: [],
        });
        // Even without the state file, re-importing changes nothing (derived ids).
        await rm(state);
        const fresh = JSON.parse((await lectern(...args, '--json')).stdout);
        expect(fresh.imported).toEqual({
          prompts_created: 0,
          prompts_updated: 0,
          prompts_skipped: report.prompts,
        });
        expect(await nativeView(dst)).toEqual(got);
      } finally {
        await Promise.all([src.close(), dst.close()]);
      }
    }, 120_000);

  it('says what is missing', async () => {
    const r = await lecternAt('http://127.0.0.1:1', 'k', dir)('migrate', '--from', 'nemo', '--key', 'x');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('needs --url');
    const bad = await lecternAt('http://127.0.0.1:1', 'k', dir)('migrate', '--from', 'humanloop');
    expect(bad.code).toBe(2);
  });
});
