// Small helpers the native routes share: ETags and write preconditions.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { etagMatches, promptEtag } from '../../model/etag.ts';
import type { Prompt } from '../../model/types.ts';

/** The If-Match header of a write, if the client sent one. */
export const ifMatch = (req: FastifyRequest): string | undefined => {
  const h = req.headers['if-match'];
  return typeof h === 'string' ? h : undefined;
};

/** Every response that carries a prompt carries its ETag, so the next write can send If-Match. */
export function setEtag(reply: FastifyReply, prompt: Pick<Prompt, 'seq' | 'revision'>): void {
  reply.header('etag', promptEtag(prompt));
}

/** Sets the prompt's ETag; answers 304 when the client already has it (conditional GET). */
export function withEtag(req: FastifyRequest, reply: FastifyReply, prompt: Prompt): boolean {
  const tag = promptEtag(prompt);
  reply.header('etag', tag);
  const inm = req.headers['if-none-match'];
  if (typeof inm === 'string' && etagMatches(inm, tag)) {
    reply.code(304).send();
    return true;
  }
  return false;
}
