// A version as a run-time client fetches it (PromptLayer's get-template routes): the prompt, the
// version with its labels, the workspace's integer id and, on request, the version's texts with
// their snippets expanded — in one call. Snippets are prompts of the caller's workspace, read
// through the same executor (a write's transaction checks them under its lock with `snippetFetcher`);
// the expansion itself is the pure one in model/snippet-expansion.ts, bounded by the output budget.
import type { Executor } from '../store/db.ts';
import { isFault } from '../model/errors.ts';
import { resolveSnippets, type Expansion, type SnippetFetcher } from '../model/snippet-expansion.ts';
import type { Actor, Prompt } from '../model/types.ts';
import type { RegistryContext } from './context.ts';
import { findPrompt, findPromptInWorkspace, type PromptRef } from './prompts.ts';
import { findVersion, type Resolved, type VersionSelector, type VersionView } from './version-reads.ts';

export interface TemplateRead extends Resolved {
  /** The prompt's workspace seq (PromptLayer's integer `workspace_id`). */
  workspaceSeq: number;
  /** The version's messages and content with every snippet tag replaced; null unless asked for. */
  expanded: Expansion | null;
}

/**
 * One version with what serving it needs. A snippet that is missing, a cycle, or an expansion past
 * the output bound throws the expansion's own error (`SnippetError`, `render_limit`).
 */
export async function getTemplate(
  ctx: RegistryContext,
  actor: Actor,
  ref: PromptRef,
  sel: VersionSelector,
  opts: { expandSnippets: boolean },
): Promise<TemplateRead> {
  const db = ctx.store.db;
  const { prompt, workspaceSeq } = await findPromptInWorkspace(db, actor, ref);
  const version = await findVersion(db, prompt, sel);
  const expanded = opts.expandSnippets ? await expandVersion(db, actor, prompt, version) : null;
  return { prompt, version, workspaceSeq, expanded };
}

/** A version's texts with its snippets expanded, the version itself starting the graph and the cycle check. */
export function expandVersion(
  db: Executor,
  actor: Actor,
  prompt: Prompt,
  version: VersionView,
): Promise<Expansion> {
  return resolveSnippets(version, snippetFetcher(db, actor), {
    id: version.id,
    name: prompt.name,
    version: version.number,
  });
}

/** The version a snippet tag names, in the caller's workspace (named exactly); null when absent. */
export function snippetFetcher(db: Executor, actor: Actor): SnippetFetcher {
  return async (tag) => {
    const sel: VersionSelector =
      tag.version !== undefined
        ? { number: tag.version }
        : tag.label !== undefined
          ? { label: tag.label }
          : { latest: true };
    try {
      const prompt = await findPrompt(db, actor, { name: tag.name });
      const version = await findVersion(db, prompt, sel);
      return { id: version.id, number: version.number, content: version };
    } catch (e) {
      if (isFault(e, 'prompt_not_found', 'workspace_not_found', 'version_not_found', 'label_not_found'))
        return null;
      throw e;
    }
  };
}
