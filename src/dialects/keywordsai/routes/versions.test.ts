import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../../../test/support/stores.ts';
import { startTestApp, type ResponseOf, type TestApp } from '../../../../test/support/app.ts';
import type { schema as commitsCreate } from './commits-create.ts';
import type { schema as deploymentsCreate } from './deployments-create.ts';
import type { schema as promptsCreate } from './prompts-create.ts';
import type { schema as promptsGet } from './prompts-get.ts';
import type { schema as versionsCreate } from './versions-create.ts';
import type { schema as versionsDelete } from './versions-delete.ts';
import type { schema as versionsGet } from './versions-get.ts';
import type { schema as versionsList } from './versions-list.ts';
import type { schema as versionsUpdate } from './versions-update.ts';

/** Bodies typed from the response schemas the routes declare. */
type CommitsCreateBody = ResponseOf<typeof commitsCreate, 201>;
type DeploymentsCreateBody = ResponseOf<typeof deploymentsCreate, 201>;
type PromptsCreateBody = ResponseOf<typeof promptsCreate, 201>;
type PromptsGetBody = ResponseOf<typeof promptsGet>;
type VersionsCreateBody = ResponseOf<typeof versionsCreate, 201>;
type VersionsDeleteBody = ResponseOf<typeof versionsDelete, 204>;
type VersionsGetBody = ResponseOf<typeof versionsGet>;
type VersionsListBody = ResponseOf<typeof versionsList>;
type VersionsUpdateBody = ResponseOf<typeof versionsUpdate>;
type ErrorBody = ResponseOf<typeof commitsCreate, '4xx'>;
import { uuidFromHex32 } from '../../../model/ids.ts';
import type { VersionT } from '../responses.ts';
import type { schema as nativePromptsGet } from '../../native/routes/prompts-get.ts';
import type { schema as promptlayerGetRaw } from '../../promptlayer/routes/get-raw.ts';

const V = { messages: [{ role: 'user', content: 'Hello {{name}}' }], model: 'gpt-4o' };

/** Every request field of the product's update-version page, with non-default values. */
const FULL = {
  description: 'first cut',
  messages: [
    { role: 'system', content: 'You are {{persona}}.' },
    { role: 'user', content: [{ type: 'text', text: 'Hi {{name}}', cache_control: null }] },
  ],
  thinking: { type: 'enabled', budget_tokens: 1024 },
  model: 'gpt-4o-mini',
  stream: true,
  temperature: 1.3,
  max_tokens: 1234,
  top_p: 0.9,
  frequency_penalty: -1.5,
  presence_penalty: 1.25,
  reasoning_effort: 'high',
  verbosity: 'low',
  seed: 42,
  variables: { persona: 'a pirate', name: 'Ann' },
  fallback_models: ['gpt-4o', 'claude-3-5-sonnet'],
  load_balance_models: [
    { model: 'gpt-4o', weight: 0.7 },
    { model: 'gpt-4o-mini', weight: 0.3, credentials: { api_key: 'sk-x' } },
  ],
  tools: [
    { type: 'function', function: { name: 'lookup', description: 'd', parameters: { type: 'object' } } },
  ],
  tool_choice: { type: 'function', function: { name: 'lookup' } },
  response_format: {
    type: 'json_schema',
    json_schema: { name: 'out', strict: true, schema: { type: 'object' } },
  },
  json_schema: { type: 'object', properties: { a: { type: 'string' } } },
  is_enforcing_response_format: true,
};

/** Different values for the same fields, for PATCH. */
const FULL2 = {
  description: 'second cut',
  messages: [{ role: 'developer', content: 'Be {{tone}}' }],
  thinking: { type: 'enabled', budget_tokens: 2048 },
  model: 'claude-3-5-sonnet',
  stream: false,
  temperature: 0,
  max_tokens: 1,
  top_p: 0,
  frequency_penalty: 2,
  presence_penalty: -2,
  reasoning_effort: 'low',
  verbosity: 'high',
  seed: -7,
  variables: { tone: 'brief' },
  fallback_models: ['gpt-4o-mini'],
  load_balance_models: [{ model: 'claude-3-5-sonnet', weight: 3 }],
  tools: [{ type: 'function', function: { name: 'other', parameters: { type: 'object' } } }],
  tool_choice: 'required',
  response_format: { type: 'json_object' },
  json_schema: { type: 'array' },
  is_enforcing_response_format: false,
};

