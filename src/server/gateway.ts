// The gateway's assembly: providers from the environment (src/gateway/providers.ts), version
// look-ups through the read cache (a run resolves the same label as a fetch), renders on the
// server's render pool, and each run's record handed to the request log.
import type { FastifyInstance } from 'fastify';
import { createGateway, type Gateway } from '../gateway/run.ts';
import { loadProviders, type ProviderSet } from '../gateway/providers.ts';
import type { Actor } from '../model/types.ts';
import type { RequestLogInput } from '../model/request-log.ts';
import type { PromptRef, VersionSelector } from '../registry/index.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Runs stored prompts against the configured LLM providers (src/gateway/). */
    gateway: Gateway;
  }
}

export interface GatewayOptions {
  /** The providers (default: from the environment, see providers.ts). */
  providers?: ProviderSet;
  /** Where run records go (default: the registry's request log, batched off the request path). */
  logRequest?: (actor: Actor, input: RequestLogInput) => unknown;
  /** Per-attempt upstream timeout, ms. */
  timeoutMs?: number;
}

export function installGateway(app: FastifyInstance, opts: GatewayOptions = {}): void {
  const registry = app.registry;
  const resolve = (actor: Actor, ref: PromptRef, sel: VersionSelector) => {
    const load = () => registry.getVersion(actor, ref, sel);
    return app.readCache
      ? app.readCache.memo(
          `gateway:version\u0000${actor.role}\u0000${JSON.stringify(ref)}\u0000${JSON.stringify(sel)}`,
          actor.workspaceId ?? '*',
          load,
        )
      : load();
  };
  const gateway = createGateway({
    providers: opts.providers ?? loadProviders(),
    renderer: app.renderer,
    prices: registry.prices,
    resolve,
    logRequest: opts.logRequest ?? ((actor, input) => registry.logRequest(actor, input)),
    defaultTimeoutMs: opts.timeoutMs,
    onLogError: (err) => app.log.warn({ err }, 'request log write failed'),
  });
  app.decorate('gateway', gateway);
}
