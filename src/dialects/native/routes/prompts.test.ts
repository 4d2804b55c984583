import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../../../test/support/stores.ts';
import { startTestApp, type ResponseOf, type TestApp } from '../../../../test/support/app.ts';
import type { schema as promptsCreate } from './prompts-create.ts';
import type { schema as promptsGet } from './prompts-get.ts';
import type { schema as versionsCreate } from './versions-create.ts';

/** Bodies typed from the response schemas the routes declare. */
type PromptsCreateBody = ResponseOf<typeof promptsCreate, 201>;
type PromptsGetBody = ResponseOf<typeof promptsGet>;
type VersionsCreateBody = ResponseOf<typeof versionsCreate, 201>;
type ErrorBody = ResponseOf<typeof promptsCreate, '4xx'>;

for (const backend of backends) {
  describe.skipIf(!backend.available)(`native prompts API on ${backend.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp(backend);
    });
    afterAll(() => t?.close());

    describe('happy path', () => {
      it('creates a prompt with a first version and fetches it by id, seq and name', async () => {
        const res = await t.call<PromptsCreateBody>('POST', '/v1/prompts', {
          body: {
            name: 'support/greeting',
            tags: ['support'],
            version: { messages: [{ role: 'user', content: 'Hi {{name}}' }], model: 'gpt-4o' },
            labels: ['production'],
          },
        });
        expect(res.status).toBe(201);
        expect(res.body.version).toMatchObject({
          number: 1,
          labels: ['production'],
          input_variables: ['name'],
        });
        expect(res.headers.etag).toMatch(/^"\d+\.\d+"$/);
        const { id, seq } = res.body.prompt;
        for (const ref of [id, String(seq), encodeURIComponent('support/greeting')]) {
          const got = await t.call<PromptsGetBody>('GET', `/v1/prompts/${ref}`, { key: t.keys.viewer });
          expect(got.status).toBe(200);
          expect(got.body.prompt.id).toBe(id);
          expect(got.body.labels.map((l: { name: string }) => l.name)).toEqual(['production']);
        }
      });

      it('answers 304 to a conditional GET with the current ETag', async () => {
        const created = await t.call<PromptsCreateBody>('POST', '/v1/prompts', { body: { name: 'etagged' } });
        const tag = created.headers.etag as string;
        const res = await t.call<PromptsGetBody>('GET', `/v1/prompts/${created.body.prompt.id}`, {
          headers: { 'if-none-match': tag },
        });
        expect(res.status).toBe(304);
        expect(res.raw).toBe('');
      });

      it('accepts the key as X-API-KEY as well as Bearer', async () => {
        const res = await t.call<PromptsCreateBody>('POST', '/v1/prompts', {
          body: { name: 'via-x-api-key' },
          auth: 'x-api-key',
        });
        expect(res.status).toBe(201);
      });
    });

    describe('errors', () => {
      it('rejects a body that breaks the schema with 400 in the error envelope', async () => {
        const res = await t.call<ErrorBody>('POST', '/v1/prompts', { body: { name: 42 } });
        expect(res.status).toBe(400);
        expect(res.body.error).toMatchObject({ code: 'bad_request' });
      });

      it('rejects malformed JSON with 400', async () => {
        const res = await t.call<ErrorBody>('POST', '/v1/prompts', { body: '{"name": ' });
        expect(res.status).toBe(400);
        expect(res.body.error.code).toBe('bad_request');
      });

      it('answers 409 to a duplicate name and 404 to an unknown prompt', async () => {
        await t.call<PromptsCreateBody>('POST', '/v1/prompts', { body: { name: 'twice' } });
        expect(
          (await t.call<PromptsCreateBody>('POST', '/v1/prompts', { body: { name: 'twice' } })).status,
        ).toBe(409);
        expect((await t.call<PromptsGetBody>('GET', '/v1/prompts/does-not-exist')).status).toBe(404);
      });

      it('answers 412 and changes nothing when If-Match is stale', async () => {
        const created = await t.call<PromptsCreateBody>('POST', '/v1/prompts', { body: { name: 'stale' } });
        const tag = created.headers.etag as string;
        const url = `/v1/prompts/${created.body.prompt.id}/versions`;
        const first = await t.call('POST', url, { body: { messages: [] }, headers: { 'if-match': tag } });
        expect(first.status).toBe(201);
        const second = await t.call<ResponseOf<typeof versionsCreate, '4xx'>>('POST', url, {
          body: { messages: [] },
          headers: { 'if-match': tag },
        });
        expect(second.status).toBe(412);
        expect(second.body.error.code).toBe('precondition_failed');
        const got = await t.call<PromptsGetBody>('GET', `/v1/prompts/${created.body.prompt.id}`);
        expect(got.body.prompt.latest_version).toBe(1);
      });

      it('answers 413 to a body over the limit', async () => {
        const res = await t.call<ErrorBody>('POST', '/v1/prompts', {
          body: { name: 'big', description: 'x'.repeat(2 * 1024 * 1024) },
        });
        expect(res.status).toBe(413);
        expect(res.body.error.code).toBe('payload_too_large');
      });

      it('answers 400 to JSON nested deeper than the limit', async () => {
        const deep = '['.repeat(100) + ']'.repeat(100);
        const res = await t.call<PromptsCreateBody>('POST', '/v1/prompts', {
          body: `{"name":"deep","metadata":{"x":${deep}}}`,
        });
        expect(res.status).toBe(400);
      });
    });

    describe('security', () => {
      it('answers 401 without a key and with a wrong key', async () => {
        expect((await t.call<PromptsGetBody>('GET', '/v1/prompts/anything', { key: null })).status).toBe(401);
        const wrong = await t.call<ErrorBody>('GET', '/v1/prompts/anything', { key: 'lec_not_a_key' });
        expect(wrong.status).toBe(401);
        expect(wrong.body.error.code).toBe('unauthorized');
      });

      it('answers 403 to a viewer that writes', async () => {
        const res = await t.call<PromptsCreateBody>('POST', '/v1/prompts', {
          key: t.keys.viewer,
          body: { name: 'viewer-write' },
        });
        expect(res.status).toBe(403);
      });

      it("answers 404 for another workspace's prompt, by every reference", async () => {
        const created = await t.call<PromptsCreateBody>('POST', '/v1/prompts', {
          body: { name: 'mine-only' },
        });
        const { id, seq } = created.body.prompt;
        for (const ref of [id, String(seq), 'mine-only']) {
          expect(
            (await t.call<PromptsGetBody>('GET', `/v1/prompts/${ref}`, { key: t.keys.otherViewer })).status,
          ).toBe(404);
        }
        const write = await t.call<VersionsCreateBody>('POST', `/v1/prompts/${id}/versions`, {
          key: t.keys.otherEditor,
          body: {},
        });
        expect(write.status).toBe(404);
      });
    });
  });
}