const RESPONSE_FIELDS = [
  'id',
  'prompt_version_id',
  'version',
  'description',
  'messages',
  'thinking',
  'model',
  'stream',
  'temperature',
  'max_tokens',
  'top_p',
  'frequency_penalty',
  'presence_penalty',
  'reasoning_effort',
  'verbosity',
  'seed',
  'variables',
  'fallback_models',
  'load_balance_models',
  'tools',
  'tool_choice',
  'response_format',
  'json_schema',
  'is_enforcing_response_format',
  'readonly',
  'is_deployed',
  'edited_by',
  'created_at',
  'updated_at',
];

/** Out-of-range values: each must be refused with 400 whose detail starts with the field named. */
const OUT_OF_RANGE: [string, unknown, string][] = [
  ['temperature', 2.01, 'temperature'],
  ['temperature', -0.1, 'temperature'],
  ['temperature', 'hot', 'temperature'],
  ['top_p', 1.5, 'top_p'],
  ['top_p', -0.01, 'top_p'],
  ['frequency_penalty', 2.5, 'frequency_penalty'],
  ['frequency_penalty', -2.01, 'frequency_penalty'],
  ['presence_penalty', -3, 'presence_penalty'],
  ['presence_penalty', 2.1, 'presence_penalty'],
  ['max_tokens', 0, 'max_tokens'],
  ['max_tokens', 10.5, 'max_tokens'],
  ['seed', 1.5, 'seed'],
  ['reasoning_effort', 'extreme', 'reasoning_effort'],
  ['verbosity', 'loud', 'verbosity'],
  ['stream', 'yes', 'stream'],
  ['is_enforcing_response_format', 'true', 'is_enforcing_response_format'],
  ['deploy', 'yes', 'deploy'],
  ['model', '', 'model'],
  ['model', null, 'model'],
  ['messages', 'hello', 'messages'],
  ['messages', [{ role: 'robot', content: 'x' }], 'messages[0].role'],
  ['messages', [{ content: 'x' }], 'messages[0].role'],
  ['variables', ['a'], 'variables'],
  ['thinking', 'on', 'thinking'],
  ['description', 5, 'description'],
  ['fallback_models', 'gpt-4o', 'fallback_models'],
  ['fallback_models', [3], 'fallback_models[0]'],
  ['load_balance_models', [{ model: 'a', weight: 0 }], 'load_balance_models[0].weight'],
  ['load_balance_models', [{ model: 'a', weight: -1 }], 'load_balance_models[0].weight'],
  ['load_balance_models', [{ weight: 1 }], 'load_balance_models[0].model'],
  ['tools', 'lookup', 'tools'],
  ['tool_choice', 'sometimes', 'tool_choice'],
  ['response_format', { type: 'yaml' }, 'response_format.type'],
  ['response_format', 'json', 'response_format'],
  ['json_schema', 'object', 'json_schema'],
];

/** Nullable fields: null clears them. */
const NULLABLE = [
  'description',
  'thinking',
  'temperature',
  'max_tokens',
  'top_p',
  'frequency_penalty',
  'presence_penalty',
  'reasoning_effort',
  'verbosity',
  'seed',
  'fallback_models',
  'load_balance_models',
  'tools',
  'tool_choice',
  'response_format',
  'json_schema',
];

const pick = (o: Record<string, unknown>, keys: string[]) => Object.fromEntries(keys.map((k) => [k, o[k]]));

