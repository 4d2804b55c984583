// `npm run bench:ui` (also run at the end of `npm run bench`): the web UI's figures at 10,000
// prompts, on embedded PGlite, in a real Chromium —
//   - the first page's JavaScript, gzipped (target ≤ 250 KB),
//   - first load of the list page to interactive on localhost (target < 1 s; median of 5 cold loads),
//   - scrolling the list: rows in the DOM stay bounded (virtualised) and frame times,
//   - search server time over names, tags and template text (target < 100 ms; from Fastify's own
//     reply timing, so the client's overhead is not counted).
// Writes bench/results-ui.json.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpus, loadavg } from 'node:os';
import { chromium } from 'playwright-core';
import buildUi from '../web/e2e/global-setup.ts';
import { openStore } from '../src/store/db.ts';
import { createRegistry } from '../src/registry/index.ts';
import { bootstrap } from '../src/server/bootstrap.ts';
import { buildApp } from '../src/server/app.ts';
import { loadConfig } from '../src/server/config.ts';
import { seedUiPrompts } from './ui-seed.ts';

// Names used inside page.evaluate callbacks, which run in the browser (the root tsconfig has no DOM).
declare const document: any, sessionStorage: any, requestIdleCallback: any, requestAnimationFrame: any;
declare type HTMLElement = any;

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PROMPTS = 10_000;
const KEY = 'lec_bench_ui_admin_0123456789abcdef';
const log = (m: string) => process.stderr.write(`[bench:ui] ${m}\n`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

function firstPageJs() {
  const dist = join(ROOT, 'web/dist');
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  // The entry script and anything it preloads: what the list page needs before it runs.
  const srcs = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
  const sizes = srcs.map((s) => ({ file: s, gzip: gzipSync(readFileSync(join(dist, s.slice(1)))).length }));
  const css = [...html.matchAll(/href="(\/assets\/[^"]+\.css)"/g)].map(
    (m) => gzipSync(readFileSync(join(dist, m[1]!.slice(1)))).length,
  );
  return {
    files: sizes,
    jsGzipBytes: sizes.reduce((a, b) => a + b.gzip, 0),
    cssGzipBytes: css.reduce((a, b) => a + b, 0),
  };
}

