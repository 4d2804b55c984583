// The load gate on a fake clock: under load, deliveries started per window are bounded above (the
// writes' share) and below (nothing starves); without load every free slot is given.
import { describe, expect, it } from 'vitest';
import { LOAD_HOLD_MS, LoadGate } from './load-gate.ts';

/** Drives a gate for `ms` in 5 ms steps, taking all it grants; deliveries started per second. */
function drive(gate: LoadGate, ms: number, loaded: (t: number) => boolean, free = 64) {
  const starts: number[] = [];
  for (let t = 0; t < ms; t += 5) {
    const { n } = gate.reserve(t, gate.loaded(t, loaded(t)), free);
    for (let i = 0; i < n; i++) starts.push(t);
  }
  return starts;
}

describe('the webhook load gate', () => {
  it('under sustained load, starts exactly the configured rate: no more, and never none', () => {
    const gate = new LoadGate(32, 64);
    expect(gate.batch).toBe(16);
    expect(gate.intervalMs).toBe(500);
    const starts = drive(gate, 10_000, () => true);
    expect(starts.length).toBe(320);
    // Every second of the load has its share: none more, none starved.
    for (let s = 0; s < 10; s++)
      expect(starts.filter((t) => t >= s * 1000 && t < (s + 1) * 1000).length).toBe(32);
  });

  it('without load gives every free slot at every look (the drain runs at full speed)', () => {
    const gate = new LoadGate(32, 64);
    expect(drive(gate, 1000, () => false).length).toBe(200 * 64);
  });

  it('a rate above two batches of the slots a second shortens the windows instead', () => {
    const gate = new LoadGate(1000, 64);
    expect(gate.batch).toBe(64);
    expect(drive(gate, 10_000, () => true).length).toBeGreaterThanOrEqual(9_900);
    expect(new LoadGate(1, 64).intervalMs).toBe(1000);
  });

  it('a window partly used by one taker leaves the rest to the next one, not more', () => {
    const gate = new LoadGate(32, 64);
    const handOver = gate.reserve(0, true, 64);
    expect(handOver.n).toBe(16);
    gate.release(handOver, 13); // the sequencer's hand-over found three
    expect(gate.reserve(10, true, 64).n).toBe(13); // a claim gets the rest
    expect(gate.room(20, true, 64)).toBe(0);
    expect(gate.nextAt()).toBe(500);
    expect(gate.room(500, true, 64)).toBe(16);
    // Never more than the free slots.
    expect(new LoadGate(32, 64).room(0, true, 5)).toBe(5);
  });

  it('two takers looking at once share one window: the second gets what the first left', () => {
    const gate = new LoadGate(32, 64);
    // The hand-over and a claim both look before either has its rows back.
    const a = gate.reserve(0, true, 64);
    const b = gate.reserve(1, true, 64);
    expect(a.n + b.n).toBe(16);
    expect(b.n).toBe(0);
    // Unused slots of an old window do not widen the next one.
    expect(gate.reserve(500, true, 64).n).toBe(16);
    gate.release(a, 16);
    expect(gate.room(501, true, 64)).toBe(0);
  });

  it('the load holds a moment after the last waiting request, then full speed returns', () => {
    const gate = new LoadGate(32, 64);
    expect(gate.loaded(0, true)).toBe(true);
    expect(gate.loaded(LOAD_HOLD_MS - 1, false)).toBe(true);
    expect(gate.loaded(LOAD_HOLD_MS, false)).toBe(false);
    // Load for a second, then quiet: after the hold, each look gets every slot again.
    const starts = drive(gate, 2000, (t) => t < 1000);
    const quiet = starts.filter((t) => t >= 1000 + LOAD_HOLD_MS).length;
    // The last look under load is at 995 ms, so the load holds until just before 995 + LOAD_HOLD_MS.
    expect(starts.filter((t) => t < 995 + LOAD_HOLD_MS).length).toBeLessThanOrEqual(48);
    expect(quiet).toBeGreaterThan(10_000);
  });
});
