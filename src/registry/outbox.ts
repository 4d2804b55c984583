// The outbox: every change's event row (written by triggers in the change's own statement, see
// drizzle/0006_webhooks.sql), put in commit order by the sequencer, fanned out to the endpoints
// that want it as deliveries, claimed by one delivery worker at a time, and read by the change
// stream (GET /v1/events).
//
// Why a sequencer: ids from a sequence are handed out at insert, not at commit, so a reader that
// remembers "the highest id I saw" can skip a row whose transaction commits later with a lower id.
// The sequencer numbers committed, not-yet-numbered rows (`pos`) under an advisory lock held until
// its own commit, so `pos` grows in the order rows become visible: a cursor over it misses nothing.
import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '../store/db.ts';
import { labels, outboxEvents, outboxPruned, prompts, versions } from '../store/schema.ts';
import type { Actor } from '../model/types.ts';
import type { EndpointMode, OutboxEvent } from '../model/webhooks.ts';
import { requireRole, resolveWorkspace, type RegistryContext } from './context.ts';

/** Advisory lock id of the sequencer (one numbering transaction at a time across processes). */
const SEQUENCER_LOCK = 7_402_117;
/** Rows numbered per sequencer transaction. */
const BATCH = 1000;

/**
 * What one hub run did, for its subscribers: rows numbered, deliveries fanned out, and how many of
 * those the claimer took at once (all of them: nothing new is left for a claim to find).
 */
export interface SequencerRun {
  numbered: number;
  fanned: number;
  leased: number;
}

/**
 * The delivery worker of this process, as the sequencer sees it: the new deliveries it fans out are
 * claimed for this worker in the same statement (up to its room, within each endpoint's cap) and
 * handed over, instead of a claim statement updating each of them again just after.
 */
export interface Claimer {
  owner: string;
  leaseMs: number;
  perEndpoint: number;
  /**
   * Runs `claim` with the number of requests this worker can start now (0 included) and starts what
   * it claimed. The room counts as taken from the moment it is granted until the claim returns (or
   * fails), so a claim running meanwhile cannot be granted the same room.
   */
  claimWithin<T extends { claimed: ClaimedDelivery[] } | null>(
    claim: (limit: number) => Promise<T>,
  ): Promise<T>;
}

/**
 * One per registry: runs the sequencer when told that something may have changed (coalescing
 * calls that arrive while it runs into one more run) and then tells its subscribers (the delivery
 * worker, change streams). A slow poll covers a missed wake-up.
 */
export class OutboxHub {
  private running: Promise<void> | null = null;
  private again = false;
  private readonly subs = new Set<(run: SequencerRun | null) => void>();
  private poll: NodeJS.Timeout | null = null;
  private claimer: Claimer | null = null;

