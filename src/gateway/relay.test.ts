import { PassThrough, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { SseRelay, type RelayEnd } from './relay.ts';
import { TrailerSplicer } from './trailer.ts';

const text = (chunks: Uint8Array[]) => Buffer.concat(chunks).toString();

function relay(o: { trailer?: string; signal?: AbortSignal } = {}) {
  const upstream = new PassThrough();
  const ends: RelayEnd[] = [];
  const kept: Uint8Array[] = [];
  let cancelled = 0;
  const r = new SseRelay({
    first: Buffer.from('data: 1\n\n'),
    rest: upstream,
    cancel: () => {
      cancelled++;
      upstream.destroy();
    },
    signal: o.signal ?? new AbortController().signal,
    splice: o.trailer !== undefined ? new TrailerSplicer(() => o.trailer!) : null,
    onChunk: (c) => kept.push(c),
    onEnd: (e) => ends.push(e),
  });
  return { upstream, r, ends, kept, cancelled: () => cancelled };
}

const tick = () => new Promise((d) => setImmediate(d));

describe('SseRelay', () => {
  it('passes each chunk on as it arrives, before the upstream ends, and ends once', async () => {
    const { upstream, r, ends, kept } = relay();
    const seen: string[] = [];
    r.on('data', (c: Buffer) => seen.push(c.toString()));
    await tick();
    expect(seen).toEqual(['data: 1\n\n']);
    upstream.write('data: 2\n\n');
    await tick();
    expect(seen).toEqual(['data: 1\n\n', 'data: 2\n\n']);
    expect(ends).toEqual([]);
    upstream.end('data: [DONE]\n\n');
    await new Promise((d) => r.once('end', d));
    expect(ends).toEqual([{ finished: true, failed: null }]);
    expect(text(kept)).toBe('data: 1\n\ndata: 2\n\ndata: [DONE]\n\n');
  });

  it('splices the trailer in before the end marker', async () => {
    const { upstream, r } = relay({ trailer: 'data: {"id":"t"}\n\n' });
    const out: Buffer[] = [];
    const done = pipeline(
      r,
      new Writable({
        write(c: Buffer, _e, cb) {
          out.push(c);
          cb();
        },
      }),
    );
    upstream.end('data: 2\n\ndata: [DONE]\n\n');
    await done;
    expect(text(out)).toBe('data: 1\n\ndata: 2\n\ndata: {"id":"t"}\n\ndata: [DONE]\n\n');
  });

  it('a stream that ends without the marker gets the trailer at its end', async () => {
    const { upstream, r } = relay({ trailer: 'data: {"id":"t"}\n\n' });
    const out: Buffer[] = [];
    r.on('data', (c: Buffer) => out.push(c));
    const ended = new Promise((d) => r.once('end', d));
    upstream.end('data: 2\n\n');
    await ended;
    expect(text(out)).toBe('data: 1\n\ndata: 2\n\ndata: {"id":"t"}\n\n');
  });

  it('an upstream that breaks off ends the stream with one error event', async () => {
    const { upstream, r, ends } = relay();
    const out: Buffer[] = [];
    r.on('data', (c: Buffer) => out.push(c));
    const ended = new Promise((d) => r.once('end', d));
    upstream.destroy(new Error('socket hang up'));
    await ended;
    expect(text(out)).toMatch(/\n\ndata: \{"error":\{[^\n]*"code":"stream_interrupted"[^\n]*\}\n\n$/);
    expect(ends).toEqual([{ finished: false, failed: 'the upstream stream broke off' }]);
  });

  it('the client leaving closes the upstream and ends the run once, as closed', async () => {
    const { upstream, r, ends, cancelled } = relay();
    r.resume();
    await tick();
    r.destroy();
    await tick();
    expect(cancelled()).toBe(1);
    expect(upstream.destroyed).toBe(true);
    expect(ends).toEqual([{ finished: false, failed: null }]);
  });

  it('a client that reads slowly pauses the upstream until it reads again', async () => {
    const { upstream, r } = relay();
    const big = Buffer.alloc(64 * 1024, 'x');
    upstream.write(big);
    await tick();
    // Nobody reads: the relay's buffer is full and the upstream is paused, not drained.
    expect(upstream.isPaused()).toBe(true);
    r.resume();
    await tick();
    expect(upstream.isPaused()).toBe(false);
  });
});
