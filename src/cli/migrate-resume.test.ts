// An interrupted `lectern migrate` resumes. The CLI runs as a child process and is SIGKILLed at the
// two places that matter: while it reads the source (a proxy in front of the source stalls after N
// requests, some batches already imported) and between the server committing an import batch and
// the CLI recording it in its state file (a proxy in front of the target holds the import's
// answer). A rerun then finishes; nothing is duplicated or missing, and every version, commit
// message and label equals the source's.
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../test/support/stores.ts';
import { startTestApp, type ResponseOf, type TestApp } from '../../test/support/app.ts';
import type { schema as labelsHistory } from '../dialects/native/routes/labels-history.ts';
import { lecternAt, spawnLectern } from '../../test/support/lectern-cli.ts';
import { nativeView, urlOf } from '../../test/support/migrate-view.ts';

/**
 * A pass-through HTTP proxy. `hold(req, n)` decides for the n-th request (from 1) whether it is
 * answered ('pass'), never forwarded ('before'), or forwarded but its answer withheld ('after'); a
 * held request resolves `held` once the upstream has answered (or at once for 'before').
 */
async function proxy(
  upstream: string,
  hold: (req: IncomingMessage, n: number) => 'pass' | 'before' | 'after',
  port = 0,
) {
  let n = 0;
  let onHeld!: () => void;
  const held = new Promise<void>((r) => (onHeld = r));
  const up = new URL(upstream);
  const server: Server = createServer((req, res) => {
    const what = hold(req, ++n);
    if (what === 'before') {
      req.resume();
      onHeld();
      return;
    }
    const fwd = request(
      { host: up.hostname, port: up.port, method: req.method, path: req.url, headers: req.headers },
      (r) => {
        if (what === 'after') {
          r.resume();
          r.on('end', onHeld);
          return;
        }
        res.writeHead(r.statusCode!, r.headers);
        r.pipe(res);
      },
    );
    fwd.on('error', () => res.destroy());
    req.pipe(fwd);
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    url,
    held,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Every prompt with its versions (content, commit message) and labels, and how many there are. */
async function view(t: TestApp) {
  const prompts = await nativeView(t);
  return { count: Object.keys(prompts).length, prompts };
}

const PROMPTS = 12;
const VERSIONS = 3;
const BATCH = 3;
// PromptLayer: per prompt, one read per version and one for its labels (plus one list page).
const REQUESTS_PER_PROMPT = VERSIONS + 1;

describe.each(backends)('lectern migrate resumes after SIGKILL ($name)', (backend) => {
  let src: TestApp;
  let dst: TestApp;
  let dir: string;
  let srcUrl: string;
  let dstUrl: string;
  beforeAll(async () => {
    if (!backend.available) return;
    [src, dst] = await Promise.all([startTestApp(backend), startTestApp(backend)]);
    dir = await mkdtemp(join(tmpdir(), 'lectern-migrate-kill-'));
    for (let p = 1; p <= PROMPTS; p++)
      for (let v = 1; v <= VERSIONS; v++) {
        const r = await src.call('POST', '/rest/prompt-templates', {
          body: {
            prompt_template: { prompt_name: `pl/p${String(p).padStart(2, '0')}`, tags: ['pl'] },
            prompt_version: {
              prompt_template: {
                type: 'chat',
                messages: [{ role: 'user', content: [{ type: 'text', text: `prompt ${p} v${v} {x}` }] }],
                input_variables: [],
              },
              metadata: {
                model: { provider: 'openai', name: 'gpt-4o', parameters: { temperature: v / 10 } },
              },
              commit_message: `p${p} c${v}`,
            },
            // prod stays on v1, staging moves to the newest.
            release_labels: v === 1 ? ['prod', 'staging'] : ['staging'],
          },
        });
        expect(r.status, r.raw).toBe(201);
      }
    [srcUrl, dstUrl] = await Promise.all([urlOf(src), urlOf(dst)]);
  });
  afterAll(async () => {
    await Promise.all([src?.close(), dst?.close()]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it.skipIf(!backend.available)(
    'killed while reading the source and again after an import committed, a rerun finishes exactly',
    async () => {
      const state = join(dir, 'state.json');
      const args = (url: string) => [
        'migrate',
        '--from',
        'promptlayer',
        '--url',
        url,
        '--key',
        src.keys.editor,
        '--state',
        state,
        '--batch',
        String(BATCH),
        '--json',
      ];
      // The state file names the source URL: the proxies keep it the same across runs.
      const source = await proxy(srcUrl, (_req, n) => (n > 1 + 7 * REQUESTS_PER_PROMPT ? 'before' : 'pass'));
      const sourceUrl = source.url;

      // 1. Stalls while reading prompt 8: prompts 1-6 are imported (two batches), 7 is read.
      const first = spawnLectern(dstUrl, dst.keys.editor, dir, ...args(sourceUrl));
      await source.held;
      first.child.kill('SIGKILL');
      expect((await first.exited).signal).toBe('SIGKILL');
      await source.close();
      expect(JSON.parse(await readFile(state, 'utf8')).done).toHaveLength(6);
      expect((await view(dst)).count).toBe(6);

      // 2. Through a proxy on the same port as the first, so the state file's URL matches.
      const again = await proxy(srcUrl, () => 'pass', Number(new URL(sourceUrl).port));
      const target = await proxy(dstUrl, (req) =>
        req.method === 'POST' && req.url?.startsWith('/v1/import') ? 'after' : 'pass',
      );
      const second = spawnLectern(target.url, dst.keys.editor, dir, ...args(sourceUrl));
      await target.held; // the server imported prompts 7-9; the CLI never hears it
      second.child.kill('SIGKILL');
      expect((await second.exited).signal).toBe('SIGKILL');
      await target.close();
      expect(JSON.parse(await readFile(state, 'utf8')).done).toHaveLength(6);
      expect((await view(dst)).count).toBe(9);

      // 3. The rerun finishes.
      const done = await lecternAt(dstUrl, dst.keys.editor, dir)(...args(sourceUrl));
      await again.close();
      expect(done.code, done.stderr).toBe(0);
      const report = JSON.parse(done.stdout);
      expect(report).toMatchObject({
        prompts: PROMPTS - 6,
        versions: (PROMPTS - 6) * VERSIONS,
        skipped_already_done: 6,
        imported: { prompts_created: PROMPTS - 9, prompts_skipped: 3 },
        problems: [],
      });
      expect(JSON.parse(await readFile(state, 'utf8')).done).toHaveLength(PROMPTS);

      const want = await view(src);
      const got = await view(dst);
      expect(got.count).toBe(PROMPTS);
      expect(got).toEqual(want);
      // Label history too: each label's move (the migration records where it points) arrives once.
      for (const p of Object.keys(want.prompts)) {
        const h = await dst.call<ResponseOf<typeof labelsHistory>>(
          'GET',
          `/v1/prompts/${encodeURIComponent(p)}/label-history?limit=100`,
        );
        expect(h.status).toBe(200);
        expect(h.body.data.map((m) => m.label).sort()).toEqual(['prod', 'staging']);
      }
    },
    240_000,
  );
});
