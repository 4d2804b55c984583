// The Langfuse route's wire as the server answers it: defaults, exact error texts and envelopes,
// input rules, the type lock, additive labels, deletes, prompt references and their resolution
// graph, template formats written elsewhere, Basic auth, and Retry-After on 429.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../../../test/support/stores.ts';
import { startTestApp, type TestApp, type ResponseOf } from '../../../../test/support/app.ts';
import { publicKeyOf } from '../../../registry/keys.ts';
import type { ErrorBodyT, PromptRowT, PromptT } from '../responses.ts';
import type { schema as list } from './list.ts';
import type { schema as promptlayerGetRaw } from '../../promptlayer/routes/get-raw.ts';
import type { schema as nativeKeysCreate } from '../../native/routes/keys-create.ts';
import type { schema as nativeKeysList } from '../../native/routes/keys-list.ts';
import type { schema as nativePromptsCreate } from '../../native/routes/prompts-create.ts';

const P = '/api/public/v2/prompts';

for (const backend of backends) {
  describe.skipIf(!backend.available)(`Langfuse wire on ${backend.name}`, () => {
    let t: TestApp;
    let basic: Record<string, string>;
    const lf = <T = PromptT>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown) =>
      t.call<T>(method, url, { key: null, headers: basic, body });
    beforeAll(async () => {
      t = await startTestApp(backend);
      const pk = publicKeyOf((await t.registry.authenticate(t.keys.editor))!.keyId);
      basic = { authorization: `Basic ${Buffer.from(`${pk}:${t.keys.editor}`).toString('base64')}` };
    });
    afterAll(() => t?.close());

    it('GET without a selector is production; both selectors are a 400; 404s name what was asked', async () => {
      expect(
        (await lf<PromptRowT>('POST', P, { name: 'g', prompt: 'one', labels: ['production'] })).status,
      ).toBe(201);
      expect((await lf('POST', P, { name: 'g', prompt: 'two' })).status).toBe(201);
      const got = await lf('GET', `${P}/g`);
      expect(got.body).toMatchObject({
        name: 'g',
        version: 1,
        type: 'text',
        prompt: 'one',
        config: {},
        labels: ['production'],
        tags: [],
        commitMessage: null,
        isActive: true,
        resolutionGraph: null,
        createdBy: 'API',
      });
      expect((await lf('GET', `${P}/g?label=latest`)).body.version).toBe(2);
      const both = await lf<ErrorBodyT>('GET', `${P}/g?version=1&label=x`);
      expect([both.status, both.body]).toEqual([
        400,
        { message: 'Cannot specify both version and label', error: 'InvalidRequestError' },
      ]);
      expect((await lf<ErrorBodyT>('GET', `${P}/nope`)).body).toEqual({
        message: "Prompt not found: 'nope' with label 'production'",
        error: 'LangfuseNotFoundError',
      });
      expect((await lf<ErrorBodyT>('GET', `${P}/g?version=9`)).body.message).toBe(
        "Prompt not found: 'g' with version 9",
      );
      // Folders: the SDKs encode "/" as %2F.
      await lf('POST', P, { name: 'team/sub/x', prompt: 'f', labels: ['production'] });
      expect((await lf('GET', `${P}/team%2Fsub%2Fx`)).body.name).toBe('team/sub/x');
    });

    it('refuses what Langfuse refuses, in its envelope, and writes nothing', async () => {
      const invalid = await lf<ErrorBodyT>('POST', P, { prompt: 'no name' });
      expect(invalid.status).toBe(400);
      expect(invalid.body.message).toBe('Invalid request data');
      expect(invalid.body.error).toEqual(
        expect.arrayContaining([expect.objectContaining({ path: ['name'] })]),
      );
      for (const name of ['new', 'a//b', '/lead', 'x|y']) {
        const r = await lf<ErrorBodyT>('POST', P, { name, prompt: 'x' });
        expect([r.status, r.body.error]).toEqual([400, 'InvalidRequestError']);
      }
      const badLabel = await lf<ErrorBodyT>('POST', P, { name: 'l', prompt: 'x', labels: ['Prod'] });
      expect(badLabel.status).toBe(400);
      const clash = await lf<ErrorBodyT>('POST', P, {
        name: 'clash',
        type: 'chat',
        prompt: [
          { role: 'user', content: '{{history}}' },
          { type: 'placeholder', name: 'history' },
        ],
      });
      expect([clash.status, clash.body.message]).toEqual([
        400,
        'variables and placeholders must be unique: history',
      ]);
      const chatText = await lf<ErrorBodyT>('POST', P, { name: 'ct', type: 'chat', prompt: 'a string' });
      expect(chatText.status).toBe(400);
      // The type lock.
      await lf('POST', P, { name: 'locked', prompt: 'text' });
      const locked = await lf<ErrorBodyT>('POST', P, {
        name: 'locked',
        type: 'chat',
        prompt: [{ role: 'user', content: 'x' }],
      });
      expect(locked.body).toEqual({
        message: 'Previous versions have different prompt type. Create a new prompt with a different name.',
        error: 'InvalidRequestError',
      });
      expect(
        (
          await t.call<ResponseOf<typeof list>>('GET', '/api/public/v2/prompts?name=locked', {
            key: null,
            headers: basic,
          })
        ).body.data[0]?.versions,
      ).toEqual([1]);
      for (const name of ['l', 'clash', 'ct'])
        expect((await lf('GET', `${P}/${name}?label=latest`)).status).toBe(404);
    });

    it('PATCH only adds labels; latest is refused; a missing version is 404 with its text', async () => {
      await lf('POST', P, { name: 'pl', prompt: 'a', labels: ['production', 'beta'] });
      await lf('POST', P, { name: 'pl', prompt: 'b' });
      const added = await lf<PromptRowT>('PATCH', `${P}/pl/versions/1`, { newLabels: ['staging'] });
      expect(added.body.labels).toEqual(['beta', 'production', 'staging']);
      const none = await lf<PromptRowT>('PATCH', `${P}/pl/versions/1`, { newLabels: [] });
      expect([none.status, none.body.labels]).toEqual([200, ['beta', 'production', 'staging']]);
      const moved = await lf<PromptRowT>('PATCH', `${P}/pl/versions/2`, { newLabels: ['beta'] });
      expect(moved.body.labels).toEqual(['beta', 'latest']);
      expect((await lf('GET', `${P}/pl?version=1`)).body.labels).toEqual(['production', 'staging']);
      const latest = await lf<ErrorBodyT>('PATCH', `${P}/pl/versions/1`, { newLabels: ['latest'] });
      expect([latest.status, latest.body.message]).toEqual([
        400,
        "Label 'latest' is always assigned to the latest prompt version",
      ]);
      expect((await lf<ErrorBodyT>('PATCH', `${P}/pl/versions/7`, { newLabels: ['x'] })).body).toEqual({
        message: "Prompt 'pl' version 7 not found in project",
        error: 'LangfuseNotFoundError',
      });
      // After the newest version is deleted, the next one is `latest` in the PATCH answer too.
      await lf('POST', P, { name: 'pl', prompt: 'c' });
      expect((await lf('DELETE', `${P}/pl?version=3`)).status).toBe(204);
      expect(
        (await lf<PromptRowT>('PATCH', `${P}/pl/versions/2`, { newLabels: ['gamma'] })).body.labels,
      ).toEqual(['beta', 'gamma', 'latest']);
      // Removal is the native API's.
      expect((await t.call('DELETE', `/v1/prompts/pl/labels/staging`)).status).toBeLessThan(300);
      expect((await lf('GET', `${P}/pl?version=1`)).body.labels).toEqual(['production']);
    });

    it('DELETE answers 204 with no body, or 404 "Prompt not found"', async () => {
      await lf('POST', P, { name: 'd', prompt: 'a', labels: ['production'] });
      const del = await lf('DELETE', `${P}/d?version=1`);
      expect([del.status, del.raw]).toEqual([204, '']);
      expect((await lf<ErrorBodyT>('DELETE', `${P}/d`)).body).toEqual({
        message: 'Prompt not found',
        error: 'LangfuseNotFoundError',
      });
    });

    it('prompt references are Lectern snippets, resolved on read with their graph', async () => {
      const base = await lf<PromptRowT>('POST', P, {
        name: 'base',
        prompt: 'Be {{tone}}.',
        labels: ['production'],
      });
      const composite = await lf<PromptRowT>('POST', P, {
        name: 'composite',
        type: 'chat',
        prompt: [{ role: 'system', content: 'Rules: @@@langfusePrompt:name=base|label=production@@@ Go.' }],
        labels: ['production'],
      });
      expect(composite.status).toBe(201);
      const got = await lf('GET', `${P}/composite`);
      expect(got.body.prompt).toEqual([{ role: 'system', content: 'Rules: Be {{tone}}. Go.' }]);
      expect(got.body.resolutionGraph).toEqual({
        root: { id: composite.body.id, name: 'composite', version: 1 },
        dependencies: { [composite.body.id]: [{ id: base.body.id, name: 'base', version: 1 }] },
      });
      const raw = await lf('GET', `${P}/composite?resolve=false`);
      expect(raw.body.prompt).toEqual([
        { role: 'system', content: 'Rules: @@@langfusePrompt:name=base|label=production@@@ Go.' },
      ]);
      expect(raw.body.resolutionGraph).toBeNull();
      // PromptLayer sees a snippet and expands it the same way.
      const pl = await t.call<ResponseOf<typeof promptlayerGetRaw>>('GET', '/prompt-templates/composite');
      expect(pl.body.prompt_template.messages![0]!.content[0]!.text).toBe('Rules: Be {{tone}}. Go.');
      // By version, and a missing or malformed reference is refused on create.
      await lf('POST', P, { name: 'byv', prompt: '[@@@langfusePrompt:name=base|version=1@@@]' });
      expect((await lf('GET', `${P}/byv?label=latest`)).body.prompt).toBe('[Be {{tone}}.]');
      const missing = await lf<ErrorBodyT>('POST', P, {
        name: 'm',
        prompt: '@@@langfusePrompt:name=ghost|label=production@@@',
      });
      expect([missing.status, missing.body.error]).toEqual([400, 'InvalidRequestError']);
      const malformed = await lf<ErrorBodyT>('POST', P, {
        name: 'm',
        prompt: '@@@langfusePrompt:name=base@@@',
      });
      expect(malformed.status).toBe(400);
      const chatRef = await lf<ErrorBodyT>('POST', P, {
        name: 'm',
        prompt: '@@@langfusePrompt:name=composite|version=1@@@',
      });
      expect(chatRef.body.message).toContain('only text prompts can be referenced');
    });

    it('serves f-string and simple Jinja2 versions written elsewhere as Langfuse templates; refuses the rest', async () => {
      const mk = (name: string, format: string, text: string) =>
        t.call<ResponseOf<typeof nativePromptsCreate, 201>>('POST', '/v1/prompts', {
          body: {
            name,
            version: { messages: [{ role: 'user', content: text }], template_format: format },
            labels: ['production'],
          },
        });
      expect((await mk('fs', 'f-string', 'Hi {name}, {{literal}}')).status).toBe(201);
      expect((await lf('GET', `${P}/fs`)).body.prompt).toEqual([
        { role: 'user', content: 'Hi {{name}}, {literal}' },
      ]);
      await mk('j-simple', 'jinja2', 'Hi {{ name }}');
      expect((await lf('GET', `${P}/j-simple`)).body.prompt).toEqual([
        { role: 'user', content: 'Hi {{ name }}' },
      ]);
      await mk('j-loop', 'jinja2', '{% for x in xs %}{{ x }}{% endfor %}');
      const refused = await lf<ErrorBodyT>('GET', `${P}/j-loop`);
      expect([refused.status, refused.body.error]).toEqual([400, 'InvalidRequestError']);
      expect(refused.body.message).toContain('jinja2 template, which Langfuse clients cannot compile');
      await mk('fs-spec', 'f-string', 'Total {amount:.2f}');
      expect((await lf<ErrorBodyT>('GET', `${P}/fs-spec`)).body.message).toContain('f-string template');
    });

    it('Basic auth works on every API; the public key is listed with the key', async () => {
      const me = await t.call('GET', '/v1/me', { key: null, headers: basic });
      expect(me.status).toBe(200);
      const keys = await t.call<ResponseOf<typeof nativeKeysList>>('GET', '/v1/keys', { key: t.keys.admin });
      const editor = keys.body.data.find((k: { name: string }) => k.name === 'editor@default');
      expect(editor?.public_key).toBe(publicKeyOf(editor!.id));
      const made = await t.call<ResponseOf<typeof nativeKeysCreate, 201>>('POST', '/v1/keys', {
        key: t.keys.admin,
        body: { name: 'lf', role: 'viewer' },
      });
      expect(made.body.key.public_key).toMatch(/^pk-lec-/);
      // Public key with an empty secret: 403, as the public key alone.
      const pkOnly = {
        authorization: `Basic ${Buffer.from(`${made.body.key.public_key}:`).toString('base64')}`,
      };
      expect((await t.call('GET', `${P}/g`, { key: null, headers: pkOnly })).status).toBe(403);
    });
  });

  describe.skipIf(!backend.available)(`Langfuse Retry-After on ${backend.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp(backend, { rateLimitWrites: 1, rateLimitWindowMs: 60_000 });
    });
    afterAll(() => t?.close());

    it('a write over the limit is a 429 with Retry-After in Langfuse’s envelope', async () => {
      expect((await t.call('POST', P, { body: { name: 'r1', prompt: 'x' } })).status).toBe(201);
      const r = await t.call<ErrorBodyT>('POST', P, { body: { name: 'r2', prompt: 'x' } });
      expect([r.status, r.body.error]).toEqual([429, 'TooManyRequestsError']);
      expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
    });
  });
}
