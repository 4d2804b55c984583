// How much webhook delivery may run while the server is under request load: a bounded share, so
// writes keep their rate, and never nothing, so no delivery waits forever behind a sustained load.
//
// Why a rate and not "yield while the event loop is saturated": on PostgreSQL Lectern's loop sits
// ~0.6 busy under a write load — the saturation is the machine's cores, shared with the database
// and the receivers — so a loop-based yield never engaged, and each delivery's ~0.4 ms of machine
// CPU came out of the writes (w1, docs/performance.md "Webhooks, wave 10").
//
// Under load, at most `batch` deliveries start per window of `intervalMs` (a window opens at the
// first look after the previous one closed); whoever looks in a window (the sequencer's hand-over,
// a claim) reserves what the window has left, so at least min(batch, due) start per window. A
// reservation counts at once and what it did not use goes back: the hand-over and a claim run
// concurrently, and each granted the same room before either took any (CI saw 73 starts where 70
// were allowed). Without load, every free slot. Pure: the clock and the load signal come in as
// arguments.

/** The load holds this long after it was last seen: a dip between two requests is no quiet. */
export const LOAD_HOLD_MS = 200;

export class LoadGate {
  /** Deliveries that may start per window while under load. */
  readonly batch: number;
  readonly intervalMs: number;
  private windowStart = -Infinity;
  private used = 0;
  private loadSeenAt = -Infinity;

  /** `rate`: deliveries a second under load (≥ 1); `concurrency`: the worker's slots. */
  constructor(rate: number, concurrency: number) {
    const r = Math.max(1, rate);
    // Two batches a second, as large as the slots allow; above that the windows shorten instead,
    // so the rate stays what was asked for.
    this.batch = Math.max(1, Math.min(concurrency, Math.ceil(r / 2)));
    this.intervalMs = (1000 * this.batch) / r;
  }

  /** Whether delivery is under request load at `now`, given whether requests wait right now. */
  loaded(now: number, waitingNow: boolean): boolean {
    if (waitingNow) this.loadSeenAt = now;
    return now - this.loadSeenAt < LOAD_HOLD_MS;
  }

  /** Reserves up to `free` slots at `now`, counted against the current window at once. */
  reserve(now: number, loaded: boolean, free: number): Reservation {
    const n = this.room(now, loaded, free);
    this.used += n;
    return { n, window: this.windowStart };
  }

  /** Of reservation `r`, `unused` slots were not filled: back to its window, if still open. */
  release(r: Reservation, unused: number): void {
    if (r.window === this.windowStart) this.used = Math.max(0, this.used - Math.min(unused, r.n));
  }

  /** How many of `free` slots may be filled at `now`. */
  room(now: number, loaded: boolean, free: number): number {
    if (!loaded) return Math.max(0, free);
    if (now - this.windowStart >= this.intervalMs) {
      // The next window follows the last one (looks come a few ms late: opening at `now` would
      // stretch every window by that much); after a gap of more than one, it opens now.
      const next = this.windowStart + this.intervalMs;
      this.windowStart = now - next < this.intervalMs ? next : now;
      this.used = 0;
    }
    return Math.max(0, Math.min(free, this.batch - this.used));
  }

  /** When the current window closes (a worker that could not take any looks again then). */
  nextAt(): number {
    return this.windowStart + this.intervalMs;
  }
}

/** Slots granted by `LoadGate.reserve`, and the window they count against. */
export interface Reservation {
  n: number;
  window: number;
}
