// The production build as `npm start` and `lectern` run it (issue 11 items 6 and 16): compiled
// JavaScript, a first start unpacked from the migrated seed, render threads loaded from the build,
// nothing read from or written to the temp directory, and bin/lectern.js working from any directory.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/child-server.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'lectern-compiled-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

beforeAll(() => {
  // Builds dist/ when it is missing or older than the sources (what `npm start` does first).
  const r = spawnSync(process.execPath, ['scripts/ensure-built.mjs'], { cwd: ROOT, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
}, 300_000);

interface Started {
  url: string;
  output: () => string;
  stop(): Promise<void>;
}

/** `lectern serve` through bin/lectern.js, run from a directory that is not the package's. */
async function serveFromElsewhere(dataDir: string, tmp: string): Promise<Started> {
  const port = await freePort();
  let out = '';
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith('LECTERN_') && k !== 'DATABASE_URL') env[k] = v;
  }
  const proc = spawn(process.execPath, [join(ROOT, 'bin/lectern.js'), 'serve'], {
    cwd: work,
    env: { ...env, PORT: String(port), LECTERN_DATA_DIR: dataDir, TMPDIR: tmp, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const exited = new Promise((r) => proc.once('exit', r));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`server exited:\n${out}`);
    if (Date.now() > deadline) throw new Error(`no /healthz in 60 s:\n${out}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    output: () => out,
    stop: async () => {
      proc.kill('SIGTERM');
      await exited;
    },
  };
}

describe('the compiled build', () => {
  it('starts from the seed, renders on threads loaded from dist/, and touches nothing in tmp', async () => {
    const tmp = mkdtempSync(join(work, 'tmp-'));
    const dataDir = join(work, 'data');
    const server = await serveFromElsewhere(dataDir, tmp);
    try {
      const key = /\n {2}(lec_\S+)\n/.exec(server.output())?.[1];
      expect(key, server.output()).toBeDefined();
      expect(existsSync(join(dataDir, 'PG_VERSION'))).toBe(true);
      const res = await fetch(`${server.url}/v1/render`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ template: 'Hello {{ name }}', format: 'jinja2', variables: { name: 'Ada' } }),
      });
      const text = await res.text();
      expect(res.status, text).toBe(200);
      expect(text).toContain('Hello Ada');
      expect((await fetch(`${server.url}/docs`)).status).toBe(200);
    } finally {
      await server.stop();
    }
    expect(readdirSync(tmp)).toEqual([]);
    // A restart keeps what the first start made (the admin key printed once still works).
    const again = await serveFromElsewhere(dataDir, tmp);
    try {
      expect(again.output()).not.toMatch(/lec_/);
    } finally {
      await again.stop();
    }
    expect(readdirSync(tmp)).toEqual([]);
  }, 120_000); // two real starts: 30 s is too tight on a loaded machine
});
