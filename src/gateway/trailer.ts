// Puts bytes of our own into a passed-through SSE stream just before its end marker (`data: [DONE]`,
// at the start of a line), without parsing or holding back the events: a chunk goes out as it
// came, except for the few bytes at its end that may be the start of the marker, held until the
// next chunk tells. A stream that ends without the marker gets the trailer at its end. Pure.

const MARKERS = ['data: [DONE]', 'data:[DONE]'];
/** The marker at the start of the text or of a line (latin1: one char per byte). */
const MARKER_AT_LINE = /(^|\n)data: ?\[DONE\]/g;

export class TrailerSplicer {
  private held: Buffer = Buffer.alloc(0);
  /** Whether the byte before the held ones (or the stream's start) ends a line. */
  private lineStart = true;
  private done = false;

  constructor(private readonly make: () => string) {}

  /** The pieces to send for this chunk, in order (the trailer among them once the marker shows). */
  push(chunk: Uint8Array): Uint8Array[] {
    if (this.done) return [chunk];
    const buf = this.held.length ? Buffer.concat([this.held, chunk]) : Buffer.from(chunk);
    const text = buf.toString('latin1');
    for (const m of text.matchAll(MARKER_AT_LINE)) {
      // At the very start only when the bytes before it ended a line.
      if (m[1] === '' && !this.lineStart) continue;
      this.done = true;
      this.held = Buffer.alloc(0);
      const at = m.index + m[1]!.length;
      return nonEmpty([buf.subarray(0, at), Buffer.from(this.make(), 'utf8'), buf.subarray(at)]);
    }
    // Hold back a line start that may yet become the marker.
    const nl = text.lastIndexOf('\n');
    const tail = text.slice(nl + 1);
    const atStart = nl >= 0 || this.lineStart;
    if (atStart && tail.length && MARKERS.some((mk) => mk.startsWith(tail) && mk !== tail)) {
      this.held = buf.subarray(buf.length - tail.length);
      const out = buf.subarray(0, buf.length - tail.length);
      this.lineStart = true;
      return nonEmpty([out]);
    }
    this.held = Buffer.alloc(0);
    this.lineStart = text.endsWith('\n');
    return nonEmpty([buf]);
  }

  /** The stream ended: what was held, and the trailer if the marker never came. */
  end(): Uint8Array[] {
    if (this.done) return [];
    this.done = true;
    const held = this.held;
    this.held = Buffer.alloc(0);
    // The trailer starts an event of its own, after whatever the upstream left unfinished.
    const sep = held.length || !this.lineStart ? '\n\n' : '';
    return nonEmpty([held, Buffer.from(sep + this.make(), 'utf8')]);
  }
}

const nonEmpty = (parts: Uint8Array[]) => parts.filter((p) => p.byteLength > 0);
