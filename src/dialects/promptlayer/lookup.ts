// Registry look-ups shared by the routes: `{identifier}` (a seq first, then a name), the get
// routes' template read (with the workspace's integer id), and snippet problems as 422s.
import type { FastifyInstance } from 'fastify';
import { isFault, isPromptMissing, LecternError, notFound, unprocessable } from '../../model/errors.ts';
import type { Actor } from '../../model/types.ts';
import type { PromptRef, TemplateRead, VersionSelector } from '../../registry/index.ts';
import { TemplateError } from '../../templates/index.ts';
import { SnippetError } from '../../model/snippet-expansion.ts';

const isNotFound = (e: unknown) =>
  isFault(e, 'prompt_not_found', 'workspace_not_found', 'version_not_found', 'label_not_found');

/** The prompt an identifier names: a numeric identifier is a seq first, then a name (the registry decides). */
export const identifierRef = (identifier: string): PromptRef => ({ seqOrName: identifier });

/**
 * PromptLayer's answer when the template an identifier names is not there: its own 404 message
 * (for `.catch` on the one registry call of a route; other errors pass through).
 */
export const templateMissing =
  (identifier: string) =>
  (e: unknown): never => {
    throw isPromptMissing(e) ? notFound(`Prompt template ${identifier}`) : e;
  };

/**
 * The version an identifier and selector name, with its workspace seq and (when `expandSnippets`)
 * its snippets expanded: the get routes' one registry call, memoised in the read cache while
 * nothing in the workspace changes (snippets are prompts of the same workspace).
 */
export function readTemplate(
  app: FastifyInstance,
  actor: Actor,
  identifier: string,
  sel: VersionSelector,
  expandSnippets: boolean,
): Promise<TemplateRead> {
  const load = () => readUncached(app, actor, identifier, sel, expandSnippets);
  if (!app.readCache) return load();
  return app.readCache.memo(
    templateKey(actor, identifier, sel, expandSnippets),
    actor.workspaceId ?? '*',
    load,
  );
}

/** The read readTemplate would serve from memory now, or undefined (then call readTemplate). */
export function memoisedTemplate(
  app: FastifyInstance,
  actor: Actor,
  identifier: string,
  sel: VersionSelector,
  expandSnippets: boolean,
): TemplateRead | undefined {
  return app.readCache?.peek<TemplateRead>(
    templateKey(actor, identifier, sel, expandSnippets),
    actor.workspaceId ?? '*',
  );
}

const templateKey = (actor: Actor, identifier: string, sel: VersionSelector, expandSnippets: boolean) =>
  `pl:template\u0000${actor.role}\u0000${identifier}\u0000${JSON.stringify(sel)}\u0000${expandSnippets}`;

async function readUncached(
  app: FastifyInstance,
  actor: Actor,
  identifier: string,
  sel: VersionSelector,
  expandSnippets: boolean,
): Promise<TemplateRead> {
  try {
    return await app.registry.getTemplate(actor, identifierRef(identifier), sel, { expandSnippets });
  } catch (e) {
    if (isSnippetProblem(e)) throw snippetProblem(e, ['prompt_template']);
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

/** A snippet that cannot be expanded: missing, a cycle, too deep, or past the output bound. */
const isSnippetProblem = (e: unknown): boolean =>
  e instanceof SnippetError || (e instanceof TemplateError && e.code === 'render_limit');

/** Snippet failures on publish are 422 in PromptLayer's `detail` list; on read, 422 as well. */
export function snippetProblem(e: unknown, where: (string | number)[] = ['body']): unknown {
  // An expansion past the output bound: the render's own code, in the snippet errors' shape.
  if (e instanceof TemplateError && e.code === 'render_limit') {
    return unprocessable(e.message, [{ loc: where, msg: e.message, type: 'render_limit' }]);
  }
  if (!(e instanceof SnippetError)) return e;
  return unprocessable(e.message, [{ loc: where, msg: e.message, type: `snippet_${e.kind}` }]);
}
