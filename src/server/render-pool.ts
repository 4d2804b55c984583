// Template rendering off the event loop. A render is CPU-bound and may run up to its time budget
// (a render bomb stops at the limit, not before), so it runs on worker threads: requests that do
// not render — fetching by label, writes, health checks — never wait behind one. A small task is
// first tried inline under a few-millisecond budget (a thread round trip costs more than most
// renders), and the threads are shared fairly between API keys with a bounded queue per key. With
// threads = 0 renders run inline (for a memory-starved deploy), with the same budgets but no such
// isolation.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { LRUCache } from 'lru-cache';
import { LecternError } from '../model/errors.ts';
import { DEFAULT_TIMEOUT_MS, TemplateError } from '../templates/index.ts';
import {
  hasBoundedWork,
  settle,
  taskWeight,
  unwrap,
  weightOf,
  withLimits,
  type Limits,
  type Outcome,
  type Renderer,
  type RenderTask,
  type RunOptions,
} from '../templates/tasks.ts';
import { fromTransferable, toTransferable } from '../model/json-order.ts';
import { asDataUrl, inMemoryBundle } from '../store/thread-bundle.ts';

// The interface lives beside the tasks, so dialects depend on it without importing server/.
export type { Renderer, RunOptions } from '../templates/tasks.ts';

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
/** How the sources' render worker is bundled in memory (the planted-file test names it the same way). */
export const DEV_WORKER_BUILD = inMemoryBundle(fileURLToPath(new URL('./render-worker.ts', import.meta.url)));

