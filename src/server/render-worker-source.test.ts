// Where render threads load their code from (issue 11 item 6): never from a file in the shared
// temp directory, where any local user could plant code that would then run inside Lectern.
// A file of its own: the pool keeps its worker's location per process.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { afterAll, expect, it } from 'vitest';
import { DEV_WORKER_BUILD, createRenderer } from './render-pool.ts';

const shared = mkdtempSync(join(tmpdir(), 'lectern-shared-tmp-'));
const savedTmp = process.env.TMPDIR;
afterAll(() => {
  if (savedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmp;
  rmSync(shared, { recursive: true, force: true });
});

it('ignores a render worker planted in the shared temp directory and writes nothing there', async () => {
  process.env.TMPDIR = shared;
  expect(tmpdir()).toBe(shared);
  // The name a content-addressed bundle in tmp would have (what the pool once loaded if present).
  const code = buildSync(DEV_WORKER_BUILD).outputFiles[0]!.contents;
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 16);
  const planted = `lectern-render-worker-${hash}.mjs`;
  writeFileSync(
    join(shared, planted),
    `export default () => ({ ok: true, value: { output: 'planted code ran', warnings: [], missing: [], variables: [] } });\n`,
  );

  const pool = createRenderer({ threads: 1 });
  try {
    const r = await pool.run({
      kind: 'template',
      format: 'f-string',
      template: 'Hello {name}',
      variables: { name: 'Ada' },
      mode: 'strict',
    });
    expect(r.output).toBe('Hello Ada');
  } finally {
    await pool.close();
  }
  expect(readdirSync(shared)).toEqual([planted]);
});
