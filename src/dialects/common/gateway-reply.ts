// Sending a gateway run's answer, shared by the dialects that expose the gateway: JSON, or the
// upstream's SSE bytes passed through as they arrive. The version that ran is named in the
// `Lectern-Prompt-Version` header (and in a body field where the dialect allows one).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RunResult } from '../../gateway/run.ts';

export const VERSION_HEADER = 'lectern-prompt-version';

/** An AbortSignal that fires when the client goes away before the answer is complete. */
export function clientGone(req: FastifyRequest, reply: FastifyReply): AbortSignal {
  const ac = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) ac.abort();
  });
  req.raw.once('aborted', () => ac.abort());
  return ac.signal;
}

export function versionHeaders(reply: FastifyReply, r: RunResult): void {
  reply.header(VERSION_HEADER, String(r.resolved.version.number));
  reply.header('lectern-prompt-version-id', r.resolved.version.id);
  reply.header('lectern-model', r.model);
}

/** A stream result: SSE headers, then the chunks unbuffered (a destroyed socket ends the run). */
export function sendStream(reply: FastifyReply, r: Extract<RunResult, { kind: 'stream' }>) {
  versionHeaders(reply, r);
  reply.header('content-type', 'text/event-stream; charset=utf-8');
  reply.header('cache-control', 'no-cache');
  // Proxies (nginx) must not hold the chunks back either.
  reply.header('x-accel-buffering', 'no');
  return reply.send(r.chunks);
}
