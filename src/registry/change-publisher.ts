// Queues committed prompt changes for other processes, sent after commit by the outbox sequencer.
//
// Why not from inside the writing transaction (as keys and workspaces still are, see inTx):
// PostgreSQL serialises the commits of every transaction that has queued a NOTIFY on one global
// lock, held through the commit's WAL flush — so notifying writes commit one at a time. Measured
// on these machines (32 connections, one insert each): 550-710 commits/s with a NOTIFY in the
// transaction against 2,800-4,200 without. A NOTIFY sent alone writes no WAL: its commit holds the
// lock for microseconds — and no separate one is needed: the outbox sequencer runs within a few ms
// of every commit anyway (its statement writes WAL, but the sequencer runs one at a time), so its
// one-round-trip statement carries the process's queued change messages too.
//
// What covers a process that dies between a commit and its NOTIFY: every prompt change writes an
// outbox row in its own transaction (migration 0006), and whichever process numbers that row (the
// sequencer polls every second) NOTIFYs its workspace from the numbering statement itself
// (OutboxHub.fallbackChannel), under an origin every process applies. So a lost message leaves
// other processes' caches stale for about a second, not until the next write.
import type { Change } from './context.ts';

/** Changes per message: 40 × ≈ 100 bytes stays well under NOTIFY's 8,000-byte payload limit. */
const PER_MESSAGE = 40;

export class ChangePublisher {
  private pending = new Map<string, Change>();
  private returned: string[] = [];

  constructor(
    private readonly encode: (changes: Change[]) => string,
    /** Sends one payload by itself (at shutdown, when no sequencer run will come). */
    private readonly send: (payload: string) => Promise<void>,
  ) {}

  /** Queues changes committed just now; the outbox sequencer's next run (kicked by the same commit) sends them. */
  add(changes: readonly Change[]): void {
    for (const c of changes) this.pending.set(`${c.kind}\u0001${c.workspaceId}\u0001${c.promptId ?? ''}`, c);
  }

  /** The queued changes as NOTIFY payloads, taken out of the queue. */
  take(): string[] {
    const all = [...this.pending.values()];
    this.pending.clear();
    const out = this.returned;
    this.returned = [];
    for (let i = 0; i < all.length; i += PER_MESSAGE) out.push(this.encode(all.slice(i, i + PER_MESSAGE)));
    return out;
  }

  /** Payloads a failed run could not send: the next one does. */
  giveBack(payloads: string[]): void {
    this.returned.push(...payloads);
  }

  /** Sends what is still queued, by itself (shutdown: nothing committed is left unsent). */
  async flush(): Promise<void> {
    for (const p of this.take()) await this.send(p).catch(() => {});
  }
}
