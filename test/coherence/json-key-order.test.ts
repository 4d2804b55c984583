// Stored JSON comes back as it was sent: for objects with arbitrary keys — integer-like ("2",
// "10"), `__proto__`, `constructor`, empty, non-ASCII — in any order, a version written through
// any of the four APIs reads back through every API that shows the field with the very text that
// was sent (the check is on the response bytes, not on a parsed value), PromptLayer's
// `llm_kwargs` included. Both backends.
import { kaVariables } from '../../src/dialects/keywordsai/foreign-view.ts';
import { providerParameters } from '../../src/dialects/promptlayer/foreign-view.ts';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/stores.ts';
import { startTestApp, type TestApp, type ResponseOf } from '../support/app.ts';
import { objectOf } from '../../src/model/json-order.ts';
import type { JsonObject } from '../../src/model/types.ts';
import type { schema as keywordsaiPromptsCreate } from '../../src/dialects/keywordsai/routes/prompts-create.ts';
import type { schema as keywordsaiVersionsList } from '../../src/dialects/keywordsai/routes/versions-list.ts';
import type { schema as nativePromptsGet } from '../../src/dialects/native/routes/prompts-get.ts';
import type { schema as promptlayerGetRendered } from '../../src/dialects/promptlayer/routes/get-rendered.ts';

const RUNS = Number(process.env.LECTERN_ORDER_RUNS ?? 12);

// Text the server must accept: no NUL, no lone surrogate (those are refused with a 400).
const storable = (s: string) =>
  !s.includes('\u0000') && (s as unknown as { isWellFormed(): boolean }).isWellFormed();
const text = fc
  .oneof(fc.string({ maxLength: 8 }), fc.string({ unit: 'grapheme', maxLength: 4 }))
  .filter(storable);
const key = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('2', '10', '0', '4294967294', '4294967295', '01', '-1', '1.5') },
  { weight: 2, arbitrary: fc.nat({ max: 100 }).map(String) },
  {
    weight: 2,
    arbitrary: fc.constantFrom('__proto__', 'constructor', 'toString', '', 'reasoning', 'answer', 'a.b'),
  },
  { weight: 3, arbitrary: text },
);
// A double JSON can carry and give back as written: finite, not -0 (JSON.stringify writes it as 0).
const num = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !Object.is(x, -0)),
);

/** Objects are built with their generated key order (JSON.stringify writes exactly that order). */
const { value: jsonValue } = fc.letrec<{ value: unknown; object: Record<string, unknown> }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    text,
    num,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    tie('object'),
  ),
  object: fc
    .uniqueArray(fc.tuple(key, tie('value')), { selector: ([k]) => k, maxLength: 5 })
    .map((entries) => objectOf(entries)),
}));
const object = fc
  .uniqueArray(fc.tuple(key, jsonValue), { selector: ([k]) => k, minLength: 1, maxLength: 6 })
  .map((entries) => objectOf(entries));

interface Sent {
  schema: Record<string, unknown>; // a JSON schema's `properties`
  extra: Record<string, unknown>; // an unknown key on a message
  params: Record<string, unknown>; // model parameters beyond the known ones
  variables: Record<string, unknown>; // variable defaults
  metadata: Record<string, unknown>;
}
const sentArb: fc.Arbitrary<Sent> = fc.record({
  schema: object,
  extra: object,
  params: object,
  variables: object,
  metadata: object,
});

const J = (v: unknown) => JSON.stringify(v);
const tools = (s: Sent) => [
  {
    type: 'function',
    function: {
      name: 'answer',
      description: 'd',
      parameters: { type: 'object', properties: s.schema },
      strict: null,
    },
  },
];
const responseFormat = (s: Sent) => ({
  type: 'json_schema',
  json_schema: { name: 'out', schema: { type: 'object', properties: s.schema } },
});
const jsonSchema = (s: Sent) => ({ type: 'object', properties: s.schema });
const messages = (s: Sent) => [{ role: 'user', content: 'Hello', x_extra: s.extra }];

type Field =
  'tools' | 'response_format' | 'json_schema' | 'message_extra' | 'params' | 'variables' | 'metadata';
