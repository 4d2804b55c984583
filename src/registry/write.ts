// The registry's one write command. Every change to a prompt, its versions and its labels is a plan
// run by `write` in ONE transaction: find (or create) the prompt and lock it, check If-Match, apply
// prompt-field changes, then the version step, the label moves and the external-id mappings. The
// steps that take the prompt's lock (lockPrompt, insertPrompt) record the change, so the audit
// events, the change notification (NOTIFY, riding on the write's statements) and the cache
// invalidation can never be forgotten or written twice. Dialects build a plan from their wire shape;
// the pure content builders (mergePatch, contentFromPatch, NeMo's replacement) plug in unchanged.
//
//   target ──► lock + If-Match ──► fields ──► version step ──► labels ──► mappings ──► commit
//
import { and, desc, eq, isNull, like, or, sql } from 'drizzle-orm';
import type { Tx } from '../store/db.ts';
import { auditEvents, projects, prompts, versions } from '../store/schema.ts';
import { badRequest, isFault, LecternError } from '../model/errors.ts';
import { checkIfMatch } from '../model/etag.ts';
import { completeContent, contentOf } from '../model/version-content.ts';
import { resolveSnippets, tagsOfContent } from '../model/snippet-expansion.ts';
import type { Actor, Label, Prompt, Version, VersionContent } from '../model/types.ts';
import {
  audit,
  inTx,
  requireRole,
  resolveWorkspace,
  snapshot,
  type Recorder,
  type RegistryContext,
} from './context.ts';
import {
  checkPromptName,
  findPrompt,
  insertPrompt,
  lockPrompt,
  promptChanges,
  touchPrompt,
  type PromptInput,
  type PromptPatch,
  type PromptRef,
} from './prompts.ts';
import { findVersion, type VersionSelector, type VersionView } from './version-reads.ts';
import {
  appendVersion,
  commitDraftTx,
  editDraftTx,
  externalIdsOfPrompt,
  type ExternalIdRef,
} from './version-writes.ts';
import { applyLabel, labelAtSeq, validateLabelName } from './labels.ts';
import {
  findMapping,
  lockPairs,
  mapPair,
  validateExternalIdKey,
  type ExternalIdKey,
} from './external-ids.ts';
import { summariesOf, type VersionSummary } from './version-summaries.ts';
import { snippetFetcher } from './template-reads.ts';

/** Which prompt a write acts on. */
export type WriteTarget =
  /** An existing live prompt; given several refs (an id or a name), the first that names one. */
  | { kind: 'prompt'; ref: PromptRef | readonly PromptRef[] }
  /** The prompt holding the label with this seq; label steps without a name mean that label. */
  | { kind: 'label'; seq: number }
  /**
   * A new prompt: a live one of that name is a 409 `name_taken`. With `allocateName`, the input is
   * built from the name the write stores.
   */
  | { kind: 'create'; prompt: PromptInput | ((storedName: string) => PromptInput) }
  /**
   * Find-or-create by name (a publish): the live prompt of that name gets `onExisting` applied, or
   * a new one is made. `ifExists: 'error'` makes an existing name a 409 `name_taken`.
   */
  | { kind: 'publish'; prompt: PromptInput; onExisting?: PromptPatch; ifExists?: 'append' | 'error' }
  /** The prompt an external id maps to in the workspace; unmapped: publish's find-or-create, then map it. */
  | { kind: 'external_id'; key: ExternalIdKey; prompt: PromptInput; onExisting?: PromptPatch };

/** The content of a new version: given, or built from the base version read under the lock. */
export type ContentBuilder =
  Partial<VersionContent> | ((base: VersionView, prompt: Prompt) => Partial<VersionContent>);

export type VersionStep =
  /** Appends a version (the previous draft is committed); with `base`, fields left out are inherited. */
  | {
      mode: 'new_draft' | 'new_committed';
      base?: VersionSelector;
      content: ContentBuilder;
      keepInputVariables?: boolean;
    }
  /** Edits the draft in place; a committed version with a content change is `version_read_only`. */
  | {
      mode: 'edit_draft';
      version: VersionSelector;
      content: (current: VersionView) => Partial<VersionContent>;
      keepInputVariables?: boolean;
    }
  /** Commits the draft (`no_draft` when there is none); `thenOpenDraft` opens a copy as the next draft. */
  | { mode: 'commit_draft'; commitMessage?: string | null; thenOpenDraft?: boolean };

