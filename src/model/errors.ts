// Domain errors raised by the registry. Each dialect maps them onto its own envelope and codes.

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
  | 'unavailable' // 503: the database cannot be reached right now; details.retry_after (s)
  | 'render_busy'; // 429: the key's renders in flight and queued are at their bound

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
  unavailable: 503,
  render_busy: 429,
};

export class LecternError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'LecternError';
  }

  get status(): number {
    return STATUS_OF[this.code];
  }
}

export const notFound = (what: string, details: Record<string, unknown> = {}) =>
  new LecternError('not_found', `${what} not found`, details);
export const badRequest = (message: string, details: Record<string, unknown> = {}) =>
  new LecternError('bad_request', message, details);
export const conflict = (message: string, details: Record<string, unknown> = {}) =>
  new LecternError('conflict', message, details);
export const forbidden = (message: string) => new LecternError('forbidden', message);
export const unprocessable = (message: string, details: Record<string, unknown> = {}) =>
  new LecternError('unprocessable', message, details);

/** A transient fault outside the request (the database connection dropped): retry after a while. */
export const unavailable = (message: string, retryAfterSeconds = 1, cause?: unknown) => {
  const err = new LecternError('unavailable', message, { retry_after: retryAfterSeconds });
  if (cause !== undefined) (err as { cause?: unknown }).cause = cause;
  return err;
};
