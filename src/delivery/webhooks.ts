// The webhook delivery worker: at-least-once delivery from the outbox. It wakes when the outbox
// hub has sequenced new events (a local commit, another process's NOTIFY, or the poll), claims due
// deliveries with a lease (FOR UPDATE SKIP LOCKED: several processes on one PostgreSQL never send
// one delivery at once, and a dead process's claims come free when the lease runs out), sends them
// concurrently, and records each batch of results in one statement. Writers never wait for it:
// nothing here runs inside a write's transaction.
import { performance } from 'node:perf_hooks';
import type { Registry } from '../registry/index.ts';
import {
  DEFAULT_PER_ENDPOINT,
  type AttemptResult,
  type ClaimedDelivery,
  type SequencerRun,
} from '../registry/index.ts';
import {
  hmacHex,
  langfuseAction,
  langfusePayload,
  langfuseVersionOf,
  parseRetryAfter,
  promptlayerEventType,
  promptlayerPayload,
  sortedJson,
  standardPayload,
  standardSignature,
  verdictOf,
  webhookId,
} from '../model/webhooks.ts';
import { Deadlines, egressAgent, post } from './egress.ts';
import { LoadGate } from './load-gate.ts';

export interface WorkerOptions {
  /** Seconds to wait after attempt n (n = 1…); past the end, the delivery has failed. */
  retrySchedule: number[];
  timeoutMs: number;
  allowPrivate: boolean;
  /** Requests in flight at once. */
  concurrency: number;
  /**
   * Requests in flight to one endpoint at once, across processes (default 16, at most
   * `concurrency`): one slow or hanging receiver never holds every slot.
   */
  perEndpoint?: number;
  /** Outbox retention in days (delivered events older than this are pruned). */
  retentionDays: number;
  log?: { warn(obj: object, msg: string): void };
  /** Requests the server is answering right now (unset: never under request load). */
  requestsInFlight?: () => number;
  /**
   * Deliveries a second while under request load (LOAD_REQUESTS or more requests in flight, or
   * the event loop saturated while any is): delivery takes that bounded share (load-gate.ts), so
   * writes keep their rate, and sends the backlog at full speed once the load drops.
   * Default DEFAULT_RATE_UNDER_LOAD.
   */
  rateUnderLoad?: number;
}

/** Requests in flight from which the server counts as under load (one client's calls are not). */
export const LOAD_REQUESTS = 8;
/** Deliveries a second per process while under request load, unless told otherwise. */
export const DEFAULT_RATE_UNDER_LOAD = 32;

/** How long finished attempts wait to share one record statement, with and without request load. */
const BUSY_FLUSH_MS = 25;
const IDLE_FLUSH_MS = 3;

/** A claim statement runs at least this often while there may be work (retries, other processes'). */
const CLAIM_AT_LEAST_MS = 1000;

export interface WebhookWorker {
  /** Resolves when every request in flight has ended (aborted past `graceMs`) and been recorded. */
  stop(graceMs?: number): Promise<void>;
  /** Claims and sends what is due now (tests; the hub wakes the worker by itself). */
  pump(): void;
  readonly owner: string;
}

/**
 * The body and headers one delivery sends; null when its mode has no such event (not sent).
 * `bodies`: bodies already made for the same event in this claim (a standard or PromptLayer body
 * is the same for every endpoint of the mode: serialised once, not once per endpoint).
 */
