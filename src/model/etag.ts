// Prompt ETags: built and matched here only. A prompt's tag is `"<seq>.<revision>"`; every write on
// the prompt bumps its revision. Matching follows RFC 9110: a header is `*` or a list of tags, the
// comparison is weak (`W/` ignored), and `*` matches any current representation — for If-Match
// ("the prompt exists": no precondition on its revision) and for If-None-Match alike.
import { LecternError } from './errors.ts';
import type { Prompt } from './types.ts';

export const promptEtag = (p: Pick<Prompt, 'seq' | 'revision'>): string => `"${p.seq}.${p.revision}"`;

/** True when an If-Match / If-None-Match header value names `etag` (or is `*`). */
export function etagMatches(header: string | undefined, etag: string | undefined): boolean {
  if (header === undefined || etag === undefined) return false;
  return header.split(',').some((t) => {
    const s = t.trim();
    return s === '*' || s.replace(/^W\//, '') === etag;
  });
}

/** Refuses a write whose If-Match names another revision of the prompt (412 `stale`). */
export function checkIfMatch(p: Pick<Prompt, 'seq' | 'revision'>, ifMatch: string | undefined): void {
  if (ifMatch === undefined || etagMatches(ifMatch, promptEtag(p))) return;
  const current = promptEtag(p);
  throw new LecternError(
    { kind: 'stale', currentEtag: current },
    'the prompt changed since you read it (stale If-Match)',
    { current_etag: current },
  );
}
