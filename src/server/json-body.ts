// The JSON body parser: Fastify's own (which refuses __proto__ / constructor poisoning), plus a
// nesting limit so a deeply nested body is a clear 400 instead of a stack overflow later.
import type { FastifyInstance } from 'fastify';
import { LecternError } from '../model/errors.ts';

export function jsonDepthExceeds(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d >= max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (child !== null && typeof child === 'object') stack.push([child, d + 1]);
    }
  }
  return false;
}

export function installJsonParser(app: FastifyInstance, maxDepth: number): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  // Bytes, not a string: invalid UTF-8 is refused instead of silently becoming U+FFFD.
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, raw, done) => {
    let body: string;
    try {
      body = utf8.decode(raw as Buffer);
    } catch {
      return done(new LecternError('bad_request', 'request body is not valid UTF-8'), undefined);
    }
    if (body.trim() === '') return done(null, undefined);
    // Fastify's default parser answers through the callback; its return value carries nothing.
    void parse(req, body, (err, value) => {
      if (err) {
        (err as { statusCode?: number }).statusCode = 400;
        return done(err, undefined);
      }
      if (jsonDepthExceeds(value, maxDepth)) {
        return done(
          new LecternError('bad_request', `JSON nesting deeper than ${maxDepth} levels`),
          undefined,
        );
      }
      done(null, value);
    });
  });
}