  private scheduled: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: Db,
    private readonly backend: 'postgres' | 'pglite',
    private readonly pollMs = 1000,
    /** Commits within this window share one sequencer run (fewer statements under write load). */
    private readonly windowMs = 3,
  ) {}

  /** Something may have been committed: sequence it (within windowMs), then wake the subscribers. */
  kick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.scheduled) return;
    this.scheduled = setTimeout(() => {
      this.scheduled = null;
      this.run();
    }, this.windowMs);
  }

  /** The worker whose deliveries the sequencer claims as it fans them out; returns its removal. */
  setClaimer(c: Claimer): () => void {
    this.claimer = c;
    return () => {
      if (this.claimer === c) this.claimer = null;
    };
  }

  private run(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        let run: SequencerRun | null = { numbered: 0, fanned: 0, leased: 0 };
        try {
          for (;;) {
            const c = this.claimer;
            const r = c
              ? await c.claimWithin((limit) =>
                  sequence(
                    this.db,
                    this.backend,
                    limit > 0
                      ? { owner: c.owner, leaseMs: c.leaseMs, perEndpoint: c.perEndpoint, limit }
                      : null,
                  ),
                )
              : await sequence(this.db, this.backend, null);
            run.numbered += r.numbered;
            run.fanned += r.fanned;
            run.leased += r.claimed.length;
            if (r.numbered < BATCH) break; // a full batch: there may be more
          }
        } catch {
          // The database is unreachable right now: the poll tries again.
          run = null;
        }
        for (const s of this.subs) s(run);
      } while (this.again);
    })().finally(() => {
      this.running = null;
    });
  }

  /**
   * The poll (a missed wake-up, retries, expired leases): one statement asks whether anything waits
   * to be numbered, and only then does the sequencer's transaction run (an idle process paid a
   * transaction of three or four statements every second). The subscribers are told either way.
   */
  private pollOnce(): void {
    if (this.running || this.scheduled) return; // a run is on its way
    this.db.execute(sql`select exists (select 1 from ${outboxEvents} where pos is null) as due`).then(
      (res) => {
        if (rowsOf<{ due: boolean }>(res)[0]?.due === true) this.kick();
        else for (const s of this.subs) s({ numbered: 0, fanned: 0, leased: 0 });
      },
      () => {
        for (const s of this.subs) s(null);
      },
    );
  }

  /** Runs `fn` after every sequencer run (and every idle poll); returns an unsubscribe function. */
  subscribe(fn: (run: SequencerRun | null) => void): () => void {
    this.subs.add(fn);
    if (!this.poll) {
      this.poll = setInterval(() => this.pollOnce(), this.pollMs);
      this.poll.unref();
    }
    return () => {
      this.subs.delete(fn);
      if (!this.subs.size && this.poll) {
        clearInterval(this.poll);
        this.poll = null;
      }
    };
  }

  /** Resolves once a sequencer run in progress (if any) is over. */
  async idle(): Promise<void> {
    while (this.running || this.scheduled) {
      if (this.running) await this.running;
      else await new Promise((r) => setTimeout(r, this.windowMs + 1));
    }
  }
}

/**
 * Numbers up to BATCH committed rows in commit order and fans each out to the enabled endpoints of
 * its workspace whose filters let it through (Langfuse mode: two deliveries for a label move).
 *
 * With `claim`, the new deliveries are claimed for that worker as they are inserted — up to
 * `limit`, and per endpoint up to the room its cap leaves (live leases of every process, as
 * claimDeliveries counts them), oldest event first — and returned with what sending them needs:
 * the same lease and attempt count a claim would give them, without a second statement updating
 * each row. The rest are inserted unclaimed, for claimDeliveries.
 */
export async function sequence(
  db: Db,
  backend: 'postgres' | 'pglite',
  claim: { owner: string; leaseMs: number; perEndpoint: number; limit: number } | null = null,
): Promise<{ numbered: number; fanned: number; claimed: ClaimedDelivery[] }> {
  return db.transaction(async (tx) => {
    // PGlite has one connection (transactions are serialised) and one process: no lock needed.
    if (backend === 'postgres') await tx.execute(sql`select pg_advisory_xact_lock(${SEQUENCER_LOCK})`);
    const limit = claim?.limit ?? 0;
    const res = await tx.execute(sql`
      with next as (
        select id from ${outboxEvents} where pos is null order by id limit ${BATCH} for update
      ), numbered as (
        update ${outboxEvents} o set pos = nextval('outbox_pos_seq'), sequenced_at = now()
        from next where o.id = next.id
        returning o.id, o.pos, o.workspace_id, o.type, o.prompt_id, o.prompt_name, o.data, o.actor, o.at
      ), cand as (
        select e.id as endpoint_id, n.id as event_id, p.part, n.pos,
               row_number() over (partition by e.id order by n.pos, p.part) as rn
        from numbered n
        join webhook_endpoints e on e.workspace_id = n.workspace_id and e.enabled
          and (e.events is null or e.events ? n.type)
          and (e.prompts is null or e.prompts ? n.prompt_name)
        cross join lateral generate_series(0,
          case when e.mode = 'langfuse' and n.type = 'prompt.label.moved'
                    and n.data->'from_version' is not null and n.data->'from_version' <> 'null'::jsonb
               then 1 else 0 end) as p(part)
      ), room as (
        select r.endpoint_id, greatest(0, ${claim?.perEndpoint ?? 0}::int - (
          select count(*) from webhook_deliveries x
          where x.endpoint_id = r.endpoint_id and x.status = 'pending' and x.lease_until >= now()))::int as n
        from (select distinct endpoint_id from cand) r
        where ${limit}::int > 0
      ), pick as (
        select c.endpoint_id, c.event_id, c.part
        from cand c join room r on r.endpoint_id = c.endpoint_id and c.rn <= r.n
        order by c.pos, c.part, c.endpoint_id
        limit ${limit}
      ), fanned as (
        insert into webhook_deliveries (endpoint_id, event_id, part, attempts, lease_until, lease_owner)
        select c.endpoint_id, c.event_id, c.part,
               case when p.event_id is null then 0 else 1 end,
               case when p.event_id is null then null
                    else now() + (${claim?.leaseMs ?? 0} * interval '1 millisecond') end,
               case when p.event_id is null then null else ${claim?.owner ?? null}::text end
        from cand c
        left join pick p on p.endpoint_id = c.endpoint_id and p.event_id = c.event_id and p.part = c.part
        on conflict do nothing
        returning id, endpoint_id, event_id, part, attempts, lease_owner
      ), counts as (
        select (select count(*) from numbered)::int as n, (select count(*) from fanned)::int as f
      )
      select counts.n, counts.f, d.id, d.part, d.attempts, d.endpoint_id, e.url, e.mode, e.secret,
             case when e.previous_secret_until > now() then e.previous_secret end as previous_secret,
             o.id as event_id, o.pos, o.workspace_id, o.type, o.prompt_id, o.prompt_name, o.data,
             o.actor, o.at
      from counts
      left join fanned d on d.lease_owner is not null
      left join webhook_endpoints e on e.id = d.endpoint_id
      left join numbered o on o.id = d.event_id`);
    const rows = rowsOf<Record<string, unknown>>(res);
    return {
      numbered: Number(rows[0]?.n ?? 0),
      fanned: Number(rows[0]?.f ?? 0),
      claimed: rows.filter((r) => r.id !== null && r.id !== undefined).map(claimedOf),
    };
  });
}

