// Bad input in a JSON body is refused in the API's own envelope with a 400 that names the field,
// and nothing is written: a NUL character, a lone UTF-16 surrogate (in a value or a key), a
// number JSON cannot carry (1e309). A path segment over the router's limit and broken
// percent-encoding answer in the API's envelope too, without echoing the path. `__proto__` keys
// are data: kept, not refused. Both backends, all four APIs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/stores.ts';
import { startTestApp, type TestApp, type ResponseOf } from '../support/app.ts';
import { dbFingerprint } from '../support/invariants.ts';
import type { schema as nativePromptsCreate } from '../../src/dialects/native/routes/prompts-create.ts';

type Envelope = 'native' | 'promptlayer' | 'keywordsai' | 'nemo';

/** A write in each API whose body text carries `bad` (raw JSON text) at a known field. */
const writes: {
  api: Envelope;
  method: 'POST' | 'PUT';
  url: string;
  body: (bad: string) => string;
  field: string;
}[] = [
  {
    api: 'native',
    method: 'POST',
    url: '/v1/prompts',
    body: (bad) => `{"name":"n1","version":{"messages":[{"role":"user","content":${bad}}]}}`,
    field: '/version/messages/0/content',
  },
  {
    api: 'promptlayer',
    method: 'POST',
    url: '/rest/prompt-templates',
    body: (bad) =>
      `{"prompt_template":{"prompt_name":"p1"},"prompt_version":{"prompt_template":{"type":"chat","messages":[{"role":"user","content":[{"type":"text","text":${bad}}]}]}}}`,
    field: '/prompt_version/prompt_template/messages/0/content/0/text',
  },
  {
    api: 'keywordsai',
    method: 'POST',
    url: '/api/prompts/',
    body: (bad) => `{"name":${bad}}`,
    field: '/name',
  },
  {
    api: 'nemo',
    method: 'POST',
    url: '/apis/models/v2/workspaces/default/prompts',
    body: (bad) =>
      `{"name":"n4","messages":[{"role":"user","content":"x"}],"inference_params":{"temperature":${bad}}}`,
    field: '/inference_params/temperature',
  },
];

/** The message text of an answer, whatever the envelope. */
function messageOf(api: Envelope, body: any): string {
  if (api === 'native') return body.error.message;
  if (api === 'promptlayer') return body.message;
  return body.detail;
}

function expectEnvelope(api: Envelope, body: any): void {
  if (api === 'native') expect(body.error).toMatchObject({ code: 'bad_request' });
  else if (api === 'promptlayer') expect(body).toMatchObject({ success: false, error: 'Bad Request' });
  else expect(typeof body.detail).toBe('string');
}

for (const backend of backends) {
  describe.skipIf(!backend.available)(`bad JSON input on ${backend.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp(backend);
    });
    afterAll(() => t?.close());

    const cases: { what: string; bad: (field: string) => string; says: RegExp; keyed?: boolean }[] = [
      { what: 'a NUL character', bad: () => '"a\\u0000b"', says: /NUL character/ },
      { what: 'a lone surrogate', bad: () => '"a\\ud800b"', says: /lone UTF-16 surrogate/ },
      { what: 'a non-finite number', bad: () => '1e309', says: /number too large/ },
    ];
    for (const c of cases) {
      for (const w of writes) {
        it(`${c.what} in ${w.api}'s ${w.field} is a 400 naming the field, nothing written`, async () => {
          // A number where text belongs would fail validation instead; use text for every field but NeMo's.
          const bad =
            w.api === 'nemo' && c.what !== 'a non-finite number' ? `{"k":${c.bad(w.field)}}` : c.bad(w.field);
          const field = w.api === 'nemo' && c.what !== 'a non-finite number' ? `${w.field}/k` : w.field;
          const before = await dbFingerprint(t.store);
          const r = await t.call(w.method, w.url, { body: w.body(bad) });
          expect(r.status, r.raw).toBe(400);
          expectEnvelope(w.api, r.body);
          expect(messageOf(w.api, r.body)).toMatch(c.says);
          expect(messageOf(w.api, r.body)).toContain(field);
          expect(await dbFingerprint(t.store)).toBe(before);
        });
      }
    }

    it('a lone surrogate or NUL in an object key is refused too, naming the key', async () => {
      for (const key of ['\\udc00', 'a\\u0000']) {
        const r = await t.call<ResponseOf<typeof nativePromptsCreate, '4xx'>>('POST', '/v1/prompts', {
          body: `{"name":"k","metadata":{"${key}":1}}`,
        });
        expect(r.status).toBe(400);
        expect(r.body.error.message).toMatch(/^the key of body field \/metadata\//);
        expect(r.body.error.details.field).toMatch(/^\/metadata\//);
      }
    });

    it('a paired surrogate (an emoji written as escapes) is text and is stored as sent', async () => {
      const r = await t.call<ResponseOf<typeof nativePromptsCreate, 201>>('POST', '/v1/prompts', {
        body: '{"name":"emoji \\ud83d\\ude00"}',
      });
      expect(r.status).toBe(201);
      expect(r.body.prompt.name).toBe('emoji \u{1F600}');
    });

    it('__proto__ and constructor keys are kept as data, not refused', async () => {
      const schema =
        '{"type":"object","properties":{"__proto__":{"type":"string"},"constructor":{"prototype":{"x":1}}}}';
      const r = await t.call<ResponseOf<typeof nativePromptsCreate, 201>>('POST', '/v1/prompts', {
        body: `{"name":"proto","version":{"json_schema":${schema}}}`,
      });
      expect(r.status, r.raw).toBe(201);
      const g = await t.call('GET', '/v1/prompts/proto/versions/latest');
      expect(g.raw).toContain(`"json_schema":${schema}`);
      expect(({} as Record<string, unknown>).x).toBeUndefined();
    });

    const longSegment = 'a'.repeat(1100);
    const paths: { api: Envelope; url: string }[] = [
      { api: 'native', url: `/v1/prompts/${longSegment}` },
      { api: 'promptlayer', url: `/prompt-templates/${longSegment}` },
      { api: 'keywordsai', url: `/api/prompts/${longSegment}/versions/` },
      { api: 'nemo', url: `/apis/models/v2/workspaces/default/prompts/${longSegment}` },
    ];
    for (const p of paths) {
      it(`a path segment over 1024 characters is a 400 in ${p.api}'s envelope that does not echo the path`, async () => {
        const r = await t.call('GET', p.url);
        expect(r.status).toBe(400);
        expectEnvelope(p.api, r.body);
        expect(messageOf(p.api, r.body)).toMatch(/path segment is longer than 1024 characters/);
        expect(r.raw).not.toContain(longSegment);
      });
      it(`broken percent-encoding in a path is a 400 in ${p.api}'s envelope`, async () => {
        const r = await t.call('GET', p.url.replace(longSegment, 'x%ZZ'));
        expect(r.status).toBe(400);
        expectEnvelope(p.api, r.body);
        expect(messageOf(p.api, r.body)).toMatch(/not valid percent-encoded/);
      });
    }
  });
}
