// Connection faults on PostgreSQL (a backend terminated, a reset socket, PgBouncer or failover
// restarts, the server's connection limit) are transient and never the request's fault: every
// client of the pool keeps an 'error' listener for its whole life (pg-pool listens only while a
// client is idle, so a fault on a checked-out client, e.g. one idle in a transaction, was an
// unhandled 'error' event that ended the process), and a query or connect that fails because of
// the connection rejects with the typed `unavailable` error (503 + Retry-After in every API).
import type pg from 'pg';
import { unavailable } from '../model/errors.ts';

/** SQLSTATEs of a lost or refused connection: class 08, admin/crash shutdown, cannot connect now, too many connections. */
const CONNECTION_SQLSTATE = /^(08...|57P0[1-3]|53300)$/;
/** Socket-level failures (Node system errors). */
const SOCKET_ERRNO = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

export function isConnectionFault(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && (CONNECTION_SQLSTATE.test(code) || SOCKET_ERRNO.has(code));
}

const RETRY_AFTER_S = 1;
const toUnavailable = (err: unknown) =>
  unavailable('the database is unreachable or dropped the connection; retry shortly', RETRY_AFTER_S, err);

type Callback = (err: unknown, res?: unknown) => void;

/** pg's Client, hardened as above; handed to the pool as its `Client`. */
export function faultAwareClient(base: typeof pg.Client): typeof pg.Client {
  class FaultAwareClient extends base {
    /** Set once the connection failed: every later error on this client is the connection's. */
    private lost = false;

    constructor(config?: string | pg.ClientConfig) {
      super(config);
      this.on('error', () => {
        this.lost = true; // the pool drops a broken client when it is released
      });
      this.on('end', () => {
        this.lost = true;
      });
    }

    private classify(err: unknown): unknown {
      return this.lost || isConnectionFault(err) ? toUnavailable(err) : err;
    }

    override connect(callback?: any): any {
      // Any failure to connect is a fault of the connection (refused, limit reached, shutting down).
      if (typeof callback === 'function') {
        const cb = callback as Callback;
        return (super.connect as any)((err: unknown, c?: unknown) => cb(err ? toUnavailable(err) : err, c));
      }
      return (super.connect() as Promise<unknown>).catch((err: unknown) => {
        throw toUnavailable(err);
      });
    }

    override query(config: any, values?: any, callback?: any): any {
      if (typeof values === 'function') {
        callback = values;
        values = undefined;
      }
      if (typeof callback === 'function') {
        const cb = callback as Callback;
        return (super.query as any)(config, values, (err: unknown, res: unknown) =>
          cb(err ? this.classify(err) : err, res),
        );
      }
      if (config && typeof config.submit === 'function') return (super.query as any)(config, values);
      return ((super.query as any)(config, values) as Promise<unknown>).catch((err: unknown) => {
        throw this.classify(err);
      });
    }
  }
  return FaultAwareClient as unknown as typeof pg.Client;
}