export function rowsOf<T>(res: unknown): T[] {
  return ((res as { rows?: T[] }).rows ?? (res as T[])) as T[];
}

/** Events a stream can no longer get: retention deleted them before it read them. */
export interface StreamGap {
  /** The client's position when the loss was found. */
  after: number;
  /** The highest position retention deleted in the workspace: the stream continues after it. */
  through: number;
  prunedAt: Date;
}

/** One read of the change stream: the gap found first (if any), then the next events after it. */
export interface StreamRead {
  gap: StreamGap | null;
  events: OutboxEvent[];
}

/**
 * Opens the change stream of the caller's workspace (any role may read it): resolves the
 * workspace now, so a bad one fails before the stream starts. `read(after)` returns the next
 * events in commit order; `wait` resolves at the next sequencer run or after `maxMs`.
 *
 * Every read checks, in the same statement (one snapshot: the deletion and its watermark are seen
 * together or not at all), whether retention has deleted an event of this workspace past the
 * client's position — when it resumed from an old one, and equally while it is connected (it fell
 * behind by more than the retention window, or retention ran between two reads). Exact, because
 * the watermark is the highest deleted position: `after < through` holds iff some event after
 * `after` is gone. Then `gap` says so and the events continue after `through`.
 *
 * A client that names no position asked for whatever there is: what retention deleted before it
 * connected is no gap for it. Its floor is the watermark it first saw; only a loss above that
 * (and above its position) is reported.
 */
