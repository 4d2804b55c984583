import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { backends } from '../../../../test/support/stores.ts';
import { startTestApp, type TestApp, type ResponseOf } from '../../../../test/support/app.ts';
import type { ErrorT, PromptT, ValidationErrorT } from '../responses.ts';
import type { schema as promptlayerGetRaw } from '../../promptlayer/routes/get-raw.ts';
import type { schema as keywordsaiPromptsGet } from '../../keywordsai/routes/prompts-get.ts';
import type { schema as nativePromptsCreate } from '../../native/routes/prompts-create.ts';
import type { schema as nativePromptsGet } from '../../native/routes/prompts-get.ts';
import type { schema as promptsCreate } from './prompts-create.ts';
import type { schema as promptsGet } from './prompts-get.ts';
import type { schema as promptsList } from './prompts-list.ts';
import type { schema as promptsUpdate } from './prompts-update.ts';

const P = (ws = 'default') => `/apis/models/v2/workspaces/${ws}/prompts`;
const TS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/;

const full = {
  name: 'weather-bot',
  description: 'Tool-calling demo',
  messages: [
    { role: 'system', content: 'You can call tools.' },
    { role: 'user', content: 'What is the weather in {{ city }}?', extra: 'ignored' },
  ],
  input_variables: ['city', 'declared_only'],
  tools: [
    {
      type: 'function',
      function: {
        name: 'get_weather',
        description: 'Get weather',
        parameters: { type: 'object', properties: { city: { type: 'string' } } },
      },
    },
  ],
  tool_choice: 'auto',
  response_format: { type: 'json_object' },
  inference_params: { model: 'meta/llama-3.1-8b-instruct', temperature: 0.2, max_tokens: 256, seed: 7 },
  tags: ['demo'],
  workspace: 'ignored-unknown-field',
};

