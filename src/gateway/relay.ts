// A streamed answer relayed to the client: the upstream body's chunks pushed on as they arrive
// (the trailer spliced in before the end marker when there is one), with the upstream paused
// while the client is behind. One Readable over undici's body: the async iterator, async
// generator and `Readable.from` this replaced cost a promise and a tick per layer and chunk.
import { Readable } from 'node:stream';
import type { TrailerSplicer } from './trailer.ts';
import type { RunSignal } from './aborter.ts';

/** How the relay ended, once: the upstream's end came, it broke off, or the client left. */
export interface RelayEnd {
  finished: boolean;
  /** The upstream failed after the first byte (sent on as one `data: {"error": …}` event). */
  failed: string | null;
}

export interface RelayOptions {
  /** The first bytes, already read (fallback ended with them). */
  first: Uint8Array;
  /** The rest of the upstream body, paused. */
  rest: Readable;
  /** Stops reading and closes the upstream request. */
  cancel(): void;
  /** The client went away (the upstream request is aborted with it). */
  signal: RunSignal;
  splice: TrailerSplicer | null;
  /** Each upstream chunk, as it arrives (the caller keeps what the log needs). */
  onChunk(chunk: Uint8Array): void;
  onEnd(end: RelayEnd): void;
}

const ignore = () => {};
const BROKE_OFF = 'the upstream stream broke off';

export class SseRelay extends Readable {
  private ended = false;

  constructor(private readonly o: RelayOptions) {
    super();
    o.rest.on('data', this.onData);
    o.rest.once('end', this.onUpstreamEnd);
    o.rest.once('error', this.onUpstreamError);
    o.rest.once('close', this.onUpstreamClose);
    this.forward(o.first);
  }

  override _read(): void {
    if (!this.ended) this.o.rest.resume();
  }

  override _destroy(err: Error | null, cb: (err: Error | null) => void): void {
    // The client left (or the response failed) before the upstream's end: close it.
    if (!this.ended) {
      this.o.cancel();
      this.finish({ finished: false, failed: null });
    }
    this.detach();
    cb(err);
  }

  private forward(chunk: Uint8Array): void {
    this.o.onChunk(chunk);
    if (!this.o.splice) {
      if (!this.push(chunk)) this.o.rest.pause();
      return;
    }
    let more = true;
    for (const piece of this.o.splice.push(chunk)) more = this.push(piece);
    if (!more) this.o.rest.pause();
  }

  private readonly onData = (chunk: Buffer) => {
    if (!this.ended) this.forward(chunk);
  };

  private readonly onUpstreamEnd = () => {
    if (this.ended) return;
    if (this.o.splice) for (const piece of this.o.splice.end()) this.push(piece);
    this.finish({ finished: true, failed: null });
    this.push(null);
  };

  private readonly onUpstreamError = () => {
    if (this.ended) return;
    if (this.o.signal.aborted) {
      this.destroy();
      return;
    }
    this.push(
      Buffer.from(
        `data: ${JSON.stringify({ error: { message: BROKE_OFF, type: 'upstream_error', code: 'stream_interrupted', param: null } })}\n\n`,
      ),
    );
    this.finish({ finished: false, failed: BROKE_OFF });
    this.push(null);
  };

  /** Closed without an end or an error (destroyed quietly): broken off, unless the client left. */
  private readonly onUpstreamClose = () => {
    if (!this.ended && !this.o.rest.readableEnded) this.onUpstreamError();
  };

  private finish(end: RelayEnd): void {
    if (this.ended) return;
    this.ended = true;
    this.o.onEnd(end);
  }

  private detach(): void {
    const b = this.o.rest;
    b.off('data', this.onData);
    b.off('end', this.onUpstreamEnd);
    b.off('error', this.onUpstreamError);
    b.off('close', this.onUpstreamClose);
    // An abort that lands after this (the client's signal) must not be an unhandled 'error'.
    b.on('error', ignore);
  }
}