export async function openEventStream(
  ctx: RegistryContext,
  hub: OutboxHub,
  actor: Actor,
  q: { workspace?: string; after?: number },
) {
  requireRole(actor, 'viewer');
  const ws = await resolveWorkspace(ctx.store.db, actor, q.workspace);
  // Positioned clients: every loss after their position counts. Others: set at the first read.
  let floor: number | null = q.after !== undefined ? 0 : null;
  let wake: (() => void) | null = null;
  const off = hub.subscribe(() => wake?.());
  hub.kick();
  return {
    workspaceId: ws.id,
    async read(after: number, limit = 500): Promise<StreamRead> {
      const res = await ctx.store.db.execute(sql`
        with mark as (
          select coalesce(max(m.through_pos), 0)::bigint as through, max(m.pruned_at) as pruned_at
          from ${outboxPruned} m where m.workspace_id = ${ws.id}
        ), s as (
          select through, pruned_at,
            case when through > greatest(${after}::bigint, ${floor ?? Number.MAX_SAFE_INTEGER}::bigint)
                 then through else ${after}::bigint end as start
          from mark
        )
        select s.through as mark_through, s.pruned_at as mark_pruned_at, s.start as mark_start,
               o.id as event_id, o.pos, o.workspace_id, o.type, o.prompt_id, o.prompt_name, o.data,
               o.actor, o.at
        from s left join lateral (
          select * from ${outboxEvents} e
          where e.workspace_id = ${ws.id} and e.pos > s.start
          order by e.pos limit ${limit}
        ) o on true
        order by o.pos`);
      const rows = rowsOf<Record<string, unknown>>(res);
      const head = rows[0]!;
      const through = Number(head.mark_through);
      const start = Number(head.mark_start);
      floor ??= through;
      return {
        gap: start > after ? { after, through: start, prunedAt: dateOf(head.mark_pruned_at) } : null,
        events: rows.filter((r) => r.event_id !== null && r.event_id !== undefined).map(eventOf),
      };
    },
    /** The newest event's position (0: none yet): a client that wants only what happens from now. */
    async head(): Promise<number> {
      const [row] = await ctx.store.db
        .select({ pos: sql<string | null>`max(${outboxEvents.pos})` })
        .from(outboxEvents)
        .where(eq(outboxEvents.workspaceId, ws.id));
      return Number(row?.pos ?? 0);
    },
    wait(maxMs: number): Promise<void> {
      return new Promise((resolve) => {
        const t = setTimeout(done, maxMs);
        function done() {
          clearTimeout(t);
          wake = null;
          resolve();
        }
        wake = done;
      });
    },
    close: off,
  };
}

const dateOf = (x: unknown) => (x instanceof Date ? x : new Date(String(x)));

/** An outbox row as raw SQL returns it (either driver), with its id as `event_id`. */
function eventOf(r: Record<string, unknown>): OutboxEvent {
  return {
    id: Number(r.event_id),
    pos: r.pos === null ? null : Number(r.pos),
    workspaceId: (r.workspace_id as string | null) ?? null,
    type: String(r.type),
    promptId: (r.prompt_id as string | null) ?? null,
    promptName: (r.prompt_name as string | null) ?? null,
    data: (typeof r.data === 'string' ? JSON.parse(r.data) : r.data) as OutboxEvent['data'],
    actor: (r.actor as string | null) ?? null,
    at: dateOf(r.at),
  };
}

/** A delivery claimed by this worker, with what sending it needs. */
export interface ClaimedDelivery {
  id: number;
  part: number;
  attempts: number;
  endpointId: string;
  url: string;
  mode: EndpointMode;
  secrets: string[];
  event: OutboxEvent;
}

/** A worker's identity for leases (several processes share one PostgreSQL). */
export const workerId = () => `w_${randomUUID()}`;

/** Deliveries in flight to one endpoint at once, across every process, unless told otherwise. */
export const DEFAULT_PER_ENDPOINT = 16;

/**
 * Claims up to `limit` due deliveries of enabled endpoints for `leaseMs` (FOR UPDATE SKIP LOCKED:
 * two workers never claim one delivery at once; an expired lease — its worker died — is claimable
 * again). Counts the attempt. `more`: due deliveries are left that this claim did not take.
 *
 * At most `perEndpoint` deliveries of one endpoint are in flight at once (live leases, whichever
 * process holds them): a receiver that hangs holds that many slots until its timeouts, and every
 * other endpoint keeps being sent on time.
 */
