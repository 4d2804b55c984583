// 1,000 prompts × 5 versions through the CLI as a user runs it — export, import, migrate — with the
// CLI's peak retained heap measured (a memory bound, not a timing): streaming keeps it flat in the number of
// prompts, so the 1,000-prompt runs stay near a 50-prompt run.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../test/support/stores.ts';
import { startTestApp, type ResponseOf, type TestApp } from '../../test/support/app.ts';
import type { schema as importRoute } from '../dialects/native/routes/import.ts';
import type { schema as promptsList } from '../dialects/native/routes/prompts-list.ts';
import { seedLines } from '../../test/support/export-seed.ts';

const pglite = backends.find((b) => b.name === 'pglite')!;
const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');
/** Characters of instructions per version: the 1,000-prompt export is ~20 MB, so buffering it shows. */
const PAD = 3_000;
/**
 * What the 20× larger workspace may add to the CLI's peak heap: under half its export file, where a
 * CLI that buffered the file (or the workspace) would add all of it. Export and import measure ~1 MB
 * over the 50-prompt run; migrate ~5 MB, one 500-prompt page of JSON.
 */
const BIG_EXPORT_BYTES = 16 * 2 ** 20; // at least: the export test checks it
const HEAP_SLACK_MB = BIG_EXPORT_BYTES / 2 / 2 ** 20;
const RSS = fileURLToPath(new URL('../../test/support/max-rss.mjs', import.meta.url));

function run(
  url: string,
  key: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string; rssMb: number; heapMb: number }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      // A small heap, as bin/lectern.js bounds it (256 MB): memory that grew with the workspace would
      // exhaust it; flat memory lets V8 collect instead.
      // Array buffers swept in the collection itself: swept concurrently, the dead chunks of a busy
      // stream are still counted right after gc() on a loaded machine (tens of MB seen in CI).
      [
        '--max-old-space-size=96',
        '--expose-gc',
        '--no-concurrent-array-buffer-sweeping',
        '--import',
        TSX,
        '--import',
        RSS,
        MAIN,
        ...args,
      ],
      { env: { ...process.env, LECTERN_URL: url, LECTERN_API_KEY: key }, maxBuffer: 256 << 20 },
      (err, stdout, stderr) => {
        const kb = Number(/MAX_RSS_KB=(\d+)/.exec(String(stderr))?.[1] ?? NaN);
        const heapKb = Number(/MAX_HEAP_KB=(\d+)/.exec(String(stderr))?.[1] ?? NaN);
        resolve({
          code: err ? ((err as { code?: number }).code ?? 1) : 0,
          stdout: String(stdout),
          stderr: String(stderr),
          rssMb: kb / 1024,
          heapMb: heapKb / 1024,
        });
      },
    );
  });
}