for (const backend of backends) {
  describe.skipIf(!backend.available)(`Keywords AI versions API on ${backend.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp(backend);
    });
    afterAll(() => t?.close());

    let n = 0;
    const newPrompt = async (): Promise<string> => {
      const res = await t.call<PromptsCreateBody>('POST', '/api/prompts/', { body: { name: `kw-v-${++n}` } });
      expect(res.status).toBe(201);
      return res.body.prompt_id;
    };
    const actor = async () => (await t.registry.authenticate(t.keys.editor))!;

    describe('lifecycle (spec section 5)', () => {
      it('create, edit draft, freeze on new version, deploy, roll back, refuse read-only edits and live deletes', async () => {
        const pid = await newPrompt();
        const base = `/api/prompts/${pid}`;
        const fresh = (await t.call<PromptsGetBody>('GET', `${base}/`)).body;
        expect(fresh).toMatchObject({ current_version: null, live_version: null, commit_count: 0 });

        // 1. The first version is the draft.
        const v1 = await t.call<VersionsCreateBody>('POST', `${base}/versions/`, { body: V });
        expect(v1.status).toBe(201);
        expect(v1.body).toMatchObject({ version: 1, readonly: false, is_deployed: false, id: `${pid}-1` });
        expect(v1.body.prompt_version_id).toBe(`${pid}-1`);
        expect(v1.body).toMatchObject({ temperature: 0.7, max_tokens: 4096, top_p: 1, stream: false });
        expect(v1.body.response_format).toEqual({ type: 'text' });

        // 2. The draft is edited in place.
        const e1 = await t.call<VersionsUpdateBody>('PATCH', `${base}/versions/1/`, {
          body: { temperature: 0.2 },
        });
        expect(e1.status).toBe(200);
        expect(e1.body).toMatchObject({ version: 1, temperature: 0.2, readonly: false });

        // 3. A new version freezes the old draft.
        const v2 = await t.call<VersionsCreateBody>('POST', `${base}/versions`, {
          body: { ...V, model: 'gpt-4o-mini' },
        });
        expect(v2.body).toMatchObject({ version: 2, readonly: false });
        expect((await t.call<VersionsGetBody>('GET', `${base}/versions/1/`)).body).toMatchObject({
          readonly: true,
          temperature: 0.2,
        });

        // 4. The read-only version refuses edits, and stays as it was.
        const refused = await t.call<ErrorBody>('PATCH', `${base}/versions/1/`, { body: { temperature: 1 } });
        expect(refused.status).toBe(400);
        expect(refused.body.detail).toMatch(/read-only/);
        expect((await t.call<VersionT>('GET', `${base}/versions/1`)).body.temperature).toBe(0.2);

        // 5. Deploying the draft commits it and makes it live.
        const d2 = await t.call<VersionsUpdateBody>('PATCH', `${base}/versions/2`, {
          body: { deploy: true },
        });
        expect(d2.status).toBe(200);
        expect(d2.body).toMatchObject({ version: 2, readonly: true, is_deployed: true });
        let p = (await t.call<ResponseOf<typeof promptsGet>>('GET', base)).body;
        expect(p).toMatchObject({ prompt_live_version_number: 2, commit_count: 2 });
        expect(p.live_version).toMatchObject({ version: 2, model: 'gpt-4o-mini' });

        // 6. Roll back by deploying an older version: exactly one live version.
        await t.call<VersionsCreateBody>('POST', `${base}/versions/`, { body: V });
        const rb = await t.call<DeploymentsCreateBody>('POST', `${base}/deployments/`, {
          body: { version: 1 },
        });
        expect(rb.status).toBe(201);
        expect(rb.body).toMatchObject({ version: 1, readonly: true, is_deployed: true });
        const list = (await t.call<VersionsListBody>('GET', `${base}/versions/`)).body;
        expect(list.results.map((v: { version: number }) => v.version)).toEqual([3, 2, 1]);
        expect(list.results.map((v: { is_deployed: boolean }) => v.is_deployed)).toEqual([
          false,
          false,
          true,
        ]);
        expect(list.results.map((v: { readonly: boolean }) => v.readonly)).toEqual([false, true, true]);
        p = (await t.call<ResponseOf<typeof promptsGet>>('GET', base)).body;
        expect(p).toMatchObject({ prompt_live_version_number: 1, commit_count: 2 });
        expect(p.current_version).toMatchObject({ version: 3, readonly: false });

        // 7. The live version cannot be deleted; another can (and its number is not reused).
        const delLive = await t.call<ErrorBody>('DELETE', `${base}/versions/1/`);
        expect(delLive.status).toBe(400);
        expect(delLive.body.detail).toMatch(/live/);
        expect((await t.call<VersionsGetBody>('GET', `${base}/versions/1/`)).status).toBe(200);
        const del2 = await t.call<VersionsDeleteBody>('DELETE', `${base}/versions/2`);
        expect(del2.status).toBe(204);
        expect((await t.call<VersionsGetBody>('GET', `${base}/versions/2/`)).status).toBe(404);
        const v4 = await t.call<VersionsCreateBody>('POST', `${base}/versions/`, { body: V });
        expect(v4.body.version).toBe(4);
        expect((await t.call<VersionsGetBody>('GET', `${base}/versions/3`)).body.readonly).toBe(true);
      });

      it('commits the draft with its description and moves the draft on', async () => {
        const pid = await newPrompt();
        const base = `/api/prompts/${pid}`;
        await t.call<VersionsCreateBody>('POST', `${base}/versions/`, { body: { ...V, temperature: 1.1 } });
        const c = await t.call<CommitsCreateBody>('POST', `${base}/commits/`, {
          body: { description: 'ship it' },
        });
        expect(c.status).toBe(201);
        expect(c.body).toMatchObject({
          version: 1,
          readonly: true,
          description: 'ship it',
          is_deployed: false,
        });
        const draft = (await t.call<VersionsGetBody>('GET', `${base}/versions/latest/`)).body;
        expect(draft).toMatchObject({ version: 2, readonly: false, temperature: 1.1, description: '' });
        expect(draft.messages).toEqual(V.messages);
        // Deploying the draft commits it; with no draft left, a commit is refused.
        await t.call<DeploymentsCreateBody>('POST', `${base}/deployments`, { body: { version: 2 } });
        const none = await t.call<ErrorBody>('POST', `${base}/commits`, { body: {} });
        expect(none.status).toBe(400);
        expect(none.body.detail).toMatch(/no draft/);
      });

      it('PATCH edits the draft and deploys it in one request: the edit first, then the deploy', async () => {
        const pid = await newPrompt();
        const base = `/api/prompts/${pid}`;
        await t.call<VersionsCreateBody>('POST', `${base}/versions/`, { body: V });
        const res = await t.call<VersionsUpdateBody>('PATCH', `${base}/versions/1/`, {
          body: { temperature: 1.5, description: 'final', deploy: true },
        });
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({
          version: 1,
          temperature: 1.5,
          description: 'final',
          readonly: true,
          is_deployed: true,
        });
        expect((await t.call<PromptsGetBody>('GET', `${base}/`)).body.prompt_live_version_number).toBe(1);
      });

      it('PATCH deploy: true on a committed version makes it live; deploy: false never un-deploys', async () => {
        const pid = await newPrompt();
        const base = `/api/prompts/${pid}`;
        await t.call<VersionsCreateBody>('POST', `${base}/versions/`, { body: V });
        await t.call<VersionsCreateBody>('POST', `${base}/versions/`, { body: V });
        await t.call<VersionsCreateBody>('POST', `${base}/versions/`, { body: V });
        const d1 = await t.call<VersionsUpdateBody>('PATCH', `${base}/versions/1/`, {
          body: { deploy: true },
        });
        expect(d1.status).toBe(200);
        expect(d1.body).toMatchObject({ version: 1, readonly: true, is_deployed: true });
        const d2 = await t.call<VersionsUpdateBody>('PATCH', `${base}/versions/2/`, {
          body: { deploy: true },
        });
        expect(d2.body).toMatchObject({ version: 2, is_deployed: true });
        expect((await t.call<VersionsGetBody>('GET', `${base}/versions/1/`)).body.is_deployed).toBe(false);
        const off = await t.call<VersionsUpdateBody>('PATCH', `${base}/versions/2/`, {
          body: { deploy: false },
        });
        expect(off.status).toBe(200);
        expect(off.body.is_deployed).toBe(true);
        // The draft stays the draft: deploying older versions does not commit it.
        expect((await t.call<VersionsGetBody>('GET', `${base}/versions/3/`)).body.readonly).toBe(false);
      });

      it('PATCH with an edit of a committed version and deploy: true is refused whole', async () => {
        const pid = await newPrompt();
        const base = `/api/prompts/${pid}`;
        await t.call<VersionsCreateBody>('POST', `${base}/versions/`, { body: V });
        await t.call<VersionsCreateBody>('POST', `${base}/versions/`, { body: V });
        const res = await t.call<ErrorBody>('PATCH', `${base}/versions/1/`, {
          body: { temperature: 1.9, deploy: true },
        });
        expect(res.status).toBe(400);
        expect(res.body.detail).toMatch(/read-only/);
        const v1 = (await t.call<VersionsGetBody>('GET', `${base}/versions/1/`)).body;
        expect(v1).toMatchObject({ temperature: 0.7, is_deployed: false });
        expect((await t.call<PromptsGetBody>('GET', `${base}/`)).body.live_version).toBeNull();
      });

      it('create with deploy: true commits the new version and makes it live', async () => {
        const pid = await newPrompt();
        const base = `/api/prompts/${pid}`;
        await t.call<VersionsCreateBody>('POST', `${base}/versions/`, { body: V });
        const v2 = await t.call<VersionsCreateBody>('POST', `${base}/versions/`, {
          body: { ...V, deploy: true },
        });
        expect(v2.body).toMatchObject({ version: 2, readonly: true, is_deployed: true });
        expect((await t.call<VersionsGetBody>('GET', `${base}/versions/1`)).body.readonly).toBe(true);
      });

      it('a version deployed here is what the native API and the registry return for label production', async () => {
        const pid = await newPrompt();
        const name = `kw-v-${n}`;
        const base = `/api/prompts/${pid}`;
        await t.call<VersionsCreateBody>('POST', `${base}/versions/`, { body: { ...V, model: 'model-one' } });
        await t.call<VersionsCreateBody>('POST', `${base}/versions/`, { body: { ...V, model: 'model-two' } });
        await t.call<DeploymentsCreateBody>('POST', `${base}/deployments/`, { body: { version: 1 } });
        const uuid = uuidFromHex32(pid)!;
        const check = async (number: number, model: string) => {
          const r = await t.registry.getVersion(await actor(), { id: uuid }, { label: 'production' });
          expect(r.version).toMatchObject({ number, model });
          const native = await t.call<ResponseOf<typeof nativePromptsGet>>('GET', `/v1/prompts/${uuid}`, {
            key: t.keys.viewer,
          });
          expect(native.status).toBe(200);
          expect(native.body.labels).toEqual([
            expect.objectContaining({ name: 'production', version: number }),
          ]);
          // PromptLayer's label=production serves the same version from the same store.
          const pl = await t.call<ResponseOf<typeof promptlayerGetRaw>>(
            'GET',
            `/prompt-templates/${name}?label=production`,
            {
              key: t.keys.viewer,
            },
          );
          expect(pl.status).toBe(200);
          expect(pl.body).toMatchObject({ prompt_name: name, version: number });
          expect(JSON.stringify(pl.body)).toContain(model);
        };
        await check(1, 'model-one');
        await t.call<VersionsUpdateBody>('PATCH', `${base}/versions/2/`, { body: { deploy: true } });
        await check(2, 'model-two');
        // And a label moved elsewhere (natively) is this dialect's live version.
        const a = await actor();
        await t.registry.write(a, {
          target: { kind: 'prompt', ref: { id: uuid } },
          labels: [{ name: 'production', to: { number: 1 } }],
        });
        const p = (await t.call<PromptsGetBody>('GET', `${base}/`)).body;
        expect(p.prompt_live_version_number).toBe(1);
        expect(p.live_version!.model).toBe('model-one');
      });
    });

    describe('paths', () => {
      it('every route answers with and without the trailing slash', async () => {
        for (const slash of ['/', '']) {
          const created = await t.call<ResponseOf<typeof promptsCreate, 201>>(
            'POST',
            `/api/prompts${slash}`,
            {
              body: { name: `kw-slash-${slash.length}` },
            },
          );
          expect(created.status).toBe(201);
          const base = `/api/prompts/${created.body.prompt_id}`;
          const steps: [string, string, unknown, number][] = [
            ['GET', `/api/prompts${slash}`, undefined, 200],
            ['GET', `/api/prompts/list${slash}`, undefined, 200],
            ['POST', `/api/prompts/list${slash}`, {}, 200],
            ['GET', `/api/prompts/summary${slash}`, undefined, 200],
            ['POST', `/api/prompts/summary${slash}`, {}, 200],
            ['GET', `${base}${slash}`, undefined, 200],
            ['PATCH', `${base}${slash}`, { description: 'd' }, 200],
            ['POST', `${base}/versions${slash}`, V, 201],
            ['GET', `${base}/versions${slash}`, undefined, 200],
            ['GET', `${base}/versions/1${slash}`, undefined, 200],
            ['PATCH', `${base}/versions/1${slash}`, { temperature: 1 }, 200],
            ['POST', `${base}/commits${slash}`, {}, 201],
            ['POST', `${base}/deployments${slash}`, { version: 1 }, 201],
            ['DELETE', `${base}/versions/2${slash}`, undefined, 204],
            ['DELETE', `${base}${slash}`, undefined, 204],
          ];
          for (const [method, path, body, status] of steps) {
            const res = await t.call(method as 'GET', path, { body });
            expect(res.status, `${method} ${path} ${res.raw}`).toBe(status);
          }
        }
      });
    });

    describe('fields', () => {
      it('every request field round-trips through create, retrieve and PATCH', async () => {
        const pid = await newPrompt();
        const base = `/api/prompts/${pid}`;
        const created = await t.call<VersionsCreateBody>('POST', `${base}/versions/`, { body: FULL });
        expect(created.status).toBe(201);
        expect(pick(created.body, Object.keys(FULL))).toEqual(FULL);
        for (const f of RESPONSE_FIELDS) expect(created.body, f).toHaveProperty(f);
        expect(created.body.edited_by).toEqual(expect.objectContaining({ email: expect.any(String) }));
        const got = await t.call<VersionsGetBody>('GET', `${base}/versions/1/`);
        expect(pick(got.body, Object.keys(FULL))).toEqual(FULL);

        const patched = await t.call<VersionsUpdateBody>('PATCH', `${base}/versions/1/`, { body: FULL2 });
        expect(patched.status).toBe(200);
        expect(pick(patched.body, Object.keys(FULL2))).toEqual(FULL2);
        for (const f of RESPONSE_FIELDS) expect(patched.body, f).toHaveProperty(f);
        expect(
          pick((await t.call<VersionsGetBody>('GET', `${base}/versions/1`)).body, Object.keys(FULL2)),
        ).toEqual(FULL2);
      });

      it('a PATCH of one field changes only that field', async () => {
        const pid = await newPrompt();
        const base = `/api/prompts/${pid}`;
        await t.call<VersionsCreateBody>('POST', `${base}/versions/`, { body: FULL });
        let expected: Record<string, unknown> = { ...FULL };
        for (const [k, v] of Object.entries(FULL2)) {
          const res = await t.call<VersionsUpdateBody>('PATCH', `${base}/versions/1/`, { body: { [k]: v } });
          expect(res.status, k).toBe(200);
          expected = { ...expected, [k]: v };
          expect(pick(res.body, Object.keys(FULL)), k).toEqual(expected);
        }
      });

      it('null clears each nullable field', async () => {
        const pid = await newPrompt();
        const base = `/api/prompts/${pid}`;
        await t.call<VersionsCreateBody>('POST', `${base}/versions/`, { body: FULL });
        const res = await t.call<VersionsUpdateBody>('PATCH', `${base}/versions/1/`, {
          body: Object.fromEntries(NULLABLE.map((k) => [k, null])),
        });
        expect(res.status).toBe(200);
        for (const k of NULLABLE) expect((res.body as Record<string, unknown>)[k], k).toBeNull();
        expect(res.body.model).toBe(FULL.model);
        expect(res.body.messages).toEqual(FULL.messages);
      });

      it('ignores server-owned fields a client sends back (id, version, readonly …)', async () => {
        const pid = await newPrompt();
        const base = `/api/prompts/${pid}`;
        const res = await t.call<VersionsCreateBody>('POST', `${base}/versions/`, {
          body: { ...V, id: 'x', prompt_version_id: 'y', version: 99, readonly: true, parent_prompt: 'z' },
        });
        expect(res.body).toMatchObject({ id: `${pid}-1`, version: 1, readonly: false, parent_prompt: pid });
      });

      it('accepts the boundaries of every range', async () => {
        const pid = await newPrompt();
        const base = `/api/prompts/${pid}`;
        await t.call<VersionsCreateBody>('POST', `${base}/versions/`, { body: V });
        for (const body of [
          { temperature: 0, top_p: 0, frequency_penalty: -2, presence_penalty: -2, max_tokens: 1 },
          { temperature: 2, top_p: 1, frequency_penalty: 2, presence_penalty: 2 },
          { load_balance_models: [{ model: 'a', weight: 0.0001 }], tool_choice: 'none' },
          { reasoning_effort: 'medium', verbosity: 'medium', response_format: { type: 'text' } },
        ]) {
          const res = await t.call<VersionsUpdateBody>('PATCH', `${base}/versions/1/`, { body });
          expect(res.status, JSON.stringify(body)).toBe(200);
          expect(pick(res.body, Object.keys(body))).toEqual(body);
        }
      });
    });

    describe('errors', () => {
      it('every range is enforced with a 400 naming the field, on create and on PATCH', async () => {
        const pid = await newPrompt();
        const base = `/api/prompts/${pid}`;
        await t.call<VersionsCreateBody>('POST', `${base}/versions/`, { body: V });
        for (const [field, value, named] of OUT_OF_RANGE) {
          const c = await t.call<ErrorBody>('POST', `${base}/versions/`, { body: { ...V, [field]: value } });
          expect(c.status, `create ${field}=${JSON.stringify(value)}`).toBe(400);
          expect(c.body.detail, `create ${field}`).toMatch(
            new RegExp(`^${named.replace(/[[\].]/g, '\\$&')}: `),
          );
          const p = await t.call<ErrorBody>('PATCH', `${base}/versions/1/`, { body: { [field]: value } });
          expect(p.status, `patch ${field}=${JSON.stringify(value)}`).toBe(400);
          expect(p.body.detail, `patch ${field}`).toMatch(
            new RegExp(`^${named.replace(/[[\].]/g, '\\$&')}: `),
          );
        }
        // Nothing was created or changed by the refused requests.
        const list = (await t.call<VersionsListBody>('GET', `${base}/versions/`)).body;
        expect(list.count).toBe(1);
        expect(list.results[0]).toMatchObject({ temperature: 0.7, model: 'gpt-4o' });
      });

      it('create requires messages and model', async () => {
        const pid = await newPrompt();
        for (const [body, field] of [
          [{ model: 'gpt-4o' }, 'messages'],
          [{ messages: V.messages }, 'model'],
        ] as const) {
          const res = await t.call<ErrorBody>('POST', `/api/prompts/${pid}/versions/`, { body });
          expect(res.status).toBe(400);
          expect(res.body.detail).toBe(`${field}: This field is required.`);
        }
      });

      it('404 for unknown versions and prompts; version path forms', async () => {
        const pid = await newPrompt();
        const base = `/api/prompts/${pid}`;
        expect((await t.call<VersionsGetBody>('GET', `${base}/versions/latest/`)).status).toBe(404);
        await t.call<VersionsCreateBody>('POST', `${base}/versions/`, { body: V });
        await t.call<VersionsCreateBody>('POST', `${base}/versions/`, { body: V });
        expect((await t.call<VersionsGetBody>('GET', `${base}/versions/latest`)).body.version).toBe(2);
        expect((await t.call<VersionsGetBody>('GET', `${base}/versions/${pid}-1/`)).body.version).toBe(1);
        for (const v of ['3', '0', 'abc', `${'0'.repeat(32)}-1`, '99999999999']) {
          const res = await t.call<ErrorBody>('GET', `${base}/versions/${v}/`);
          expect(res.status, v).toBe(404);
          expect(typeof res.body.detail).toBe('string');
        }
        expect(
          (await t.call<VersionsUpdateBody>('PATCH', `${base}/versions/7/`, { body: { temperature: 1 } }))
            .status,
        ).toBe(404);
        expect(
          (await t.call<VersionsCreateBody>('POST', `/api/prompts/${'f'.repeat(32)}/versions/`, { body: V }))
            .status,
        ).toBe(404);
        const bad = await t.call<ErrorBody>('POST', `${base}/deployments/`, { body: {} });
        expect(bad.status).toBe(400);
        expect(bad.body.detail).toMatch(/^version: /);
      });

      it('paginates versions newest first with page_size up to 500', async () => {
        const pid = await newPrompt();
        const base = `/api/prompts/${pid}`;
        for (let i = 0; i < 3; i++)
          await t.call<VersionsCreateBody>('POST', `${base}/versions/`, { body: V });
        const p1 = await t.call<VersionsListBody>('GET', `${base}/versions/?page_size=2`, {
          headers: { host: 'h.test' },
        });
        expect(p1.body).toMatchObject({ count: 3, previous: null });
        expect(p1.body.results.map((v: { version: number }) => v.version)).toEqual([3, 2]);
        expect(p1.body.next).toBe(`http://h.test${base}/versions/?page_size=2&page=2`);
        const p2 = await t.call<VersionsListBody>('GET', `${base}/versions/?page_size=2&page=2`);
        expect(p2.body.results.map((v: { version: number }) => v.version)).toEqual([1]);
        expect(p2.body.next).toBeNull();
        expect(
          (await t.call<VersionsListBody>('GET', `${base}/versions/?page_size=900`)).body.results,
        ).toHaveLength(3);
      });
    });

    describe('security', () => {
      it('401 without a key on every version route', async () => {
        const pid = await newPrompt();
        const base = `/api/prompts/${pid}`;
        for (const [method, path] of [
          ['GET', `${base}/versions/`],
          ['POST', `${base}/versions/`],
          ['GET', `${base}/versions/1/`],
          ['PATCH', `${base}/versions/1/`],
          ['DELETE', `${base}/versions/1/`],
          ['POST', `${base}/commits/`],
          ['POST', `${base}/deployments/`],
        ] as const) {
          const res = await t.call(method, path, { key: null, body: method === 'GET' ? undefined : {} });
          expect(res.status, `${method} ${path}`).toBe(401);
          expect(res.body).toEqual({ detail: 'Authentication credentials were not provided.' });
        }
      });

      it('403 for a viewer that writes; reads are allowed', async () => {
        const pid = await newPrompt();
        const base = `/api/prompts/${pid}`;
        await t.call<VersionsCreateBody>('POST', `${base}/versions/`, { body: V });
        expect(
          (await t.call<VersionsGetBody>('GET', `${base}/versions/1/`, { key: t.keys.viewer })).status,
        ).toBe(200);
        for (const [method, path, body] of [
          ['POST', `${base}/versions/`, V],
          ['PATCH', `${base}/versions/1/`, { temperature: 1 }],
          ['PATCH', `${base}/versions/1/`, { deploy: true }],
          ['DELETE', `${base}/versions/1/`, undefined],
          ['POST', `${base}/commits/`, {}],
          ['POST', `${base}/deployments/`, { version: 1 }],
        ] as const) {
          const res = await t.call(method, path, { key: t.keys.viewer, body });
          expect(res.status, `${method} ${path}`).toBe(403);
        }
        expect((await t.call<VersionsGetBody>('GET', `${base}/versions/1/`)).body).toMatchObject({
          temperature: 0.7,
          is_deployed: false,
        });
      });

      it("404 for another workspace's prompt on every version route", async () => {
        const pid = await newPrompt();
        const base = `/api/prompts/${pid}`;
        await t.call<VersionsCreateBody>('POST', `${base}/versions/`, { body: V });
        for (const [method, path, body] of [
          ['GET', `${base}/versions/`, undefined],
          ['GET', `${base}/versions/1/`, undefined],
          ['POST', `${base}/versions/`, V],
          ['PATCH', `${base}/versions/1/`, { temperature: 1 }],
          ['DELETE', `${base}/versions/1/`, undefined],
          ['POST', `${base}/commits/`, {}],
          ['POST', `${base}/deployments/`, { version: 1 }],
        ] as const) {
          const res = await t.call(method, path, { key: t.keys.otherEditor, body });
          expect(res.status, `${method} ${path}`).toBe(404);
        }
      });
    });
  });
}