export interface LabelStep {
  /** Default: the target label's name (target `label`). */
  name?: string;
  /**
   * `written`: the version this write made, edited or committed. `deployable`: the newest committed
   * version, or the draft when there is no other (Keywords AI's legacy deploy).
   */
  to: 'written' | 'deployable' | VersionSelector;
  /** A label of that name already on the prompt is a 409 `label_exists` instead of a move. */
  createOnly?: boolean;
  /** A draft target is committed first (deploying never leaves a live version editable). */
  commitIfDraft?: boolean;
}

export interface WritePlan {
  target: WriteTarget;
  ifMatch?: string;
  /**
   * Prompt-field changes, computed from the prompt as locked (so a read-modify-write of its
   * metadata never loses a concurrent change) and the name the write stores.
   */
  fields?: PromptPatch | ((current: Prompt, storedName: string) => PromptPatch);
  /**
   * The name wanted for the prompt: stored as it is when free among the workspace's live prompts,
   * else as "<name> (n)" with the smallest free n (Keywords AI allows repeated names).
   */
  allocateName?: string;
  version?: VersionStep;
  labels?: LabelStep[];
  /** External ids to map onto the prompt (a pair on another live prompt is a 409, nothing written). */
  attach?: ExternalIdKey[];
  /** Also return the prompt's external ids (PromptLayer answers show them). */
  withExternalIds?: boolean;
  /** Also return the prompt's version summary for this label (Keywords AI answers show it). */
  withSummary?: string;
  /** Also return the name of the prompt's project (NeMo answers show it). */
  withProjectName?: boolean;
  /**
   * The type lock (Langfuse): a new version must be of the template type of the prompt's versions;
   * another type is a `kind_locked` refusal, nothing written.
   */
  sameKind?: boolean;
  /**
   * Texts whose snippet tags must name snippets that exist (PromptLayer): expanded under the lock,
   * the locked prompt's name starting the cycle check. A missing snippet, a cycle or an expansion
   * past the output bound refuses the write with the expansion's error; nothing is written.
   */
  snippetsIn?: Pick<VersionContent, 'messages' | 'content'>;
}

export type LabelResult = Label & { versionSeq: number };

export interface WriteResult {
  prompt: Prompt;
  /** The version written, edited or committed; else the version the first label step moved to. */
  version: VersionView | null;
  /** The base version a derived version was built from. */
  base?: VersionView;
  /** The draft opened after a commit (`thenOpenDraft`). */
  draft?: Version;
  labels: LabelResult[];
  /** Target `publish`: the prompt was created. Target `external_id`: the pair was not mapped before. */
  created: boolean;
  promptCreated: boolean;
  externalIds?: ExternalIdRef[];
  summary?: VersionSummary;
  projectName?: string | null;
}

/** Runs a write plan in one transaction (retried once when a concurrent creator of the name won). */
export async function write(ctx: RegistryContext, actor: Actor, plan: WritePlan): Promise<WriteResult> {
  requireRole(actor, 'editor');
  for (const l of plan.labels ?? []) if (l.name !== undefined) validateLabelName(l.name);
  if (plan.target.kind === 'external_id') validateExternalIdKey(plan.target.key);
  plan.attach?.forEach(validateExternalIdKey);
  if (plan.allocateName !== undefined) checkPromptName(plan.allocateName);
  const findsOrCreates = plan.target.kind === 'publish' || plan.target.kind === 'external_id';
  const attempts = plan.allocateName !== undefined ? 5 : findsOrCreates ? 2 : 1;
  for (let i = 1; ; i++) {
    try {
      return await inTx(ctx, (tx, rec) => run(tx, rec, actor, plan));
    } catch (e) {
      // Another writer took the name (the unique index refused our insert) or the database aborted
      // a serialisation conflict: once more, now finding (or avoiding) what the other one wrote.
      if (i >= attempts || !isFault(e, 'name_taken', 'retry')) throw e;
    }
  }
}

