// "Stop": the client went away, or an attempt timed out. The gateway needs only AbortSignal's
// `aborted` and its abort listeners (undici takes any such EventTarget-like signal, a real
// AbortSignal still fits), and on Node 20 an AbortController's signal costs ~5-10 µs to make and
// listen to (an EventTarget): two of them per call were a measurable part of a streamed call.

/** The subset of AbortSignal a run uses; an AbortSignal is one. */
export interface RunSignal {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** A RunSignal fired by hand; every listener runs once, at the first `abort()`. */
export class Aborter implements RunSignal {
  aborted = false;
  private listeners: (() => void)[] = [];

  addEventListener(_type: 'abort', listener: () => void, _options?: { once?: boolean }): void {
    if (!this.aborted) this.listeners.push(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const i = this.listeners.indexOf(listener);
    if (i >= 0) this.listeners.splice(i, 1);
  }

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    const run = this.listeners;
    this.listeners = [];
    for (const l of run) l();
  }
}
