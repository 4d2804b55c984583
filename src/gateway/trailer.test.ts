// The trailer splicer: however the upstream's bytes are cut into chunks, the client gets them
// unchanged with the trailer once, just before the end marker at the start of a line — never
// inside an event that merely contains the text "data: [DONE]", and at the end when no marker came.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TrailerSplicer } from './trailer.ts';

const TRAILER = 'data: {"id":"request_breakdown"}\n\n';

/** Feeds `text` cut at `cuts` and returns what went out. */
function run(text: string, cuts: number[]): { out: string; made: number } {
  let made = 0;
  const s = new TrailerSplicer(() => {
    made++;
    return TRAILER;
  });
  const bytes = Buffer.from(text, 'utf8');
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const parts: Uint8Array[] = [];
  let prev = 0;
  for (const c of [...at, bytes.length]) {
    if (c > prev) parts.push(...s.push(bytes.subarray(prev, c)));
    prev = Math.max(prev, c);
  }
  parts.push(...s.end());
  return { out: Buffer.concat(parts).toString('utf8'), made };
}

const event = (o: unknown) => `data: ${JSON.stringify(o)}\n\n`;

describe('trailer splicer', () => {
  it('puts the trailer just before data: [DONE]', () => {
    const text = event({ id: 'a' }) + event({ id: 'b' }) + 'data: [DONE]\n\n';
    expect(run(text, []).out).toBe(event({ id: 'a' }) + event({ id: 'b' }) + TRAILER + 'data: [DONE]\n\n');
    expect(run('data:[DONE]\n\n', []).out).toBe(TRAILER + 'data:[DONE]\n\n');
  });

  it('ignores the marker text inside an event, and ends with the trailer when no marker comes', () => {
    const tricky = event({ content: 'say data: [DONE] now' }) + 'data: {"x":"\\ndata: [DONE]"}\n\n';
    expect(run(tricky, []).out).toBe(tricky + TRAILER);
    // An upstream that ended mid-line: the trailer starts an event of its own.
    expect(run('data: {"a":1}', []).out).toBe('data: {"a":1}\n\n' + TRAILER);
  });

  it('any cut of the stream into chunks gives the same bytes, the trailer once', () => {
    const content = fc.string({ maxLength: 40 });
    fc.assert(
      fc.property(
        fc.array(content, { maxLength: 6 }),
        fc.boolean(),
        fc.array(fc.nat(2000), { maxLength: 12 }),
        (contents, done, cuts) => {
          const body = contents.map((c, i) => event({ id: `c${i}`, content: c })).join('');
          const text = body + (done ? 'data: [DONE]\n\n' : '');
          const { out, made } = run(text, cuts);
          expect(made).toBe(1);
          expect(out).toBe(body + TRAILER + (done ? 'data: [DONE]\n\n' : ''));
        },
      ),
      { numRuns: 300 },
    );
  });
});