interface Located {
  prompt: Prompt;
  created: boolean;
  promptCreated: boolean;
  /** The label the target named (target `label`). */
  labelName?: string;
  /** Pairs still to map (the target's own when it was unmapped). */
  pairs: ExternalIdKey[];
}

async function locate(tx: Tx, rec: Recorder, actor: Actor, plan: WritePlan): Promise<Located> {
  const t = plan.target;
  const none = { created: false, promptCreated: false, pairs: plan.attach ?? [] };
  switch (t.kind) {
    case 'prompt':
      return { ...none, prompt: await lockPrompt(tx, rec, actor, t.ref, plan.ifMatch) };
    case 'label': {
      const at = await labelAtSeq(tx, actor, t.seq);
      return {
        ...none,
        labelName: at.name,
        prompt: await lockPrompt(tx, rec, actor, at.prompt, plan.ifMatch),
      };
    }
    case 'create': {
      let input: PromptInput;
      if (typeof t.prompt === 'function') {
        const wanted = plan.allocateName ?? '';
        const probe = t.prompt(wanted);
        input = t.prompt(plan.allocateName !== undefined ? await freeName(tx, actor, probe, wanted) : wanted);
      } else {
        input =
          plan.allocateName !== undefined
            ? { ...t.prompt, name: await freeName(tx, actor, t.prompt, plan.allocateName) }
            : t.prompt;
      }
      const prompt = await insertPrompt(tx, rec, actor, input);
      return { ...none, created: true, promptCreated: true, prompt };
    }
    case 'publish': {
      const r = await findOrCreate(tx, rec, actor, t.prompt, t.onExisting ?? {}, plan.ifMatch, t.ifExists);
      return { ...none, created: r.created, promptCreated: r.created, prompt: r.prompt };
    }
    case 'external_id': {
      const ws = await resolveWorkspace(tx, actor, t.prompt.workspace);
      // Pair locks first, then the prompt's row lock (always in that order: no deadlock).
      await lockPairs(tx, ws.id, [t.key, ...(plan.attach ?? [])]);
      const mapped = await findMapping(tx, ws.id, t.key);
      if (mapped) {
        let prompt = await lockPrompt(tx, rec, actor, { id: mapped.prompt.id }, plan.ifMatch);
        const set = await promptChanges(tx, prompt, t.onExisting ?? {});
        if (Object.keys(set).length) prompt = await touchPrompt(tx, rec, prompt, set);
        return { ...none, prompt };
      }
      const r = await findOrCreate(tx, rec, actor, t.prompt, t.onExisting ?? {}, plan.ifMatch);
      return {
        created: true,
        promptCreated: r.created,
        prompt: r.prompt,
        pairs: [t.key, ...(plan.attach ?? [])],
      };
    }
  }
}

/** The live prompt of that name, locked (with `onExisting` applied), or a new one. */
async function findOrCreate(
  tx: Tx,
  rec: Recorder,
  actor: Actor,
  input: PromptInput,
  onExisting: PromptPatch,
  ifMatch: string | undefined,
  ifExists: 'append' | 'error' = 'append',
): Promise<{ prompt: Prompt; created: boolean }> {
  let prompt: Prompt | null = null;
  try {
    prompt = await findPrompt(tx, actor, { name: input.name, workspace: input.workspace }, { lock: true });
  } catch (err) {
    if (!isFault(err, 'prompt_not_found')) throw err;
  }
  // Concurrent creators of one new name: the first insert wins the unique index, the others wait
  // on it and then fail with `name_taken`; `write` retries those, and they find the prompt.
  if (!prompt) return { prompt: await insertPrompt(tx, rec, actor, input), created: true };
  if (ifExists === 'error') {
    throw new LecternError(
      { kind: 'name_taken', constraint: 'prompts_live_name' },
      `prompt ${input.name} already exists`,
    );
  }
  rec({ kind: 'prompt', workspaceId: prompt.workspaceId, promptId: prompt.id });
  checkIfMatch(prompt, ifMatch);
  const set = await promptChanges(tx, prompt, onExisting);
  if (Object.keys(set).length) prompt = await touchPrompt(tx, rec, prompt, set);
  return { prompt, created: false };
}

