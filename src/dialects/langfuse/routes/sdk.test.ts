// The official Langfuse SDKs — `@langfuse/client` (v5) and the legacy `langfuse` (v3) — against a
// real listening Lectern: create, get by label / version / default, compile, labels, list, delete,
// the cache and its refresh, fallback when Lectern is down, errors, and concurrent creates.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LangfuseClient } from '@langfuse/client';
import { Langfuse } from 'langfuse';
import { backends } from '../../../../test/support/stores.ts';
import { startTestApp, type TestApp } from '../../../../test/support/app.ts';
import { publicKeyOf } from '../../../registry/keys.ts';

for (const backend of backends) {
  describe.skipIf(!backend.available)(`Langfuse SDKs on ${backend.name}`, () => {
    let t: TestApp;
    let baseUrl: string;
    let pk: string;
    let lf: LangfuseClient;
    let legacy: Langfuse;
    beforeAll(async () => {
      t = await startTestApp(backend);
      baseUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
      pk = publicKeyOf((await t.registry.authenticate(t.keys.editor))!.keyId);
      lf = new LangfuseClient({ publicKey: pk, secretKey: t.keys.editor, baseUrl });
      legacy = new Langfuse({ publicKey: pk, secretKey: t.keys.editor, baseUrl, enabled: true });
    });
    afterAll(async () => {
      await legacy?.shutdownAsync();
      await t?.close();
    });

    it('creates text and chat prompts and gets them by default, label and version', async () => {
      const v1 = await lf.prompt.create({
        name: 'movies/critic',
        prompt: 'As a {{criticLevel}} critic, rate {{movie}}.',
        config: { model: 'gpt-4o', temperature: 0.2, supported_languages: ['en', 'fr'] },
        labels: ['production'],
        tags: ['movies'],
        commitMessage: 'first',
      });
      expect(v1.version).toBe(1);
      expect(v1.labels.sort()).toEqual(['latest', 'production']);
      await lf.prompt.create({ name: 'movies/critic', prompt: 'v2 {{movie}}', labels: ['staging'] });

      const byDefault = await lf.prompt.get('movies/critic', { cacheTtlSeconds: 0 });
      expect(byDefault.version).toBe(1);
      expect(byDefault.isFallback).toBe(false);
      expect(byDefault.config).toEqual({
        model: 'gpt-4o',
        temperature: 0.2,
        supported_languages: ['en', 'fr'],
      });
      expect(byDefault.tags).toEqual(['movies']);
      expect(byDefault.commitMessage).toBe('first');
      expect(byDefault.compile({ criticLevel: 'expert', movie: 'Dune 2' })).toBe(
        'As a expert critic, rate Dune 2.',
      );
      const byLabel = await lf.prompt.get('movies/critic', { label: 'staging', cacheTtlSeconds: 0 });
      expect([byLabel.version, byLabel.labels.sort()]).toEqual([2, ['latest', 'staging']]);
      const byVersion = await lf.prompt.get('movies/critic', { version: 2, cacheTtlSeconds: 0 });
      expect(byVersion.prompt).toBe('v2 {{movie}}');
      expect(byVersion.config).toEqual({});
      // Tags apply to every version (Lectern's are per prompt): v2 inherited them.
      expect(byVersion.tags).toEqual(['movies']);

      const chat = await lf.prompt.create({
        name: 'support/reply',
        type: 'chat',
        prompt: [
          { role: 'system', content: 'You are {{persona}}.' },
          { type: 'placeholder', name: 'history' },
          { role: 'user', content: '{{question}}' },
        ],
        config: {
          model: 'gpt-4o-mini',
          max_tokens: 200,
          tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } }],
          response_format: { type: 'json_object' },
        },
        labels: ['production'],
      });
      expect(chat.type).toBe('chat');
      const got = await lf.prompt.get('support/reply', { type: 'chat', cacheTtlSeconds: 0 });
      expect(got.prompt).toEqual([
        { type: 'chatmessage', role: 'system', content: 'You are {{persona}}.' },
        { type: 'placeholder', name: 'history' },
        { type: 'chatmessage', role: 'user', content: '{{question}}' },
      ]);
      expect(got.config).toMatchObject({
        model: 'gpt-4o-mini',
        max_tokens: 200,
        response_format: { type: 'json_object' },
      });
      expect(
        got.compile(
          { persona: 'kind', question: 'why?' },
          {
            history: [
              { role: 'user', content: 'hi' },
              { role: 'assistant', content: 'hello' },
            ],
          },
        ),
      ).toEqual([
        { role: 'system', content: 'You are kind.' },
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: 'hello' },
        { role: 'user', content: 'why?' },
      ]);
      // Unfilled placeholders stay as they are.
      expect(got.compile({ persona: 'p', question: 'q' })).toContainEqual({
        type: 'placeholder',
        name: 'history',
      });
    });

    it('the legacy v3 SDK reads and writes the same prompts', async () => {
      const created = await legacy.createPrompt({
        name: 'legacy-text',
        prompt: 'Hi {{name}}',
        labels: ['production'],
        config: { temperature: 1 },
      });
      expect(created.version).toBe(1);
      const p = await legacy.getPrompt('legacy-text', undefined, { cacheTtlSeconds: 0 });
      expect(p.compile({ name: 'Ada' })).toBe('Hi Ada');
      expect(p.config).toEqual({ temperature: 1 });
      const critic = await legacy.getPrompt('movies/critic', 2, { cacheTtlSeconds: 0 });
      expect(critic.version).toBe(2);
      const chat = await legacy.getPrompt('support/reply', undefined, { type: 'chat', cacheTtlSeconds: 0 });
      expect(
        chat.compile({ persona: 'x', question: 'y' }).map((m) => ('content' in m ? m.content : m)),
      ).toEqual(['You are x.', { type: 'placeholder', name: 'history' }, 'y']);
      await expect(legacy.getPrompt('no-such-prompt', undefined, { cacheTtlSeconds: 0 })).rejects.toThrow(
        "Prompt not found: 'no-such-prompt' with label 'production'",
      );
    });

    it('updates labels additively, lists with filters and pages, and deletes', async () => {
      const updated = await lf.prompt.update({
        name: 'movies/critic',
        version: 2,
        newLabels: ['production'],
      });
      expect(updated.labels.sort()).toEqual(['latest', 'production', 'staging']);
      // The label moved: v1 has none left.
      const v1 = await lf.prompt.get('movies/critic', { version: 1, cacheTtlSeconds: 0 });
      expect(v1.labels).toEqual([]);
      const prod = await lf.prompt.get('movies/critic', { cacheTtlSeconds: 0 });
      expect(prod.version).toBe(2);

      for (let i = 0; i < 3; i++)
        await lf.prompt.create({ name: `page-${i}`, prompt: `p${i}`, tags: ['paged'] });
      const page1 = await lf.api.prompts.list({ tag: 'paged', limit: 2, page: 1 });
      expect(page1.data.map((d) => d.name)).toEqual(['page-0', 'page-1']);
      expect(page1.meta).toEqual({ page: 1, limit: 2, totalItems: 3, totalPages: 2 });
      const page2 = await lf.api.prompts.list({ tag: 'paged', limit: 2, page: 2 });
      expect(page2.data.map((d) => d.name)).toEqual(['page-2']);
      const named = await lf.api.prompts.list({ name: 'movies/critic' });
      expect(named.data).toEqual([
        expect.objectContaining({
          name: 'movies/critic',
          type: 'text',
          versions: [1, 2],
          labels: ['latest', 'production', 'staging'],
          tags: ['movies'],
          lastConfig: {},
        }),
      ]);
      const labelled = await lf.api.prompts.list({ label: 'production', name: 'movies/critic' });
      expect(labelled.data[0]!.versions).toEqual([2]);
      const future = await lf.api.prompts.list({ fromUpdatedAt: '2999-01-01T00:00:00Z' });
      expect(future.data).toEqual([]);

      await lf.prompt.create({ name: 'doomed', prompt: 'a', labels: ['production'] });
      await lf.prompt.create({ name: 'doomed', prompt: 'b', labels: ['staging'] });
      await lf.prompt.create({ name: 'doomed', prompt: 'c' });
      await lf.prompt.delete('doomed', { version: 3 });
      // `latest` is on the newest version left.
      const latest = await lf.prompt.get('doomed', { label: 'latest', cacheTtlSeconds: 0 });
      expect([latest.version, latest.labels.sort()]).toEqual([2, ['latest', 'staging']]);
      await lf.prompt.delete('doomed', { label: 'production' });
      await expect(lf.prompt.get('doomed', { version: 1, cacheTtlSeconds: 0 })).rejects.toThrow();
      await lf.prompt.delete('doomed');
      await expect(lf.prompt.get('doomed', { label: 'latest', cacheTtlSeconds: 0 })).rejects.toThrow();
      // Gone, so the name (and its type) is free again.
      const chat = await lf.prompt.create({
        name: 'doomed',
        type: 'chat',
        prompt: [{ role: 'user', content: 'x' }],
      });
      expect(chat.version).toBe(1);
    });

    it('serves from the SDK cache and refreshes it after a change', async () => {
      await lf.prompt.create({ name: 'cached', prompt: 'one', labels: ['production'] });
      const first = await lf.prompt.get('cached', { cacheTtlSeconds: 1 });
      expect(first.prompt).toBe('one');
      await lf.prompt.create({ name: 'cached', prompt: 'two', labels: ['production'] });
      // Within the TTL: the cached version.
      expect((await lf.prompt.get('cached', { cacheTtlSeconds: 1 })).prompt).toBe('one');
      await new Promise((r) => setTimeout(r, 1100));
      // Expired: served stale at once while one background refresh fetches the new version.
      expect((await lf.prompt.get('cached', { cacheTtlSeconds: 1 })).prompt).toBe('one');
      await expect
        .poll(async () => (await lf.prompt.get('cached', { cacheTtlSeconds: 1 })).prompt, { timeout: 5000 })
        .toBe('two');
      // An update through the SDK invalidates its cache for the name.
      await lf.prompt.update({ name: 'cached', version: 1, newLabels: ['production'] });
      expect((await lf.prompt.get('cached', { cacheTtlSeconds: 60 })).version).toBe(1);
    });

    it('falls back when Lectern cannot be reached', async () => {
      const down = new LangfuseClient({
        publicKey: pk,
        secretKey: t.keys.editor,
        baseUrl: 'http://127.0.0.1:9',
      });
      const p = await down.prompt.get('anything', {
        fallback: 'Hello {{x}}',
        cacheTtlSeconds: 0,
        maxRetries: 0,
      });
      expect([p.isFallback, p.version, p.compile({ x: 'y' })]).toEqual([true, 0, 'Hello y']);
    });

    it('answers unknown prompts, bad credentials and a public key alone as Langfuse does', async () => {
      await expect(lf.prompt.get('missing', { cacheTtlSeconds: 0 })).rejects.toMatchObject({
        statusCode: 404,
      });
      const wrong = new LangfuseClient({ publicKey: pk, secretKey: 'lec_not_a_key_at_all_000000', baseUrl });
      await expect(wrong.prompt.get('movies/critic', { cacheTtlSeconds: 0 })).rejects.toMatchObject({
        statusCode: 401,
      });
      // A real secret with another key's public key: the pair does not belong together.
      const other = publicKeyOf((await t.registry.authenticate(t.keys.viewer))!.keyId);
      const mismatched = new LangfuseClient({ publicKey: other, secretKey: t.keys.editor, baseUrl });
      await expect(mismatched.prompt.get('movies/critic', { cacheTtlSeconds: 0 })).rejects.toMatchObject({
        statusCode: 401,
      });
      // The legacy SDK without a secret sends the public key alone.
      const res = await fetch(`${baseUrl}/api/public/v2/prompts/movies%2Fcritic`, {
        headers: { authorization: `Bearer ${pk}` },
      });
      expect([res.status, await res.json()]).toEqual([
        403,
        {
          message: 'Access denied - need to use basic auth with secret key to GET prompts',
          error: 'ForbiddenError',
        },
      ]);
      // A viewer key reads but cannot write (403, never 404).
      const viewer = new LangfuseClient({ publicKey: other, secretKey: t.keys.viewer, baseUrl });
      expect((await viewer.prompt.get('movies/critic', { cacheTtlSeconds: 0 })).version).toBe(2);
      await expect(viewer.prompt.create({ name: 'nope', prompt: 'x' })).rejects.toMatchObject({
        statusCode: 403,
      });
    });

    it('concurrent creates of one name get distinct versions and no error', async () => {
      const made = await Promise.all(
        Array.from({ length: 12 }, (_, i) => lf.prompt.create({ name: 'raced', prompt: `v ${i}` })),
      );
      expect(made.map((p) => p.version).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 12 }, (_, i) => i + 1),
      );
      const list = await lf.api.prompts.list({ name: 'raced' });
      expect(list.data[0]!.versions).toHaveLength(12);
    });
  });
}
