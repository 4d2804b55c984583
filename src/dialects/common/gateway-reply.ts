// Sending a gateway run's answer, shared by the dialects that expose the gateway: JSON, or the
// upstream's SSE bytes passed through as they arrive. The version that ran is named in the
// `Lectern-Prompt-Version` header (and in a body field where the dialect allows one).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RunResult } from '../../gateway/run.ts';
import { Aborter } from '../../gateway/aborter.ts';

export const VERSION_HEADER = 'lectern-prompt-version';

/** A signal that fires when the client goes away before the answer is complete. */
export function clientGone(req: FastifyRequest, reply: FastifyReply): Aborter {
  const gone = new Aborter();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) gone.abort();
  });
  req.raw.once('aborted', () => gone.abort());
  return gone;
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