/** "<wanted>", or "<wanted> (n)" with the smallest n free among the workspace's live prompts. */
async function freeName(
  tx: Tx,
  actor: Actor,
  where: { workspace?: string } | Prompt,
  wanted: string,
  self?: string,
): Promise<string> {
  const workspaceId =
    'workspaceId' in where ? where.workspaceId : (await resolveWorkspace(tx, actor, where.workspace)).id;
  const esc = wanted.replace(/[\\%_]/g, '\\$&');
  const rows = await tx
    .select({ id: prompts.id, name: prompts.name })
    .from(prompts)
    .where(
      and(
        eq(prompts.workspaceId, workspaceId),
        isNull(prompts.deletedAt),
        or(eq(prompts.name, wanted), and(like(prompts.name, `${esc} (%`), like(prompts.name, '%)'))),
      ),
    );
  const taken = new Set(rows.filter((r) => r.id !== self).map((r) => r.name));
  if (!taken.has(wanted)) return wanted;
  for (let n = 2; ; n++) if (!taken.has(`${wanted} (${n})`)) return `${wanted} (${n})`;
}

async function run(tx: Tx, rec: Recorder, actor: Actor, plan: WritePlan): Promise<WriteResult> {
  const at = await locate(tx, rec, actor, plan);
  let prompt = at.prompt;
  let touched = at.promptCreated;

  if (plan.snippetsIn && tagsOfContent(plan.snippetsIn).length) {
    await resolveSnippets(plan.snippetsIn, snippetFetcher(tx, actor), prompt.name);
  }

  // Prompt fields (a rename with a free name, a metadata merge), read and written under the lock.
  if (plan.fields !== undefined && plan.target.kind !== 'create') {
    const stored =
      plan.allocateName !== undefined && plan.target.kind === 'prompt'
        ? await freeName(tx, actor, prompt, plan.allocateName, prompt.id)
        : prompt.name;
    const patch = typeof plan.fields === 'function' ? plan.fields(prompt, stored) : plan.fields;
    if (plan.allocateName !== undefined) patch.name = stored;
    if (patch.name !== undefined) checkPromptName(patch.name);
    const set = await promptChanges(tx, prompt, patch);
    // A plain field update always counts as a write (its revision moves, it is audited).
    if (Object.keys(set).length || !plan.version) {
      const before = prompt;
      prompt = await touchPrompt(tx, rec, prompt, set);
      touched = true;
      await audit(
        tx,
        actor,
        prompt.workspaceId,
        'prompt.update',
        'prompt',
        prompt.id,
        snapshot(before),
        snapshot(prompt),
      );
    }
  }

  // The version step.
  let written: VersionView | null = null;
  let fresh = false; // a new version: its labels are exactly the ones this write puts on it
  let base: VersionView | undefined;
  let draft: Version | undefined;
  let ext: ExternalIdRef[] | undefined;
  const step = plan.version;
  if (step && (step.mode === 'new_draft' || step.mode === 'new_committed')) {
    let content: Partial<VersionContent>;
    if (typeof step.content === 'function' || step.base) {
      base = await findVersion(tx, prompt, step.base ?? { latest: true });
      const built = typeof step.content === 'function' ? step.content(base, prompt) : step.content;
      content = completeContent(built, contentOf(base));
    } else content = step.content;
    const wanted = content.templateType ?? 'chat';
    if (plan.sameKind && !at.promptCreated && prompt.lastVersion > 0 && wanted !== prompt.kind) {
      throw new LecternError(
        { kind: 'kind_locked', current: prompt.kind, wanted },
        `the prompt's versions are ${prompt.kind} templates; a ${wanted} version needs another prompt name`,
      );
    }
    const withExt = plan.withExternalIds && !plan.labels?.length && !at.pairs.length;
    const out = await appendVersion(tx, rec, actor, prompt, content, {
      status: step.mode === 'new_draft' ? 'draft' : 'committed',
      keepInputVariables: step.keepInputVariables,
      withExternalIds: withExt,
    });
    prompt = out.prompt;
    ext = out.externalIds;
    written = { ...out.version, labels: [] };
    fresh = true;
    touched = true;
  } else if (step?.mode === 'edit_draft') {
    const current = await findVersion(tx, prompt, step.version);
    const out = await editDraftTx(tx, rec, actor, prompt, current, step.content(current), step);
    prompt = out.prompt;
    written = out.version;
    touched = touched || out.version !== current;
  } else if (step?.mode === 'commit_draft') {
    const row = await commitDraftTx(tx, actor, prompt, step.commitMessage);
    if (!row) throw new LecternError({ kind: 'no_draft' }, 'there is no draft to commit');
    written = await findVersion(tx, prompt, { number: row.number });
    if (step.thenOpenDraft) {
      const out = await appendVersion(
        tx,
        rec,
        actor,
        prompt,
        completeContent({ commitMessage: '' }, contentOf(row)),
        { status: 'draft' },
      );
      prompt = out.prompt;
      draft = out.version;
      touched = true;
    }
  }

  // Label moves.
  const labels: LabelResult[] = [];
  for (const l of plan.labels ?? []) {
    const name = l.name ?? at.labelName;
    if (name === undefined) throw badRequest('a label step needs a name');
    let target: Version;
    if (l.to === 'written') {
      if (!written) throw badRequest('this write makes no version to label');
      target = written;
    } else if (l.to === 'deployable') {
      target = await deployable(tx, prompt);
    } else target = await findVersion(tx, prompt, l.to);
    if (l.commitIfDraft && target.status === 'draft') {
      target = (await commitDraftTx(tx, actor, prompt)) ?? target;
    }
    const label = await applyLabel(tx, actor, prompt, name, target, { createOnly: l.createOnly });
    labels.push({ ...label, versionSeq: target.seq });
    if (!written) written = { ...target, labels: [] };
    if (fresh && target.id === written.id) written.labels.push(name);
  }
  if (labels.length) {
    if (written && !fresh) written = await findVersion(tx, prompt, { number: written.number });
    if (written && fresh) written.labels = [...new Set(written.labels)].sort();
  }

  // External-id mappings (their audit events; the version's write already bumped the prompt).
  const audits = [];
  for (const k of at.pairs) {
    const made = await mapPair(tx, actor, prompt, k);
    if (made) audits.push(made.audit);
  }
  if (audits.length) await tx.insert(auditEvents).values(audits);

  // Every write bumps the prompt's revision (its ETag), once; an empty plan is only a locked read.
  const empty = !plan.fields && !plan.version && !plan.labels?.length && !at.pairs.length;
  if (!touched && !empty) prompt = await touchPrompt(tx, rec, prompt);
  if (plan.withExternalIds && !ext) {
    const [r] = await tx
      .select({ ext: externalIdsOfPrompt(prompt.id) })
      .from(prompts)
      .where(eq(prompts.id, prompt.id));
    ext = r?.ext ?? [];
  }
  return {
    prompt,
    version: written,
    base,
    draft,
    labels,
    created: at.created,
    promptCreated: at.promptCreated,
    ...(plan.withExternalIds ? { externalIds: ext } : {}),
    ...(plan.withProjectName ? { projectName: await projectNameOf(tx, prompt) } : {}),
    ...(plan.withSummary !== undefined
      ? {
          summary: (await summariesOf(tx, actor, [prompt.id], plan.withSummary, true)).get(prompt.id) ?? {
            latest: null,
            labelled: null,
            count: 0,
          },
        }
      : {}),
  };
}

async function projectNameOf(tx: Tx, prompt: Prompt): Promise<string | null> {
  if (!prompt.projectId) return null;
  const [row] = await tx
    .select({ name: projects.name })
    .from(projects)
    .where(and(eq(projects.id, prompt.projectId), isNull(projects.deletedAt)));
  return row?.name ?? null;
}

/** The newest committed version, or the newest version when none is committed. */
async function deployable(tx: Tx, prompt: Prompt): Promise<Version> {
  const [row] = await tx
    .select({ number: versions.number })
    .from(versions)
    .where(and(eq(versions.promptId, prompt.id), isNull(versions.deletedAt)))
    .orderBy(sql`(${versions.status} = 'committed') desc`, desc(versions.number))
    .limit(1);
  if (!row) throw badRequest('deploy: the prompt has no version to deploy');
  return findVersion(tx, prompt, { number: row.number });
}
