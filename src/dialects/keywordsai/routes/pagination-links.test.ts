// Keywords AI pagination links and the read cache: a `next` link built from one client's Host
// header must never be served to another (cache poisoning would send paginating clients, with
// their keys, to the attacker's host). With LECTERN_PUBLIC_URL the links come from it, whatever the
// Host; without it they come from the request and the answer is never cached.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../../../test/support/stores.ts';
import { startTestApp, type TestApp, type ResponseOf } from '../../../../test/support/app.ts';
import type { schema as nativeKeysCreate } from '../../native/routes/keys-create.ts';
import type { schema as nativePromptsCreate } from '../../native/routes/prompts-create.ts';
import type { PromptPageT, VersionPageT } from '../responses.ts';

const LISTS = ['/api/prompts/?page_size=1', '/api/prompts/list?page_size=1'];

for (const backend of backends) {
  for (const publicUrl of [undefined, 'https://prompts.example.com/lectern']) {
    describe.skipIf(!backend.available)(
      `Keywords AI links on ${backend.name}, ${publicUrl ? 'with' : 'without'} a public URL`,
      () => {
        let t: TestApp;
        let victim: string;
        let versionsUrl: string;
        beforeAll(async () => {
          t = await startTestApp(backend, publicUrl ? { publicUrl } : {});
          for (const name of ['links-a', 'links-b']) {
            const r = await t.call<ResponseOf<typeof nativePromptsCreate, 201>>('POST', '/v1/prompts', {
              body: { name, version: { messages: [{ role: 'user', content: 'x' }] } },
            });
            expect(r.status).toBe(201);
            await t.call('POST', `/v1/prompts/${name}/versions`, {
              body: { messages: [{ role: 'user', content: 'y' }] },
            });
            versionsUrl = `/api/prompts/${(r.body.prompt.id as string).replace(/-/g, '')}/versions?page_size=1`;
          }
          // Another application's key in the same workspace, with the same role.
          const k = await t.call<ResponseOf<typeof nativeKeysCreate, 201>>('POST', '/v1/keys', {
            key: t.keys.admin,
            body: { name: 'victim', role: 'editor', workspace: 'default' },
          });
          expect(k.status).toBe(201);
          victim = k.body.secret;
        });
        afterAll(() => t?.close());

        it('a request with a forged Host never changes the links other clients get', async () => {
          for (const url of [...LISTS, versionsUrl]) {
            const forged = await t.call<PromptPageT | VersionPageT>('GET', url, {
              headers: { host: 'attacker.example' },
            });
            expect(forged.status, url).toBe(200);
            if (publicUrl)
              expect(forged.body.next, url).toMatch(
                /^https:\/\/prompts\.example\.com\/lectern\/api\/prompts/,
              );
            else {
              // Its own answer names the host it sent, and is marked as not to be kept.
              expect(forged.body.next, url).toMatch(/^http:\/\/attacker\.example\//);
              expect(forged.headers['cache-control'], url).toBe('no-store');
            }
            for (const key of [victim, t.keys.editor]) {
              const res = await t.call<PromptPageT | VersionPageT>('GET', url, {
                key,
                headers: { host: 'lectern.internal:8080' },
              });
              expect(res.status, url).toBe(200);
              expect(res.body.next, url).not.toMatch(/attacker/);
              expect(res.body.next, url).toMatch(
                publicUrl
                  ? /^https:\/\/prompts\.example\.com\/lectern\/api\/prompts/
                  : /^http:\/\/lectern\.internal:8080\/api\/prompts/,
              );
            }
          }
        });
      },
    );
  }
}
