// The exit codes docs/cli.md promises scripts, each provoked as a user would meet it, the CLI in a
// child process: the documented table and client.ts's EXIT are the same list, and every code in it
// comes out where the docs say.
import { createServer } from 'node:http';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../test/support/stores.ts';
import { startTestApp, type TestApp } from '../../test/support/app.ts';
import { lecternAt } from '../../test/support/lectern-cli.ts';
import { EXIT } from './client.ts';

const pglite = backends.find((b) => b.name === 'pglite')!;

describe.skipIf(!pglite.available)('exit codes, as documented', () => {
  let t: TestApp;
  let dir: string;
  let url: string;
  let lectern: ReturnType<typeof lecternAt>;
  beforeAll(async () => {
    t = await startTestApp(pglite);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
    dir = await mkdtemp(join(tmpdir(), 'lectern-exit-'));
    lectern = lecternAt(url, t.keys.editor, dir);
    const r = await t.call('POST', '/v1/prompts', {
      body: { name: 'exit/p', version: { messages: [{ role: 'user', content: 'hi' }] } },
    });
    expect(r.status).toBe(201);
  });
  afterAll(async () => {
    await t?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('docs/cli.md lists exactly the codes the CLI uses', async () => {
    const doc = await readFile(new URL('../../docs/cli.md', import.meta.url), 'utf8');
    const section = doc.slice(doc.indexOf('## Exit codes'));
    const documented = [...section.matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1]));
    expect(documented.sort((a, b) => a - b)).toEqual(Object.values(EXIT).sort((a, b) => a - b));
  });

  it('0 ok, 2 usage, 3 invalid, 4 conflict, 5 auth, 6 unreachable, 10 changes', async () => {
    expect((await lectern('--version')).code).toBe(EXIT.ok);
    expect((await lectern('pull', '--no-such-option')).code).toBe(EXIT.usage);
    const noUrl = await lecternAt('', t.keys.editor, dir)('pull');
    expect(noUrl.code).toBe(EXIT.usage);
    expect(noUrl.stderr).toContain('pass --url');

    expect((await lectern('pull')).code).toBe(EXIT.ok);
    await writeFile(join(dir, 'prompts/exit/p.prompt'), '---\nmodel: x\n---\n{{role "user"}}\nchanged\n');
    expect((await lectern('plan', '--exit-code')).code).toBe(EXIT.changes);
    await writeFile(join(dir, 'prompts/broken.prompt'), 'no front matter');
    expect((await lectern('check')).code).toBe(EXIT.invalid);
    await rm(join(dir, 'prompts/broken.prompt'));

    // Drift: the server moved past the lock file.
    const v = await t.call('POST', '/v1/prompts/exit%2Fp/versions', {
      body: { messages: [{ role: 'user', content: 'elsewhere' }] },
    });
    expect(v.status).toBe(201);
    const drift = await lectern('push');
    expect(drift.code).toBe(EXIT.conflict);

    const badKey = await lecternAt(url, 'lec_not_a_key', dir)('pull', 'other');
    expect(badKey.code).toBe(EXIT.auth);
    const viewer = await lecternAt(url, t.keys.viewer, dir)('export', join(dir, 'x.jsonl'));
    expect(viewer.code).toBe(EXIT.auth);
    expect(viewer.stderr).toContain('use an editor or admin key');

    const gone = await lecternAt('http://127.0.0.1:1', t.keys.editor, dir)('pull');
    expect(gone.code).toBe(EXIT.unreachable);
    expect(gone.stderr).toContain('check --url');
  });

  it('1 for anything unexpected: a server answering 500', async () => {
    const broken = createServer((_req, res) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"error":{"code":"internal","message":"boom"}}');
    });
    await new Promise<void>((r) => broken.listen(0, '127.0.0.1', r));
    try {
      const port = (broken.address() as { port: number }).port;
      const r = await lecternAt(`http://127.0.0.1:${port}`, 'k', dir)('pull', 'other');
      expect(r.code).toBe(EXIT.error);
      expect(r.stderr).toContain('internal: boom');
    } finally {
      broken.closeAllConnections();
      await new Promise<void>((r) => broken.close(() => r()));
    }
  });
});
