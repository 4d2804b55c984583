import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { backends } from '../../test/support/stores.ts';
import { startTestApp, type TestApp, type ResponseOf } from '../../test/support/app.ts';
import { ReadCache } from './read-cache.ts';
import { decodeChanges, encodeChanges } from './change-feed.ts';
import type { Change } from '../registry/index.ts';
import type { schema as nativeKeysCreate } from '../dialects/native/routes/keys-create.ts';
import type { schema as nativePromptsGet } from '../dialects/native/routes/prompts-get.ts';
import type { schema as nativePromptsResolve } from '../dialects/native/routes/prompts-resolve.ts';
import type { schema as nativeVersionsGet } from '../dialects/native/routes/versions-get.ts';
import type { schema as nativePromptsList } from '../dialects/native/routes/prompts-list.ts';
import type { schema as promptlayerGetRaw } from '../dialects/promptlayer/routes/get-raw.ts';
import type { schema as promptlayerGetRendered } from '../dialects/promptlayer/routes/get-rendered.ts';

const W1 = 'ws-1';
const W2 = 'ws-2';
const change = (workspaceId: string | null, kind: Change['kind'] = 'prompt'): Change => ({
  kind,
  workspaceId,
  promptId: 'p',
});

describe('read cache (unit)', () => {
  it('while suspended (change feed down) neither answers nor stores, and resumes empty', () => {
    const c = new ReadCache({ maxEntries: 100, maxBytes: 1 << 20 });
    c.set('a', W1, c.stamp(), 'A', []);
    c.suspend();
    expect(c.get('a')).toBeUndefined();
    const stamp = c.stamp();
    c.set('b', W1, stamp, 'B', []);
    c.resume();
    expect(c.get('a')).toBeUndefined(); // cached before the outage: dropped
    expect(c.get('b')).toBeUndefined(); // read during it: never stored
    c.set('c', W1, c.stamp(), 'C', []);
    expect(c.get('c')?.payload).toBe('C');
  });

  it('drops entries of a workspace that changed, and only those', () => {
    const c = new ReadCache({ maxEntries: 100, maxBytes: 1 << 20 });
    c.set('a', W1, c.stamp(), 'A', []);
    c.set('b', W2, c.stamp(), 'B', []);
    c.invalidate([change(W1)]);
    expect(c.get('a')).toBeUndefined();
    expect(c.get('b')?.payload).toBe('B');
  });

  it('drops all-workspace entries on a change anywhere, and everything on a workspace change', () => {
    const c = new ReadCache({ maxEntries: 100, maxBytes: 1 << 20 });
    c.set('star', '*', c.stamp(), 'S', []);
    c.set('b', W2, c.stamp(), 'B', []);
    c.invalidate([change(W1)]);
    expect(c.get('star')).toBeUndefined();
    expect(c.get('b')).toBeDefined();
    c.invalidate([change(W1, 'workspace')]);
    expect(c.get('b')).toBeUndefined();
  });

  it('ignores key changes (they concern the key cache, never a response)', () => {
    const c = new ReadCache({ maxEntries: 100, maxBytes: 1 << 20 });
    c.set('a', W1, c.stamp(), 'A', []);
    c.invalidate([change(W1, 'key')]);
    expect(c.get('a')).toBeDefined();
  });

  it('never stores an answer whose request started before a change to its workspace', () => {
    const c = new ReadCache({ maxEntries: 100, maxBytes: 1 << 20 });
    const stamp = c.stamp(); // request starts, reads the database …
    c.invalidate([change(W1)]); // … a write commits meanwhile …
    c.set('a', W1, stamp, 'old', []); // … and the old answer arrives
    expect(c.get('a')).toBeUndefined();
  });

  it('is bounded by bytes', () => {
    const c = new ReadCache({ maxEntries: 1000, maxBytes: 10_000 });
    for (let i = 0; i < 100; i++) c.set(`k${i}`, W1, c.stamp(), 'x'.repeat(1000), []);
    expect(c.bytes).toBeLessThanOrEqual(10_000);
    expect(c.get('k99')).toBeDefined();
    expect(c.get('k0')).toBeUndefined();
  });

  it('property: a read never returns an answer older than the last change to its scope', () => {
    type Op = { t: 'start'; scope: string } | { t: 'finish'; i: number } | { t: 'change'; ws: string | null };
    const scope = fc.constantFrom(W1, W2, '*');
    const op: fc.Arbitrary<Op> = fc.oneof(
      scope.map((s) => ({ t: 'start' as const, scope: s })),
      fc.nat(20).map((i) => ({ t: 'finish' as const, i })),
      fc.constantFrom(W1, W2, null).map((ws) => ({ t: 'change' as const, ws })),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const c = new ReadCache({ maxEntries: 100, maxBytes: 1 << 20 });
        // The model: a version number per workspace; an answer carries the versions it saw.
        const version = new Map<string, number>([
          [W1, 0],
          [W2, 0],
        ]);
        const snap = () => `${version.get(W1)}/${version.get(W2)}`;
        const started: { scope: string; stamp: number; seen: string; key: string }[] = [];
        for (const o of ops) {
          if (o.t === 'start') {
            started.push({ scope: o.scope, stamp: c.stamp(), seen: snap(), key: `k-${o.scope}` });
          } else if (o.t === 'finish' && started.length) {
            const r = started.splice(o.i % started.length, 1)[0]!;
            c.set(r.key, r.scope, r.stamp, r.seen, []);
          } else if (o.t === 'change') {
            for (const w of o.ws ? [o.ws] : [W1, W2]) version.set(w, version.get(w)! + 1);
            c.invalidate([o.ws ? change(o.ws) : change(W1, 'workspace')]);
          }
          for (const s of [W1, W2, '*']) {
            const hit = c.get(`k-${s}`);
            if (!hit) continue;
            const [v1, v2] = String(hit.payload).split('/').map(Number);
            if (s !== W2 && v1 !== version.get(W1)) return false;
            if (s !== W1 && v2 !== version.get(W2)) return false;
          }
        }
        return true;
      }),
    );
  });
});

