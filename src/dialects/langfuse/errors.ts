// Langfuse's error envelope: `{"message": <text>, "error": <ErrorClassName>}`, and for a schema
// failure `{"message": "Invalid request data", "error": [<zod-style issues>]}`. The legacy JS SDK
// throws `message` as it is, so it says what went wrong in words a user can act on. 429 and 503
// carry Retry-After (the SDKs honour it); 404 means only "not found" (the Python SDK evicts its
// cache entry on a 404), never "no access".
import type { Fault } from '../../model/errors.ts';
import { toProblem, type Problem } from '../common/errors.ts';

export type LfErrorClass =
  | 'InvalidRequestError'
  | 'UnauthorizedError'
  | 'ForbiddenError'
  | 'LangfuseNotFoundError'
  | 'MethodNotAllowedError'
  | 'LangfuseConflictError'
  | 'PayloadTooLargeError'
  | 'TooManyRequestsError'
  | 'ServiceUnavailableError'
  | 'InternalServerError';

export interface ZodIssue {
  code: string;
  message: string;
  path: (string | number)[];
}

export interface LfError {
  status: number;
  message: string;
  error: LfErrorClass | ZodIssue[];
  /** Seconds, sent as Retry-After. */
  retryAfter?: number;
}

export const INVALID_CREDENTIALS = "Invalid credentials. Confirm that you've configured the correct host.";
export const PUBLIC_KEY_ONLY = 'Access denied - need to use basic auth with secret key to GET prompts';

const lf = (status: number, error: LfErrorClass, message: string, retryAfter?: number): LfError =>
  retryAfter !== undefined ? { status, error, message, retryAfter } : { status, error, message };

/** A registry failure in Langfuse's words; every kind is listed (the compiler checks it). */
export function lfFault(f: Fault, message: string): LfError {
  switch (f.kind) {
    case 'unauthorized':
      return lf(401, 'UnauthorizedError', INVALID_CREDENTIALS);
    case 'forbidden':
      return f.reason === 'public_key_only'
        ? lf(403, 'ForbiddenError', PUBLIC_KEY_ONLY)
        : lf(403, 'ForbiddenError', `Access denied: ${message}`);
    case 'workspace_not_found':
    case 'prompt_not_found':
    case 'version_not_found':
    case 'label_not_found':
    case 'project_not_found':
    case 'not_found':
      return lf(404, 'LangfuseNotFoundError', message);
    case 'kind_locked':
      return lf(
        400,
        'InvalidRequestError',
        'Previous versions have different prompt type. Create a new prompt with a different name.',
      );
    case 'invalid':
    case 'malformed_body':
    case 'unprocessable':
    case 'project_missing':
    case 'version_read_only':
      return lf(400, 'InvalidRequestError', message);
    case 'name_taken':
    case 'label_exists':
    case 'version_labelled':
    case 'no_draft':
    case 'retry':
    case 'conflict':
    case 'stale':
      return lf(409, 'LangfuseConflictError', message);
    case 'payload_too_large':
      // 413 as every Lectern API answers an oversized body (Langfuse's own class name).
      return lf(413, 'PayloadTooLargeError', message);
    case 'rate_limited':
    case 'render_busy':
      return lf(429, 'TooManyRequestsError', message, f.retryAfter);
    case 'unavailable':
      return lf(503, 'ServiceUnavailableError', message, f.retryAfter);
    default:
      return f satisfies never;
  }
}

/** Ajv's failures as zod-style issues (Langfuse validates with zod). */
export function zodIssues(errors: NonNullable<Problem['validation']>, context?: string): ZodIssue[] {
  return errors
    .filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'oneOf')
    .map((e) => {
      const path: (string | number)[] = e.instancePath
        .split('/')
        .filter(Boolean)
        .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
      if (typeof e.params.missingProperty === 'string') path.push(e.params.missingProperty);
      const code =
        e.keyword === 'required' || e.keyword === 'type'
          ? 'invalid_type'
          : e.keyword === 'minLength' || e.keyword === 'minimum' || e.keyword === 'minItems'
            ? 'too_small'
            : e.keyword === 'maxLength' || e.keyword === 'maximum' || e.keyword === 'maxItems'
              ? 'too_big'
              : e.keyword === 'pattern' || e.keyword === 'format'
                ? 'invalid_string'
                : e.keyword === 'enum' || e.keyword === 'const'
                  ? 'invalid_enum_value'
                  : e.keyword === 'additionalProperties'
                    ? 'unrecognized_keys'
                    : 'custom';
      const where = path.length ? path.join('.') : (context ?? 'request');
      return { code, message: `${where}: ${e.message ?? 'invalid value'}`, path };
    });
}

export function toLfError(err: unknown): LfError {
  const p = toProblem(err);
  if (p.validation) {
    return {
      status: 400,
      message: 'Invalid request data',
      error: zodIssues(p.validation, p.validationContext),
    };
  }
  if (p.fault) return lfFault(p.fault, p.message);
  switch (p.status) {
    case 401:
      return lf(401, 'UnauthorizedError', INVALID_CREDENTIALS);
    case 403:
      return lf(403, 'ForbiddenError', p.message);
    case 404:
      return lf(404, 'LangfuseNotFoundError', p.message);
    case 405:
      return lf(405, 'MethodNotAllowedError', p.message);
    case 409:
      return lf(409, 'LangfuseConflictError', p.message);
    case 413:
      return lf(413, 'PayloadTooLargeError', p.message);
    default:
      if (p.status >= 500) return lf(500, 'InternalServerError', 'Internal Server Error');
      return lf(400, 'InvalidRequestError', p.message);
  }
}
