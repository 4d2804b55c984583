// The registry calls the Keywords AI routes share: a prompt's version state (current, live, commit
// count), name reservation for repeated names, and a prompt as the list filters see it.
import type { FastifyInstance } from 'fastify';
import { LecternError } from '../../model/errors.ts';
import { PRODUCTION_LABEL, type Actor, type JsonObject, type Prompt } from '../../model/types.ts';
import type { PromptFilter, PromptRef, VersionView } from '../../registry/index.ts';
import type { PromptRow } from './filters.ts';
import { promptIdOf } from './ids.ts';
import {
  DISPLAY_NAME_KEY,
  displayName,
  promptSlug,
  promptStarred,
  STORED_NAME_KEY,
  type PromptState,
} from './wire.ts';

type Registry = FastifyInstance['registry'];

const isNotFound = (e: unknown) => e instanceof LecternError && e.code === 'not_found';
const isConflict = (e: unknown) => e instanceof LecternError && e.code === 'conflict';

/** Versions of a prompt as the product sees them; `all` also returns the version list (≤ 500). */
export async function promptState(
  registry: Registry,
  actor: Actor,
  p: Prompt,
  opts: { all?: boolean } = {},
): Promise<PromptState> {
  if (p.deletedAt) return { current: null, live: null, commitCount: 0, versions: opts.all ? [] : undefined };
  const page = await registry.listVersions(actor, { id: p.id }, { limit: opts.all ? 500 : 1, offset: 0 });
  const current = page.items[0] ?? null;
  // Only the newest version can be a draft, so every other version is committed.
  const commitCount = page.total - (current?.status === 'draft' ? 1 : 0);
  let live: VersionView | null = page.items.find((v) => v.labels.includes(PRODUCTION_LABEL)) ?? null;
  if (!live && page.total > page.items.length) {
    try {
      live = (await registry.getVersion(actor, { id: p.id }, { label: PRODUCTION_LABEL })).version;
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
  return { current, live, commitCount, versions: opts.all ? page.items : undefined };
}

/** The same state (without the version list) for a page of prompts, in a fixed number of queries. */
export async function promptStates(registry: Registry, actor: Actor, ps: Prompt[]): Promise<PromptState[]> {
  const live = ps.filter((p) => !p.deletedAt).map((p) => p.id);
  const sums = await registry.versionSummariesOf(actor, live, PRODUCTION_LABEL);
  return ps.map((p) => {
    const s = p.deletedAt ? undefined : sums.get(p.id);
    if (!s) return { current: null, live: null, commitCount: 0, versions: undefined };
    return {
      current: s.latest,
      live: s.labelled,
      commitCount: s.count - (s.latest?.status === 'draft' ? 1 : 0),
      versions: undefined,
    };
  });
}

const NAME_PAGE = 1000;

/** "<name>", or "<name> (n)" with the smallest n free among the workspace's live prompts. */
export async function freeName(
  registry: Registry,
  actor: Actor,
  wanted: string,
  self?: string,
): Promise<string> {
  // Exactly the names that could collide: "<wanted>" and "<wanted> (…)", paged through in full.
  const where: PromptFilter = {
    or: [
      { field: 'name', op: 'eq', value: wanted },
      {
        and: [
          { field: 'name', op: 'startswith', value: `${wanted} (` },
          { field: 'name', op: 'endswith', value: ')' },
        ],
      },
    ],
  };
  const taken = new Set<string>();
  for (let offset = 0; ; offset += NAME_PAGE) {
    const page = await registry.listPrompts(actor, {
      where,
      sort: { field: 'seq', dir: 'asc' },
      limit: NAME_PAGE,
      offset,
    });
    for (const p of page.items) if (p.id !== self) taken.add(p.name);
    if (page.items.length < NAME_PAGE) break;
  }
  if (!taken.has(wanted)) return wanted;
  for (let n = 2; ; n++) if (!taken.has(`${wanted} (${n})`)) return `${wanted} (${n})`;
}

/** Metadata recording the asked-for name when the stored one had to differ. */
export function nameMetadata(base: JsonObject, wanted: string, stored: string): JsonObject {
  const { [DISPLAY_NAME_KEY]: _d, [STORED_NAME_KEY]: _s, ...rest } = base;
  return stored === wanted ? rest : { ...rest, [DISPLAY_NAME_KEY]: wanted, [STORED_NAME_KEY]: stored };
}

/** Runs a write that takes a name, retrying with the next free name if a concurrent writer took it. */
export async function withFreeName<T>(
  registry: Registry,
  actor: Actor,
  wanted: string,
  self: string | undefined,
  write: (stored: string) => Promise<T>,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const stored = await freeName(registry, actor, wanted, self);
    try {
      return await write(stored);
    } catch (e) {
      if (!isConflict(e) || attempt >= 4) throw e;
    }
  }
}

/** The prompt as the list filters see it. */
export function rowOf(p: Prompt): PromptRow {
  return {
    seq: p.seq,
    prompt_id: promptIdOf(p.id),
    prompt_slug: promptSlug(p),
    name: displayName(p),
    description: p.description ?? '',
    starred: promptStarred(p),
    tags: p.tags,
    created_at: p.createdAt,
    updated_at: p.updatedAt,
    // Every version write touches the prompt, so its updated_at is the newest version write.
    current_version__updated_at: p.lastVersion ? p.updatedAt : null,
  };
}

export const refOf = (p: Prompt): PromptRef => ({ id: p.id });
