// Domain errors raised by the registry. Each failure has a kind with its own typed fields; the HTTP
// status class (`code`) follows from the kind. Each dialect maps kinds onto its own envelope with an
// exhaustive switch, so a new kind is a compile error there, and nothing reads the message text.
import type { Role, TemplateType } from './types.ts';

export type ErrorCode =
  | 'bad_request' // 400
  | 'unauthorized' // 401
  | 'forbidden' // 403
  | 'not_found' // 404
  | 'conflict' // 409
  | 'precondition_failed' // 412
  | 'payload_too_large' // 413
  | 'unprocessable' // 422
  | 'rate_limited' // 429
  | 'render_busy' // 429: the key's renders in flight and queued are at their bound
  | 'unavailable' // 503: the database cannot be reached right now
  | 'bad_gateway' // 502: every upstream LLM target failed
  | 'gateway_timeout'; // 504: the upstream LLM did not answer in time

export const STATUS_OF: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  precondition_failed: 412,
  payload_too_large: 413,
  unprocessable: 422,
  rate_limited: 429,
  render_busy: 429,
  unavailable: 503,
  bad_gateway: 502,
  gateway_timeout: 504,
};

/** Every failure Lectern reports, by kind, with what a dialect needs to render it. */
export type Fault =
  | { kind: 'invalid'; field?: string }
  | { kind: 'malformed_body' }
  /** `key_pair_mismatch`: a Basic-auth public key that is not the secret key's own. */
  | { kind: 'unauthorized'; reason: 'missing_key' | 'invalid_key' | 'key_pair_mismatch' }
  /**
   * `public_key_only`: a key's public identifier was sent without its secret.
   * `all_workspaces_only`: an admin key bound to one workspace asked what only an all-workspace
   * admin key may (deleting a workspace, even its own).
   */
  | { kind: 'forbidden'; needs?: Role; reason?: 'public_key_only' | 'all_workspaces_only' }
  | { kind: 'workspace_not_found'; workspace: string }
  | { kind: 'prompt_not_found'; ref: string }
  | { kind: 'version_not_found'; version?: number; versionId?: number }
  | { kind: 'label_not_found'; label?: string; labelId?: number }
  | { kind: 'project_not_found'; project: string }
  /** Any other record (an API key, an external id, a route): `what` names it. */
  | { kind: 'not_found'; what: string }
  /** A unique index refused the write (a live name, a pair): `constraint` is the index. */
  | { kind: 'name_taken'; constraint: string }
  | { kind: 'label_exists'; label: string }
  | { kind: 'version_read_only'; version: number }
  | { kind: 'version_labelled'; version: number; labels: string[] }
  | { kind: 'no_draft' }
  /** A new version of another template type than the prompt's (a write that asked for the type lock). */
  | { kind: 'kind_locked'; current: TemplateType; wanted: TemplateType }
  /** The database aborted a serialisation conflict: the same call may succeed if retried. */
  | { kind: 'retry' }
  /** Any other refusal because of the current state (a workspace that still holds prompts, …). */
  | { kind: 'conflict' }
  | { kind: 'stale'; currentEtag: string }
  | { kind: 'payload_too_large' }
  | { kind: 'project_missing'; project: string }
  /** `detail`: PromptLayer-style located problems, when the failure has them. */
  | { kind: 'unprocessable'; detail?: { loc: (string | number)[]; msg: string; type: string }[] }
  | { kind: 'rate_limited'; retryAfter: number }
  /** The key's renders running and queued are at their bound (server/render-pool.ts). */
  | { kind: 'render_busy'; retryAfter: number }
  /** A transient fault outside the request (the database connection dropped). */
  | { kind: 'unavailable'; retryAfter: number }
  /** Gateway runs (src/gateway/): no configured provider serves any candidate model. */
  | { kind: 'no_provider'; model: string }
  /** Every candidate failed; the last one was rate limited upstream (429). */
  | { kind: 'upstream_rate_limited'; model: string; retryAfter: number }
  /** Every candidate failed; the last one refused the request itself (an upstream 4xx). */
  | { kind: 'upstream_rejected'; model: string; upstreamStatus: number }
  /** Every candidate failed; the last one erred (5xx), was unreachable (null) or refused our key. */
  | { kind: 'upstream_failed'; model: string; upstreamStatus: number | null }
  /** Every candidate failed; the last one did not answer within the timeout. */
  | { kind: 'upstream_timeout'; model: string };

export type FaultKind = Fault['kind'];

