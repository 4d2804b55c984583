// Progress bars as a person sees them: the CLI on a terminal (a pty from `script`), showing counts and
// rates on stderr for export, import, pull, push and migrate — and nothing of them when the output is
// piped (the other tests read clean stdout).
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../test/support/stores.ts';
import { startTestApp, type TestApp } from '../../test/support/app.ts';
import { lecternAt } from '../../test/support/lectern-cli.ts';

const pglite = backends.find((b) => b.name === 'pglite')!;
const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');
const hasScript = await new Promise<boolean>((r) => execFile('script', ['--version'], (e) => r(!e)));

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** `lectern …` on a pseudo-terminal; what the terminal showed (stdout and stderr together). */
const onTerminal = (url: string, key: string, cwd: string, ...args: string[]) =>
  new Promise<string>((resolve) => {
    const cmd = [process.execPath, '--import', TSX, MAIN, ...args].map(q).join(' ');
    execFile(
      'script',
      ['-qec', cmd, '/dev/null'],
      { cwd, env: { ...process.env, LECTERN_URL: url, LECTERN_API_KEY: key, TERM: 'xterm' } },
      (_e, stdout) => resolve(String(stdout)),
    );
  });

describe.skipIf(!pglite.available || !hasScript)('progress bars on a terminal', () => {
  let t: TestApp;
  let dir: string;
  let url: string;
  beforeAll(async () => {
    t = await startTestApp(pglite);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
    dir = await mkdtemp(join(tmpdir(), 'lectern-progress-'));
    for (let i = 0; i < 3; i++)
      expect(
        (
          await t.call('POST', '/v1/prompts', {
            body: { name: `bar/p${i}`, version: { messages: [{ role: 'user', content: `p${i}` }] } },
          })
        ).status,
      ).toBe(201);
  });
  afterAll(async () => {
    await t?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('export, import, pull, push and migrate show counts and rates', async () => {
    const shown = (...args: string[]) => onTerminal(url, t.keys.editor, dir, ...args);
    expect(await shown('export', 'ws.jsonl')).toMatch(/export\s+\d+ \| \d+\/s/);
    expect(await shown('import', 'ws.jsonl')).toMatch(/import KiB \[[^\]]*\] \d+\/\d+ \d+% \| \d+\/s/);
    expect(await shown('pull')).toMatch(/pull\s+\[[^\]]*\] \d+\/3 \d+% \| \d+\/s/);
    await writeFile(join(dir, 'prompts/bar/p0.prompt'), '---\n---\n{{role "user"}}\nedited\n');
    expect(await shown('push', '-m', 'edit')).toMatch(/push\s+\[[^\]]*\] \d+\/1 \d+% \| \d+\/s/);
    expect(
      await shown('migrate', '--from', 'promptlayer', '--url', url, '--key', t.keys.editor, '--dry-run'),
    ).toMatch(/migrate\s+\d+ \| \d+\/s/);
    // Piped, the same command shows no bar.
    const piped = await lecternAt(url, t.keys.editor, dir)('pull');
    expect(piped.stderr + piped.stdout).not.toMatch(/\d+\/s/);
  });
});
