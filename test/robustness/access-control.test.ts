// Access control through every API: keys kept only as hashes and compared in constant time, a
// viewer changes nothing anywhere, another workspace's key sees nothing (404), a revoked key is
// refused at once, and requests are rate limited per key with 429 + Retry-After.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/stores.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { dbFingerprint, rows } from '../support/invariants.ts';
import { attackableRoutes, type Route } from '../support/hostile.ts';
import { loadConfig } from '../../src/server/config.ts';
import { createTarget, labelMovers, writers, type Call, type Target } from '../support/writers.ts';

// POSTs that only read (render, rendered get, list/summary searches): a viewer may call them.
const READ_POSTS = [/\/render$/, /^\/prompt-templates\/:identifier$/, /^\/api\/prompts\/(list|summary)$/];

// Run-time logging is not a change to prompts: applications log their runs with read-only keys,
// so a viewer may log (into its own workspace's request log, which dbFingerprint does not cover)
// and make request groups — PromptLayer's tracking calls and OTLP traces, Keywords AI's and the
// native log routes.
const LOG_POSTS = [
  /^\/(track-request|log-request|create-group|spans-bulk|track-group)$/,
  /^\/(library-|rest\/)track-/,
  /^\/v1\/(request-logs|request-groups|traces)$/,
  /^(\/api)?\/request-logs(\/create)?$/,
];

