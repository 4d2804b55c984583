// Configuration: every environment variable the server reads is in the README's configuration
// table, and the README says how to run on PostgreSQL.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');
const readme = read('../../README.md');
const configSource = read('./config.ts');

/** The names `loadConfig` reads: `env.NAME`, `env['NAME']` and `int(env, 'NAME', …)`. */
function variablesRead(source: string): string[] {
  const names = new Set<string>();
  for (const m of source.matchAll(
    /\benv(?:\.([A-Z][A-Z0-9_]*)|\[['"]([A-Z][A-Z0-9_]*)['"]\]|,\s*['"]([A-Z][A-Z0-9_]*)['"])/g,
  ))
    names.add((m[1] ?? m[2] ?? m[3])!);
  return [...names].sort();
}

/** The first-column names of the README's `## Configuration` table. */
function variablesDocumented(markdown: string): string[] {
  const section = markdown.split(/^## Configuration\s*$/m)[1]?.split(/^## /m)[0] ?? '';
  return [...section.matchAll(/^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|/gm)].map((m) => m[1]!).sort();
}

describe('configuration', () => {
  it('documents in the README every environment variable the server reads', () => {
    const used = variablesRead(configSource);
    // The issue's list, at least: a refactor that stopped finding them would make this test vacuous.
    expect(used).toEqual(
      expect.arrayContaining([
        'PORT',
        'HOST',
        'DATABASE_URL',
        'LECTERN_DATA_DIR',
        'LECTERN_ADMIN_KEY',
        'LOG_LEVEL',
      ]),
    );
    const documented = variablesDocumented(readme);
    expect(used.filter((name) => !documented.includes(name))).toEqual([]);
  });

  it('reads nothing from the environment outside config.ts', () => {
    // Checked over the server and CLI entry points, the only places a process starts.
    for (const file of ['./serve.ts', './app.ts', '../cli/main.ts']) {
      expect(read(file), file).not.toMatch(/process\.env/);
    }
  });

  it('has the documented defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 8080, host: '127.0.0.1', dataDir: './.lectern', logLevel: 'info' });
    expect(c.databaseUrl).toBeUndefined();
    expect(c.adminKey).toBeUndefined();
    expect(readme).toMatch(/\|\s*`PORT`\s*\|\s*`8080`/);
    expect(readme).toMatch(/\|\s*`HOST`\s*\|\s*`127\.0\.0\.1`/);
    expect(readme).toMatch(/\|\s*`LECTERN_DATA_DIR`\s*\|\s*`\.\/\.lectern`/);
  });

  it('runs embedded PGlite on its own thread unless LECTERN_PGLITE_THREAD is off', () => {
    expect(loadConfig({}).pgliteThread).toBe(true);
    expect(loadConfig({ LECTERN_PGLITE_THREAD: 'off' }).pgliteThread).toBe(false);
    expect(loadConfig({ LECTERN_PGLITE_THREAD: ' OFF ' }).pgliteThread).toBe(false);
    expect(loadConfig({ LECTERN_PGLITE_THREAD: 'false' }).pgliteThread).toBe(false);
    expect(loadConfig({ LECTERN_PGLITE_THREAD: 'on' }).pgliteThread).toBe(true);
    expect(() => loadConfig({ LECTERN_PGLITE_THREAD: 'sometimes' })).toThrow(/LECTERN_PGLITE_THREAD/);
    expect(readme).toMatch(/\|\s*`LECTERN_PGLITE_THREAD`\s*\|\s*`on`/);
  });

  it('refuses a malformed number with a message naming the variable', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ LECTERN_BODY_LIMIT: '-1' })).toThrow(/LECTERN_BODY_LIMIT/);
  });

  it('takes model prices from the built-in table, then LECTERN_PRICES_FILE, then LECTERN_PRICES', () => {
    expect(loadConfig({}).prices.get('gpt-4o')).toEqual({ input: 2.5, output: 10 });
    const dir = mkdtempSync(join(tmpdir(), 'lectern-prices-'));
    try {
      const file = join(dir, 'prices.json');
      writeFileSync(
        file,
        JSON.stringify({ 'gpt-4o': { input: 2, output: 8 }, 'ours-7b': { input: 0.1, output: 0.1 } }),
      );
      const c = loadConfig({
        LECTERN_PRICES_FILE: file,
        LECTERN_PRICES: '{"ours-7b": {"input": 0.2, "output": 0.3}, "gpt-4": null}',
      });
      expect(c.prices.get('gpt-4o')).toEqual({ input: 2, output: 8 });
      expect(c.prices.get('ours-7b')).toEqual({ input: 0.2, output: 0.3 });
      expect(c.prices.has('gpt-4')).toBe(false);
      expect(() => loadConfig({ LECTERN_PRICES_FILE: join(dir, 'missing.json') })).toThrow(
        /LECTERN_PRICES_FILE/,
      );
      expect(() => loadConfig({ LECTERN_PRICES: '{"gpt-4o": 3}' })).toThrow(/LECTERN_PRICES/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says in the README how to run on PostgreSQL', () => {
    const section = readme.split(/^## Running on PostgreSQL\s*$/m)[1]?.split(/^## /m)[0] ?? '';
    expect(section).toMatch(/DATABASE_URL=postgres(ql)?:\/\/\S+ npm start/);
  });

  it('takes LECTERN_PUBLIC_URL as an absolute http(s) base URL, and refuses anything else', () => {
    expect(loadConfig({ LECTERN_PUBLIC_URL: 'https://prompts.example.com/lectern/' }).publicUrl).toBe(
      'https://prompts.example.com/lectern',
    );
    expect(loadConfig({}).publicUrl).toBeUndefined();
    for (const bad of ['prompts.example.com', 'ftp://x.example', 'https://x.example/?a=1'])
      expect(() => loadConfig({ LECTERN_PUBLIC_URL: bad }), bad).toThrow(/LECTERN_PUBLIC_URL/);
  });
});