for (const backend of backends) {
  describe.skipIf(!backend.available)(`NeMo prompts API on ${backend.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp(backend);
      await t.call('POST', '/apis/entities/v2/workspaces/default/projects', { body: { name: 'proj-a' } });
      await t.call('POST', '/apis/entities/v2/workspaces/default/projects', { body: { name: 'proj-b' } });
    });
    afterAll(() => t?.close());
    let n = 0;
    const fresh = (prefix = 'p') => `${prefix}-${++n}`;
    const create = async (body: Record<string, unknown>, ws = 'default') => {
      const res = await t.call<ResponseOf<typeof promptsCreate, 201>>('POST', P(ws), { body });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body;
    };

    describe('happy path', () => {
      it('creates (201) a prompt with every field and returns the full object with nulls', async () => {
        const res = await t.call<ResponseOf<typeof promptsCreate, 201>>('POST', P(), { body: full });
        expect(res.status).toBe(201);
        expect(res.headers.location).toBeUndefined();
        expect(res.body).toEqual({
          id: expect.stringMatching(/^prompt-[1-9A-HJ-NP-Za-km-z]{20,23}$/),
          name: 'weather-bot',
          workspace: 'default',
          project: null,
          created_at: expect.stringMatching(TS),
          updated_at: expect.stringMatching(TS),
          description: 'Tool-calling demo',
          messages: [
            { role: 'system', content: 'You can call tools.' },
            { role: 'user', content: 'What is the weather in {{ city }}?' },
          ],
          input_variables: ['city', 'declared_only'],
          tools: [
            {
              type: 'function',
              function: {
                name: 'get_weather',
                description: 'Get weather',
                parameters: { type: 'object', properties: { city: { type: 'string' } } },
                strict: null,
              },
            },
          ],
          tool_choice: 'auto',
          response_format: { type: 'json_object' },
          inference_params: {
            model: 'meta/llama-3.1-8b-instruct',
            temperature: 0.2,
            top_p: null,
            max_tokens: 256,
            max_completion_tokens: null,
            stop: null,
            seed: 7,
          },
          tags: ['demo'],
        });
        const got = await t.call<PromptT>('GET', `${P()}/weather-bot`, { key: t.keys.viewer });
        expect(got.status).toBe(200);
        expect(got.body).toEqual(res.body);
      });

      it('stores the defaults for a minimal body (tags null → [])', async () => {
        const body = await create({ name: 'minimal-one', tags: null });
        expect(body).toMatchObject({
          project: null,
          description: null,
          messages: [],
          input_variables: [],
          tools: null,
          tool_choice: null,
          response_format: null,
          inference_params: null,
          tags: [],
        });
      });

      it('accepts an existing project and a named-tool tool_choice', async () => {
        const body = await create({
          name: fresh(),
          project: 'proj-a',
          tool_choice: { type: 'function', function: { name: 'f' } },
          inference_params: {},
        });
        expect(body.project).toBe('proj-a');
        expect(body.tool_choice).toEqual({ type: 'function', function: { name: 'f' } });
        expect(body.inference_params).toEqual({
          model: null,
          temperature: null,
          top_p: null,
          max_tokens: null,
          max_completion_tokens: null,
          stop: null,
        });
      });

      it('deletes (204, empty body); the name can be used again', async () => {
        const name = fresh();
        await create({ name });
        const del = await t.call('DELETE', `${P()}/${name}`);
        expect(del.status).toBe(204);
        expect(del.raw).toBe('');
        expect((await t.call('GET', `${P()}/${name}`)).status).toBe(404);
        await create({ name });
      });
    });

    describe('PUT is a full replacement', () => {
      it('resets every omitted field and keeps name, id, created_at; updated_at moves', async () => {
        const before = await create({ ...full, name: 'replace-me', project: 'proj-a' });
        await new Promise((r) => setTimeout(r, 5));
        const res = await t.call<ResponseOf<typeof promptsUpdate>>('PUT', `${P()}/replace-me`, {
          body: { name: 'renamed-ignored' },
        });
        expect(res.status).toBe(200);
        expect(res.body).toEqual({
          id: before.id,
          name: 'replace-me',
          workspace: 'default',
          project: null,
          created_at: before.created_at,
          updated_at: expect.stringMatching(TS),
          description: null,
          messages: [],
          input_variables: [],
          tools: null,
          tool_choice: null,
          response_format: null,
          inference_params: null,
          tags: [],
        });
        expect(res.body.updated_at! > before.updated_at!).toBe(true);
        expect((await t.call<ResponseOf<typeof promptsGet>>('GET', `${P()}/replace-me`)).body).toEqual(
          res.body,
        );
      });

      const fields: [string, unknown, unknown][] = [
        ['description', 'new text', null],
        ['messages', [{ role: 'developer', content: 'Hi {{ x }}' }], []],
        ['input_variables', ['x'], []],
        ['tools', [{ type: 'function', function: { name: 'g', strict: true } }], null],
        ['tool_choice', 'required', null],
        ['response_format', { type: 'json_schema', json_schema: { name: 's' } }, null],
        ['inference_params', { top_p: 0.5, stop: ['END'] }, null],
        ['tags', ['x', 'y'], []],
        ['project', 'proj-b', null],
      ];
      for (const [field, value, reset] of fields) {
        it(`sets ${field} when sent and resets it to ${JSON.stringify(reset)} when omitted`, async () => {
          const name = fresh('put');
          await create({ name, description: 'd', tags: ['t'], project: 'proj-a', tool_choice: 'auto' });
          const set = await t.call<ResponseOf<typeof promptsUpdate>>('PUT', `${P()}/${name}`, {
            body: { [field]: value },
          });
          expect(set.status, JSON.stringify(set.body)).toBe(200);
          const shown = set.body[field as keyof typeof set.body] as any;
          if (field === 'tools')
            expect(shown[0].function).toEqual({
              name: 'g',
              description: null,
              parameters: null,
              strict: true,
            });
          else if (field === 'inference_params')
            expect(shown).toMatchObject({ top_p: 0.5, stop: ['END'], model: null });
          else expect(shown).toEqual(value);
          const cleared = await t.call<ResponseOf<typeof promptsUpdate>>('PUT', `${P()}/${name}`, {
            body: {},
          });
          expect(cleared.status).toBe(200);
          expect(cleared.body[field as keyof typeof cleared.body]).toEqual(reset);
        });
      }

      it('keeps each PUT as a committed version in the native API', async () => {
        const created = await create({
          name: 'versioned',
          messages: [{ role: 'user', content: 'v1 {{ a }}' }],
          input_variables: ['a'],
        });
        await t.call('PUT', `${P()}/versioned`, {
          body: {
            messages: [{ role: 'user', content: 'v2 {{ b }}' }],
            input_variables: ['b'],
            inference_params: { model: 'm', temperature: 1 },
          },
        });
        const native = await t.call<ResponseOf<typeof nativePromptsGet>>('GET', `/v1/prompts/versioned`);
        expect(native.status).toBe(200);
        const id = native.body.prompt.id as string;
        expect(created.id?.startsWith('prompt-')).toBe(true);
        const { uuidToBase58 } = await import('../../../model/ids.ts');
        expect(created.id).toBe(`prompt-${uuidToBase58(id)}`);
        const history = await t.registry.listVersions(
          (await t.registry.authenticate(t.keys.editor))!,
          { id },
          { limit: 10, offset: 0, order: 'asc' },
        );
        expect(history.items.map((v) => [v.number, v.status, v.templateFormat, v.inputVariables])).toEqual([
          [1, 'committed', 'jinja2', ['a']],
          [2, 'committed', 'jinja2', ['b']],
        ]);
        expect(history.items[1]).toMatchObject({ model: 'm', params: { temperature: 1 } });
      });
    });

    describe('a prompt written elsewhere', () => {
      it('a NeMo prompt is visible to Keywords AI and PromptLayer', async () => {
        await create({
          name: 'cross-dialect',
          messages: [{ role: 'user', content: 'Hi {{ who }}' }],
          input_variables: ['who'],
          inference_params: { model: 'gpt-4o', temperature: 0.5 },
        });
        const native = await t.call<ResponseOf<typeof nativePromptsGet>>('GET', '/v1/prompts/cross-dialect');
        const hex = (native.body.prompt.id as string).replace(/-/g, '');
        const kw = await t.call<ResponseOf<typeof keywordsaiPromptsGet>>('GET', `/api/prompts/${hex}`);
        expect(kw.status).toBe(200);
        expect(kw.body).toMatchObject({
          name: 'cross-dialect',
          current_version: {
            messages: [{ role: 'user', content: 'Hi {{ who }}' }],
            model: 'gpt-4o',
            temperature: 0.5,
          },
        });
        const pl = await t.call<ResponseOf<typeof promptlayerGetRaw>>(
          'GET',
          '/prompt-templates/cross-dialect',
          {
            auth: 'x-api-key',
          },
        );
        expect(pl.status).toBe(200);
        expect(pl.body.prompt_template.messages![0]).toMatchObject({
          role: 'user',
          template_format: 'jinja2',
        });
        expect(pl.body.metadata).not.toHaveProperty('nemo_inference_params');
      });

      it('shows a native jinja2 prompt with its latest version', async () => {
        const res = await t.call<ResponseOf<typeof nativePromptsCreate, 201>>('POST', '/v1/prompts', {
          body: {
            name: 'native-made',
            description: 'from native',
            tags: ['n'],
            version: {
              template_format: 'jinja2',
              messages: [{ role: 'user', content: 'Hello {{ who }}' }],
              model: 'gpt-4o',
              params: { temperature: 0.3 },
            },
          },
        });
        expect(res.status).toBe(201);
        const got = await t.call<ResponseOf<typeof promptsGet>>('GET', `${P()}/native-made`);
        expect(got.status).toBe(200);
        expect(got.body).toMatchObject({
          name: 'native-made',
          description: 'from native',
          tags: ['n'],
          messages: [{ role: 'user', content: 'Hello {{ who }}' }],
          input_variables: ['who'],
          inference_params: { model: 'gpt-4o', temperature: 0.3, top_p: null },
        });
        const list = await t.call<ResponseOf<typeof promptsList>>('GET', `${P()}?filter[name]=native-made`);
        expect(list.body.data).toHaveLength(1);
        expect(list.body.data[0]?.inference_params).toEqual({ model: 'gpt-4o', temperature: 0.3 });
      });
    });

    describe('list', () => {
      const ws = 'listing';
      beforeAll(async () => {
        expect(
          (await t.call('POST', '/apis/entities/v2/workspaces', { key: t.keys.admin, body: { name: ws } }))
            .status,
        ).toBe(201);
        await t.call('POST', `/apis/entities/v2/workspaces/${ws}/projects`, {
          key: t.keys.admin,
          body: { name: 'grp' },
        });
        for (const [name, extra] of [
          ['alpha-summarizer', { description: 'Summarizes documents', project: 'grp' }],
          ['beta-translator', { description: 'Translates text', inference_params: { model: 'm2' } }],
          ['gamma-summarizer', { tags: ['x'] }],
        ] as const) {
          const res = await t.call<ResponseOf<typeof promptsCreate, 201>>('POST', P(ws), {
            key: t.keys.admin,
            body: { name, ...extra },
          });
          expect(res.status).toBe(201);
          await new Promise((r) => setTimeout(r, 3));
        }
      });
      const list = (qs: string) =>
        t.call<ResponseOf<typeof promptsList>>('GET', `${P(ws)}${qs}`, { key: t.keys.admin });
      // Error bodies: NeMo's `detail` is declared loosely (text, or a list of validation errors).
      const listErr = <T = ErrorT>(qs: string) => t.call<T>('GET', `${P(ws)}${qs}`, { key: t.keys.admin });
      const names = (res: { body: { data: { name?: string }[] } }) => res.body.data.map((d) => d.name);

      it('pages with the v2 envelope; items drop null fields; default sort created_at', async () => {
        const res = await list('');
        expect(res.status).toBe(200);
        expect(res.body.pagination).toEqual({
          page: 1,
          page_size: 100,
          current_page_size: 3,
          total_pages: 1,
          total_results: 3,
        });
        expect(res.body.sort).toBe('created_at');
        expect(res.body).not.toHaveProperty('filter');
        expect(names(res)).toEqual(['alpha-summarizer', 'beta-translator', 'gamma-summarizer']);
        const gamma = res.body.data[2];
        expect(gamma).not.toHaveProperty('description');
        expect(gamma).not.toHaveProperty('project');
        expect(gamma).not.toHaveProperty('inference_params');
        expect(gamma).toMatchObject({ messages: [], input_variables: [], tags: ['x'] });
        expect(res.body.data[1]?.inference_params).toEqual({ model: 'm2' });
        const p2 = await list('?page=2&page_size=2');
        expect(p2.body.pagination).toEqual({
          page: 2,
          page_size: 2,
          current_page_size: 1,
          total_pages: 2,
          total_results: 3,
        });
        expect((await list('?page=9')).body.data).toEqual([]);
      });

      it('sorts by each of the six values', async () => {
        expect(names(await list('?sort=-name'))).toEqual([
          'gamma-summarizer',
          'beta-translator',
          'alpha-summarizer',
        ]);
        expect(names(await list('?sort=name'))).toEqual([
          'alpha-summarizer',
          'beta-translator',
          'gamma-summarizer',
        ]);
        expect(names(await list('?sort=-created_at'))[0]).toBe('gamma-summarizer');
        expect(names(await list('?sort=created_at'))[0]).toBe('alpha-summarizer');
        expect(names(await list('?sort=updated_at'))[0]).toBe('alpha-summarizer');
        const desc = await list('?sort=-updated_at');
        expect(desc.body.sort).toBe('-updated_at');
        expect(names(desc)[0]).toBe('gamma-summarizer');
      });

      it('filters in bracket, JSON and text syntax', async () => {
        expect(names(await list('?filter[name][$like]=SUMM'))).toEqual([
          'alpha-summarizer',
          'gamma-summarizer',
        ]);
        expect(names(await list('?filter[project]=grp'))).toEqual(['alpha-summarizer']);
        expect(
          names(await list('?filter[name]=beta-translator,gamma-summarizer&filter[workspace]=elsewhere')),
        ).toEqual(['beta-translator', 'gamma-summarizer']);
        const json = encodeURIComponent('{"$or":[{"description":{"$like":"translat"}},{"data.tags":"x"}]}');
        expect(names(await list(`?filter=${json}`))).toEqual(['beta-translator', 'gamma-summarizer']);
        const text = encodeURIComponent('name~"summ" -project:"grp" created_at>="2020-01-01T00:00:00"');
        const res = await list(`?filter=${text}&page_size=1`);
        expect(names(res)).toEqual(['gamma-summarizer']);
        expect(res.body.pagination.total_results).toBe(1);
        expect(
          names(await list(`?filter=${encodeURIComponent('data.inference_params.model:"m2"')}`)),
        ).toEqual(['beta-translator']);
        expect(names(await list('?filter[created_at][$lt]=2000-01-01'))).toEqual([]);
      });

      it('filters, sorts and pages in the database: later pages are right, also for version filters', async () => {
        const deep = 'deep-paging';
        const admin = { key: t.keys.admin };
        await t.call('POST', '/apis/entities/v2/workspaces', { ...admin, body: { name: deep } });
        for (const x of ['e', 'b', 'g', 'a', 'f', 'c', 'd']) {
          const body = {
            name: `item-${x}`,
            tags: x === 'c' ? ['drop'] : ['keep'],
            inference_params: { model: `model-${x}` },
          };
          expect((await t.call('POST', P(deep), { ...admin, body })).status).toBe(201);
        }
        const page = (filter: string, n: number) =>
          t.call<ResponseOf<typeof promptsList>>(
            'GET',
            `${P(deep)}?filter=${encodeURIComponent(filter)}&sort=-name&page_size=2&page=${n}`,
            admin,
          );
        const inSql = await page('data.tags:"keep" name~"item"', 2);
        expect(names(inSql)).toEqual(['item-e', 'item-d']);
        expect(inSql.body.pagination).toMatchObject({
          total_results: 6,
          total_pages: 3,
          current_page_size: 2,
        });
        expect(names(await page('data.tags:"keep" name~"item"', 3))).toEqual(['item-b', 'item-a']);
        // A filter on version content is decided in memory over every candidate: same answer.
        const inMemory = await page('data.inference_params.model~"model" -data.tags:"drop"', 2);
        expect(names(inMemory)).toEqual(['item-e', 'item-d']);
        expect(inMemory.body.pagination.total_results).toBe(6);
      });

      it('answers 400 with detail to an unknown filter field and to a bad filter', async () => {
        const res = await listErr('?filter[colour]=red');
        expect(res.status).toBe(400);
        expect(res.body.detail).toMatch(
          /^Unknown filter field 'colour'\. Valid fields: \['workspace', 'project'/,
        );
        expect((await listErr(`?filter=${encodeURIComponent('{"name":')}`)).body).toEqual({
          detail: 'Invalid JSON in filter parameter',
        });
        expect((await listErr(`?filter=${encodeURIComponent('name~"ab"')}`)).status).toBe(400);
        expect((await listErr('?filter[created_at][$gte]=yesterday')).status).toBe(400);
      });

      it('answers 422 to a bad page, page_size or sort', async () => {
        const cases: [string, string, string][] = [
          ['?page=0', 'page', 'greater_than_equal'],
          ['?page=x', 'page', 'int_parsing'],
          ['?page_size=0', 'page_size', 'greater_than_equal'],
          ['?page_size=1001', 'page_size', 'less_than_equal'],
          ['?sort=size', 'sort', 'enum'],
        ];
        for (const [qs, field, type] of cases) {
          const res = await listErr<ValidationErrorT>(qs);
          expect(res.status, qs).toBe(422);
          expect(res.body.detail[0]).toMatchObject({ type, loc: ['query', field] });
        }
        expect((await listErr<ValidationErrorT>('?sort=size')).body.detail[0]!.msg).toBe(
          "Input should be 'name', '-name', 'created_at', '-created_at', 'updated_at' or '-updated_at'",
        );
      });

      it('answers 404 for an unknown workspace', async () => {
        const res = await t.call<ResponseOf<typeof promptsList, '4xx'>>('GET', P('nowhere'), {
          key: t.keys.admin,
        });
        expect(res.status).toBe(404);
        expect(res.body).toEqual({ detail: "Workspace 'nowhere' not found" });
      });
    });

    describe('validation errors (422, FastAPI shape)', () => {
      const cases: [string, Record<string, unknown>, (string | number)[], string][] = [
        ['missing name', {}, ['body', 'name'], 'missing'],
        ['name not a string', { name: 5 }, ['body', 'name'], 'string_type'],
        ['name pattern', { name: 'Bad Name' }, ['body', 'name'], 'string_pattern_mismatch'],
        ['name with --', { name: 'a--b' }, ['body', 'name'], 'string_pattern_mismatch'],
        ['name too long', { name: 'a'.repeat(64) }, ['body', 'name'], 'string_too_long'],
        ['project pattern', { project: 'bad project' }, ['body', 'project'], 'string_pattern_mismatch'],
        ['project too long', { project: 'p'.repeat(256) }, ['body', 'project'], 'string_too_long'],
        [
          'description too long',
          { description: 'd'.repeat(1001) },
          ['body', 'description'],
          'string_too_long',
        ],
        ['messages null', { messages: null }, ['body', 'messages'], 'list_type'],
        ['bad role', { messages: [{ role: 'tool', content: 'x' }] }, ['body', 'messages', 0, 'role'], 'enum'],
        [
          'message without content',
          { messages: [{ role: 'user' }] },
          ['body', 'messages', 0, 'content'],
          'missing',
        ],
        ['input_variables null', { input_variables: null }, ['body', 'input_variables'], 'list_type'],
        [
          'tool type',
          { tools: [{ type: 'retrieval', function: { name: 'f' } }] },
          ['body', 'tools', 0, 'type'],
          'literal_error',
        ],
        [
          'tool without function',
          { tools: [{ type: 'function' }] },
          ['body', 'tools', 0, 'function'],
          'missing',
        ],
        ['tool_choice a number', { tool_choice: 3 }, ['body', 'tool_choice'], 'string_type'],
        ['response_format a string', { response_format: 'json' }, ['body', 'response_format'], 'dict_type'],
        [
          'temperature > 2',
          { inference_params: { temperature: 2.5 } },
          ['body', 'inference_params', 'temperature'],
          'less_than_equal',
        ],
        [
          'temperature < 0',
          { inference_params: { temperature: -1 } },
          ['body', 'inference_params', 'temperature'],
          'greater_than_equal',
        ],
        [
          'top_p > 1',
          { inference_params: { top_p: 1.5 } },
          ['body', 'inference_params', 'top_p'],
          'less_than_equal',
        ],
        [
          'max_tokens < 1',
          { inference_params: { max_tokens: 0 } },
          ['body', 'inference_params', 'max_tokens'],
          'greater_than_equal',
        ],
        [
          'max_tokens not int',
          { inference_params: { max_tokens: 1.5 } },
          ['body', 'inference_params', 'max_tokens'],
          'int_type',
        ],
        [
          'max_completion_tokens < 1',
          { inference_params: { max_completion_tokens: 0 } },
          ['body', 'inference_params', 'max_completion_tokens'],
          'greater_than_equal',
        ],
        [
          'both token limits',
          { inference_params: { max_tokens: 5, max_completion_tokens: 5 } },
          ['body', 'inference_params'],
          'value_error',
        ],
        [
          'stop not a list',
          { inference_params: { stop: 'END' } },
          ['body', 'inference_params', 'stop'],
          'list_type',
        ],
        ['tags not a list', { tags: 'x' }, ['body', 'tags'], 'list_type'],
        ['a tag not a string', { tags: [1] }, ['body', 'tags', 0], 'string_type'],
        ['name too short', { name: 'a' }, ['body', 'name'], 'string_pattern_mismatch'],
        ['name with an uppercase letter', { name: 'Abc' }, ['body', 'name'], 'string_pattern_mismatch'],
        ['name ending in -', { name: 'abc-' }, ['body', 'name'], 'string_pattern_mismatch'],
        ['project not a string', { project: 5 }, ['body', 'project'], 'string_type'],
        ['description not a string', { description: 5 }, ['body', 'description'], 'string_type'],
        ['messages not a list', { messages: 'x' }, ['body', 'messages'], 'list_type'],
        ['a message not an object', { messages: ['x'] }, ['body', 'messages', 0], 'model_type'],
        [
          'message without role',
          { messages: [{ content: 'x' }] },
          ['body', 'messages', 0, 'role'],
          'missing',
        ],
        [
          'message content not a string',
          { messages: [{ role: 'user', content: [{ type: 'text', text: 'x' }] }] },
          ['body', 'messages', 0, 'content'],
          'string_type',
        ],
        [
          'an input variable not a string',
          { input_variables: [1] },
          ['body', 'input_variables', 0],
          'string_type',
        ],
        ['tools not a list', { tools: 'x' }, ['body', 'tools'], 'list_type'],
        ['a tool not an object', { tools: ['x'] }, ['body', 'tools', 0], 'model_type'],
        [
          'function not an object',
          { tools: [{ type: 'function', function: 'f' }] },
          ['body', 'tools', 0, 'function'],
          'model_type',
        ],
        [
          'function without name',
          { tools: [{ type: 'function', function: {} }] },
          ['body', 'tools', 0, 'function', 'name'],
          'missing',
        ],
        [
          'function name too long',
          { tools: [{ type: 'function', function: { name: 'f'.repeat(256) } }] },
          ['body', 'tools', 0, 'function', 'name'],
          'string_too_long',
        ],
        [
          'function strict not a boolean',
          { tools: [{ type: 'function', function: { name: 'f', strict: 'yes' } }] },
          ['body', 'tools', 0, 'function', 'strict'],
          'bool_type',
        ],
        [
          'inference_params not an object',
          { inference_params: 'x' },
          ['body', 'inference_params'],
          'model_type',
        ],
        [
          'model not a string',
          { inference_params: { model: 5 } },
          ['body', 'inference_params', 'model'],
          'string_type',
        ],
        [
          'temperature not a number',
          { inference_params: { temperature: 'hot' } },
          ['body', 'inference_params', 'temperature'],
          'float_type',
        ],
        [
          'top_p < 0',
          { inference_params: { top_p: -0.1 } },
          ['body', 'inference_params', 'top_p'],
          'greater_than_equal',
        ],
        [
          'max_completion_tokens not int',
          { inference_params: { max_completion_tokens: 2.5 } },
          ['body', 'inference_params', 'max_completion_tokens'],
          'int_type',
        ],
        [
          'a stop sequence not a string',
          { inference_params: { stop: [1] } },
          ['body', 'inference_params', 'stop', 0],
          'string_type',
        ],
      ];
      for (const [what, body, loc, type] of cases) {
        it(`POST: ${what} → ${type} at ${loc.join('.')}`, async () => {
          const res = await t.call<ValidationErrorT>('POST', P(), {
            body: { name: 'valid-name', ...body, ...(what === 'missing name' ? { name: undefined } : {}) },
          });
          expect(res.status, JSON.stringify(res.body)).toBe(422);
          expect(res.body.detail).toEqual(expect.arrayContaining([expect.objectContaining({ type, loc })]));
          for (const d of res.body.detail) {
            expect(d).toEqual(
              expect.objectContaining({
                type: expect.any(String),
                msg: expect.any(String),
                loc: expect.any(Array),
              }),
            );
            expect(d).toHaveProperty('input');
          }
        });
      }

      it('reports pydantic messages, inputs and ctx', async () => {
        const res = await t.call<ValidationErrorT>('POST', P(), {
          body: {
            name: 'ok-name',
            description: 'd'.repeat(1001),
            inference_params: { temperature: 3 },
            messages: [{ role: 'tool', content: '' }],
          },
        });
        const by = (type: string) => res.body.detail.find((d) => d.type === type);
        expect(by('string_too_long')).toEqual({
          type: 'string_too_long',
          loc: ['body', 'description'],
          msg: 'String should have at most 1000 characters',
          input: 'd'.repeat(1001),
          ctx: { max_length: 1000 },
        });
        expect(by('less_than_equal')).toMatchObject({
          msg: 'Input should be less than or equal to 2',
          input: 3,
          ctx: { le: 2 },
        });
        expect(by('enum')).toMatchObject({
          msg: "Input should be 'system', 'developer', 'user' or 'assistant'",
          input: 'tool',
        });
        const missing = await t.call<ValidationErrorT>('POST', P(), { body: {} });
        expect(missing.body.detail).toEqual([
          { type: 'missing', loc: ['body', 'name'], msg: 'Field required', input: {} },
        ]);
        const both = await t.call<ValidationErrorT>('POST', P(), {
          body: { name: 'ok-name', inference_params: { max_tokens: 1, max_completion_tokens: 2 } },
        });
        expect(both.body.detail[0]!.msg).toMatch(
          /^Value error, max_tokens and max_completion_tokens cannot both be configured\./,
        );
      });

      it('names the expected model in model_type, and the body itself as model_attributes_type', async () => {
        const res = await t.call<ValidationErrorT>('POST', P(), {
          body: { name: 'ok-name', inference_params: 'x' },
        });
        expect(res.body.detail).toEqual([
          {
            type: 'model_type',
            loc: ['body', 'inference_params'],
            msg: 'Input should be a valid dictionary or instance of InferenceParams',
            input: 'x',
            ctx: { class_name: 'InferenceParams' },
          },
        ]);
        const list = await t.call<ResponseOf<typeof promptsCreate, '4xx'>>('POST', P(), { body: '[1]' });
        expect(list.status).toBe(422);
        expect(list.body.detail).toEqual([
          {
            type: 'model_attributes_type',
            loc: ['body'],
            msg: 'Input should be a valid dictionary or object to extract fields from',
            input: [1],
          },
        ]);
      });

      it('allows one token limit when the other is null', async () => {
        const res = await t.call<ResponseOf<typeof promptsCreate, 201>>('POST', P(), {
          body: { name: 'one-limit', inference_params: { max_tokens: 5, max_completion_tokens: null } },
        });
        expect(res.status).toBe(201);
        expect(res.body.inference_params).toMatchObject({ max_tokens: 5, max_completion_tokens: null });
      });

      it('reports a missing or unparsable body', async () => {
        const none = await t.call<ValidationErrorT>('POST', P());
        expect(none.status).toBe(422);
        expect(none.body.detail[0]).toMatchObject({ type: 'missing', loc: ['body'] });
        const bad = await t.call<ValidationErrorT>('POST', P(), { body: '{"name":' });
        expect(bad.status).toBe(422);
        expect(bad.body.detail[0]).toMatchObject({ type: 'json_invalid', loc: ['body', 0] });
      });

      it('validates PUT bodies the same way and ignores unknown top-level keys', async () => {
        await create({ name: 'put-validate' });
        const res = await t.call<ValidationErrorT>('PUT', `${P()}/put-validate`, {
          body: { messages: null },
        });
        expect(res.status).toBe(422);
        expect(res.body.detail[0]).toMatchObject({ type: 'list_type', loc: ['body', 'messages'] });
        const ok = await t.call('PUT', `${P()}/put-validate`, {
          body: { id: 'x', created_at: 'y', whatever: 1 },
        });
        expect(ok.status).toBe(200);
      });

      it('reports a path value over 255 characters at loc path', async () => {
        const res = await t.call<ValidationErrorT>('GET', `${P()}/${'a'.repeat(256)}`);
        expect(res.status).toBe(422);
        expect(res.body.detail[0]).toMatchObject({ type: 'string_too_long', loc: ['path', 'name'] });
      });
    });

    describe('application errors', () => {
      it('409 on a duplicate name, with NeMo text', async () => {
        await create({ name: 'dupe' });
        const res = await t.call<ResponseOf<typeof promptsCreate, '4xx'>>('POST', P(), {
          body: { name: 'dupe' },
        });
        expect(res.status).toBe(409);
        expect(res.body).toEqual({
          detail: "Prompt with workspace 'default' and name 'dupe' already exists",
        });
      });

      it('404 on GET, PUT and DELETE of a missing prompt', async () => {
        for (const method of ['GET', 'PUT', 'DELETE'] as const) {
          const res = await t.call(method, `${P()}/nope`, method === 'PUT' ? { body: {} } : {});
          expect(res.status, method).toBe(404);
          expect(res.body).toEqual({ detail: 'Prompt not found: default/nope' });
        }
      });

      it('422 for an unknown workspace or project', async () => {
        const ws = await t.call<ResponseOf<typeof promptsCreate, '4xx'>>('POST', P('ghost'), {
          key: t.keys.admin,
          body: { name: 'x-ghost' },
        });
        expect(ws.status).toBe(422);
        expect(ws.body).toEqual({
          detail: "Workspace 'ghost' does not exist. Please create the workspace first.",
        });
        const pr = await t.call<ResponseOf<typeof promptsCreate, '4xx'>>('POST', P(), {
          body: { name: 'x-proj', project: 'ghost-proj' },
        });
        expect(pr.status).toBe(422);
        expect(pr.body).toEqual({
          detail:
            "Project 'ghost-proj' does not exist in workspace 'default'. Please create the project first.",
        });
        const original = await create({ name: 'put-proj', description: 'kept' });
        const put = await t.call<ResponseOf<typeof promptsUpdate, '4xx'>>('PUT', `${P()}/put-proj`, {
          body: { project: 'ghost-proj' },
        });
        expect(put.status).toBe(422);
        expect(put.body.detail).toMatch(/^Project 'ghost-proj' does not exist/);
        // The failed PUT changed nothing: no new version, same object.
        const after = await t.call<ResponseOf<typeof promptsGet>>('GET', `${P()}/put-proj`);
        expect(after.body).toEqual(original);
        const native = await t.call<ResponseOf<typeof nativePromptsGet>>('GET', '/v1/prompts/put-proj');
        expect(native.body.prompt.latest_version).toBe(1);
      });
    });

    describe('hostile input', () => {
      it('never answers 500 to random filters or bodies', async () => {
        await create({ name: 'hostile-target' });
        await fc.assert(
          fc.asyncProperty(
            fc.string({ maxLength: 80 }),
            fc.stringMatching(/^filter(\[[\w$.]{0,10}\]){0,3}$/),
            fc.string({ maxLength: 20 }),
            async (text, key, value) => {
              // Only a 400's body is read.
              const a = await t.call<ErrorT>('GET', `${P()}?filter=${encodeURIComponent(text)}`);
              const b = await t.call<ErrorT>(
                'GET',
                `${P()}?${encodeURIComponent(key)}=${encodeURIComponent(value)}`,
              );
              for (const r of [a, b]) {
                expect([200, 400]).toContain(r.status);
                if (r.status === 400) expect(typeof r.body.detail).toBe('string');
              }
            },
          ),
          { numRuns: 40 },
        );
        await fc.assert(
          fc.asyncProperty(fc.jsonValue({ maxDepth: 3 }), async (body) => {
            // A 200 or a 422: the fields of either (every prompt field is optional).
            const r = await t.call<ResponseOf<typeof promptsUpdate> & Partial<ValidationErrorT>>(
              'PUT',
              `${P()}/hostile-target`,
              {
                body: JSON.stringify(body),
              },
            );
            expect([200, 422]).toContain(r.status);
            if (r.status === 422) expect(r.body.detail).toEqual(expect.any(Array));
            else expect(r.body.name).toBe('hostile-target');
          }),
          { numRuns: 40 },
        );
      });
    });

    describe('security', () => {
      it('401 without a key or with a wrong key, in NeMo envelope', async () => {
        for (const key of [null, 'lec_wrong']) {
          const res = await t.call<ResponseOf<typeof promptsList, '4xx'>>('GET', P(), { key });
          expect(res.status).toBe(401);
          expect(res.body).toEqual({ detail: 'Not authenticated' });
        }
      });

      it('accepts Bearer and X-API-KEY', async () => {
        expect((await t.call('GET', P(), { auth: 'x-api-key' })).status).toBe(200);
        expect((await t.call('GET', P(), { auth: 'bearer' })).status).toBe(200);
      });

      it('403 when a viewer writes; viewers read', async () => {
        await create({ name: 'viewer-target' });
        const post = await t.call<ResponseOf<typeof promptsCreate, '4xx'>>('POST', P(), {
          key: t.keys.viewer,
          body: { name: 'by-viewer' },
        });
        expect(post.status).toBe(403);
        expect(typeof post.body.detail).toBe('string');
        expect((await t.call('PUT', `${P()}/viewer-target`, { key: t.keys.viewer, body: {} })).status).toBe(
          403,
        );
        expect((await t.call('DELETE', `${P()}/viewer-target`, { key: t.keys.viewer })).status).toBe(403);
        expect((await t.call('GET', `${P()}/viewer-target`, { key: t.keys.viewer })).status).toBe(200);
      });

      it('another workspace is invisible: 404', async () => {
        await create({ name: 'mine-only' });
        for (const method of ['GET', 'PUT', 'DELETE'] as const) {
          const res = await t.call(method, `${P()}/mine-only`, {
            key: t.keys.otherEditor,
            ...(method === 'PUT' ? { body: {} } : {}),
          });
          expect(res.status, method).toBe(404);
          expect(res.body).toEqual({ detail: 'Prompt not found: default/mine-only' });
        }
        const list = await t.call('GET', P(), { key: t.keys.otherViewer });
        expect(list.status).toBe(404);
        expect((await t.call('GET', `${P()}/mine-only`)).status).toBe(200);
      });
    });
  });
}