export async function requestFor(
  registry: Registry,
  d: ClaimedDelivery,
  now = new Date(),
  bodies?: Map<string, string>,
): Promise<{ body: string; headers: Record<string, string> } | null> {
  const id = webhookId(d.event.id, d.part);
  const ts = Math.floor(now.getTime() / 1000);
  let body: string;
  const extra: Record<string, string> = {};
  const memo = (make: () => string) => {
    const k = `${d.mode}:${id}`;
    let b = bodies?.get(k);
    if (b === undefined) {
      b = make();
      bodies?.set(k, b);
    }
    return b;
  };
  if (d.mode === 'langfuse') {
    const action = langfuseAction(d.event.type);
    if (!action) return null;
    const n = langfuseVersionOf(d.event, d.part);
    const v =
      d.event.promptId && n !== null ? await registry.outbox.versionForPayload(d.event.promptId, n) : null;
    body = JSON.stringify(langfusePayload(d.event, id, action, v));
    // Langfuse signs "<t>.<body>" with the secret string itself as the HMAC key.
    extra['x-langfuse-signature'] = `t=${ts},v1=${hmacHex(d.secrets[0]!, `${ts}.${body}`)}`;
  } else if (d.mode === 'promptlayer') {
    const type = promptlayerEventType(d.event);
    if (!type) return null;
    // PromptLayer signs json.dumps(payload, sort_keys=True): the body is sent in exactly that form.
    body = memo(() => sortedJson(promptlayerPayload(d.event, type)));
    extra['x-promptlayer-signature'] = hmacHex(d.secrets[0]!, body);
  } else {
    body = memo(() => JSON.stringify(standardPayload(d.event)));
  }
  // Standard Webhooks signature in every mode; during a rotation, one per secret.
  const signature = d.secrets.map((s) => standardSignature(s, id, ts, body)).join(' ');
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'Lectern-Webhooks/1.0',
      'webhook-id': id,
      'webhook-timestamp': String(ts),
      'webhook-signature': signature,
      ...extra,
    },
  };
}

