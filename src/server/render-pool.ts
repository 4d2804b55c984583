// Template rendering off the event loop. A render is CPU-bound and may run up to its time budget
// (a render bomb stops at the limit, not before), so it runs on worker threads: requests that do
// not render — fetching by label, writes, health checks — never wait behind one. With threads = 0
// renders run inline (for a memory-starved deploy), with the same budgets but no such isolation.
import { Piscina } from 'piscina';
import { DEFAULT_TIMEOUT_MS, TemplateError } from '../templates/index.ts';
import { settle, unwrap, type RenderTask, type ResultOf } from '../templates/tasks.ts';

export interface Renderer {
  run<T extends RenderTask>(task: T): Promise<ResultOf<T>>;
  /** Worker threads in use (0 when inline). */
  readonly threads: number;
  close(): Promise<void>;
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
  // Workers load TypeScript through tsx, as the main thread does (present already under
  // `node --import tsx`; added when the host runs TypeScript some other way, e.g. under vitest).
  const execArgv = process.execArgv.includes('tsx')
    ? process.execArgv
    : [...process.execArgv, '--import', 'tsx'];
  const pool = new Piscina({
    filename: new URL('./render-worker.ts', import.meta.url).href,
    execArgv,
    minThreads: opts.warm ? 1 : 0,
    maxThreads: opts.threads,
    idleTimeout: 60_000,
  });
  // The engines stop themselves at their budget; this only backs them up should one not check it.
  const hardTimeoutMs = opts.hardTimeoutMs ?? DEFAULT_TIMEOUT_MS * 4 + 1000;
  return {
    threads: opts.threads,
    async run<T extends RenderTask>(task: T) {
      let outcome;
      try {
        outcome = await pool.run(task, { signal: AbortSignal.timeout(hardTimeoutMs) });
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
    close: () => pool.destroy(),
  };
}