/** The text a field must appear as in an answer of `reader`. */
function expected(field: Field, reader: string, s: Sent, writer: string): string {
  switch (field) {
    case 'tools':
      return `"tools":${J(tools(s))}`;
    case 'response_format':
      return `"response_format":${J(responseFormat(s))}`;
    case 'json_schema':
      return `"json_schema":${J(jsonSchema(s))}`;
    case 'message_extra':
      return `"x_extra":${J(s.extra)}`;
    // Other keys may follow the client's: a dialect's own, response_format in PromptLayer's parameters.
    case 'params': {
      // NeMo reads a null inference parameter as "not set".
      // PromptLayer shows another API's parameters as its provider takes them (foreign-view.ts):
      // nulls and routing keys dropped, the rest in their order.
      const params =
        reader === 'promptlayer' && writer !== 'promptlayer'
          ? providerParameters(s.params as JsonObject, 'openai', 'gpt-4o')
          : writer === 'nemo'
            ? objectOf(Object.entries(s.params).filter(([, v]) => v !== null))
            : s.params;
      return `"${reader === 'promptlayer' ? 'parameters' : 'params'}":${J(params).slice(0, -1)}`;
    }
    case 'variables':
      // Keywords AI's SDK takes only strings or typed values there: another API's defaults are
      // shown through its view (foreign-view.ts), which keeps the objects, key order included.
      if (reader === 'keywordsai')
        return `"variables":${J(writer === 'keywordsai' ? s.variables : kaVariables(s.variables as JsonObject))}`;
      return `"variable_defaults":${J(s.variables)}`;
    case 'metadata':
      return `"metadata":${J(s.metadata).slice(0, -1)}`;
  }
}

/** Part of an answer, and the fields it must hold. */
interface Answer {
  what: string;
  text: string;
  fields?: Field[];
}

interface Api {
  name: string;
  writes: Field[];
  write(t: TestApp, name: string, s: Sent): Promise<void>;
  /** Fields this API shows, and the answer text holding them. */
  reads: Field[];
  read(t: TestApp, p: { id: string; name: string }): Promise<Answer[]>;
}

const enc = encodeURIComponent;
const ok = <R extends { status: number; raw: string }>(r: R, what: string): R => {
  if (r.status >= 300) throw new Error(`${what}: ${r.status} ${r.raw.slice(0, 500)}`);
  return r;
};

