// Which templates use a snippet: the versions whose text holds a tag naming it, found in SQL (a
// LIKE on the template's JSON text, the expression migration 0007's trigram index covers) and
// confirmed by the exact parser on those candidates only. One call, whatever the registry's size.
import { and, asc, desc, eq, isNull, ne, sql } from 'drizzle-orm';
import { snippetLikePattern, tagsOfContent } from '../model/snippet-tags.ts';
import type { Actor, Prompt } from '../model/types.ts';
import { labels, prompts, versions } from '../store/schema.ts';
import { resolveWorkspace, type RegistryContext } from './context.ts';
import { findPrompt, type PromptRef } from './prompts.ts';
import { versionWithLabels } from './version-reads.ts';

export interface SnippetUser {
  prompt: Prompt;
  /** Numbers of the versions that use the snippet, ascending. */
  versionNumbers: number[];
  /** Labels held by those versions, sorted. */
  labels: string[];
}

export interface SnippetUsage {
  snippet: Prompt;
  /** Live prompts of the caller's workspace using it, newest prompt first. */
  users: SnippetUser[];
}

/**
 * The prompts using a snippet; with `version`, only tags that resolve to that version of it (a
 * tag's own version number, else the version its label holds, else the snippet's latest).
 */
export async function snippetUsage(
  ctx: RegistryContext,
  actor: Actor,
  ref: PromptRef,
  q: { version?: number } = {},
): Promise<SnippetUsage> {
  const db = ctx.store.db;
  const snippet = await findPrompt(db, actor, ref);
  const ws = await resolveWorkspace(db, actor);
  const [candidates, latest, held] = await Promise.all([
    db
      .select({ p: prompts, ...versionWithLabels })
      .from(versions)
      .innerJoin(prompts, eq(prompts.id, versions.promptId))
      .where(
        and(
          eq(prompts.workspaceId, ws.id),
          isNull(prompts.deletedAt),
          isNull(versions.deletedAt),
          ne(prompts.id, snippet.id),
          sql`(${versions.messages}::text || coalesce(${versions.content}::text, '')) like ${snippetLikePattern(snippet.name)}`,
        ),
      )
      .orderBy(desc(prompts.createdAt), desc(prompts.seq), asc(versions.number)),
    q.version === undefined
      ? []
      : db
          .select({ number: versions.number })
          .from(versions)
          .where(and(eq(versions.promptId, snippet.id), isNull(versions.deletedAt)))
          .orderBy(desc(versions.number))
          .limit(1),
    q.version === undefined
      ? []
      : db
          .select({ name: labels.name, number: versions.number })
          .from(labels)
          .innerJoin(versions, eq(versions.id, labels.versionId))
          .where(eq(labels.promptId, snippet.id)),
  ]);
  const snippetLabels = new Map(held.map((l) => [l.name, l.number]));
  const wanted = q.version;
  const users = new Map<string, SnippetUser>();
  for (const c of candidates) {
    const uses = tagsOfContent(c.v).some((tag) => {
      if (tag.name !== snippet.name) return false;
      if (wanted === undefined) return true;
      const resolved =
        tag.version ?? (tag.label !== undefined ? snippetLabels.get(tag.label) : latest[0]?.number);
      return resolved === wanted;
    });
    if (!uses) continue;
    let u = users.get(c.p.id);
    if (!u) users.set(c.p.id, (u = { prompt: c.p, versionNumbers: [], labels: [] }));
    u.versionNumbers.push(c.v.number);
    u.labels.push(...c.labels);
  }
  for (const u of users.values()) u.labels.sort();
  return { snippet, users: [...users.values()] };
}
