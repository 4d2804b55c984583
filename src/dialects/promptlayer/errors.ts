// PromptLayer's error envelopes: {success:false, message, error} for most statuses, and the
// FastAPI/pydantic list {detail:[{loc, msg, type}]} for 422 (schema and JSON-body failures).
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Fault } from '../../model/errors.ts';
import { toProblem, type Problem } from '../common/errors.ts';

export interface DetailItem {
  loc: (string | number)[];
  msg: string;
  type: string;
}

const LOC_ROOT: Record<string, string> = {
  body: 'body',
  querystring: 'query',
  params: 'path',
  headers: 'header',
};

const TYPE_OF: Record<string, string> = {
  string: 'string_type',
  integer: 'int_type',
  number: 'float_type',
  boolean: 'bool_type',
  array: 'list_type',
  object: 'dict_type',
};

/** An Ajv failure as pydantic names it (`missing`, `string_too_long`, …); null: union noise. */
function pydanticType(v: NonNullable<Problem['validation']>[number]): string | null {
  const p = v.params as Record<string, unknown>;
  switch (v.keyword) {
    case 'required':
      return 'missing';
    case 'type': {
      const t = String(p['type']).split(',')[0]!;
      return t === 'null' ? null : (TYPE_OF[t] ?? 'type_error');
    }
    case 'maxLength':
      return 'string_too_long';
    case 'minLength':
      return 'string_too_short';
    case 'maximum':
      return 'less_than_equal';
    case 'minimum':
      return 'greater_than_equal';
    case 'maxItems':
      return 'too_long';
    case 'const':
    case 'enum':
      return 'literal_error';
    case 'format':
      return String(p['format']).startsWith('date') ? 'datetime_from_date_parsing' : 'value_error';
    case 'anyOf':
    case 'oneOf':
      return null;
    default:
      return 'value_error';
  }
}

/**
 * Ajv's `/prompt_version/commit_message` becomes pydantic's ['body','prompt_version','commit_message'],
 * with pydantic's error type. The branches of a nullable or literal union that merely failed
 * (`must be null`, the anyOf summary) are dropped; a location reported twice keeps its first error.
 */
export function detailsOf(p: Problem): DetailItem[] {
  const root = LOC_ROOT[p.validationContext ?? 'body'] ?? 'body';
  const out: DetailItem[] = [];
  const seen = new Set<string>();
  for (const v of p.validation ?? []) {
    const type = pydanticType(v);
    if (type === null) continue;
    const path = v.instancePath
      .split('/')
      .filter(Boolean)
      .map((s) => (/^\d+$/.test(s) ? Number(s) : s.replace(/~1/g, '/').replace(/~0/g, '~')));
    const missing = v.keyword === 'required' ? [String(v.params['missingProperty'])] : [];
    const loc = [root, ...path, ...missing];
    const key = JSON.stringify(loc);
    if (seen.has(key)) continue;
    seen.add(key);
    const msg = type === 'missing' ? 'Field required' : (v.message ?? 'invalid');
    out.push({ loc, msg, type });
  }
  if (!out.length) out.push({ loc: [root], msg: 'Invalid input', type: 'value_error' });
  return out;
}

const ERROR_WORD: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function errorBody(status: number, message: string): Record<string, unknown> {
  return { success: false, message, error: ERROR_WORD[status] ?? 'Error' };
}

type Answer = { status: number; body: Record<string, unknown>; retryAfter?: number };

/** A registry failure as PromptLayer answers it; every kind is listed (the compiler checks it). */
export function plFault(f: Fault, status: number, message: string): Answer {
  switch (f.kind) {
    case 'malformed_body':
      return { status: 422, body: { detail: [{ loc: ['body'], msg: message, type: 'json_invalid' }] } };
    case 'unprocessable':
      return f.detail
        ? { status: 422, body: { detail: f.detail } }
        : { status, body: errorBody(status, message) };
    case 'label_exists':
      return {
        status,
        body: errorBody(
          status,
          `label ${f.label} already exists on this prompt template; move it with PATCH /prompt-labels/{id}`,
        ),
      };
    case 'rate_limited':
    case 'render_busy':
    case 'unavailable':
      return { status, body: errorBody(status, message), retryAfter: f.retryAfter };
    case 'invalid':
    case 'unauthorized':
    case 'forbidden':
    case 'workspace_not_found':
    case 'prompt_not_found':
    case 'version_not_found':
    case 'label_not_found':
    case 'project_not_found':
    case 'not_found':
    case 'name_taken':
    case 'version_read_only':
    case 'version_labelled':
    case 'no_draft':
    case 'kind_locked':
    case 'retry':
    case 'conflict':
    case 'stale':
    case 'payload_too_large':
    case 'project_missing':
      return { status, body: errorBody(status, message) };
    default:
      return f satisfies never;
  }
}

/** Renders any error the way PromptLayer would; schema failures and bad JSON are 422 `detail` lists. */
export function promptlayerErrorHandler(err: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  const p = toProblem(err);
  if (p.status >= 500) req.log.error({ err }, 'request failed');
  if (p.validation) return reply.code(422).send({ detail: detailsOf(p) });
  if (p.fault) {
    const a = plFault(p.fault, p.status, p.message);
    if (a.retryAfter) reply.header('retry-after', String(a.retryAfter));
    return reply.code(a.status).send(a.body);
  }
  const message = p.status >= 500 ? 'Internal server error' : p.message;
  return reply.code(p.status).send(errorBody(p.status, message));
}

/** A 422 in PromptLayer's list shape, raised from a handler. */
export { unprocessable } from '../../model/errors.ts';
