// The JSON body parser. Bytes are decoded strictly (invalid UTF-8 is refused, never turned into
// U+FFFD) and parsed by JSON.parse, which defines every key — `__proto__` and `constructor`
// included — as an own data property: such keys are kept as data (a JSON schema may well have a
// property named `__proto__`) and never reach a prototype. One walk then refuses what could not
// be stored as sent (src/model/json-input.ts), naming the field, and objects whose integer-like
// keys JavaScript would reorder are rebuilt in the order written (src/model/json-order.ts).
import type { FastifyInstance } from 'fastify';
import { LecternError, badRequest } from '../model/errors.ts';
import { checkJsonInput, describeJsonInputProblem } from '../model/json-input.ts';
import { parseJsonOrdered } from '../model/json-order.ts';

/** `details.reason` of a body the parser refused: wire data for the native envelope (dialects branch on the fault's kind). */
export type BodyRefusal = 'malformed_json' | 'invalid_utf8' | import('../model/json-input.ts').JsonInputFault;

export function parseJsonBody(body: string, maxDepth: number): unknown {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (err) {
    // Typed here, where the syntax error is known, so no one has to recognise its text.
    throw new LecternError({ kind: 'malformed_body' }, `malformed JSON body: ${(err as Error).message}`, {
      reason: 'malformed_json' satisfies BodyRefusal,
    });
  }
  const seen = { indexKey: false };
  const problem = checkJsonInput(value, maxDepth, seen);
  if (problem) {
    throw badRequest(describeJsonInputProblem(problem, maxDepth), {
      reason: problem.fault satisfies BodyRefusal,
      field: problem.path,
    });
  }
  return seen.indexKey ? parseJsonOrdered(body) : value;
}

export function installJsonParser(app: FastifyInstance, maxDepth: number): void {
  app.removeContentTypeParser('application/json');
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, raw, done) => {
    let body: string;
    try {
      body = utf8.decode(raw as Buffer);
    } catch {
      return done(
        badRequest('request body is not valid UTF-8', {
          reason: 'invalid_utf8' satisfies BodyRefusal,
        }),
        undefined,
      );
    }
    if (body.trim() === '') return done(null, undefined);
    try {
      done(null, parseJsonBody(body, maxDepth));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
}