export async function claimDeliveries(
  db: Db,
  owner: string,
  leaseMs: number,
  limit: number,
  perEndpoint = DEFAULT_PER_ENDPOINT,
): Promise<{ claimed: ClaimedDelivery[]; more: boolean }> {
  const res = await db.execute(sql`
    -- Materialised: inlined, each endpoint's count of live leases ran twice.
    with room as materialized (
      select e.id, greatest(0, ${perEndpoint}::int - (
        select count(*) from webhook_deliveries x
        where x.endpoint_id = e.id and x.status = 'pending' and x.lease_until >= now()))::int as n
      from webhook_endpoints e where e.enabled
    ), due as (
      select d.id from room
      cross join lateral (
        select d.id, d.next_attempt_at from webhook_deliveries d
        where d.endpoint_id = room.id and d.status = 'pending' and d.next_attempt_at <= now()
          and (d.lease_until is null or d.lease_until < now())
        order by d.next_attempt_at, d.id
        limit room.n
        for update skip locked
      ) d
      where room.n > 0
      order by d.next_attempt_at, d.id
      limit ${limit}
    ), claimed as (
      update webhook_deliveries d
      set lease_until = now() + (${leaseMs} * interval '1 millisecond'), lease_owner = ${owner},
          attempts = d.attempts + 1, updated_at = now()
      -- By primary key, as the array: a join with the CTE was planned as a scan of every delivery.
      where d.id = any(array(select id from due))
      returning d.id, d.part, d.attempts, d.endpoint_id, d.event_id
    ), more as (
      -- Due deliveries this claim left (room, caps, or another claim holding them right now): the
      -- worker claims again when it has room, instead of waiting for the poll.
      -- Per enabled endpoint, the first due delivery on its index (limit 1 inside a lateral: a join
      -- over all endpoints was planned as a hash of every due delivery, a cost that grew with the
      -- backlog; the filter on the claimed ids, not an anti-join, for the same reason).
      select exists (
        select 1 from webhook_endpoints e
        cross join lateral (
          select 1 from webhook_deliveries d
          where d.endpoint_id = e.id and d.status = 'pending' and d.next_attempt_at <= now()
            and (d.lease_until is null or d.lease_until < now())
            and d.id <> all(array(select id from due))
          limit 1
        ) x
        where e.enabled
      ) as more
    )
    select m.more, c.id, c.part, c.attempts, c.endpoint_id, e.url, e.mode, e.secret,
           case when e.previous_secret_until > now() then e.previous_secret end as previous_secret,
           o.id as event_id, o.pos, o.workspace_id, o.type, o.prompt_id, o.prompt_name, o.data,
           o.actor, o.at
    from more m
    left join (claimed c
      join webhook_endpoints e on e.id = c.endpoint_id
      -- Each event by its primary key (a hash join read the whole outbox, a week of events).
      cross join lateral (select * from ${outboxEvents} x where x.id = c.event_id) o) on true`);
  const rows = rowsOf<Record<string, unknown>>(res);
  return {
    claimed: rows.filter((r) => r.id !== null && r.id !== undefined).map(claimedOf),
    more: rows[0]?.more === true,
  };
}

/** A claimed delivery as raw SQL returns it (claimDeliveries and sequence select the same columns). */
function claimedOf(r: Record<string, unknown>): ClaimedDelivery {
  return {
    id: Number(r.id),
    part: Number(r.part),
    attempts: Number(r.attempts),
    endpointId: String(r.endpoint_id),
    url: String(r.url),
    mode: r.mode as EndpointMode,
    secrets: [String(r.secret), ...(r.previous_secret ? [String(r.previous_secret)] : [])],
    event: eventOf(r),
  };
}

/** The result of one attempt, as the worker decided it (model/webhooks.ts verdictOf). */
export interface AttemptResult {
  id: number;
  endpointId: string;
  attempt: number;
  status: number | null;
  error: string | null;
  response: string | null;
  durationMs: number;
  /**
   * delivered | retry at `retryAt` | gone (disable the endpoint) | exhausted (fail, disable) |
   * skipped (not sent: the worker stopped; released) | not_applicable (the mode has no such event)
   */
  outcome: 'delivered' | 'retry' | 'gone' | 'exhausted' | 'skipped' | 'not_applicable';
  retryAt?: Date;
}

/**
 * Records a batch of attempts in one statement: the attempt log, each delivery's new state (only
 * while this worker still holds its lease), and the endpoints' health — a 410 or a used-up
 * schedule disables the endpoint with the reason; a success is stamped to the second.
 */
