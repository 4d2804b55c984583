// Registry look-ups shared by the routes: `{identifier}` (a seq first, then a name), the snippet
// fetcher, workspace integer ids, and version ids of labels.
import type { FastifyInstance } from 'fastify';
import { isFault, isPromptMissing, LecternError, notFound, unprocessable } from '../../model/errors.ts';
import type { Actor, Prompt } from '../../model/types.ts';
import type { PromptRef, Resolved, VersionSelector } from '../../registry/index.ts';
import { TemplateError } from '../../templates/index.ts';
import { SnippetError, type SnippetFetcher } from './snippets.ts';

const isNotFound = (e: unknown) =>
  isFault(e, 'prompt_not_found', 'workspace_not_found', 'version_not_found', 'label_not_found');

/** The prompt an identifier names: a numeric identifier is a seq first, then a name (the registry decides). */
export const identifierRef = (identifier: string): PromptRef => ({ seqOrName: identifier });

/** The prompt an identifier names, in one registry call. */
export function findPromptByIdentifier(
  app: FastifyInstance,
  actor: Actor,
  identifier: string,
): Promise<Prompt> {
  return app.registry.getPrompt(actor, identifierRef(identifier)).catch(templateMissing(identifier));
}

/**
 * PromptLayer's answer when the template an identifier names is not there: its own 404 message
 * (for `.catch` on the one registry call of a route; other errors pass through).
 */
export const templateMissing =
  (identifier: string) =>
  (e: unknown): never => {
    throw isPromptMissing(e) ? notFound(`Prompt template ${identifier}`) : e;
  };

/** The version an identifier and selector name (memoised in the read cache: the get routes' look-up). */
export function resolveVersion(
  app: FastifyInstance,
  actor: Actor,
  identifier: string,
  sel: VersionSelector,
): Promise<Resolved> {
  const load = () => resolveUncached(app, actor, identifier, sel);
  if (!app.readCache) return load();
  const key = `pl:resolve\u0000${actor.role}\u0000${identifier}\u0000${JSON.stringify(sel)}`;
  return app.readCache.memo(key, actor.workspaceId ?? '*', load);
}

async function resolveUncached(
  app: FastifyInstance,
  actor: Actor,
  identifier: string,
  sel: VersionSelector,
): Promise<Resolved> {
  try {
    return await app.registry.getVersion(actor, identifierRef(identifier), sel);
  } catch (e) {
    if (isPromptMissing(e)) throw notFound(`Prompt template ${identifier}`);
    if (isNotFound(e)) {
      const what =
        'label' in sel ? `Label ${sel.label}` : 'number' in sel ? `Version ${sel.number}` : 'Version';
      throw new LecternError(
        { kind: 'not_found', what },
        `${what} not found for prompt template ${identifier}`,
      );
    }
    throw e;
  }
}

/** Snippets live in the caller's workspace, named exactly (case-sensitive). */
export function snippetFetcher(app: FastifyInstance, actor: Actor, workspace?: string): SnippetFetcher {
  return async (tag) => {
    const sel: VersionSelector =
      tag.version !== undefined
        ? { number: tag.version }
        : tag.label !== undefined
          ? { label: tag.label }
          : { latest: true };
    try {
      const r = await app.registry.getVersion(actor, { name: tag.name, workspace }, sel);
      return { number: r.version.number, content: r.version };
    } catch (e) {
      if (isNotFound(e)) return null;
      throw e;
    }
  };
}

/** Snippet failures on publish are 422 in PromptLayer's `detail` list; on read, 422 as well. */
export function snippetProblem(e: unknown, where: (string | number)[] = ['body']): unknown {
  // An expansion past the output bound: the render's own code, in the snippet errors' shape.
  if (e instanceof TemplateError && e.code === 'render_limit') {
    return unprocessable(e.message, [{ loc: where, msg: e.message, type: 'render_limit' }]);
  }
  if (!(e instanceof SnippetError)) return e;
  return unprocessable(e.message, [{ loc: where, msg: e.message, type: `snippet_${e.kind}` }]);
}

const wsSeq = new WeakMap<FastifyInstance, Map<string, number>>();

/** PromptLayer's integer workspace_id: the workspace's seq. */
export async function workspaceSeq(app: FastifyInstance, actor: Actor, prompt: Prompt): Promise<number> {
  let map = wsSeq.get(app);
  if (!map) wsSeq.set(app, (map = new Map()));
  const hit = map.get(prompt.workspaceId);
  if (hit !== undefined) return hit;
  const { items } = await app.registry.listWorkspaces(actor, { limit: 1000, offset: 0 });
  for (const w of items) map.set(w.id, w.seq);
  return map.get(prompt.workspaceId) ?? 0;
}