describe('change feed messages', () => {
  it('round-trips changes and skips our own', () => {
    const changes: Change[] = [{ kind: 'prompt', workspaceId: W1, promptId: 'p1' }, change(null, 'key')];
    const msg = encodeChanges('me', changes);
    expect(decodeChanges('me', msg)).toBeNull();
    expect(decodeChanges('other', msg)).toEqual([
      { kind: 'prompt', workspaceId: W1, promptId: 'p1' },
      { kind: 'key', workspaceId: null, promptId: 'p' },
    ]);
  });

  it('says "everything" when the changes do not fit a NOTIFY payload, or the payload is garbled', () => {
    const many = Array.from({ length: 500 }, (_, i) => change(`workspace-${i}`));
    const msg = encodeChanges('me', many);
    expect(msg.length).toBeLessThan(8000);
    expect(decodeChanges('other', msg)).toBe('all');
    expect(decodeChanges('other', '{not json')).toBe('all');
    expect(decodeChanges('other', '42')).toBe('all');
  });
});

for (const backend of backends) {
  describe.skipIf(!backend.available)(`read cache through the app on ${backend.name}`, () => {
    let t: TestApp;
    let n = 0;
    const hits = () => t.app.readCache!.hits;

    /** A fresh prompt with versions 1 and 2, `production` on 1. */
    async function seed(): Promise<string> {
      const name = `cached-${++n}`;
      const res = await t.call('POST', '/v1/prompts', {
        body: {
          name,
          version: { messages: [{ role: 'user', content: 'one {{x}}' }] },
          labels: ['production'],
        },
      });
      expect(res.status).toBe(201);
      const v2 = await t.call('POST', `/v1/prompts/${name}/versions`, {
        body: { messages: [{ role: 'user', content: 'two {{x}}' }] },
      });
      expect(v2.status).toBe(201);
      return name;
    }

    beforeAll(async () => {
      t = await startTestApp(backend);
    });
    afterAll(() => t?.close());

    describe('happy path', () => {
      it('caches exactly the routes that declare config.cacheable (the server lists no URL)', () => {
        const cacheable = t.app.routeTable
          .filter((r) => r.method !== 'HEAD')
          .filter((r) => Boolean(r.config?.cacheable))
          .map((r) => `${r.method} ${r.url}`)
          .sort();
        expect(cacheable).toEqual([
          'GET /api/prompts',
          'GET /api/prompts/:prompt_id/versions/:version',
          'GET /api/public/v2/prompts',
          'GET /api/public/v2/prompts/:name',
          'GET /apis/models/v2/workspaces/:workspace/prompts',
          'GET /apis/models/v2/workspaces/:workspace/prompts/:name',
          'GET /prompt-templates',
          'GET /prompt-templates/:identifier',
          'GET /v1/prompts',
          'GET /v1/prompts/:prompt',
          'GET /v1/prompts/:prompt/resolve',
          'GET /v1/prompts/:prompt/versions/:version',
          'POST /prompt-templates/:identifier',
        ]);
      });

      it('serves a repeated resolve from memory: same bytes, same ETag', async () => {
        const name = await seed();
        const url = `/v1/prompts/${name}/resolve?label=production`;
        const first = await t.call('GET', url, { key: t.keys.viewer });
        expect(first.status).toBe(200);
        const before = hits();
        const second = await t.call('GET', url, { key: t.keys.viewer });
        expect(hits()).toBe(before + 1);
        expect(second.status).toBe(200);
        expect(second.raw).toBe(first.raw);
        expect(second.headers.etag).toBe(first.headers.etag);
        expect(second.headers['content-type']).toBe(first.headers['content-type']);
        expect(second.headers['x-request-id']).not.toBe(first.headers['x-request-id']);
      });

      it('answers If-None-Match with 304 and no body on the cached path too', async () => {
        const name = await seed();
        const url = `/v1/prompts/${name}/versions/1`;
        const first = await t.call('GET', url);
        const before = hits();
        const res = await t.call('GET', url, { headers: { 'if-none-match': first.headers.etag as string } });
        expect(hits()).toBe(before + 1);
        expect(res.status).toBe(304);
        expect(res.raw).toBe('');
        const other = await t.call('GET', url, { headers: { 'if-none-match': '"0.0"' } });
        expect(other.status).toBe(200);
        expect(other.raw).toBe(first.raw);
      });

      it('Cache-Control: no-cache goes to the database', async () => {
        const name = await seed();
        const url = `/v1/prompts/${name}`;
        await t.call('GET', url);
        const before = hits();
        const res = await t.call('GET', url, { headers: { 'cache-control': 'no-cache' } });
        expect(res.status).toBe(200);
        expect(hits()).toBe(before);
      });
    });

    describe('invalidation: a write is never followed by a stale read', () => {
      it('moving a label changes what resolve serves next', async () => {
        const name = await seed();
        const url = `/v1/prompts/${name}/resolve?label=production`;
        expect((await t.call<ResponseOf<typeof nativePromptsResolve>>('GET', url)).body.version.number).toBe(
          1,
        );
        expect((await t.call<ResponseOf<typeof nativePromptsResolve>>('GET', url)).body.version.number).toBe(
          1,
        ); // cached
        const moved = await t.call('PUT', `/v1/prompts/${name}/labels/production`, { body: { version: 2 } });
        expect(moved.status).toBe(200);
        expect((await t.call<ResponseOf<typeof nativePromptsResolve>>('GET', url)).body.version.number).toBe(
          2,
        );
      });

      it('a new version changes latest; a delete makes the prompt 404', async () => {
        const name = await seed();
        const url = `/v1/prompts/${name}/versions/latest`;
        await t.call('GET', url);
        expect((await t.call<ResponseOf<typeof nativeVersionsGet>>('GET', url)).body.version.number).toBe(2);
        await t.call('POST', `/v1/prompts/${name}/versions`, {
          body: { messages: [{ role: 'user', content: 'three' }] },
        });
        expect((await t.call<ResponseOf<typeof nativeVersionsGet>>('GET', url)).body.version.number).toBe(3);
        await t.call('GET', `/v1/prompts/${name}`);
        expect((await t.call('DELETE', `/v1/prompts/${name}`)).status).toBeLessThan(300);
        expect((await t.call('GET', `/v1/prompts/${name}`)).status).toBe(404);
        expect((await t.call('GET', url)).status).toBe(404);
      });

      it('a list is cached until a prompt of its workspace is created', async () => {
        await seed();
        const url = '/v1/prompts?limit=500&sort=name';
        const first = await t.call('GET', url);
        expect(first.status).toBe(200);
        const before = hits();
        expect((await t.call('GET', url)).raw).toBe(first.raw);
        expect(hits()).toBe(before + 1);
        const name = await seed();
        const after = await t.call<ResponseOf<typeof nativePromptsList>>('GET', url);
        expect(after.body.data.map((p) => p.name)).toContain(name);
      });

      it('a project created or deleted drops the cached answers of its workspace', async () => {
        const name = await seed();
        const url = `/v1/prompts/${name}`;
        await t.call('GET', url);
        let before = hits();
        await t.call('GET', url);
        expect(hits()).toBe(before + 1);
        await t.registry.createProject((await t.registry.authenticate(t.keys.editor))!, 'default', {
          name: `proj-${n}`,
        });
        before = hits();
        await t.call('GET', url);
        expect(hits()).toBe(before);
      });

      it('a write in another workspace keeps this workspace cached', async () => {
        const name = await seed();
        const url = `/v1/prompts/${name}/resolve`;
        await t.call('GET', url);
        await t.call('POST', '/v1/prompts', { key: t.keys.otherEditor, body: { name: `elsewhere-${n}` } });
        const before = hits();
        expect((await t.call('GET', url)).status).toBe(200);
        expect(hits()).toBe(before + 1);
      });
    });

    describe('security', () => {
      it('never serves one workspace the cached answer of another', async () => {
        const name = await seed();
        const url = `/v1/prompts/${name}/resolve?label=production`;
        expect((await t.call('GET', url, { key: t.keys.viewer })).status).toBe(200);
        expect((await t.call('GET', url, { key: t.keys.otherViewer })).status).toBe(404);
      });

      it('refuses a cached read without a key, with a wrong key, and at once after revocation', async () => {
        const name = await seed();
        const url = `/v1/prompts/${name}/resolve`;
        const made = await t.call<ResponseOf<typeof nativeKeysCreate, 201>>('POST', '/v1/keys', {
          key: t.keys.admin,
          body: { name: `reader-${n}`, role: 'viewer', workspace: 'default' },
        });
        expect(made.status).toBe(201);
        const secret = made.body.secret as string;
        expect((await t.call('GET', url, { key: secret })).status).toBe(200);
        expect((await t.call('GET', url, { key: secret })).status).toBe(200); // cached, key cached
        expect((await t.call('GET', url, { key: null })).status).toBe(401);
        expect((await t.call('GET', url, { key: 'lec_wrong' })).status).toBe(401);
        const keyId = made.body.key.id;
        expect((await t.call('DELETE', `/v1/keys/${keyId}`, { key: t.keys.admin })).status).toBeLessThan(300);
        expect((await t.call('GET', url, { key: secret })).status).toBe(401);
      });
    });

    describe('through the other dialects', () => {
      it('PromptLayer get raw is cached and sees a label moved through the native API', async () => {
        const name = await seed();
        const url = `/prompt-templates/${name}?label=production`;
        const first = await t.call<ResponseOf<typeof promptlayerGetRaw>>('GET', url);
        expect(first.status).toBe(200);
        expect(first.body.version).toBe(1);
        const before = hits();
        expect((await t.call('GET', url)).raw).toBe(first.raw);
        expect(hits()).toBe(before + 1);
        await t.call('PUT', `/v1/prompts/${name}/labels/production`, { body: { version: 2 } });
        expect((await t.call<ResponseOf<typeof promptlayerGetRaw>>('GET', url)).body.version).toBe(2);
      });

      it('PromptLayer get without input_variables is cached by body; with them it is not', async () => {
        const name = await seed();
        const url = `/prompt-templates/${name}`;
        const body = { label: 'production', api_key: 'ignored' };
        const first = await t.call('POST', url, { body });
        expect(first.status).toBe(200);
        let before = hits();
        expect((await t.call('POST', url, { body: { ...body, api_key: 'another' } })).raw).toBe(first.raw);
        expect(hits()).toBe(before + 1);
        // another body is another entry
        expect(
          (await t.call<ResponseOf<typeof promptlayerGetRendered>>('POST', url, { body: { version: 2 } }))
            .body.version,
        ).toBe(2);
        before = hits();
        const withVars = { label: 'production', input_variables: { x: 'X' } };
        await t.call('POST', url, { body: withVars });
        const rendered = await t.call('POST', url, { body: withVars });
        expect(rendered.status).toBe(200);
        expect(hits()).toBe(before);
        await t.call('PUT', `/v1/prompts/${name}/labels/production`, { body: { version: 2 } });
        expect(
          (await t.call<ResponseOf<typeof promptlayerGetRendered>>('POST', url, { body })).body.version,
        ).toBe(2);
      });

      it('NeMo get is cached and sees a new version made through the native API', async () => {
        const name = await seed();
        const url = `/apis/models/v2/workspaces/default/prompts/${name}`;
        const first = await t.call('GET', url);
        expect(first.status).toBe(200);
        const before = hits();
        expect((await t.call('GET', url)).raw).toBe(first.raw);
        expect(hits()).toBe(before + 1);
        await t.call('POST', `/v1/prompts/${name}/versions`, {
          body: { messages: [{ role: 'user', content: 'three, seen by NeMo' }] },
        });
        const after = await t.call<ResponseOf<typeof nativePromptsList>>('GET', url);
        expect(after.status).toBe(200);
        expect(after.raw).toContain('three, seen by NeMo');
      });

      it('Keywords AI retrieve version sees a new version made through the native API', async () => {
        const name = await seed();
        const created = await t.call<ResponseOf<typeof nativePromptsGet>>('GET', `/v1/prompts/${name}`);
        const hex = (created.body.prompt.id as string).replace(/-/g, '');
        const url = `/api/prompts/${hex}/versions/3/`;
        expect((await t.call('GET', url)).status).toBe(404);
        await t.call('POST', `/v1/prompts/${name}/versions`, {
          body: { messages: [{ role: 'user', content: 'three' }] },
        });
        const res = await t.call('GET', url);
        expect(res.status).toBe(200);
        const before = hits();
        expect((await t.call('GET', url)).raw).toBe(res.raw);
        expect(hits()).toBe(before + 1);
      });
    });
  });
}
