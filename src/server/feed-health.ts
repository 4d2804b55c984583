// Whether this process hears other processes' changes (PostgreSQL's LISTEN connection is up):
// /readyz and /metrics report it; serve.ts keeps it and suspends the caches while it is down.
export class FeedHealth {
  up = true;
  /** When the current outage began (ms since the epoch), null while up. */
  downSince: number | null = null;
  outages = 0;

  set(up: boolean): void {
    if (up === this.up) return;
    this.up = up;
    if (up) this.downSince = null;
    else {
      this.downSince = Date.now();
      this.outages++;
    }
  }
}
