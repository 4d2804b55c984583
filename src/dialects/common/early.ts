// An answer a route can give before Fastify (server/early-posts.ts): a POST whose work is all in
// memory (a render of a memoised version, inline) costs Fastify's request pipeline more CPU than
// its own work. The route declares it in its config; the server has checked everything Fastify
// would (authentication, limits, content type, size, JSON, the route's schemas) before calling it.
import type { Actor } from '../../model/types.ts';

/** A request the server checked as Fastify would, for the route's early answer. */
export interface EarlyRequest {
  actor: Actor;
  /** The path parameters, validated against the route's params schema. */
  params: Record<string, unknown>;
  /** The query (the early path takes none: `{}`, defaults applied by the route's schema). */
  query: Record<string, unknown>;
  /** The parsed body, validated against the route's body schema. */
  body: unknown;
}

/** A 200 answer: its body (serialised as the route's response schema would) and headers of its own. */
export interface EarlyReply {
  body: unknown;
  headers?: readonly (readonly [string, string])[];
}

export interface EarlyAnswer {
  /**
   * The 200 answer, or undefined to leave the request to Fastify (which then answers it as
   * ever). Synchronous by design: nothing can change between the checks and the answer, and an
   * answer declined has changed nothing.
   */
  answer(req: EarlyRequest): EarlyReply | undefined;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route may answer a POST before Fastify (server/early-posts.ts). */
    early?: EarlyAnswer;
  }
}