export function startWebhookWorker(registry: Registry, opts: WorkerOptions): WebhookWorker {
  const owner = `w_${crypto.randomUUID()}`;
  const agent = egressAgent({ allowPrivate: opts.allowPrivate, timeoutMs: opts.timeoutMs });
  // A claim outlives the slowest attempt (timeout) with room to record it; a worker that died
  // holding one frees it after this.
  const leaseMs = 2 * opts.timeoutMs + 1000;
  const perEndpoint = Math.max(1, Math.min(opts.perEndpoint ?? DEFAULT_PER_ENDPOINT, opts.concurrency));
  // Each request's deadline (timeoutMs), and the stop's abort of whatever is still in flight.
  const deadlines = new Deadlines(opts.timeoutMs);
  let inflight = 0;
  let pumping = false;
  let again = false;
  let stopped = false;
  const results: AttemptResult[] = [];
  let flushing: Promise<void> | null = null;
  const idle = new Set<() => void>();
  // The earliest retry this worker scheduled wakes it (the hub's poll would, a little later).
  let timer: NodeJS.Timeout | null = null;
  let timerAt = Infinity;
  const wakeAt = (at: Date) => {
    if (stopped || at.getTime() >= timerAt) return;
    if (timer) clearTimeout(timer);
    timerAt = at.getTime();
    timer = setTimeout(
      () => {
        timer = null;
        timerAt = Infinity;
        pump();
      },
      Math.max(0, timerAt - Date.now()) + 5,
    );
    timer.unref();
  };

  // Results share one statement. Idle: those that finish within a few ms, or at once when nothing
  // else is in flight (the drain path's next claim waits for this record). While requests are in
  // flight: up to BUSY_FLUSH_MS, so a write load pays one record statement per many events rather
  // than per event (on PGlite each runs on the event loop the requests need) — but an endpoint's
  // unrecorded results still hold its leases, so at half its cap the batch goes at once (the
  // sequencer keeps claiming new deliveries as it fans them out).
  let flushTimer: NodeJS.Timeout | null = null;
  let flushTimerAt = Infinity;
  const unrecorded = new Map<string, number>();
  const flush = () => {
    if (flushing || !results.length) return;
    const busy = (opts.requestsInFlight?.() ?? 0) > 0;
    let full = false;
    for (const n of unrecorded.values()) if (2 * n >= perEndpoint) full = true;
    const waitMs = full || (!busy && inflight === 0) ? 0 : busy ? BUSY_FLUSH_MS : IDLE_FLUSH_MS;
    const at = Date.now() + waitMs;
    if (flushTimer && flushTimerAt <= at) return;
    if (flushTimer) clearTimeout(flushTimer);
    flushTimerAt = at;
    flushTimer = setTimeout(flushNow, waitMs);
  };
  const flushNow = () => {
    if (flushTimer) clearTimeout(flushTimer);
    flushTimer = null;
    flushTimerAt = Infinity;
    if (flushing || !results.length) return;
    const batch = results.splice(0);
    unrecorded.clear();
    flushing = registry.outbox
      .record(owner, batch)
      .catch((err) => {
        // Unrecorded: the leases run out and the deliveries are sent again (at-least-once).
        opts.log?.warn({ err }, 'webhook results not recorded');
      })
      .finally(() => {
        flushing = null;
        if (results.length) flush();
        else settle();
        // Finished sends make room: claim what waits, if anything is known to.
        if (backlog) pump();
      });
  };
  const settle = () => {
    if (inflight === 0 && !flushing && !flushTimer && !results.length) for (const f of idle) f();
  };

  const send = async (d: ClaimedDelivery, bodies: Map<string, string>) => {
    const t0 = Date.now();
    let r: AttemptResult;
    try {
      const req = await requestFor(registry, d, new Date(t0), bodies);
      if (!req) {
        r = base(d, 0, 'not_applicable', null, `no ${d.mode} equivalent: not sent`);
      } else {
        const res = await post(agent, d.url, req.headers, req.body, {
          allowPrivate: opts.allowPrivate,
          timeoutMs: opts.timeoutMs,
          signal: deadlines.signal(t0),
        });
        const ms = Date.now() - t0;
        if (res.failure === 'aborted') {
          r = base(d, ms, 'skipped', null, res.error);
        } else {
          const v = verdictOf(
            { status: res.status, retryAfterS: parseRetryAfter(res.retryAfter) },
            d.attempts,
            opts.retrySchedule,
          );
          r = {
            ...base(d, ms, v.kind, res.status, res.error ?? (res.status === null ? 'no answer' : null)),
            response: res.response,
            ...(v.kind === 'retry' ? { retryAt: new Date(Date.now() + v.afterMs) } : {}),
          };
        }
      }
    } catch (err) {
      r = base(d, Date.now() - t0, 'retry', null, (err as Error).message);
      r.retryAt = new Date(Date.now() + (opts.retrySchedule[0] ?? 5) * 1000);
    }
    results.push(r);
    unrecorded.set(d.endpointId, (unrecorded.get(d.endpointId) ?? 0) + 1);
    inflight--;
    if (r.retryAt) wakeAt(r.retryAt);
    flush();
  };

  let elu = performance.eventLoopUtilization();
  let saturated = false;
  const sampler = setInterval(() => {
    const now = performance.eventLoopUtilization();
    saturated = performance.eventLoopUtilization(now, elu).utilization > 0.8;
    elu = now;
  }, 100);
  sampler.unref();
  const gate = new LoadGate(opts.rateUnderLoad ?? DEFAULT_RATE_UNDER_LOAD, opts.concurrency);
  const underLoad = () => {
    const n = opts.requestsInFlight?.() ?? 0;
    return gate.loaded(Date.now(), n >= LOAD_REQUESTS || (saturated && n > 0));
  };

  // Whether due deliveries may be waiting beyond what this worker holds (a claim came back full, or
  // the sequencer fanned out more than it could hand over). Unknown at start: claim.
  let backlog = true;
  let lastClaimAt = 0;

  // What a claim got starts here (claimed as we stopped: given back unsent).
  const start = (claimed: ClaimedDelivery[]) => {
    if (stopped) {
      inflight -= claimed.length;
      for (const d of claimed) results.push(base(d, 0, 'skipped', null, null));
      if (claimed.length) flush();
      return;
    }
    const bodies = new Map<string, string>();
    for (const d of claimed) void send(d, bodies);
  };
  // The room a claim is given is held (in `inflight` and in the gate's window) until the claim
  // returns, and what it did not fill goes back: the sequencer's hand-over and a claim may run at
  // once.
  const claimWithin = async <T extends { claimed: ClaimedDelivery[] } | null>(
    claim: (limit: number) => Promise<T>,
  ): Promise<T> => {
    const slots = stopped
      ? { n: 0, window: -Infinity }
      : gate.reserve(Date.now(), underLoad(), opts.concurrency - inflight);
    inflight += slots.n;
    let got: T | undefined;
    try {
      got = await claim(slots.n);
      return got;
    } finally {
      const claimed = got?.claimed ?? [];
      // What the claim did not fill (all of it, if it failed) goes back.
      inflight -= slots.n - claimed.length;
      gate.release(slots, slots.n - claimed.length);
      start(claimed);
    }
  };
  const pump = () => {
    if (stopped) return;
    if (pumping) {
      again = true;
      return;
    }
    pumping = true;
    void (async () => {
      try {
        do {
          again = false;
          let free = 0;
          const got = await claimWithin(async (limit) => {
            free = limit;
            if (limit <= 0) return null;
            lastClaimAt = Date.now();
            return registry.outbox.claim(owner, leaseMs, limit, perEndpoint);
          });
          if (!got) {
            // Under load: look again when the window closes (a finished send pumps too).
            backlog = true;
            if (underLoad()) wakeAt(new Date(Math.max(Date.now() + 10, gate.nextAt())));
            break;
          }
          backlog = got.more;
          if (stopped) break;
          const { claimed } = got;
          // Every slot filled: there may be more at once. Otherwise what is left is held back by
          // caps or other claims; a finished send (its recorded result) claims again while
          // `backlog` holds (a second claim now would find the same nothing).
          if (claimed.length === free) again = true;
        } while (again && !stopped);
      } catch (err) {
        opts.log?.warn({ err }, 'webhook claim failed');
      } finally {
        pumping = false;
      }
    })();
  };

  // New deliveries are claimed for this worker by the sequencer as it fans them out (one statement
  // instead of a fan-out and a claim); a claim statement runs after a sequencer run only when that
  // left something behind, when nothing was numbered (a poll, another process's commit), or when
  // the last claim is older than CLAIM_AT_LEAST_MS (retries, expired leases of dead processes).
  const unclaim = registry.outbox.hub.setClaimer({ owner, leaseMs, perEndpoint, claimWithin });
  const onRun = (run: SequencerRun | null) => {
    if (run && run.fanned > run.leased) backlog = true;
    const nothingLeft = run !== null && run.numbered > 0 && run.fanned === run.leased;
    if (nothingLeft && !backlog && Date.now() - lastClaimAt < CLAIM_AT_LEAST_MS) return;
    pump();
  };
  const off = registry.outbox.hub.subscribe(onRun);
  registry.outbox.hub.kick();
  // Retention: once at start and then every hour.
  const prune = () => void registry.outbox.prune(opts.retentionDays).catch(() => {});
  prune();
  const pruner = setInterval(prune, 3600_000);
  pruner.unref();

  return {
    owner,
    pump,
    async stop(graceMs = Math.min(opts.timeoutMs, 5000)) {
      stopped = true;
      off();
      unclaim();
      if (timer) clearTimeout(timer);
      clearInterval(pruner);
      clearInterval(sampler);
      const done = new Promise<void>((resolve) => {
        idle.add(resolve);
        settle();
      });
      const t = setTimeout(() => deadlines.abortAll(), graceMs);
      await done;
      clearTimeout(t);
      await agent.close().catch(() => {});
    },
  };
}

function base(
  d: ClaimedDelivery,
  durationMs: number,
  outcome: AttemptResult['outcome'],
  status: number | null,
  error: string | null,
): AttemptResult {
  return {
    id: d.id,
    endpointId: d.endpointId,
    attempt: d.attempts,
    status,
    error,
    response: null,
    durationMs,
    outcome,
  };
}
