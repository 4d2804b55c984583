// Outbound webhook requests: a guard against private, loopback and other non-public targets that
// checks the addresses a name resolves to (the address connected to is the one checked, so a DNS
// answer that changes between check and connect cannot slip through), no redirects, a timeout.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { setMaxListeners } from 'node:events';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { Agent, type Dispatcher } from 'undici';

/** Whether an address is a public unicast one (not private, loopback, link-local, CGNAT, …). */
export function isPublicAddress(addr: string): boolean {
  if (!ipaddr.isValid(addr)) return false;
  // ::ffff:10.0.0.1 is 10.0.0.1.
  const ip = ipaddr.process(addr);
  return ip.range() === 'unicast';
}

export class EgressRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EgressRefused';
  }
}

type LookupCb = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/** A dispatcher whose connections go only to public addresses (unless `allowPrivate`). */
export function egressAgent(opts: { allowPrivate: boolean; timeoutMs: number }): Agent {
  const guardedLookup = (hostname: string, options: object, cb: LookupCb) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return cb(err, []);
      const list = addresses as LookupAddress[];
      const ok = opts.allowPrivate ? list : list.filter((a) => isPublicAddress(a.address));
      if (!ok.length) {
        return cb(new EgressRefused(`${hostname} resolves only to private or reserved addresses`), []);
      }
      const wantsAll = (options as { all?: boolean }).all;
      if (wantsAll) return cb(null, ok);
      return cb(null, ok[0]!.address, ok[0]!.family);
    });
  };
  return new Agent({
    connect: { lookup: guardedLookup as never, timeout: opts.timeoutMs },
    headersTimeout: opts.timeoutMs,
    bodyTimeout: opts.timeoutMs,
    keepAliveTimeout: 4000,
    connections: 64,
  });
}

/**
 * Deadlines for requests in flight, shared: every request started within one `slotMs` slot gets the
 * same signal, aborted (TimeoutError) when the slot's last request reaches `timeoutMs` (so a request
 * is cut between timeoutMs and timeoutMs + slotMs after its start), and `abortAll` aborts every live
 * one (AbortError: the worker stopping). One AbortController and timer per slot instead of
 * AbortSignal.timeout + AbortSignal.any per request, which cost a delivery ~25 µs.
 */
export class Deadlines {
  private slots = new Map<number, AbortController>();
  private ended: AbortSignal | null = null;
  constructor(
    private readonly timeoutMs: number,
    private readonly slotMs = 100,
  ) {}

  signal(now = Date.now()): AbortSignal {
    if (this.ended) return this.ended;
    const slot = Math.floor(now / this.slotMs);
    let c = this.slots.get(slot);
    if (!c) {
      const ctl = new AbortController();
      c = ctl;
      // Every request of the slot listens to it.
      setMaxListeners(0, ctl.signal);
      this.slots.set(slot, ctl);
      const t = setTimeout(
        () => {
          this.slots.delete(slot);
          ctl.abort(new DOMException(`timeout after ${this.timeoutMs} ms`, 'TimeoutError'));
        },
        (slot + 1) * this.slotMs - now + this.timeoutMs,
      );
      t.unref();
    }
    return c.signal;
  }

  /** Aborts every request in flight, and from now on every new one at once. */
  abortAll(): void {
    const reason = new DOMException('stopping', 'AbortError');
    for (const c of this.slots.values()) c.abort(reason);
    this.slots.clear();
    this.ended = AbortSignal.abort(reason);
  }
}

/** Why a POST got no usable answer; null when the receiver answered (any status). */
export type PostFailure = 'refused' | 'timeout' | 'aborted' | 'network' | 'redirect';

export interface PostResult {
  status: number | null;
  retryAfter: string | null;
  response: string | null;
  /** What the delivery log shows. */
  error: string | null;
  failure: PostFailure | null;
}

/** Reads at most this much of a receiver's answer into the delivery log. */
const MAX_LOGGED_RESPONSE = 1024;

