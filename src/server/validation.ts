// Request validation: bodies are checked as sent (a number where a string belongs is a 400, never
// silently coerced); query strings, paths and headers are text on the wire, so they are coerced.
import { Ajv, type Options, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifyInstance } from 'fastify';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

function make(coerceTypes: Options['coerceTypes']): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    coerceTypes,
    useDefaults: true,
    removeAdditional: false,
    strict: false,
  });
  addFormats(ajv);
  return ajv;
}

/**
 * Compiled on a route's first request, not at start: compiling every route's schemas up front was
 * the largest part of a start (about half a second on a quiet machine), mostly for routes a given
 * deployment never calls. The first request of a route pays its own compile, a few ms.
 */
function lazy(ajv: Ajv, schema: object) {
  let compiled: ValidateFunction | undefined;
  const validate = (data: unknown) => {
    compiled ??= ajv.compile(schema);
    const ok = compiled(data);
    // Fastify reads the errors off the function it was given.
    validate.errors = compiled.errors;
    return ok;
  };
  validate.errors = null as ValidateFunction['errors'];
  return validate;
}

const compilers = new WeakMap<FastifyInstance, { body: Ajv; text: Ajv }>();

export function installValidation(app: FastifyInstance): void {
  const body = make(false);
  const text = make('array');
  compilers.set(app, { body, text });
  app.setValidatorCompiler(({ schema, httpPart }) => lazy(httpPart === 'body' ? body : text, schema));
}

/** A body validator as the app's routes get (for requests answered before Fastify). */
export const bodyValidator = (app: FastifyInstance, schema: object) => lazy(compilers.get(app)!.body, schema);
/** A params / query validator as the app's routes get (text on the wire: coerced). */
export const textValidator = (app: FastifyInstance, schema: object) => lazy(compilers.get(app)!.text, schema);
