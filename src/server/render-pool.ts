// Template rendering off the event loop. A render is CPU-bound and may run up to its time budget
// (a render bomb stops at the limit, not before), so it runs on worker threads: requests that do
// not render — fetching by label, writes, health checks — never wait behind one. With threads = 0
// renders run inline (for a memory-starved deploy), with the same budgets but no such isolation.
import { createHash } from 'node:crypto';
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildSync } from 'esbuild';
import { Piscina } from 'piscina';
import { DEFAULT_TIMEOUT_MS, TemplateError } from '../templates/index.ts';
import { settle, unwrap, type Renderer, type RenderTask } from '../templates/tasks.ts';

// The interface lives beside the tasks, so dialects depend on it without importing server/.
export type { Renderer } from '../templates/tasks.ts';

let bundled: string | undefined;

/**
 * The worker's code as one plain-JS file: a worker that loaded TypeScript through tsx would carry
 * tsx's loader (its own hooks thread and transform cache) and weigh about twice as much (~35 MB
 * against ~15 MB a thread). Bundled once per process into the temp directory, named by content.
 * Should bundling fail, workers fall back to loading the TypeScript through tsx.
 */
function workerEntry(): { filename: string; execArgv: string[] } {
  try {
    if (!bundled) {
      const out = buildSync({
        entryPoints: [fileURLToPath(new URL('./render-worker.ts', import.meta.url))],
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        write: false,
        logLevel: 'silent',
      });
      const code = out.outputFiles[0]!.contents;
      const hash = createHash('sha256').update(code).digest('hex').slice(0, 16);
      const file = join(tmpdir(), `lectern-render-worker-${hash}.mjs`);
      if (!existsSync(file)) {
        // Written aside and renamed: a concurrent process never loads half a file.
        const part = `${file}.${process.pid}.part`;
        writeFileSync(part, code);
        renameSync(part, file);
      }
      bundled = pathToFileURL(file).href;
    }
    return { filename: bundled, execArgv: [] };
  } catch {
    const execArgv = process.execArgv.includes('tsx')
      ? process.execArgv
      : [...process.execArgv, '--import', 'tsx'];
    return { filename: new URL('./render-worker.ts', import.meta.url).href, execArgv };
  }
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
      const { filename, execArgv } = workerEntry();
      pool = new Piscina({
        filename,
        execArgv,
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