export const CODE_OF_KIND: Record<FaultKind, ErrorCode> = {
  invalid: 'bad_request',
  malformed_body: 'bad_request',
  unauthorized: 'unauthorized',
  forbidden: 'forbidden',
  workspace_not_found: 'not_found',
  prompt_not_found: 'not_found',
  version_not_found: 'not_found',
  label_not_found: 'not_found',
  project_not_found: 'not_found',
  not_found: 'not_found',
  name_taken: 'conflict',
  label_exists: 'conflict',
  version_read_only: 'conflict',
  version_labelled: 'conflict',
  no_draft: 'conflict',
  kind_locked: 'conflict',
  retry: 'conflict',
  conflict: 'conflict',
  stale: 'precondition_failed',
  payload_too_large: 'payload_too_large',
  project_missing: 'unprocessable',
  unprocessable: 'unprocessable',
  rate_limited: 'rate_limited',
  render_busy: 'render_busy',
  unavailable: 'unavailable',
  no_provider: 'bad_request',
  upstream_rate_limited: 'rate_limited',
  upstream_rejected: 'bad_request',
  upstream_failed: 'bad_gateway',
  upstream_timeout: 'gateway_timeout',
};

export class LecternError<F extends Fault = Fault> extends Error {
  constructor(
    readonly fault: F,
    message: string,
    /** What the native envelope shows as `details` (wire data only: never read for decisions). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'LecternError';
  }

  get kind(): F['kind'] {
    return this.fault.kind;
  }

  get code(): ErrorCode {
    return CODE_OF_KIND[this.fault.kind];
  }

  get status(): number {
    return STATUS_OF[this.code];
  }
}

/** True when `e` is a LecternError of one of the given kinds (narrowed to it). */
export function isFault<K extends FaultKind>(
  e: unknown,
  ...kinds: K[]
): e is LecternError<Extract<Fault, { kind: K }>> {
  return e instanceof LecternError && (kinds as FaultKind[]).includes(e.fault.kind);
}

/** The kinds that mean "the prompt (or the workspace it was looked up in) is not there". */
export const isPromptMissing = (e: unknown) => isFault(e, 'prompt_not_found', 'workspace_not_found');

export const notFound = (what: string, details: Record<string, unknown> = {}) =>
  new LecternError({ kind: 'not_found', what }, `${what} not found`, details);
export const promptNotFound = (ref: string, details: Record<string, unknown> = { ref }) =>
  new LecternError({ kind: 'prompt_not_found', ref }, 'prompt not found', details);
export const workspaceNotFound = (workspace: string) =>
  new LecternError({ kind: 'workspace_not_found', workspace }, `workspace ${workspace} not found`);
export const versionNotFound = (
  at: { version?: number; versionId?: number },
  message: string,
  details: Record<string, unknown> = {},
) => new LecternError({ kind: 'version_not_found', ...at }, message, details);
export const labelNotFound = (at: { label?: string; labelId?: number }, message: string) =>
  new LecternError(
    { kind: 'label_not_found', ...at },
    message,
    at.label !== undefined ? { label: at.label } : { label_id: at.labelId },
  );
export const projectNotFound = (project: string) =>
  new LecternError({ kind: 'project_not_found', project }, `project ${project} not found`);
export const badRequest = (message: string, details: Record<string, unknown> = {}) =>
  new LecternError(
    typeof details['field'] === 'string' ? { kind: 'invalid', field: details['field'] } : { kind: 'invalid' },
    message,
    details,
  );
export const conflict = (message: string, details: Record<string, unknown> = {}) =>
  new LecternError({ kind: 'conflict' }, message, details);
export const forbidden = (message: string, needs?: Role) =>
  new LecternError(needs ? { kind: 'forbidden', needs } : { kind: 'forbidden' }, message);
export const unprocessable = (
  message: string,
  detail?: { loc: (string | number)[]; msg: string; type: string }[],
) =>
  new LecternError(
    detail ? { kind: 'unprocessable', detail } : { kind: 'unprocessable' },
    message,
    detail ? { detail } : {},
  );

/** A transient fault outside the request (the database connection dropped): retry after a while. */
export const unavailable = (message: string, retryAfterSeconds = 1, cause?: unknown) => {
  const err = new LecternError({ kind: 'unavailable', retryAfter: retryAfterSeconds }, message, {
    retry_after: retryAfterSeconds,
  });
  if (cause !== undefined) (err as { cause?: unknown }).cause = cause;
  return err;
};