export async function recordAttempts(db: Db, owner: string, results: AttemptResult[]): Promise<void> {
  if (!results.length) return;
  const json = JSON.stringify(
    results.map((r) => ({
      id: r.id,
      endpoint_id: r.endpointId,
      attempt: r.attempt,
      status: r.status,
      error: r.error,
      response: r.response,
      duration_ms: r.durationMs,
      outcome: r.outcome,
      retry_at: r.retryAt?.toISOString() ?? null,
    })),
  );
  const ids = `{${results.map((r) => r.id).join(',')}}`;
  await db.execute(sql`
    with r as (
      select * from jsonb_to_recordset(${json}::jsonb) as x(id bigint, endpoint_id uuid, attempt int,
        status int, error text, response text, duration_ms int, outcome text, retry_at timestamptz)
    ), logged as (
      insert into webhook_attempts (delivery_id, endpoint_id, attempt, duration_ms, status, error, response)
      select id, endpoint_id, attempt, duration_ms, status, error, response from r where outcome <> 'skipped'
    ), updated as (
      update webhook_deliveries d set
        status = case r.outcome when 'delivered' then 'delivered' when 'not_applicable' then 'delivered'
                                when 'exhausted' then 'failed' else 'pending' end,
        delivered_at = case when r.outcome in ('delivered', 'not_applicable') then now() else d.delivered_at end,
        next_attempt_at = case when r.outcome = 'retry' then r.retry_at
                               when r.outcome in ('gone', 'skipped') then now() else d.next_attempt_at end,
        attempts = case when r.outcome = 'skipped' then d.attempts - 1 else d.attempts end,
        last_status = case when r.outcome = 'skipped' then d.last_status else r.status end,
        last_error = case when r.outcome = 'skipped' then d.last_error else r.error end,
        lease_until = null, lease_owner = null, updated_at = now()
      -- The ids again as an array: the rows are found by primary key (the join with r alone was
      -- planned as a scan of every delivery ever kept, a cost that grew with the delivery log).
      from r where d.id = any(${ids}::bigint[]) and d.id = r.id and d.lease_owner = ${owner}
    ), health as (
      select endpoint_id,
        bool_or(outcome = 'delivered') as ok,
        bool_or(outcome in ('retry', 'gone', 'exhausted')) as bad,
        max(case when outcome = 'gone' then 'the receiver answered 410 Gone' end) as gone,
        max(case when outcome = 'exhausted' then
          'every attempt of a delivery failed over the whole retry schedule (last: ' ||
          coalesce('HTTP ' || status::text, error, 'no answer') || ')' end) as exhausted
      from r group by endpoint_id
    )
    update webhook_endpoints e set
      last_success_at = case when h.ok then now() else e.last_success_at end,
      last_failure_at = case when h.bad then now() else e.last_failure_at end,
      enabled = e.enabled and h.gone is null and h.exhausted is null,
      disabled_at = case when e.enabled and (h.gone is not null or h.exhausted is not null) then now() else e.disabled_at end,
      disabled_reason = case when e.enabled and (h.gone is not null or h.exhausted is not null)
                             then coalesce(h.gone, h.exhausted) else e.disabled_reason end
    -- A success refreshes last_success_at at most once a second, unless a failure came after the
    -- last one: under load the endpoint row is not rewritten by every batch (failures and the
    -- disabling are written every time).
    from health h where e.id = h.endpoint_id
      and (h.bad or (h.ok and (e.last_success_at is null or e.last_failure_at >= e.last_success_at
                               or e.last_success_at < now() - interval '1 second')))`);
}

/**
 * Deletes events older than `days` that no delivery still waits for (their delivery log goes with
 * them). The change stream can resume from any event still kept: `days` is its resume window. The
 * same statement raises each workspace's watermark (outbox_pruned) to the highest position it
 * deleted, so a stream resuming from before it is told of the gap.
 */
export async function pruneOutbox(db: Db, days: number): Promise<number> {
  const res = await db.execute(sql`
    with gone as (
      delete from ${outboxEvents} o
      where o.at < now() - (${days} * interval '1 day') and o.pos is not null
        and not exists (select 1 from webhook_deliveries d where d.event_id = o.id and d.status = 'pending')
      returning o.workspace_id, o.pos
    ), marked as (
      insert into ${outboxPruned} (workspace_id, through_pos, pruned_at)
      select workspace_id, max(pos), now() from gone where workspace_id is not null group by workspace_id
      on conflict (workspace_id) do update
        set through_pos = greatest(${outboxPruned}.through_pos, excluded.through_pos), pruned_at = now()
      returning 1
    ) select count(*)::int as n from gone`);
  return Number(rowsOf<{ n: number }>(res)[0]?.n ?? 0);
}

