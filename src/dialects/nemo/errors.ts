// NeMo's error bodies: request validation as FastAPI/pydantic reports it (422,
// {"detail":[{type,loc,msg,input,ctx?}]}), everything else {"detail":"<text>"}.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { toProblem, type Problem } from '../common/errors.ts';
import { FilterError } from './filter.ts';

export interface DetailItem {
  type: string;
  loc: (string | number)[];
  msg: string;
  input: unknown;
  ctx?: Record<string, unknown>;
}

/** An application error with NeMo's exact status and text. */
export class NemoHttpError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
  ) {
    super(detail);
  }
}

/** A request-validation failure found outside the schema (cross-field rules). */
export class NemoValidationError extends Error {
  constructor(readonly items: DetailItem[]) {
    super('validation failed');
  }
}

type AjvError = NonNullable<Problem['validation']>[number];

const PART: Record<string, string> = {
  body: 'body',
  querystring: 'query',
  params: 'path',
  headers: 'header',
};

const quoteList = (xs: unknown[]) => {
  const q = xs.map((x) => `'${String(x)}'`);
  return q.length <= 1 ? q.join('') : `${q.slice(0, -1).join(', ')} or ${q.at(-1)}`;
};

function valueAt(root: unknown, path: (string | number)[]): unknown {
  let cur = root;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[String(seg)];
  }
  return cur;
}

const TYPE_NAMES: Record<string, [string, string, string]> = {
  // ajv type → [pydantic type in JSON, in text (query/path), message]
  string: ['string_type', 'string_type', 'Input should be a valid string'],
  integer: ['int_type', 'int_parsing', 'Input should be a valid integer'],
  number: ['float_type', 'float_parsing', 'Input should be a valid number'],
  boolean: ['bool_type', 'bool_parsing', 'Input should be a valid boolean'],
  array: ['list_type', 'list_type', 'Input should be a valid list'],
  object: ['dict_type', 'dict_type', 'Input should be a valid dictionary'],
};

/**
 * The pydantic model expected at a body location (a list index is any number), for `model_type`;
 * the body itself is FastAPI's `model_attributes_type`. Other objects are plain dicts (`dict_type`).
 */
const MODEL_AT: Record<string, string> = {
  'messages.#': 'PromptMessage',
  'tools.#': 'ChatCompletionTool',
  'tools.#.function': 'FunctionDefinition',
  inference_params: 'InferenceParams',
};

function objectItem(path: (string | number)[], loc: (string | number)[], input: unknown): DetailItem | null {
  if (path.length === 0) {
    return {
      type: 'model_attributes_type',
      loc,
      msg: 'Input should be a valid dictionary or object to extract fields from',
      input,
    };
  }
  const cls = MODEL_AT[path.map((s) => (typeof s === 'number' ? '#' : s)).join('.')];
  if (!cls) return null;
  return {
    type: 'model_type',
    loc,
    msg: `Input should be a valid dictionary or instance of ${cls}`,
    input,
    ctx: { class_name: cls },
  };
}