const apis: Api[] = [
  {
    name: 'native',
    writes: ['tools', 'response_format', 'json_schema', 'message_extra', 'params', 'variables', 'metadata'],
    async write(t, name, s) {
      ok(
        await t.call('POST', '/v1/prompts', {
          body: J({
            name,
            version: {
              messages: messages(s),
              model: 'gpt-4o',
              provider: 'openai',
              params: s.params,
              tools: tools(s),
              response_format: responseFormat(s),
              json_schema: jsonSchema(s),
              variable_defaults: s.variables,
              metadata: s.metadata,
            },
          }),
        }),
        'native write',
      );
    },
    reads: ['tools', 'response_format', 'json_schema', 'message_extra', 'params', 'variables', 'metadata'],
    async read(t, p) {
      return [
        {
          what: 'version',
          text: ok(await t.call('GET', `/v1/prompts/${p.id}/versions/latest`), 'native read').raw,
        },
      ];
    },
  },
  {
    name: 'promptlayer',
    writes: ['tools', 'response_format', 'message_extra', 'params'],
    async write(t, name, s) {
      ok(
        await t.call('POST', '/rest/prompt-templates', {
          body: J({
            prompt_template: { prompt_name: name },
            prompt_version: {
              prompt_template: {
                type: 'chat',
                messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello' }], x_extra: s.extra }],
                tools: tools(s),
              },
              metadata: {
                model: {
                  provider: 'openai',
                  name: 'gpt-4o',
                  parameters: objectOf([...Object.entries(s.params), ['response_format', responseFormat(s)]]),
                },
              },
            },
          }),
        }),
        'promptlayer write',
      );
    },
    reads: ['tools', 'response_format', 'message_extra', 'params'],
    async read(t, p) {
      const raw = ok(await t.call('GET', `/prompt-templates/${enc(p.name)}`), 'promptlayer get').raw;
      // templates.get with variables renders (on a worker thread) and builds llm_kwargs.
      const rendered = ok(
        await t.call('POST', `/prompt-templates/${enc(p.name)}`, {
          body: J({ input_variables: { v: 'x' } }),
        }),
        'promptlayer render',
      ).raw;
      const kwargs = rendered.indexOf('"llm_kwargs":');
      return [
        { what: 'get', text: raw },
        { what: 'get with variables', text: rendered },
        // The request a model is sent: the objects in it must be as authored too. (Null where the
        // version names no provider: the Keywords AI and NeMo writes.)
        {
          what: 'llm_kwargs',
          text: rendered.slice(kwargs),
          fields: rendered.includes('"llm_kwargs":null') ? [] : ['tools', 'response_format'],
        },
      ];
    },
  },
  {
    name: 'keywordsai',
    writes: ['tools', 'response_format', 'json_schema', 'message_extra', 'variables'],
    async write(t, name, s) {
      const p = ok(
        await t.call<ResponseOf<typeof keywordsaiPromptsCreate, 201>>('POST', '/api/prompts/', {
          body: J({ name }),
        }),
        'keywordsai create',
      ).body;
      ok(
        await t.call('POST', `/api/prompts/${p.prompt_id}/versions/`, {
          body: J({
            messages: messages(s),
            model: 'gpt-4o',
            tools: tools(s),
            response_format: responseFormat(s),
            json_schema: jsonSchema(s),
            variables: s.variables,
          }),
        }),
        'keywordsai write',
      );
    },
    reads: ['tools', 'response_format', 'json_schema', 'message_extra', 'variables'],
    async read(t, p) {
      const hex = p.id.replace(/-/g, '');
      const list = ok(
        await t.call<ResponseOf<typeof keywordsaiVersionsList>>('GET', `/api/prompts/${hex}/versions/`),
        'keywordsai versions',
      ).body;
      const last = Math.max(...(list.results as { version: number }[]).map((v) => v.version));
      return [
        {
          what: 'version',
          text: ok(await t.call('GET', `/api/prompts/${hex}/versions/${last}/`), 'keywordsai read').raw,
        },
      ];
    },
  },
  {
    name: 'nemo',
    writes: ['tools', 'response_format', 'params'],
    async write(t, name, s) {
      ok(
        await t.call('POST', '/apis/models/v2/workspaces/default/prompts', {
          body: J({
            name,
            messages: [{ role: 'user', content: 'Hello' }],
            tools: tools(s),
            response_format: responseFormat(s),
            inference_params: objectOf([['model', 'gpt-4o'], ...Object.entries(s.params)]),
          }),
        }),
        'nemo write',
      );
    },
    reads: ['tools', 'response_format'],
    async read(t, p) {
      return [
        {
          what: 'prompt',
          text: ok(
            await t.call('GET', `/apis/models/v2/workspaces/default/prompts/${enc(p.name)}`),
            'nemo read',
          ).raw,
        },
      ];
    },
  },
];

for (const backend of backends) {
  describe.skipIf(!backend.available)(`JSON key order on ${backend.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp(backend);
    });
    afterAll(() => t?.close());

    for (const writer of apis) {
      it(`written through ${writer.name}, every API gives each object back with its keys as sent`, async () => {
        let n = 0;
        await fc.assert(
          fc.asyncProperty(sentArb, async (s) => {
            const name = `order-${writer.name}-${n++}`;
            await writer.write(t, name, s);
            if (writer.name === 'native' || writer.name === 'promptlayer') {
              const r = ok(
                await t.call<ResponseOf<typeof promptlayerGetRendered>>(
                  'POST',
                  `/prompt-templates/${enc(name)}`,
                  {
                    body: '{}',
                  },
                ),
                'kwargs',
              );
              expect(r.body.llm_kwargs, 'a version with a provider has llm_kwargs').not.toBeNull();
            }
            const id = ok(
              await t.call<ResponseOf<typeof nativePromptsGet>>('GET', `/v1/prompts/${enc(name)}`),
              'resolve',
            ).body.prompt.id as string;
            for (const reader of apis) {
              const answers = await reader.read(t, { id, name });
              for (const answer of answers) {
                const fields = writer.writes.filter((f) => (answer.fields ?? reader.reads).includes(f));
                for (const field of fields) {
                  // NeMo keeps known inference parameters first; its extras are checked by native.
                  if (field === 'params' && writer.name === 'nemo' && reader.name !== 'native') continue;
                  const want = expected(field, reader.name, s, writer.name);
                  const where = `${writer.name} -> ${reader.name} ${answer.what}, ${field}`;
                  expect(
                    answer.text.includes(want),
                    `${where}: ${want}\nin ${answer.text.slice(0, 4000)}`,
                  ).toBe(true);
                }
              }
            }
          }),
          { numRuns: RUNS, endOnFailure: true },
        );
      }, 120_000);
    }
  });
}
