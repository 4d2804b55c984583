// Template rendering off the event loop. A render is CPU-bound and may run up to its time budget
// (a render bomb stops at the limit, not before), so it runs on worker threads: requests that do
// not render — fetching by label, writes, health checks — never wait behind one. With threads = 0
// renders run inline (for a memory-starved deploy), with the same budgets but no such isolation.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { DEFAULT_TIMEOUT_MS, TemplateError } from '../templates/index.ts';
import { settle, unwrap, type RenderTask, type ResultOf } from '../templates/tasks.ts';

export interface Renderer {
  run<T extends RenderTask>(task: T): Promise<ResultOf<T>>;
  /** Worker threads in use (0 when inline). */
  readonly threads: number;
  close(): Promise<void>;
}

/** Running from the production build (dist/cli/main.js) rather than from the TypeScript sources. */
const COMPILED = !import.meta.url.endsWith('.ts');

let devBundle: string | undefined;

/**
 * Where a render thread loads its code from — never from a place another user could write (a
 * shared temp directory): any code there would run with DATABASE_URL and the admin key in reach.
 * - Built (`npm start`): dist/cli/render-worker.js, made by `npm run build` next to the server's
 *   own bundle, with everything a render needs inlined (~15 MB a thread, against ~35 MB for a
 *   thread that loads TypeScript through tsx).
 * - From the sources (tests, tsx): the same bundle made in memory by esbuild and handed to a small
 *   loader in this directory as a data: URL; nothing is written to disk.
 */
function workerEntry(): { filename: string; workerData?: { url: string } } {
  if (COMPILED) {
    const file = fileURLToPath(new URL('./render-worker.js', import.meta.url));
    if (!existsSync(file)) throw new Error(`render worker missing at ${file}: run \`npm run build\``);
    return { filename: file };
  }
  if (!devBundle) {
    // esbuild is a build tool: loaded only here, never by the production server.
    const { buildSync } = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
    const out = buildSync({
      entryPoints: [fileURLToPath(new URL('./render-worker.ts', import.meta.url))],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      write: false,
      logLevel: 'silent',
    });
    devBundle = `data:text/javascript;base64,${Buffer.from(out.outputFiles[0]!.contents).toString('base64')}`;
  }
  return {
    filename: fileURLToPath(new URL('./render-worker-loader.mjs', import.meta.url)),
    workerData: { url: devBundle },
  };
}

export interface RendererOptions {
  threads: number;
  /** Start a thread now rather than on the first render (a server; not every test app renders). */
  warm?: boolean;
  hardTimeoutMs?: number;
}

export function createRenderer(opts: RendererOptions): Renderer {
  if (opts.threads <= 0) {
    return {
      threads: 0,
      run: async <T extends RenderTask>(task: T) => unwrap<T>(settle(task)),
      close: async () => {},
    };
  }
  // Built on first use (or at once when warm): an app that never renders — most test apps, a
  // read-only replica — never bundles the worker or starts a thread.
  let pool: Piscina | undefined;
  const poolOf = () => {
    if (!pool) {
      const { filename, workerData } = workerEntry();
      pool = new Piscina({
        filename,
        workerData,
        // No --import tsx or profiling flags of the parent: the worker is plain JavaScript.
        execArgv: [],
        minThreads: opts.warm ? 1 : 0,
        maxThreads: opts.threads,
        idleTimeout: 60_000,
      });
    }
    return pool;
  };
  if (opts.warm) poolOf();
  // The engines stop themselves at their budget; this only backs them up should one not check it.
  const hardTimeoutMs = opts.hardTimeoutMs ?? DEFAULT_TIMEOUT_MS * 4 + 1000;
  return {
    threads: opts.threads,
    async run<T extends RenderTask>(task: T) {
      let outcome;
      try {
        outcome = await poolOf().run(task, { signal: AbortSignal.timeout(hardTimeoutMs) });
      } catch (err) {
        if ((err as Error).name === 'AbortError' || (err as Error).name === 'TimeoutError') {
          throw new TemplateError(
            'render_limit',
            `Template render stopped: took longer than ${hardTimeoutMs} ms`,
          );
        }
        throw err;
      }
      return unwrap<T>(outcome);
    },
    close: async () => {
      await pool?.destroy();
    },
  };
}