/** What a receiver answered: status, its Retry-After, the start of its body. */
interface Answer {
  status: number;
  retryAfter: string | null;
  text: string;
}

/**
 * One POST through the dispatcher's handler API. `request()` wraps every call in an AsyncResource
 * and streams the answer through a Readable with an async iterator; a delivery needs neither (it
 * keeps the status, one header and 1 KB of text): ~40 % of the client's CPU per request
 * (docs/performance.md, webhooks wave 9). Rejects with what undici reports, or the signal's reason.
 */
function dispatchPost(
  agent: Agent,
  u: URL,
  headers: Record<string, string>,
  body: string,
  signal: AbortSignal,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let controller: Dispatcher.DispatchController | null = null;
    let status = 0;
    let retryAfter: string | null = null;
    let text = '';
    let done = false;
    // Before the request is on a connection there is nothing to abort yet: it is aborted as it
    // starts (as request() does).
    const onAbort = () => controller?.abort(signal.reason);
    const end = () => {
      done = true;
      signal.removeEventListener('abort', onAbort);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    agent.dispatch(
      { origin: u.origin, path: u.pathname + u.search, method: 'POST', headers, body },
      {
        onRequestStart(c) {
          controller = c;
          if (signal.aborted) c.abort(signal.reason);
        },
        onResponseStart(_c, statusCode, h) {
          status = statusCode;
          const ra = h['retry-after'];
          retryAfter = Array.isArray(ra) ? (ra[0] ?? null) : (ra ?? null);
        },
        onResponseData(_c, chunk) {
          if (text.length < MAX_LOGGED_RESPONSE) text += chunk.toString('utf8');
        },
        onResponseEnd() {
          if (done) return;
          end();
          resolve({ status, retryAfter, text });
        },
        onResponseError(_c, err) {
          if (done) return;
          end();
          reject(err);
        },
      },
    );
  });
}

/** POSTs a body; never throws (a failure is a result), never follows a redirect. */
export async function post(
  agent: Agent,
  url: string,
  headers: Record<string, string>,
  body: string,
  /** `signal` bounds the whole request (a Deadlines signal); without one, a timer of `timeoutMs`. */
  opts: { allowPrivate: boolean; timeoutMs: number; signal?: AbortSignal },
): Promise<PostResult> {
  try {
    const u = new URL(url);
    const host = u.hostname.replace(/^\[|\]$/g, '');
    // An address literal is connected to without a lookup: checked here.
    if (!opts.allowPrivate && isIP(host) && !isPublicAddress(host)) {
      throw new EgressRefused(`${host} is a private or reserved address`);
    }
    const signal = opts.signal ?? AbortSignal.timeout(opts.timeoutMs);
    const res = await dispatchPost(agent, u, headers, body, signal);
    return {
      status: res.status,
      retryAfter: res.retryAfter,
      response: res.text.slice(0, MAX_LOGGED_RESPONSE) || null,
      ...(res.status >= 300 && res.status < 400
        ? { error: 'redirect not followed', failure: 'redirect' as const }
        : { error: null, failure: null }),
    };
  } catch (err) {
    const e = err as Error & { code?: string; cause?: Error & { code?: string } };
    const refused = e instanceof EgressRefused || e.cause instanceof EgressRefused;
    const timedOut =
      e.name === 'TimeoutError' || e.code === 'UND_ERR_HEADERS_TIMEOUT' || e.code === 'UND_ERR_BODY_TIMEOUT';
    const failure: PostFailure = refused
      ? 'refused'
      : timedOut
        ? 'timeout'
        : e.name === 'AbortError'
          ? 'aborted'
          : 'network';
    const what = {
      refused: () => `refused: ${(e.cause instanceof EgressRefused ? e.cause : e).message}`,
      timeout: () => `timeout after ${opts.timeoutMs} ms`,
      aborted: () => 'aborted (server stopping)',
      network: () => `${e.code ?? e.cause?.code ?? e.name}: ${e.message}`,
    }[failure]();
    return { status: null, retryAfter: null, response: null, error: what, failure };
  }
}
