// GET /v1/me: the calling key's id, role, workspace and public key — the public key that a Langfuse
// client sends beside the same key's secret (the web UI's Langfuse snippets show it).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LangfuseClient } from '@langfuse/client';
import { backends } from '../../../../test/support/stores.ts';
import { startTestApp, type TestApp, type ResponseOf } from '../../../../test/support/app.ts';
import type { schema as me } from './me.ts';

for (const backend of backends) {
  describe.skipIf(!backend.available)(`GET /v1/me (${backend.name})`, () => {
    let t: TestApp;
    let base: string;
    beforeAll(async () => {
      t = await startTestApp(backend);
      base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    });
    afterAll(async () => t?.close());

    it("names the key's public key, which a Langfuse client can use with the key's secret", async () => {
      const r = await t.call<ResponseOf<typeof me>>('GET', '/v1/me', { key: t.keys.editor });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ role: 'editor', workspace: 'default', all_workspaces: false });
      expect(r.body.public_key).toBe(`pk-lec-${r.body.key_id}`);
      await t.call('POST', '/v1/prompts', {
        key: t.keys.editor,
        body: { name: 'me-check', version: { messages: [{ role: 'user', content: 'Hi {{who}}' }] } },
      });
      const lf = new LangfuseClient({
        publicKey: r.body.public_key,
        secretKey: t.keys.editor,
        baseUrl: base,
      });
      const prompt = await lf.prompt.get('me-check', { label: 'latest' });
      expect(prompt.compile({ who: 'Ada' })).toEqual([{ role: 'user', content: 'Hi Ada' }]);
      // Another key's public key does not go with this secret.
      const viewer = await t.call<ResponseOf<typeof me>>('GET', '/v1/me', { key: t.keys.viewer });
      const wrong = new LangfuseClient({
        publicKey: viewer.body.public_key,
        secretKey: t.keys.editor,
        baseUrl: base,
      });
      await expect(wrong.prompt.get('me-check', { label: 'latest', cacheTtlSeconds: 0 })).rejects.toThrow();
    });
  });
}