async function main() {
  buildUi();
  const bundle = firstPageJs();
  log(`first-page JS ${(bundle.jsGzipBytes / 1024).toFixed(1)} KB gzipped`);

  const store = await openStore({ dataDir: 'memory://' });
  const registry = createRegistry(store);
  await bootstrap(registry, KEY);
  log(`seeding ${PROMPTS} prompts`);
  const t0 = performance.now();
  await seedUiPrompts(store.db, PROMPTS);
  log(`seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  // No read cache: the search figures are the query's, not a cached answer's.
  const app = await buildApp({
    registry,
    config: { ...loadConfig({}), rateLimit: 0, cacheEntries: 0 },
    logger: false,
  });
  const serverMs: number[] = [];
  app.addHook('onResponse', async (req, reply) => {
    if (req.url.startsWith('/v1/prompts?')) serverMs.push(reply.elapsedTime);
  });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });

  // Search: server time of searches a user would type, each several times.
  // '' is the plain list (no search) in the same run: the baseline the searches compare against.
  const terms = ['', 'order 4242', 'prompt-0777', 't17', 'assistant', 'no-such-text-anywhere', 'area-3/'];
  const search: Record<string, { median: number; p95: number; total: number }> = {};
  for (const term of terms) {
    serverMs.length = 0;
    let total = 0;
    for (let i = 0; i < 12; i++) {
      const q = term ? `search=${encodeURIComponent(term)}&` : '';
      const r = await fetch(`${base}/v1/prompts?${q}limit=100&sort=updated_at`, {
        headers: { authorization: `Bearer ${KEY}` },
      });
      total = ((await r.json()) as { pagination: { total: number } }).pagination.total;
    }
    const xs = serverMs.slice(2); // the first two warm the plan cache
    search[term] = { median: median(xs), p95: pct(xs, 0.95), total };
    log(
      `search "${term}": median ${median(xs).toFixed(1)} ms, p95 ${pct(xs, 0.95).toFixed(1)} ms (${total} hits)`,
    );
  }

  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const loads: number[] = [];
  for (let i = 0; i < 6; i++) {
    // A cold context each time: nothing cached, a signed-in tab (the key in sessionStorage).
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    await ctx.addInitScript((k) => sessionStorage.setItem('lectern.key', k), KEY);
    const page = await ctx.newPage();
    await page.goto(`${base}/`, { waitUntil: 'commit' });
    await page.getByRole('table', { name: 'Prompts' }).getByRole('link').first().waitFor();
    // Interactive: the first rows are rendered and the main thread is free (an idle callback runs).
    const ms = await page.evaluate(
      () => new Promise<number>((r) => requestIdleCallback(() => r(performance.now()), { timeout: 2000 })),
    );
    if (i > 0) loads.push(ms); // the first load also warms the server's code paths
    await ctx.close();
  }
  log(
    `first load to interactive: median ${median(loads).toFixed(0)} ms of ${loads.map((x) => x.toFixed(0)).join(', ')}`,
  );

  // Scroll: 40 steps of 1,500 px with a frame between each, loading pages on the way.
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  await ctx.addInitScript((k) => sessionStorage.setItem('lectern.key', k), KEY);
  const page = await ctx.newPage();
  await page.goto(`${base}/`);
  await page.getByRole('table', { name: 'Prompts' }).getByRole('link').first().waitFor();
  const scroll = await page.evaluate(async () => {
    const el: HTMLElement = document.querySelector('[data-testid="prompt-scroller"]');
    const frames: number[] = [];
    let maxRows = 0;
    let last = performance.now();
    for (let i = 0; i < 40; i++) {
      el.scrollTop += 1500;
      await new Promise((r) => requestAnimationFrame(r));
      const now = performance.now();
      frames.push(now - last);
      last = now;
      maxRows = Math.max(maxRows, el.querySelectorAll('[role="row"]').length);
      await new Promise((r) => setTimeout(r, 30)); // let a page fetch land, like a user's scroll
      last = performance.now();
    }
    const total =
      Number(document.querySelector('[role="table"][aria-label="Prompts"]')!.getAttribute('aria-rowcount')) -
      1;
    return { frames, maxRows, total, scrolledTo: el.scrollTop };
  });
  await ctx.close();
  await browser.close();
  await app.close();
  await store.close();
  const frameP95 = pct(scroll.frames, 0.95);
  const longFrames = scroll.frames.filter((f) => f > 50).length;
  log(
    `scroll: at most ${scroll.maxRows} rows in the DOM of ${scroll.total}; frame p95 ${frameP95.toFixed(1)} ms, ${longFrames} frames > 50 ms`,
  );

  const plain = search['']!;
  const worstSearch = Math.max(
    ...Object.entries(search)
      .filter(([k]) => k)
      .map(([, s]) => s.p95),
  );
  const worstMedian = Math.max(
    ...Object.entries(search)
      .filter(([k]) => k)
      .map(([, s]) => s.median),
  );
  const rows = [
    [
      'first-page JS (gzip)',
      `${(bundle.jsGzipBytes / 1024).toFixed(1)} KB`,
      '≤ 250 KB',
      bundle.jsGzipBytes <= 250 * 1024,
    ],
    [
      'first load to interactive (median)',
      `${median(loads).toFixed(0)} ms`,
      '< 1000 ms',
      median(loads) < 1000,
    ],
    [
      'list rows in DOM while scrolling 10,000',
      `${scroll.maxRows}`,
      'bounded (virtualised)',
      scroll.maxRows < 200,
    ],
    ['scroll frame p95', `${frameP95.toFixed(1)} ms`, 'no jank (< 50 ms)', frameP95 < 50],
    ['search server time, worst p95', `${worstSearch.toFixed(1)} ms`, '< 100 ms', worstSearch < 100],
    ['  plain list in the same run, p95', `${plain.p95.toFixed(1)} ms`, '(baseline)', true],
    [
      '  worst search median / plain list median',
      `${(worstMedian / plain.median).toFixed(1)}×`,
      '(ratio)',
      true,
    ],
  ] as const;
  process.stdout.write(
    `\nweb UI at ${PROMPTS} prompts (PGlite)\n` +
      rows
        .map(([a, b, c, ok]) => `  ${a.padEnd(42)} ${b.padStart(10)}   target ${c} ${ok ? '✅' : '❌'}`)
        .join('\n') +
      '\n',
  );
  const out = {
    started: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    loadAverageAtEnd: loadavg(),
    prompts: PROMPTS,
    bundle,
    firstLoadMs: { median: median(loads), runs: loads },
    scroll: { maxRowsInDom: scroll.maxRows, total: scroll.total, frameP95Ms: frameP95, longFrames },
    searchServerMs: search,
  };
  mkdirSync(join(ROOT, 'bench'), { recursive: true });
  writeFileSync(join(ROOT, 'bench/results-ui.json'), JSON.stringify(out, null, 2) + '\n');
  log('wrote bench/results-ui.json');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
