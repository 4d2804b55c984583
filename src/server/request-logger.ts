// Per-request loggers made only when something is logged. Fastify gives every request a pino child
// logger bound to its request id; building one (bindings serialised, prototype chain set up) cost
// more than a cached answer's own work, and at the default level (`info`) a successful request
// logs nothing. This factory returns a stand-in whose methods check the level first and make the
// real child (same bindings, same options) on the first line that is actually written.
import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions, Logger } from 'pino';

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/** Whether a logger writes at a level (pino's own check; Fastify's logger type omits it). */
export const logs = (log: FastifyBaseLogger, level: string): boolean => {
  const l = log as unknown as Partial<Logger>;
  // Fastify's null logger (`logger: false`) has no such check and writes nothing.
  return typeof l.isLevelEnabled === 'function' && l.isLevelEnabled(level);
};

class RequestLogger {
  #real: FastifyBaseLogger | undefined;
  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bound: Bindings,
    private readonly options: ChildLoggerOptions,
  ) {}

  private real(): FastifyBaseLogger {
    return (this.#real ??= this.parent.child(this.bound, this.options));
  }

  get level(): string {
    return this.#real ? this.#real.level : this.parent.level;
  }

  set level(level: string) {
    this.real().level = level;
  }

  isLevelEnabled(level: string): boolean {
    return logs(this.#real ?? this.parent, level);
  }

  private write(level: Level, args: unknown[]): void {
    if (!this.isLevelEnabled(level)) return;
    (this.real()[level] as (...a: unknown[]) => void)(...args);
  }

  fatal(...args: unknown[]) {
    this.write('fatal', args);
  }
  error(...args: unknown[]) {
    this.write('error', args);
  }
  warn(...args: unknown[]) {
    this.write('warn', args);
  }
  info(...args: unknown[]) {
    this.write('info', args);
  }
  debug(...args: unknown[]) {
    this.write('debug', args);
  }
  trace(...args: unknown[]) {
    this.write('trace', args);
  }
  silent() {}

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.real().child(bindings, options);
  }

  bindings(): Bindings {
    return (this.real() as unknown as Logger).bindings();
  }
}

/** Fastify's `childLoggerFactory`: a lazy child, unless the route sets options of its own. */
export function lazyChildLogger(
  this: unknown,
  logger: FastifyBaseLogger,
  bindings: Bindings,
  options: ChildLoggerOptions,
): FastifyBaseLogger {
  // A route with its own level or serialisers gets a real child at once (none does today).
  if (options.level !== undefined || options.serializers !== undefined)
    return logger.child(bindings, options);
  return new RequestLogger(logger, bindings, options) as unknown as FastifyBaseLogger;
}