/** One Ajv error as pydantic would have reported it (null: noise from union branches). */
function pydanticItem(e: AjvError, part: string, root: unknown): DetailItem | null {
  const path: (string | number)[] = e.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9]\d*)$/.test(s) ? Number(s) : s));
  const input = valueAt(root, path);
  const loc = [part, ...path];
  const p = e.params;
  switch (e.keyword) {
    case 'required': {
      const field = String(p.missingProperty);
      return { type: 'missing', loc: [...loc, field], msg: 'Field required', input: input ?? null };
    }
    case 'type': {
      const t = String(p.type).split(',')[0]!;
      if (t === 'null') return null;
      if (input === undefined && path.length === 0) {
        return { type: 'missing', loc, msg: 'Field required', input: null };
      }
      if (t === 'object' && part === 'body') {
        const model = objectItem(path, loc, input);
        if (model) return model;
      }
      const [json, text, msg] = TYPE_NAMES[t] ?? ['type_error', 'type_error', `Input should be a valid ${t}`];
      const parsing = part !== 'body' && typeof input === 'string';
      return {
        type: parsing ? text : json,
        loc,
        msg:
          parsing && text.endsWith('_parsing')
            ? `${msg}, unable to parse string as ${t === 'integer' ? 'an integer' : 'a number'}`
            : msg,
        input,
      };
    }
    case 'maxLength':
      return {
        type: 'string_too_long',
        loc,
        msg: `String should have at most ${String(p.limit)} characters`,
        input,
        ctx: { max_length: p.limit },
      };
    case 'minLength':
      return {
        type: 'string_too_short',
        loc,
        msg: `String should have at least ${String(p.limit)} character${p.limit === 1 ? '' : 's'}`,
        input,
        ctx: { min_length: p.limit },
      };
    case 'pattern':
      return {
        type: 'string_pattern_mismatch',
        loc,
        msg: `String should match pattern '${String(p.pattern)}'`,
        input,
        ctx: { pattern: p.pattern },
      };
    case 'maximum':
      return {
        type: 'less_than_equal',
        loc,
        msg: `Input should be less than or equal to ${String(p.limit)}`,
        input,
        ctx: { le: p.limit },
      };
    case 'minimum':
      return {
        type: 'greater_than_equal',
        loc,
        msg: `Input should be greater than or equal to ${String(p.limit)}`,
        input,
        ctx: { ge: p.limit },
      };
    case 'exclusiveMaximum':
      return {
        type: 'less_than',
        loc,
        msg: `Input should be less than ${String(p.limit)}`,
        input,
        ctx: { lt: p.limit },
      };
    case 'exclusiveMinimum':
      return {
        type: 'greater_than',
        loc,
        msg: `Input should be greater than ${String(p.limit)}`,
        input,
        ctx: { gt: p.limit },
      };
    case 'maxItems':
      return {
        type: 'too_long',
        loc,
        msg: `List should have at most ${String(p.limit)} items after validation`,
        input,
        ctx: { max_length: p.limit },
      };
    case 'enum': {
      const expected = quoteList(p.allowedValues as unknown[]);
      return { type: 'enum', loc, msg: `Input should be ${expected}`, input, ctx: { expected } };
    }
    case 'const': {
      const expected = quoteList([p.allowedValue]);
      return { type: 'literal_error', loc, msg: `Input should be ${expected}`, input, ctx: { expected } };
    }
    case 'additionalProperties': {
      const field = String(p.additionalProperty);
      return {
        type: 'extra_forbidden',
        loc: [...loc, field],
        msg: 'Extra inputs are not permitted',
        input: valueAt(input, [field]),
      };
    }
    case 'anyOf':
    case 'oneOf':
      return null;
    default:
      return { type: 'value_error', loc, msg: e.message ?? 'invalid value', input };
  }
}

/** Ajv errors into FastAPI's list: one item per location, the first (most basic) failure wins. */
export function validationDetail(
  errors: AjvError[],
  context: string | undefined,
  req: FastifyRequest,
): DetailItem[] {
  const part = PART[context ?? 'body'] ?? 'body';
  const root =
    part === 'body' ? req.body : part === 'query' ? req.query : part === 'path' ? req.params : req.headers;
  const seen = new Set<string>();
  const out: DetailItem[] = [];
  for (const e of errors) {
    const item = pydanticItem(e, part, root);
    if (!item) continue;
    const key = JSON.stringify(item.loc);
    if (seen.has(key)) continue;
    seen.add(key);
    if (item.ctx === undefined) delete item.ctx;
    out.push(item);
  }
  if (!out.length) out.push({ type: 'value_error', loc: [part], msg: 'Invalid input', input: root ?? null });
  return out;
}

/** The plugin's error handler: every failure in NeMo's shape. */
export function nemoErrorHandler(err: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  if (err instanceof NemoHttpError) return reply.code(err.status).send({ detail: err.detail });
  if (err instanceof NemoValidationError) return reply.code(422).send({ detail: err.items });
  if (err instanceof FilterError) return reply.code(400).send({ detail: err.message });
  const p = toProblem(err);
  if (p.validation) {
    return reply.code(422).send({ detail: validationDetail(p.validation, p.validationContext, req) });
  }
  if (p.fault?.kind === 'malformed_body') {
    // FastAPI reports an unparsable body as a 422 json_invalid item.
    return reply.code(422).send({
      detail: [
        {
          type: 'json_invalid',
          loc: ['body', 0],
          msg: 'JSON decode error',
          input: {},
          ctx: { error: p.message },
        },
      ],
    });
  }
  if (p.status === 503) {
    req.log.error({ err }, 'request failed');
    if (p.details.retry_after) reply.header('retry-after', String(p.details.retry_after));
    return reply.code(503).send({ detail: p.message });
  }
  if (p.status >= 500) {
    req.log.error({ err }, 'request failed');
    return reply.code(500).send({ detail: 'Internal server error' });
  }
  if (p.status === 401) return reply.code(401).send({ detail: 'Not authenticated' });
  if (p.fault?.kind === 'rate_limited') reply.header('retry-after', String(p.fault.retryAfter));
  return reply.code(p.status).send({ detail: p.message });
}