/** Langfuse mode shows the version itself: read at delivery time (labels as they are now). */
export async function versionForPayload(db: Db, promptId: string, number: number) {
  const res = await db.execute(sql`
    select v.id, v.number, v.prompt_id, p.project_id, v.template_type, v.messages, v.content, v.model,
           v.params, v.commit_message, v.author, p.tags, v.created_at, v.updated_at,
           coalesce((select json_agg(l.name order by l.name) from labels l where l.version_id = v.id), '[]'::json) as labels
    from versions v join prompts p on p.id = v.prompt_id
    where v.prompt_id = ${promptId} and v.number = ${number}`);
  const r = rowsOf<Record<string, unknown>>(res)[0];
  if (!r) return null;
  const j = (x: unknown) => (typeof x === 'string' ? JSON.parse(x) : x);
  const d = (x: unknown) => (x instanceof Date ? x : new Date(String(x)));
  return {
    id: String(r.id),
    number: Number(r.number),
    promptId: String(r.prompt_id),
    projectId: (r.project_id as string | null) ?? null,
    templateType: r.template_type as 'chat' | 'completion',
    messages: j(r.messages),
    content: j(r.content),
    model: (r.model as string | null) ?? null,
    params: j(r.params) ?? {},
    commitMessage: (r.commit_message as string | null) ?? null,
    author: (r.author as string | null) ?? null,
    tags: j(r.tags) ?? [],
    labels: j(r.labels) ?? [],
    createdAt: d(r.created_at),
    updatedAt: d(r.updated_at),
  };
}

// ---- Imports (POST /v1/import, plain and existing=sync): the events of what they change now ----
//
// An import writes rows in bulk and records one `prompt.import` audit event per prompt, which the
// audit trigger does not turn into events. It writes its events itself, set-based (one statement
// per batch of created prompts, one per synced prompt that changed), in the import's transaction:
// the same types and data the triggers write for the other write paths.

/** A version's content as the audit snapshot holds it (camelCase), for lectern_content_hash. */
const versionContent = sql.raw(`jsonb_build_object(
  'templateType', v.template_type, 'templateFormat', v.template_format, 'messages', v.messages,
  'content', v.content, 'inputVariables', v.input_variables, 'variableDefaults', v.variable_defaults,
  'model', v.model, 'provider', v.provider, 'params', v.params, 'responseFormat', v.response_format,
  'jsonSchema', v.json_schema, 'tools', v.tools, 'toolChoice', v.tool_choice, 'functions', v.functions,
  'functionCall', v.function_call, 'fallbackModels', v.fallback_models,
  'loadBalanceModels', v.load_balance_models, 'metadata', v.metadata)`);
/** The data of a version event, as lectern_outbox_from_audit builds it. */
const versionData = sql`jsonb_build_object('version', v.number, 'version_id', v.id::text, 'status', v.status,
  'content_hash', lectern_content_hash(${versionContent}), 'commit_message', v.commit_message,
  'author', v.author)`;

/**
 * Runs `fn` (inserts of label history copied from an export) with the label-history trigger off
 * for the transaction's rows it writes (drizzle/0012_import_events.sql): copied moves describe the
 * past, not a change now.
 */
export async function withoutLabelHistoryEvents<T>(tx: Tx, fn: () => Promise<T>): Promise<T> {
  await tx.execute(sql`select set_config('lectern.label_history_import', 'on', true)`);
  const r = await fn();
  await tx.execute(sql`select set_config('lectern.label_history_import', 'off', true)`);
  return r;
}

/**
 * The events of prompts an import created (in this transaction), in one statement, per prompt in
 * the order given: `prompt.created`, each version's `prompt.version.created` (a snippet's:
 * `snippet.version.created`) by number, and one `prompt.label.moved` per label from nothing
 * (`from_version: null`) to the version it sits on after the import — its copied history is not
 * replayed. A created snippet also reaches the live prompts that reference it
 * (`prompt.dependency.updated`, once per snippet, for its newest version).
 */