function workerEntry(): { filename: string; workerData?: { url: string } } {
  if (COMPILED) {
    const file = fileURLToPath(new URL('./render-worker.js', import.meta.url));
    if (!existsSync(file)) throw new Error(`render worker missing at ${file}: run \`npm run build\``);
    return { filename: file };
  }
  if (!devBundle) {
    // esbuild is a build tool: loaded only here, never by the production server.
    const { buildSync } = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
    const out = buildSync(DEV_WORKER_BUILD);
    devBundle = asDataUrl(out.outputFiles[0]!.contents);
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
  /** Renders one key may have on the threads at once; default threads - 1 (at least 1). */
  perKeyConcurrency?: number;
  /** Renders one key may have waiting for a thread; past it, 429 `render_busy`. Default 256. */
  perKeyQueue?: number;
  /** How long a task that tripped the inline budget goes to a thread (HEAVY_MARK_MS). */
  heavyMarkMs?: number;
  /** Tasks up to this weight (see taskWeight) are tried inline first; 0 sends all to the threads. */
  inlineMaxWeight?: number;
}

/**
 * The inline try: a small task whose templates do work bounded by their size (no jinja loops,
 * macros, calls or filters; see hasBoundedWork) renders on the event loop, under budgets the
 * interpreters check as they go (a 2 ms deadline, few steps, a small output) and with its inputs
 * capped (INLINE_MAX_WEIGHT): that bounds the event-loop time it can take to well under a
 * millisecond of work. A task that trips them anyway renders again on a thread with the full
 * budgets; every other task goes to a thread at once.
 */
export const INLINE_LIMITS: Limits = { timeoutMs: 2, maxSteps: 2_000, maxOutputChars: 32 * 1024 };
export const INLINE_MAX_WEIGHT = 16 * 1024;
// An application renders through one key, and a gateway runs many of its prompts at once: the bound
// is there to stop one key's bombs from queueing without end, not to refuse its ordinary bursts.
export const DEFAULT_PER_KEY_QUEUE = 256;
/** How long a task that tripped the inline budget renders on a thread before it is tried inline again. */
export const HEAVY_MARK_MS = 30_000;

interface Job {
  task: RenderTask;
  resolve: (o: Outcome) => void;
  reject: (e: unknown) => void;
}

interface KeyState {
  running: number;
  waiting: Job[];
}

export function createRenderer(opts: RendererOptions): Renderer {
  if (opts.threads <= 0) {
    const counts = { inline: 0, thread: 0, refused: 0, queued: 0 };
    return {
      threads: 0,
      counts,
      run: async <T extends RenderTask>(task: T) => {
        counts.inline++;
        return unwrap<T>(settle(task));
      },
      // No budgets apart from the task's own here (threads = 0): the same settle as run.
      tryInline: <T extends RenderTask>(task: T) => {
        const outcome = settle(task);
        if (!outcome.ok) return undefined;
        counts.inline++;
        return unwrap<T>(outcome);
      },
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
  const perKeyLimit = Math.max(1, opts.perKeyConcurrency ?? opts.threads - 1);
  const perKeyQueue = Math.max(0, opts.perKeyQueue ?? DEFAULT_PER_KEY_QUEUE);
  const inlineMaxWeight = opts.inlineMaxWeight ?? INLINE_MAX_WEIGHT;

  // Fair sharing of the threads: at most `threads` tasks are handed to the pool at once (so its
  // own FIFO queue never fills), the rest wait per key, and a freed thread goes to the next key in
  // turn that is under its own limit. One key never holds every thread (perKeyLimit < threads), so
  // another key's render waits at most for one render to finish, however many one key sends.
  const counts = { inline: 0, thread: 0, refused: 0, queued: 0 };
  const keys = new Map<string, KeyState>();
  /** Keys with waiting jobs, in turn order. */
  const turn: string[] = [];
  let running = 0;

  const dispatch = () => {
    while (running < opts.threads && turn.length) {
      const i = turn.findIndex((k) => keys.get(k)!.running < perKeyLimit);
      if (i < 0) return;
      const key = turn.splice(i, 1)[0]!;
      const state = keys.get(key)!;
      const job = state.waiting.shift()!;
      if (state.waiting.length) turn.push(key);
      state.running++;
      running++;
      poolOf()
        // Ordered JSON objects (model/json-order.ts) cross the thread marked, not as Proxies.
        .run(toTransferable(job.task), { signal: AbortSignal.timeout(hardTimeoutMs) })
        .then((o: unknown) => job.resolve(fromTransferable(o) as Outcome), job.reject)
        .finally(() => {
          state.running--;
          running--;
          if (!state.running && !state.waiting.length) keys.delete(key);
          dispatch();
        });
    }
  };

  /** Refuses a key already at its bound (in flight + queued), with when to come back. */
  const full = (state: KeyState | undefined): state is KeyState =>
    state !== undefined && state.running + state.waiting.length >= perKeyLimit + perKeyQueue;
  const atBound = (key: string): boolean => full(keys.get(key));
  const admit = (key: string): void => {
    const state = keys.get(key);
    if (full(state)) {
      counts.refused++;
      const rounds = Math.ceil((state.waiting.length + 1) / perKeyLimit);
      const retryAfter = Math.max(1, Math.ceil((rounds * DEFAULT_TIMEOUT_MS) / 1000));
      throw new LecternError(
        { kind: 'render_busy', retryAfter },
        `too many renders in progress for this API key (${perKeyLimit} running, ${state.waiting.length} waiting); retry later`,
        { retry_after: retryAfter },
      );
    }
  };

  const onThread = (key: string, task: RenderTask): Promise<Outcome> =>
    new Promise<Outcome>((resolve, reject) => {
      let state = keys.get(key);
      if (!state) keys.set(key, (state = { running: 0, waiting: [] }));
      if (!state.waiting.length) turn.push(key);
      const job = { task, resolve, reject };
      state.waiting.push(job);
      dispatch();
      // Still last in its key's line (nothing else ran meanwhile): it waits for a thread.
      if (state.waiting.at(-1) === job) counts.queued++;
    });

  // Tasks that tripped the inline budget go straight to a thread for a while (by identity: a cached
  // version's messages, or the template text). Only for a while: the budget includes a 2 ms
  // deadline, which a trivial template can miss once on a loaded machine (a GC pause, a busy
  // core); marked for good, it would then queue on the threads behind its key's bound for ever —
  // a gateway running one cheap prompt 64 times at once was refused with render_busy that way.
  const heavyMs = opts.heavyMarkMs ?? HEAVY_MARK_MS;
  const heavyObjects = new WeakMap<object, number>();
  const heavyTemplates = new LRUCache<string, true>({ max: 1000, ttl: heavyMs });
  const isHeavy = (task: RenderTask) => {
    if (task.kind === 'template') return heavyTemplates.has(task.template);
    const until = heavyObjects.get(identity(task));
    return until !== undefined && until > Date.now();
  };
  const markHeavy = (task: RenderTask) => {
    if (task.kind === 'template') heavyTemplates.set(task.template, true);
    else heavyObjects.set(identity(task), Date.now() + heavyMs);
  };

  // A stored version's templates and defaults are the same objects at every render of it (the
  // read cache memoises the read): what they weigh and whether their work is bounded is worked out
  // once per such object; only the caller's variables are weighed each time.
  const versionFacts = new WeakMap<object, VersionFacts>();
  const fitsInline = (task: RenderTask): boolean => {
    if (task.kind !== 'version' || !task.input.messages) {
      return taskWeight(task, inlineMaxWeight) <= inlineMaxWeight && hasBoundedWork(task);
    }
    const { messages, content, variableDefaults, defaultFormat, variables } = task.input;
    let f = versionFacts.get(messages);
    if (
      !f ||
      f.content !== content ||
      f.variableDefaults !== variableDefaults ||
      f.defaultFormat !== defaultFormat
    ) {
      f = {
        content,
        variableDefaults,
        defaultFormat,
        weight: weightOf([messages, content, variableDefaults], inlineMaxWeight),
        bounded: hasBoundedWork(task),
      };
      versionFacts.set(messages, f);
    }
    if (!f.bounded || f.weight > inlineMaxWeight) return false;
    return f.weight + weightOf([variables], inlineMaxWeight - f.weight) <= inlineMaxWeight;
  };

  return {
    threads: opts.threads,
    counts,
    async run<T extends RenderTask>(task: T, runOpts: RunOptions = {}) {
      const key = runOpts.key ?? '';
      admit(key);
      if (inlineMaxWeight > 0 && !isHeavy(task) && fitsInline(task)) {
        const outcome = settle(withLimits(task, INLINE_LIMITS));
        if (outcome.ok || outcome.error.code !== 'render_limit') {
          counts.inline++;
          return unwrap<T>(outcome);
        }
        // Only a step or size bound says the task is heavy. Past the 2 ms clock alone, inside
        // those bounds, it is the machine (a GC pause, a core taken away): this one renders on a
        // thread, the next is tried inline again. Marked, a gateway's one prompt went to the
        // threads for 30 s at every busy moment (~2x its CPU per run, profiled at 64 streams).
        if (outcome.error.limit !== 'deadline') markHeavy(task);
      }
      counts.thread++;
      let outcome;
      try {
        outcome = await onThread(key, task);
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
    tryInline<T extends RenderTask>(task: T, runOpts: RunOptions = {}) {
      // The same admission and the same inline try as run(); anything else is left to run().
      if (atBound(runOpts.key ?? '')) return undefined;
      if (inlineMaxWeight <= 0 || isHeavy(task) || !fitsInline(task)) return undefined;
      const outcome = settle(withLimits(task, INLINE_LIMITS));
      if (!outcome.ok) return undefined;
      counts.inline++;
      return unwrap<T>(outcome);
    },
    close: async () => {
      await pool?.destroy();
    },
  };
}

interface VersionFacts {
  content: unknown;
  variableDefaults: unknown;
  defaultFormat: string;
  weight: number;
  bounded: boolean;
}

/** The object a task's template lives in (stable for a cached version). */
function identity(task: RenderTask): object {
  if (task.kind === 'messages') return task.messages;
  const t = task.kind === 'version' ? (task.input.messages ?? task.input.content) : null;
  return t && typeof t === 'object' ? t : task;
}
