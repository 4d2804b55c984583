// One classification of every error a request can raise; each dialect renders it in its envelope.
import { LecternError, type ErrorCode, type Fault } from '../../model/errors.ts';
import { TemplateError } from '../../templates/index.ts';
import { translateDbError } from '../../registry/context.ts';

export interface Problem {
  status: number;
  code: ErrorCode | 'internal';
  message: string;
  details: Record<string, unknown>;
  /** What failed, typed, when Lectern knows (dialects switch on `fault.kind`, never on the message). */
  fault?: Fault;
  /** Schema validation failures, as Ajv reported them (dialects reshape these). */
  validation?: { instancePath: string; keyword: string; message?: string; params: Record<string, unknown> }[];
  validationContext?: string;
}

const CODE_OF_STATUS: Record<number, ErrorCode> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'bad_request',
  409: 'conflict',
  412: 'precondition_failed',
  413: 'payload_too_large',
  415: 'bad_request',
  422: 'unprocessable',
  429: 'rate_limited',
};

const JSON_ERRORS = new Set(['FST_ERR_CTP_INVALID_JSON_BODY', 'FST_ERR_CTP_EMPTY_JSON_BODY']);

export function toProblem(raw: unknown): Problem {
  // Database errors raised outside a registry transaction (reads) get the same translation.
  const err = translateDbError(raw);
  if (err instanceof LecternError) {
    return {
      status: err.status,
      code: err.code,
      message: err.message,
      details: err.details,
      fault: err.fault,
    };
  }
  if (err instanceof TemplateError) {
    const status = err.code === 'render_limit' ? 422 : 422;
    return {
      status,
      code: 'unprocessable',
      message: err.message,
      details: {
        template_error: err.code,
        ...(err.position ? { position: err.position } : {}),
        ...(err.missing ? { missing: err.missing } : {}),
      },
    };
  }
  const e = err as {
    statusCode?: number;
    code?: string;
    message?: string;
    validation?: Problem['validation'];
    validationContext?: string;
  };
  if (e?.validation) {
    return {
      status: 400,
      code: 'bad_request',
      message: e.message ?? 'invalid request',
      details: { errors: e.validation.map((v) => ({ path: v.instancePath, message: v.message })) },
      validation: e.validation,
      validationContext: e.validationContext,
    };
  }
  const status = e?.statusCode;
  if (status && status >= 400 && status < 500) {
    const code = CODE_OF_STATUS[status] ?? 'bad_request';
    let message = e.message ?? 'bad request';
    if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') message = 'request body is larger than the configured limit';
    if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
      message = 'unsupported content type; send application/json';
    // Our JSON parser (json-body.ts) types syntax errors itself; Fastify's own parser, where it
    // still runs, says so by its error code or a SyntaxError.
    if (status === 400 && (JSON_ERRORS.has(e.code ?? '') || err instanceof SyntaxError)) {
      return {
        status: 400,
        code,
        message: `malformed JSON body: ${message}`,
        details: {},
        fault: { kind: 'malformed_body' },
      };
    }
    return { status: CODE_OF_STATUS[status] ? status : 400, code, message, details: {} };
  }
  return { status: 500, code: 'internal', message: 'internal error', details: {} };
}