export async function importedPromptEvents(
  tx: Tx,
  workspaceId: string,
  actor: string | null,
  promptIds: string[],
): Promise<void> {
  if (!promptIds.length) return;
  const ids = JSON.stringify(promptIds);
  await tx.execute(sql`
    with batch as (
      select x.id::uuid as id, x.k from jsonb_array_elements_text(${ids}::jsonb) with ordinality as x(id, k)
    ), events as (
      select b.k, 0 as part, 0 as n, text '' as label, 'prompt.created' as type, p.id, p.name,
             jsonb_build_object('is_snippet', p.is_snippet) as data
      from batch b join ${prompts} p on p.id = b.id
      union all
      select b.k, 1, v.number, '',
             case when p.is_snippet then 'snippet.version.created' else 'prompt.version.created' end,
             p.id, p.name, ${versionData}
      from batch b join ${prompts} p on p.id = b.id join ${versions} v on v.prompt_id = p.id
      union all
      select b.k, 2, 0, l.name, 'prompt.label.moved', p.id, p.name,
             jsonb_build_object('label', l.name, 'from_version', null, 'to_version', v.number)
      from batch b join ${prompts} p on p.id = b.id join ${labels} l on l.prompt_id = p.id
      join ${versions} v on v.id = l.version_id
    ), written as (
      insert into ${outboxEvents} (workspace_id, type, prompt_id, prompt_name, data, actor, at)
      select ${workspaceId}::uuid, e.type, e.id, e.name, e.data, ${actor}::uuid, now()
      from events e order by e.k, e.part, e.n, e.label
      returning 1
    )
    select lectern_outbox_cascade(${workspaceId}::uuid, p.id, p.name, 'snippet.version.created',
             ${actor}::uuid, now(), jsonb_build_object('snippet_version', p.last_version))
    from batch b join ${prompts} p on p.id = b.id
    -- (the count makes the events go in first: the cascade's come after them)
    where p.is_snippet and p.last_version > 0 and (select count(*) from written) >= 0`);
}

/** A change an `existing=sync` import made to a stored prompt, besides its label moves. */
export type SyncedEvent =
  | { type: 'prompt.renamed'; from: string; to: string }
  | { type: 'prompt.updated' }
  | { type: 'version.created' | 'prompt.draft.updated' | 'prompt.version.committed'; versionId: string };

/**
 * The events of one synced prompt, in one statement, in the order given (before its label moves,
 * whose label-history rows send their own `prompt.label.moved` / `prompt.label.deleted`). Version
 * events of a snippet reach the prompts that reference it, as the audit trigger does.
 */
export async function syncedPromptEvents(
  tx: Tx,
  workspaceId: string,
  actor: string | null,
  promptId: string,
  events: SyncedEvent[],
): Promise<void> {
  if (!events.length) return;
  const json = JSON.stringify(
    events.map((e) => ({
      type: e.type,
      version_id: 'versionId' in e ? e.versionId : null,
      from_name: 'from' in e ? e.from : null,
      to_name: 'to' in e ? e.to : null,
    })),
  );
  await tx.execute(sql`
    with items as (
      select * from rows from (jsonb_to_recordset(${json}::jsonb)
        as (type text, version_id uuid, from_name text, to_name text)) with ordinality
        as x(type, version_id, from_name, to_name, k)
    ), events as (
      select i.k, case when i.type = 'version.created' then
               case when p.is_snippet then 'snippet.version.created' else 'prompt.version.created' end
             else i.type end as type,
             p.id, p.name, p.is_snippet,
             case when i.version_id is null then
               jsonb_build_object('is_snippet', p.is_snippet) ||
               case when i.type = 'prompt.renamed'
                    then jsonb_build_object('from', i.from_name, 'to', i.to_name) else '{}'::jsonb end
             else ${versionData} end as data
      from items i join ${prompts} p on p.id = ${promptId}::uuid
      left join ${versions} v on v.id = i.version_id
    ), written as (
      insert into ${outboxEvents} (workspace_id, type, prompt_id, prompt_name, data, actor, at)
      select ${workspaceId}::uuid, e.type, e.id, e.name, e.data, ${actor}::uuid, now()
      from events e order by e.k
      returning type, prompt_id, prompt_name, data
    )
    select lectern_outbox_cascade(${workspaceId}::uuid, w.prompt_id, w.prompt_name, w.type, ${actor}::uuid,
             now(), jsonb_build_object('snippet_version', (w.data->>'version')::int))
    from written w join ${prompts} p on p.id = w.prompt_id
    where p.is_snippet and w.type in ('snippet.version.created', 'prompt.version.committed', 'prompt.draft.updated')`);
}