const listen = async (t: TestApp) => {
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  return `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
};

describe.skipIf(!pglite.available)(
  '1,000 prompts × 5 versions: export, import, migrate with flat memory',
  () => {
    let src: TestApp;
    let small: TestApp;
    let dir: string;
    beforeAll(async () => {
      [src, small] = await Promise.all([startTestApp(pglite), startTestApp(pglite)]);
      dir = await mkdtemp(join(tmpdir(), 'lectern-scale-'));
      for (const [t, n, prefix] of [
        [src, 1000, 'scale'],
        [small, 50, 'small'],
      ] as const) {
        const r = await t.call<ResponseOf<typeof importRoute>>('POST', '/v1/import', {
          body: [...seedLines(n, 5, prefix, PAD)].join('\n'),
          headers: { 'content-type': 'application/x-ndjson' },
        });
        expect(r.body.prompts_created).toBe(n);
      }
    }, 120_000);
    afterAll(async () => {
      await Promise.all([src?.close(), small?.close()]);
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('exports and imports through the CLI with a peak retained heap that does not grow with the workspace', async () => {
      const [srcUrl, smallUrl] = [await listen(src), await listen(small)];
      const bigFile = join(dir, 'big.jsonl');
      const smallFile = join(dir, 'small.jsonl');
      const eBig = await run(srcUrl, src.keys.editor, ['export', bigFile, '--json']);
      expect(eBig.code, eBig.stderr).toBe(0);
      expect(JSON.parse(eBig.stdout)).toMatchObject({ prompts: 1000, versions: 5000, labels: 1000 });
      expect((await stat(bigFile)).size).toBeGreaterThan(BIG_EXPORT_BYTES);
      const eSmall = await run(smallUrl, small.keys.editor, ['export', smallFile, '--json']);
      expect(eSmall.code).toBe(0);

      const dst = await startTestApp(pglite);
      try {
        const dstUrl = await listen(dst);
        const iBig = await run(dstUrl, dst.keys.editor, ['import', bigFile, '--json']);
        expect(iBig.code, iBig.stderr).toBe(0);
        expect(JSON.parse(iBig.stdout)).toMatchObject({
          prompts_created: 1000,
          versions: 5000,
          complete: true,
        });
        const iSmall = await run(dstUrl, dst.keys.editor, ['import', smallFile, '--json']);
        expect(JSON.parse(iSmall.stdout)).toMatchObject({ prompts_created: 50 });

        // Flat: the 1,000-prompt file (~20× the 50-prompt one) costs the CLI at most a little more.
        console.log(
          `peak RSS (MB): export ${eSmall.rssMb.toFixed(0)} -> ${eBig.rssMb.toFixed(0)}, import ${iSmall.rssMb.toFixed(0)} -> ${iBig.rssMb.toFixed(0)}; ` +
            `peak heap (MB): export ${eSmall.heapMb.toFixed(0)} -> ${eBig.heapMb.toFixed(0)}, import ${iSmall.heapMb.toFixed(0)} -> ${iBig.heapMb.toFixed(0)}`,
        );
        // The heap in use, not RSS: RSS moves by tens of MB between identical runs (code, caches).
        expect(eBig.heapMb).toBeLessThan(eSmall.heapMb + HEAP_SLACK_MB);
        expect(iBig.heapMb).toBeLessThan(iSmall.heapMb + HEAP_SLACK_MB);
      } finally {
        await dst.close();
      }
    }, 120_000);

    it('migrates the 1,000 prompts from a Keywords AI API with flat memory', async () => {
      const srcUrl = await listen(src).catch(
        () => `http://127.0.0.1:${(src.app.server.address() as { port: number }).port}`,
      );
      const dst = await startTestApp(pglite);
      try {
        const dstUrl = await listen(dst);
        const state = join(dir, 'kw.state.json');
        await writeFile(state, JSON.stringify({ from: 'keywordsai', url: srcUrl, done: [] }));
        const m = await run(dstUrl, dst.keys.editor, [
          'migrate',
          '--from',
          'keywordsai',
          '--url',
          srcUrl,
          '--key',
          src.keys.editor,
          '--state',
          state,
          '--json',
        ]);
        expect(m.code, m.stderr).toBe(0);
        const r = JSON.parse(m.stdout);
        expect(r).toMatchObject({ prompts: 1000, versions: 5000, imported: { prompts_created: 1000 } });
        const smallUrl = `http://127.0.0.1:${(small.app.server.address() as { port: number }).port}`;
        // The baseline does the same work at 50 prompts — a real migration into a server of its
        // own, not a dry run, which imports nothing and so needs less memory whatever the size.
        const dstSmall = await startTestApp(pglite);
        const base = await (async () => {
          try {
            return await run(await listen(dstSmall), dstSmall.keys.editor, [
              'migrate',
              '--from',
              'keywordsai',
              '--url',
              smallUrl,
              '--key',
              small.keys.editor,
              '--state',
              join(dir, 'small.state.json'),
              '--json',
            ]);
          } finally {
            await dstSmall.close();
          }
        })();
        expect(base.code, base.stderr).toBe(0);
        console.log(
          `peak RSS (MB): migrate 50 × 5 ${base.rssMb.toFixed(0)} -> 1,000 × 5 ${m.rssMb.toFixed(0)}; ` +
            `peak heap (MB): ${base.heapMb.toFixed(0)} -> ${m.heapMb.toFixed(0)}`,
        );
        // The same bound as the export's: the Keywords AI pages carry the same ~20 MB of templates.
        expect(m.heapMb).toBeLessThan(base.heapMb + HEAP_SLACK_MB);
        expect(
          (await dst.call<ResponseOf<typeof promptsList>>('GET', '/v1/prompts?limit=1')).body.pagination
            .total,
        ).toBe(1000);
      } finally {
        await dst.close();
      }
    }, 180_000);
  },
);