// Writes that act in the caller's own workspace whatever the path names (an upsert by external id
// maps the pair in the caller's workspace): another workspace's key may succeed, but A is untouched.
const OWN_WORKSPACE_WRITES = [/^\/prompt-templates\/by-external-id\//];

const SECRET = 'TOPSECRET-of-workspace-A';

const PLAUSIBLE_BODY = {
  name: 'acl-intruder',
  prompt_name: 'acl-intruder',
  messages: [{ role: 'user', content: 'hi' }],
  model: 'gpt-4o',
  version: 1,
  prompt_version_number: 1,
  role: 'editor',
  prompt_template: { prompt_name: 'acl-intruder' },
  prompt_version: { prompt_template: { type: 'chat', messages: [] } },
};

for (const backend of backends) {
  describe.skipIf(!backend.available)(`access control on ${backend.name}`, () => {
    let t: TestApp;
    let call: Call;
    let a: Target;
    let labelSeq: number;
    let viewerKeyId: string;
    let routes: Route[];
    beforeAll(async () => {
      t = await startTestApp(backend);
      call = t.call as Call;
      a = await createTarget(call, 'acl-a-secret');
      await call('POST', `/v1/prompts/${a.id}/versions`, {
        body: { messages: [{ role: 'user', content: SECRET }] },
      });
      const put = await call('PUT', `/v1/prompts/${a.id}/labels/production`, { body: { version: 1 } });
      labelSeq = put.body.label.seq ?? put.body.label.id;
      const labels = await call('GET', `/prompt-templates/${a.seq}/labels`);
      labelSeq = labels.body.release_labels?.[0]?.release_label_id ?? labelSeq;
      const mapped = await call('POST', `/prompt-templates/${a.seq}/external-ids`, {
        body: { source: 'acl', external_id: 'a-secret' },
      });
      expect(mapped.status).toBe(201);
      await call('POST', '/v1/workspaces/default/projects', { key: t.keys.admin, body: { name: 'p1' } });
      const keys = await call('GET', '/v1/keys', { key: t.keys.admin });
      viewerKeyId = keys.body.data.find((k: { name: string }) => k.name === 'viewer@default').id;
      routes = attackableRoutes(t.app.routeTable).filter((r) => !r.url.includes('*'));
    });
    afterAll(() => t?.close());

    /** Concrete URLs for a route, its parameters filled with workspace A's things. */
    function urlsFor(r: Route): string[] {
      const forms = [a.id, String(a.seq), encodeURIComponent(a.name), a.hex];
      const fill = (form: string) =>
        r.url.replace(/:([^/]+)/g, (_, p: string) => {
          if (p === 'version') return '1';
          if (p === 'label') return 'production';
          if (p === 'prompt_label_id') return String(labelSeq);
          if (p === 'project') return 'p1';
          if (p === 'source') return 'acl';
          if (p === 'external_id') return 'a-secret';
          if (p === 'id') return viewerKeyId;
          if (p === 'workspace' || (p === 'name' && !/\/prompts\/:name$/.test(r.url))) return 'default';
          if (p === 'name' && /\/projects\/:name$/.test(r.url)) return 'p1';
          return form;
        });
      return [...new Set(forms.map(fill))];
    }

    describe('keys at rest', () => {
      it('stores keys only as SHA-256 hashes, never the secret', async () => {
        const all = await rows(t.store, 'select row_to_json(k)::text as j, hash from api_keys k');
        for (const secret of Object.values(t.keys)) {
          expect(all.some((r) => String(r.j).includes(secret))).toBe(false);
          const h = createHash('sha256').update(secret).digest('hex');
          expect(all.filter((r) => r.hash === h)).toHaveLength(1);
        }
      });

      it('compares the presented key in constant time', async () => {
        const src = await readFile(new URL('../../src/registry/keys.ts', import.meta.url), 'utf8');
        const auth = src.slice(src.indexOf('export async function authenticate'));
        const body = auth.slice(0, auth.indexOf('\n}\n'));
        expect(body).toMatch(/timingSafeEqual\(/);
        expect(body).not.toMatch(/\.hash\s*[!=]==?\s*hash\b/);
      });
    });

    describe('viewer', () => {
      it('gets 403 from every writing API and every label mover', async () => {
        for (const w of writers) {
          const before = await dbFingerprint(t.store);
          const r = await w.write(call, a, 1, { key: t.keys.viewer });
          expect(r.status, w.api).toBe(403);
          expect(await dbFingerprint(t.store), w.api).toBe(before);
        }
        for (const m of labelMovers) {
          const before = await dbFingerprint(t.store);
          expect(await m.move(call, a, 'production', 1, t.keys.viewer), m.api).toBe(403);
          expect(await dbFingerprint(t.store), m.api).toBe(before);
        }
      });

      it('changes nothing through any route of any API', async () => {
        const leaks: string[] = [];
        for (const r of routes.filter((x) => x.method !== 'GET')) {
          for (const url of urlsFor(r)) {
            for (const body of [PLAUSIBLE_BODY, {}]) {
              const before = await dbFingerprint(t.store);
              const res = await call(r.method, url, { key: t.keys.viewer, body });
              const readOnly = r.method === 'POST' && READ_POSTS.some((re) => re.test(r.url));
              const logs = r.method === 'POST' && LOG_POSTS.some((re) => re.test(r.url));
              if (res.status >= 500) leaks.push(`${r.method} ${url} -> ${res.status}`);
              if (res.status < 300 && !readOnly && !logs) leaks.push(`${r.method} ${url} -> ${res.status}`);
              if (!logs && (await dbFingerprint(t.store)) !== before)
                leaks.push(`${r.method} ${url}: state changed`);
            }
          }
        }
        expect(leaks).toEqual([]);
      });
    });

    // docs/api.md: creating and deleting workspaces needs an all-workspace admin key. A workspace's
    // own admin key manages what is in it; deleting the workspace itself is refused in every API
    // that can delete one, even when it is empty (so the refusal is not the 409 for prompts).
    describe('a workspace-bound admin key', () => {
      const deleters = [
        { api: 'native', url: (ws: string) => `/v1/workspaces/${ws}`, deleted: 200 },
        { api: 'nemo', url: (ws: string) => `/apis/entities/v2/workspaces/${ws}`, deleted: 204 },
      ];
      it('gets 403 forbidden deleting its own workspace through every API, and the workspace stays', async () => {
        for (const d of deleters) {
          const ws = `acl-own-${d.api}`;
          expect(
            (await call('POST', '/v1/workspaces', { key: t.keys.admin, body: { name: ws } })).status,
          ).toBe(201);
          const made = await call('POST', '/v1/keys', {
            key: t.keys.admin,
            body: { name: `admin@${ws}`, role: 'admin', workspace: ws },
          });
          const own = made.body.secret as string;
          const before = await dbFingerprint(t.store);
          const r = await call('DELETE', d.url(ws), { key: own });
          expect(r.status, `${d.api}: ${JSON.stringify(r.body)}`).toBe(403);
          expect(await dbFingerprint(t.store), d.api).toBe(before);
          expect((await call('GET', `/v1/workspaces/${ws}`, { key: own })).status, d.api).toBe(200);
          // Another workspace stays absent to it (404, never 403).
          expect((await call('DELETE', d.url('other'), { key: own })).status, d.api).toBe(404);
          // An all-workspace admin key may.
          expect((await call('DELETE', d.url(ws), { key: t.keys.admin })).status, d.api).toBe(d.deleted);
        }
      });

      it('gets 403 forbidden creating a workspace through every API, and nothing is written', async () => {
        const ws = 'acl-own-creator';
        expect((await call('POST', '/v1/workspaces', { key: t.keys.admin, body: { name: ws } })).status).toBe(
          201,
        );
        const made = await call('POST', '/v1/keys', {
          key: t.keys.admin,
          body: { name: `admin@${ws}`, role: 'admin', workspace: ws },
        });
        const own = made.body.secret as string;
        const creators = [
          { api: 'native', url: '/v1/workspaces', made: 201 },
          { api: 'nemo', url: '/apis/entities/v2/workspaces', made: 201 },
        ];
        for (const c of creators) {
          const name = `acl-new-${c.api}`;
          const before = await dbFingerprint(t.store);
          const r = await call('POST', c.url, { key: own, body: { name } });
          expect(r.status, `${c.api}: ${JSON.stringify(r.body)}`).toBe(403);
          expect(JSON.stringify(r.body), c.api).toContain('all workspaces');
          expect(await dbFingerprint(t.store), c.api).toBe(before);
          expect((await call('POST', c.url, { key: t.keys.admin, body: { name } })).status, c.api).toBe(
            c.made,
          );
        }
      });
    });

    describe('another workspace', () => {
      it('gets 404 for workspace A’s prompt from every writing API and label mover', async () => {
        const b = { ...a, workspace: 'default' };
        for (const w of writers) {
          if (w.api === 'promptlayer-publish') continue; // publishes by name into the caller's workspace
          const r = await w.write(call, b, 2, { key: t.keys.otherEditor });
          expect(r.status, w.api).toBe(404);
        }
        const own = await writers
          .find((w) => w.api === 'promptlayer-publish')!
          .write(call, { ...a, name: 'acl-own-publish' }, 3, { key: t.keys.otherEditor });
        expect(own.status).toBe(201);
        const seen = await call('GET', `/v1/prompts/${a.id}/versions`);
        expect(JSON.stringify(seen.body)).not.toContain('promptlayer-publish');
        for (const m of labelMovers)
          expect(await m.move(call, a, 'production', 1, t.keys.otherEditor), m.api).toBe(404);
      });

      it('sees nothing of workspace A through any route (404, or 403 on admin-only routes)', async () => {
        const leaks: string[] = [];
        // Workspace A's prompt as stored: its row (revision), versions, labels and external ids.
        const stateOfA = async () =>
          JSON.stringify(
            await rows(
              t.store,
              `select (select row_to_json(p)::text from prompts p where p.id = '${a.id}') as p,
                      (select count(*) from versions where prompt_id = '${a.id}') as v,
                      (select string_agg(name, ',' order by name) from labels where prompt_id = '${a.id}') as l,
                      (select string_agg(source || '/' || external_id, ',' order by source, external_id)
                         from prompt_external_ids where prompt_id = '${a.id}') as e`,
            ),
          );
        for (const r of routes) {
          const hasParams = r.url.includes(':');
          const ownWorkspace = OWN_WORKSPACE_WRITES.some((re) => re.test(r.url));
          for (const url of hasParams ? urlsFor(r) : [r.url]) {
            for (const key of [t.keys.otherEditor, t.keys.otherViewer]) {
              if (ownWorkspace) {
                const aBefore = await stateOfA();
                const res = await call(r.method, url, { key, body: PLAUSIBLE_BODY });
                if (res.status >= 500) leaks.push(`${r.method} ${url} -> ${res.status}`);
                if (JSON.stringify(res.body ?? '').includes(SECRET))
                  leaks.push(`${r.method} ${url}: answer shows workspace A's content`);
                if (res.status < 300 && res.body?.id === a.seq)
                  leaks.push(`${r.method} ${url}: wrote to workspace A's prompt`);
                if ((await stateOfA()) !== aBefore)
                  leaks.push(`${r.method} ${url}: workspace A's prompt changed`);
                continue;
              }
              const before = await dbFingerprint(t.store);
              const res = await call(r.method, url, {
                key,
                body: r.method === 'GET' ? undefined : PLAUSIBLE_BODY,
              });
              const raw = JSON.stringify(res.body ?? '');
              if (res.status >= 500) leaks.push(`${r.method} ${url} -> ${res.status}`);
              if (raw.includes(SECRET)) leaks.push(`${r.method} ${url}: answer shows workspace A's content`);
              if (hasParams && r.method === 'GET' && ![400, 403, 404, 422].includes(res.status))
                leaks.push(`${r.method} ${url} -> ${res.status}`);
              if (hasParams && res.status < 300) leaks.push(`${r.method} ${url} -> ${res.status}`);
              if (hasParams && (await dbFingerprint(t.store)) !== before)
                leaks.push(`${r.method} ${url}: state changed`);
            }
          }
        }
        expect(leaks).toEqual([]);
      });
    });

    it('reads of workspace A’s prompt are 404 through every API', async () => {
      const reads = [
        `/v1/prompts/${a.id}`,
        `/v1/prompts/${a.name}`,
        `/prompt-templates/${a.seq}`,
        `/prompt-templates/${a.name}`,
        `/api/prompts/${a.hex}/`,
        `/api/prompts/${a.hex}/versions/`,
        `/apis/models/v2/workspaces/default/prompts/${a.name}`,
      ];
      for (const url of reads) {
        const res = await call('GET', url, { key: t.keys.otherEditor });
        expect(res.status, url).toBe(404);
        expect(JSON.stringify(res.body)).not.toContain(SECRET);
      }
      const rendered = await call('POST', `/prompt-templates/${a.seq}`, {
        key: t.keys.otherViewer,
        body: {},
      });
      expect(rendered.status).toBe(404);
    });

    describe('revocation', () => {
      it('refuses a revoked key at once, through every API', async () => {
        const made = await call('POST', '/v1/keys', {
          key: t.keys.admin,
          body: { name: 'short-lived', role: 'editor', workspace: 'default' },
        });
        expect(made.status).toBe(201);
        const key = made.body.secret as string;
        const reads = [
          `/v1/prompts/${a.id}`,
          `/prompt-templates/${a.seq}`,
          `/api/prompts/${a.hex}/`,
          `/apis/models/v2/workspaces/default/prompts/${a.name}`,
        ];
        for (const url of reads) expect((await call('GET', url, { key })).status, url).toBe(200);
        const revoked = await call('DELETE', `/v1/keys/${made.body.key.id}`, { key: t.keys.admin });
        expect(revoked.status).toBe(200);
        for (const url of reads) expect((await call('GET', url, { key })).status, url).toBe(401);
        const w = await writers[0]!.write(call, a, 99, { key });
        expect(w.status).toBe(401);
      });
    });
  });

  describe.skipIf(!backend.available)(`rate limiting on ${backend.name}`, () => {
    let t: TestApp;
    let a: Target;
    const LIMIT = 5;
    beforeAll(async () => {
      t = await startTestApp(backend, { rateLimit: LIMIT, rateLimitWindowMs: 60_000 });
      a = await createTarget(t.call as Call, 'rl', t.keys.admin);
    });
    afterAll(() => t?.close());

    it('counts writes by default, and all requests only when LECTERN_RATE_LIMIT asks', () => {
      // Reads are not throttled by default (see test/robustness/rate-limits.test.ts).
      const c = loadConfig({});
      expect(c.rateLimit).toBe(0);
      expect(c.rateLimitWrites).toBeGreaterThanOrEqual(1000);
      expect(c.rateLimitWindowMs).toBeGreaterThan(0);
    });

    it('answers 429 with Retry-After per key, on every API, and leaves other keys alone', async () => {
      const urls = [
        `/v1/prompts/${a.id}`,
        `/prompt-templates/${a.seq}`,
        `/api/prompts/${a.hex}/`,
        `/apis/models/v2/workspaces/default/prompts/${a.name}`,
      ];
      for (let i = 0; i < LIMIT; i++)
        expect((await t.call('GET', urls[0]!, { key: t.keys.editor })).status).toBe(200);
      for (const url of urls) {
        const res = await t.call('GET', url, { key: t.keys.editor });
        expect(res.status, url).toBe(429);
        expect(Number(res.headers['retry-after']), url).toBeGreaterThan(0);
      }
      expect((await t.call('GET', urls[0]!, { key: t.keys.viewer })).status).toBe(200);
      expect((await t.call('GET', urls[1]!, { key: t.keys.viewer, auth: 'x-api-key' })).status).toBe(200);
    });
  });
}
