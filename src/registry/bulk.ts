// Bulk export and import of a workspace (format: model/export-format.ts, docs/export-format.md).
// Both stream: export reads prompts in pages by seq and yields records as it goes; import consumes
// lines as they arrive and writes a batch of whole prompts per transaction. Memory is bounded by a
// batch, not by the workspace.
//
// Import keeps what history needs — prompt and version ids, version numbers, authors, commit
// messages, every time, labels and their full move history — and is idempotent: a prompt whose id
// is already stored is skipped whole, so re-running an import (or resuming one that was cut off)
// changes nothing it already wrote. A prompt whose name a different live prompt holds is reported,
// not merged. Pages of an export are each read consistently; an export taken while others write
// may see a later prompt at a later state than an earlier one (a whole-workspace snapshot would
// hold one transaction open for as long as the client reads, which blocks PGlite entirely).
import { and, asc, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import {
  auditEvents,
  labelHistory,
  labels,
  projects,
  prompts,
  versions,
  workspaces,
} from '../store/schema.ts';
import type { Tx } from '../store/db.ts';
import { contentHash } from '../model/content-hash.ts';
import {
  EXPORT_FORMAT,
  EXPORT_FORMAT_VERSION,
  checkRecord,
  type ExportRecord,
  type LabelMoveRecord,
  type LabelRecord,
  type PromptRecord,
  type VersionRecord,
} from '../model/export-format.ts';
import { contentOfSnake, snakeOfContent } from '../model/version-snake.ts';
import { uuidv7 } from '../model/ids.ts';
import type { Actor } from '../model/types.ts';
import { LecternError, isFault } from '../model/errors.ts';
import type { Prompt, Version } from '../model/types.ts';
import {
  auditEntry,
  inTx,
  requireRole,
  resolveWorkspace,
  type Recorder,
  type RegistryContext,
} from './context.ts';
import { applyLabel, removeLabel } from './labels.ts';
import {
  importedPromptEvents,
  syncedPromptEvents,
  withoutLabelHistoryEvents,
  type SyncedEvent,
} from './outbox.ts';
import { lockPrompt, touchPrompt } from './prompts.ts';

const PAGE = 200;
const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** Every live prompt of a workspace with its versions, labels and label history, as records. */
export async function* exportWorkspace(
  ctx: RegistryContext,
  actor: Actor,
  workspace?: string,
  opts: { lecternVersion?: string } = {},
): AsyncGenerator<ExportRecord> {
  // Editors and admins: an export is every prompt's full history in one answer.
  requireRole(actor, 'editor');
  const db = ctx.store.db;
  const ws = await resolveWorkspace(db, actor, workspace);
  yield {
    type: 'header',
    format: EXPORT_FORMAT,
    format_version: EXPORT_FORMAT_VERSION,
    exported_at: new Date().toISOString(),
    workspace: ws.name,
    ...(opts.lecternVersion ? { lectern_version: opts.lecternVersion } : {}),
  };
  const counts = { prompts: 0, versions: 0, labels: 0, label_moves: 0 };
  let after = 0;
  for (;;) {
    const page = await db.transaction(async (tx) => {
      const ps = await tx
        .select({ p: prompts, project: projects.name })
        .from(prompts)
        .leftJoin(projects, eq(projects.id, prompts.projectId))
        .where(and(eq(prompts.workspaceId, ws.id), isNull(prompts.deletedAt), gt(prompts.seq, after)))
        .orderBy(asc(prompts.seq))
        .limit(PAGE);
      if (!ps.length) return null;
      const ids = ps.map((r) => r.p.id);
      // One after another: a transaction is one connection.
      const vs = await tx
        .select()
        .from(versions)
        .where(and(inArray(versions.promptId, ids), isNull(versions.deletedAt)))
        .orderBy(asc(versions.promptId), asc(versions.number));
      const ls = await tx
        .select({ l: labels, number: versions.number })
        .from(labels)
        .innerJoin(versions, eq(versions.id, labels.versionId))
        .where(inArray(labels.promptId, ids))
        .orderBy(asc(labels.promptId), asc(labels.name));
      const hs = await tx
        .select()
        .from(labelHistory)
        .where(inArray(labelHistory.promptId, ids))
        .orderBy(asc(labelHistory.promptId), asc(labelHistory.id));
      return { ps, vs, ls, hs };
    });
    if (!page) break;
    const group = <T extends { promptId: string }>(rows: T[]) => {
      const m = new Map<string, T[]>();
      for (const r of rows) m.set(r.promptId, [...(m.get(r.promptId) ?? []), r]);
      return m;
    };
    const vBy = group(page.vs);
    const lBy = group(page.ls.map((r) => ({ ...r, promptId: r.l.promptId })));
    const hBy = group(page.hs);
    for (const { p, project } of page.ps) {
      counts.prompts++;
      yield {
        type: 'prompt',
        id: p.id,
        name: p.name,
        description: p.description,
        tags: p.tags,
        project: project ?? null,
        kind: p.kind,
        is_snippet: p.isSnippet,
        metadata: p.metadata,
        created_at: iso(p.createdAt)!,
        updated_at: iso(p.updatedAt)!,
      };
      for (const v of vBy.get(p.id) ?? []) {
        counts.versions++;
        yield {
          type: 'version',
          id: v.id,
          prompt_id: p.id,
          number: v.number,
          status: v.status,
          ...snakeOfContent(v),
          author: v.author,
          written_via: v.writtenVia,
          content_hash: contentHash(v),
          created_at: iso(v.createdAt)!,
          updated_at: iso(v.updatedAt)!,
          committed_at: iso(v.committedAt),
        };
      }
      for (const { l, number } of lBy.get(p.id) ?? []) {
        counts.labels++;
        yield {
          type: 'label',
          prompt_id: p.id,
          name: l.name,
          version: number,
          created_at: iso(l.createdAt)!,
          updated_at: iso(l.updatedAt)!,
        };
      }
      for (const h of hBy.get(p.id) ?? []) {
        counts.label_moves++;
        yield {
          type: 'label_move',
          prompt_id: p.id,
          label: h.labelName,
          from_version: h.fromVersion,
          to_version: h.toVersion,
          actor: h.actor,
          at: iso(h.at)!,
        };
      }
    }
    after = page.ps.at(-1)!.p.seq;
  }
  yield { type: 'footer', ...counts };
}

interface Group {
  prompt: PromptRecord;
  versions: VersionRecord[];
  labels: LabelRecord[];
  moves: LabelMoveRecord[];
}

/** What a sync import did (or, in a dry run, would do) to one prompt. */
export interface ImportChange {
  prompt: string;
  action: 'created' | 'updated';
  renamed_from?: string;
  /** Prompt fields that changed (description, tags, is_snippet, kind). */
  fields: string[];
  versions_added: number[];
  /** Drafts here whose content or status the source changed (committed versions never change). */
  versions_updated: number[];
  labels: { label: string; from: number | null; to: number | null }[];
}

export interface ImportOptions {
  /**
   * A prompt whose id is already stored: `skip` it whole (the default: re-running an import changes
   * nothing), or `sync` it to the records — prompt fields and name, versions appended after the
   * stored ones (by id: never twice), drafts updated, labels moved to where the records put them.
   */
  existing?: 'skip' | 'sync';
  /** With `sync`: labels the records do not hold are removed (false: the source keeps no labels). */
  syncLabels?: boolean;
  /** Every batch is written and rolled back: the report says what an import would do. */
  dryRun?: boolean;
}

export interface ImportReport {
  prompts_created: number;
  /** With `existing: sync`: stored prompts the records changed. */
  prompts_updated: number;
  prompts_skipped: number;
  versions: number;
  labels: number;
  label_moves: number;
  complete: boolean; // the stream ended with the footer
  dry_run: boolean;
  problems: { prompt: string; reason: string }[];
  /** With `existing: sync` (or a dry run), every prompt created or changed, up to MAX_CHANGES. */
  changes: ImportChange[];
}

const BATCH_PROMPTS = 100;
const BATCH_VERSIONS = 1000;
const IMPORT_LOCK = 7_402_118; // advisory lock class; the other ids: db.ts, outbox.ts, request-log-retention.ts
const MAX_PROBLEMS = 1000;
const MAX_CHANGES = 10_000;

/** Thrown to roll a dry run's batch back, carrying what the batch counted. */
class DryRun {
  constructor(readonly counts: BatchCounts) {}
}
interface BatchCounts {
  created: number;
  updated: number;
  skipped: number;
  versions: number;
  labels: number;
  moves: number;
}

/** Imports export lines (one JSON record each) into a workspace; see the header for the rules. */
export async function importRecords(
  ctx: RegistryContext,
  actor: Actor,
  lines: AsyncIterable<string>,
  workspace?: string,
  opts: ImportOptions = {},
): Promise<ImportReport> {
  requireRole(actor, 'editor');
  const ws = await resolveWorkspace(ctx.store.db, actor, workspace);
  const report: ImportReport = {
    prompts_created: 0,
    prompts_updated: 0,
    prompts_skipped: 0,
    versions: 0,
    labels: 0,
    label_moves: 0,
    complete: false,
    dry_run: opts.dryRun === true,
    problems: [],
    changes: [],
  };
  let batch: Group[] = [];
  let batchVersions = 0;
  let cur: Group | null = null;
  let sawHeader = false;
  let n = 0;
  const flush = async () => {
    if (cur) batch.push(cur);
    cur = null;
    if (batch.length) await writeBatch(ctx, actor, ws.id, batch, report, opts);
    batch = [];
    batchVersions = 0;
  };
  for await (const raw of lines) {
    n++;
    if (!raw.trim()) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new LecternError({ kind: 'invalid', field: `line ${n}` }, `import line ${n}: not valid JSON`, {
        line: n,
      });
    }
    const r = checkRecord(n, parsed);
    if (!sawHeader && r.type !== 'header')
      throw new LecternError(
        { kind: 'invalid', field: 'header' },
        'an import starts with the header record',
        { line: n },
      );
    if (report.complete)
      throw new LecternError(
        { kind: 'invalid', field: `line ${n}` },
        `import line ${n}: records after the footer`,
        { line: n },
      );
    switch (r.type) {
      case 'header':
        if (sawHeader)
          throw new LecternError(
            { kind: 'invalid', field: `line ${n}` },
            `import line ${n}: a second header`,
          );
        sawHeader = true;
        break;
      case 'prompt':
        if (cur) batch.push(cur);
        cur = { prompt: r, versions: [], labels: [], moves: [] };
        if (batch.length >= BATCH_PROMPTS || batchVersions >= BATCH_VERSIONS) {
          const next: Group = cur;
          cur = null;
          await flush();
          cur = next;
        }
        break;
      case 'footer':
        await flush();
        report.complete = true;
        break;
      default: {
        const owner = (cur as Group | null)?.prompt.id;
        if (r.prompt_id !== owner)
          throw new LecternError(
            { kind: 'invalid', field: `line ${n}` },
            `import line ${n}: a ${r.type} record must follow its prompt's record (prompt_id ${r.prompt_id})`,
            { line: n },
          );
        if (r.type === 'version') {
          cur!.versions.push(r);
          batchVersions++;
        } else if (r.type === 'label') cur!.labels.push(r);
        else cur!.moves.push(r);
      }
    }
  }
  if (!sawHeader)
    throw new LecternError(
      { kind: 'invalid', field: 'header' },
      'the import is empty: send the lines of an export',
    );
  // Without the footer the body was cut off, maybe inside the last prompt's records. Written, that
  // prompt would be skipped whole when the full file is sent again, its missing versions never
  // arriving: it is left out instead, and the resend brings it complete.
  if (!report.complete && cur) {
    const last: Group = cur;
    cur = null;
    if (report.problems.length < MAX_PROBLEMS)
      report.problems.push({
        prompt: last.prompt.name,
        reason:
          'the import ended before its footer, maybe inside this prompt: not imported; send the whole file again',
      });
  }
  await flush();
  return report;
}

async function writeBatch(
  ctx: RegistryContext,
  actor: Actor,
  workspaceId: string,
  groups: Group[],
  report: ImportReport,
  opts: ImportOptions,
) {
  const problem = (prompt: string, reason: string) => {
    if (report.problems.length < MAX_PROBLEMS) report.problems.push({ prompt, reason });
  };
  const sync = opts.existing === 'sync';
  const changed = (ch: ImportChange) => {
    if ((sync || opts.dryRun) && report.changes.length < MAX_CHANGES) report.changes.push(ch);
  };
  const finish = (c: BatchCounts) => {
    if (opts.dryRun) throw new DryRun(c);
    return c;
  };
  const run = inTx(ctx, async (tx: Tx, rec) => {
    const c: BatchCounts = { created: 0, updated: 0, skipped: 0, versions: 0, labels: 0, moves: 0 };
    // The workspace row share-locked, as insertPrompt does: a concurrent workspace delete waits.
    await tx
      .select({ id: workspaces.id })
      .from(workspaces)
      .where(eq(workspaces.id, workspaceId))
      .for('share');
    // Imports into one workspace take turns, so the "already stored" check below sees what a
    // concurrent import committed: a rerun of a migration whose killed run is still being written
    // skips those prompts instead of failing on their primary key (PGlite has one connection).
    if (ctx.store.backend === 'postgres')
      await tx.execute(sql`select pg_advisory_xact_lock(${IMPORT_LOCK}, hashtext(${workspaceId}))`);
    const ids = groups.map((g) => g.prompt.id);
    const have = new Set(
      (await tx.select({ id: prompts.id }).from(prompts).where(inArray(prompts.id, ids))).map((r) => r.id),
    );
    const names = groups.map((g) => g.prompt.name);
    const taken = new Map(
      (
        await tx
          .select({ id: prompts.id, name: prompts.name })
          .from(prompts)
          .where(
            and(
              eq(prompts.workspaceId, workspaceId),
              isNull(prompts.deletedAt),
              inArray(prompts.name, names),
            ),
          )
      ).map((r) => [r.name, r.id]),
    );
    const projectNames = [...new Set(groups.map((g) => g.prompt.project).filter((p): p is string => !!p))];
    const projectIds = new Map<string, string>();
    if (projectNames.length) {
      for (const r of await tx
        .select({ id: projects.id, name: projects.name })
        .from(projects)
        .where(
          and(
            eq(projects.workspaceId, workspaceId),
            isNull(projects.deletedAt),
            inArray(projects.name, projectNames),
          ),
        ))
        projectIds.set(r.name, r.id);
      for (const name of projectNames.filter((p) => !projectIds.has(p))) {
        const id = uuidv7();
        await tx.insert(projects).values({ id, workspaceId, name });
        projectIds.set(name, id);
      }
    }
    const seen = new Set<string>();
    const todo: Group[] = [];
    for (const g of groups) {
      const p = g.prompt;
      if (sync && have.has(p.id) && !seen.has(p.id)) {
        seen.add(p.id);
        const ch = await syncPrompt(tx, rec, actor, workspaceId, g, taken, problem, opts);
        if (!ch) c.skipped++;
        else if (ch === 'unchanged') c.skipped++;
        else {
          c.updated++;
          c.versions += ch.versions_added.length;
          c.moves += ch.labels.length;
          changed(ch);
        }
        continue;
      }
      if (have.has(p.id) || seen.has(p.id)) {
        c.skipped++;
        continue;
      }
      if (taken.has(p.name) || seen.has(`name:${p.name}`)) {
        problem(
          p.name,
          'a different live prompt of this name exists here; skipped (delete or rename it, then import again)',
        );
        c.skipped++;
        continue;
      }
      seen.add(p.id);
      seen.add(`name:${p.name}`);
      todo.push(g);
    }
    if (!todo.length) return finish(c);
    await tx.insert(prompts).values(
      todo.map((g) => ({
        id: g.prompt.id,
        workspaceId,
        name: g.prompt.name,
        description: g.prompt.description,
        tags: g.prompt.tags,
        projectId: g.prompt.project ? projectIds.get(g.prompt.project)! : null,
        kind: g.prompt.kind,
        isSnippet: g.prompt.is_snippet,
        metadata: g.prompt.metadata,
        lastVersion: Math.max(0, ...g.versions.map((v) => v.number)),
        createdAt: new Date(g.prompt.created_at),
        updatedAt: new Date(g.prompt.updated_at),
      })),
    );
    const versionRows = todo.flatMap((g) =>
      g.versions.map((v) => ({
        id: v.id,
        promptId: g.prompt.id,
        number: v.number,
        status: v.status,
        ...contentOfSnake(v),
        author: v.author,
        // Kept from the export; a line that does not say (an older export, a migration from
        // another product) was written into this store by the import.
        writtenVia: v.written_via === undefined ? ('import' as const) : v.written_via,
        createdAt: new Date(v.created_at),
        updatedAt: new Date(v.updated_at),
        committedAt: v.committed_at ? new Date(v.committed_at) : null,
      })),
    );
    for (let i = 0; i < versionRows.length; i += 500)
      await tx.insert(versions).values(versionRows.slice(i, i + 500));
    c.versions += versionRows.length;
    const labelRows = [];
    for (const g of todo) {
      const byNumber = new Map(g.versions.map((v) => [v.number, v.id]));
      for (const l of g.labels) {
        const versionId = byNumber.get(l.version);
        if (!versionId) {
          problem(
            g.prompt.name,
            `label ${l.name} names version ${l.version}, which the export does not hold; label left out`,
          );
          continue;
        }
        labelRows.push({
          id: uuidv7(),
          promptId: g.prompt.id,
          name: l.name,
          versionId,
          createdAt: new Date(l.created_at),
          updatedAt: new Date(l.updated_at),
        });
      }
    }
    if (labelRows.length) await tx.insert(labels).values(labelRows);
    c.labels += labelRows.length;
    const moveRows = todo.flatMap((g) =>
      g.moves.map((m) => ({
        promptId: g.prompt.id,
        labelName: m.label,
        fromVersion: m.from_version,
        toVersion: m.to_version,
        actor: m.actor,
        at: new Date(m.at),
      })),
    );
    // The copied history is the source's past: no events for it (importedPromptEvents below says
    // where each label is now).
    if (moveRows.length)
      await withoutLabelHistoryEvents(tx, async () => {
        for (let i = 0; i < moveRows.length; i += 1000)
          await tx.insert(labelHistory).values(moveRows.slice(i, i + 1000));
      });
    c.moves += moveRows.length;
    await tx.insert(auditEvents).values(
      todo.map((g) =>
        auditEntry(actor, workspaceId, 'prompt.import', 'prompt', g.prompt.id, null, {
          name: g.prompt.name,
          versions: g.versions.length,
          labels: g.labels.length,
        }),
      ),
    );
    await importedPromptEvents(
      tx,
      workspaceId,
      actor.keyId,
      todo.map((g) => g.prompt.id),
    );
    for (const g of todo) {
      rec({ kind: 'prompt', workspaceId, promptId: g.prompt.id });
      changed({
        prompt: g.prompt.name,
        action: 'created',
        fields: [],
        versions_added: g.versions.map((v) => v.number),
        versions_updated: [],
        labels: g.labels.map((l) => ({ label: l.name, from: null, to: l.version })),
      });
    }
    c.created = todo.length;
    return finish(c);
  });
  let counts: BatchCounts;
  try {
    counts = await run;
  } catch (e) {
    if (!(e instanceof DryRun)) throw e;
    counts = e.counts;
  }
  report.prompts_updated += counts.updated;
  report.prompts_created += counts.created;
  report.prompts_skipped += counts.skipped;
  report.versions += counts.versions;
  report.labels += counts.labels;
  report.label_moves += counts.moves;
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Brings a stored prompt up to its records (import with `existing: sync`, under the batch's
 * transaction), or says why not. The records are the source's whole truth for the prompt:
 * - name, description, tags, is_snippet and kind take the records' values (a rename to a name a
 *   different live prompt holds is reported, the name kept);
 * - a version whose id is stored is not written again; if the stored one is a draft (drafts change
 *   in place, as Keywords AI edits them) it takes the record's content and status; a committed one
 *   never changes (a difference is reported);
 * - a version whose id is not stored is appended when its number is above every stored number;
 *   otherwise this store has versions of its own since the import, and the source's later versions
 *   are reported, not renumbered (numbers are what clients pin);
 * - labels move to the records' versions, each move in the label history and the audit; with
 *   `syncLabels` (the default) a stored label the records do not hold is removed;
 * - `label_move` records are not replayed: the moves this sync makes are the history.
 * Returns null when the prompt cannot be synced, 'unchanged' when nothing differed.
 */
async function syncPrompt(
  tx: Tx,
  rec: Recorder,
  actor: Actor,
  workspaceId: string,
  g: Group,
  taken: Map<string, string>,
  problem: (prompt: string, reason: string) => void,
  opts: ImportOptions,
): Promise<ImportChange | 'unchanged' | null> {
  const rp = g.prompt;
  let p: Prompt;
  try {
    p = await lockPrompt(tx, rec, actor, { id: rp.id }, undefined);
  } catch (e) {
    if (!isFault(e, 'prompt_not_found')) throw e;
    problem(rp.name, 'deleted here since it was imported: not synced (restore it, then run again)');
    return null;
  }
  if (p.workspaceId !== workspaceId) {
    problem(rp.name, 'stored in another workspace (imported there before): not synced');
    return null;
  }
  const ch: ImportChange = {
    prompt: rp.name,
    action: 'updated',
    fields: [],
    versions_added: [],
    versions_updated: [],
    labels: [],
  };
  const set: Partial<typeof prompts.$inferInsert> = {};
  if (rp.name !== p.name) {
    const holder = taken.get(rp.name);
    if (holder && holder !== p.id)
      problem(
        rp.name,
        `renamed at the source from ${p.name}, but a different live prompt holds the name here: kept as ${p.name}`,
      );
    else {
      set.name = rp.name;
      ch.renamed_from = p.name;
    }
  }
  const field = <K extends 'description' | 'tags' | 'isSnippet' | 'kind'>(
    k: K,
    wire: string,
    v: (typeof prompts.$inferInsert)[K],
  ) => {
    if (sameJson(v, p[k])) return;
    set[k] = v;
    ch.fields.push(wire);
  };
  field('description', 'description', rp.description);
  field('tags', 'tags', rp.tags);
  field('isSnippet', 'is_snippet', rp.is_snippet);
  field('kind', 'kind', rp.kind);
  // The events of this sync, as the other write paths send them (label moves send theirs).
  const events: SyncedEvent[] = set.name
    ? [{ type: 'prompt.renamed', from: p.name, to: set.name }]
    : ch.fields.length
      ? [{ type: 'prompt.updated' }]
      : [];

  const stored = await tx.select().from(versions).where(eq(versions.promptId, p.id));
  const byId = new Map(stored.map((v) => [v.id, v]));
  // Deleted versions keep their numbers (the unique index holds them): no new version takes one.
  let last = Math.max(p.lastVersion, 0, ...stored.map((v) => v.number));
  const live = new Map(
    stored.filter((v) => !v.deletedAt).map((v) => [v.number, { id: v.id, seq: v.seq, number: v.number }]),
  );
  let blocked = false;
  for (const r of g.versions) {
    const content = contentOfSnake(r);
    const s = byId.get(r.id);
    if (s) {
      if (s.deletedAt) continue; // deleted here: stays deleted
      const differs = contentHash(s) !== contentHash(content) || s.commitMessage !== content.commitMessage;
      if (s.status === 'committed') {
        if (differs)
          problem(
            rp.name,
            `version ${r.number} differs at the source from the committed version here, which never changes: kept as it is`,
          );
        continue;
      }
      if (differs || r.status !== s.status) {
        const at = new Date(r.updated_at);
        await tx
          .update(versions)
          .set({
            ...content,
            status: r.status,
            updatedAt: at,
            committedAt: r.status === 'committed' ? new Date(r.committed_at ?? r.updated_at) : null,
          })
          .where(eq(versions.id, s.id));
        ch.versions_updated.push(r.number);
        if (differs) events.push({ type: 'prompt.draft.updated', versionId: s.id });
        if (r.status === 'committed') events.push({ type: 'prompt.version.committed', versionId: s.id });
      }
      continue;
    }
    if (blocked) continue;
    if (r.number <= last) {
      problem(
        rp.name,
        `version ${r.number} of the source: version ${last} here was written after the import, so versions from ${r.number} on are not synced (rename the prompt here, then run again)`,
      );
      blocked = true;
      continue;
    }
    // One draft per prompt, the newest: appending commits the draft below it.
    const now = new Date();
    await tx
      .update(versions)
      .set({ status: 'committed', committedAt: now, updatedAt: now })
      .where(and(eq(versions.promptId, p.id), eq(versions.status, 'draft')));
    const [row] = await tx
      .insert(versions)
      .values({
        id: r.id,
        promptId: p.id,
        number: r.number,
        status: r.status,
        ...content,
        author: r.author,
        writtenVia: r.written_via === undefined ? ('import' as const) : r.written_via,
        createdAt: new Date(r.created_at),
        updatedAt: new Date(r.updated_at),
        committedAt: r.committed_at ? new Date(r.committed_at) : null,
      })
      .returning({ id: versions.id, seq: versions.seq, number: versions.number });
    live.set(row!.number, row!);
    last = r.number;
    ch.versions_added.push(r.number);
    events.push({ type: 'version.created', versionId: r.id });
  }
  if (ch.versions_added.length) set.lastVersion = last;
  // The prompt's new name and fields before any event is written: every event of this sync (the
  // label moves' too, whose trigger reads the prompt row) names the prompt as it ends up.
  if (Object.keys(set).length) await tx.update(prompts).set(set).where(eq(prompts.id, p.id));
  await syncedPromptEvents(tx, workspaceId, actor.keyId, p.id, events);

  const storedLabels = await tx
    .select({ id: labels.id, name: labels.name, number: versions.number })
    .from(labels)
    .innerJoin(versions, eq(versions.id, labels.versionId))
    .where(eq(labels.promptId, p.id));
  const current = new Map(storedLabels.map((l) => [l.name, l]));
  for (const l of g.labels) {
    const from = current.get(l.name)?.number ?? null;
    if (from === l.version) continue;
    const to = live.get(l.version);
    if (!to) {
      problem(rp.name, `label ${l.name} names version ${l.version}, which is not here: label not moved`);
      continue;
    }
    // applyLabel reads only the version's identity.
    await applyLabel(tx, actor, p, l.name, to as unknown as Version);
    ch.labels.push({ label: l.name, from, to: l.version });
  }
  if (opts.syncLabels !== false) {
    const wanted = new Set(g.labels.map((l) => l.name));
    for (const l of storedLabels)
      if (!wanted.has(l.name)) {
        await removeLabel(tx, actor, p, l);
        ch.labels.push({ label: l.name, from: l.number, to: null });
      }
  }

  const unchanged =
    !Object.keys(set).length && !ch.versions_added.length && !ch.versions_updated.length && !ch.labels.length;
  if (unchanged) return 'unchanged';
  await touchPrompt(
    tx,
    rec,
    p,
    set,
    auditEntry(actor, workspaceId, 'prompt.import', 'prompt', p.id, null, {
      name: rp.name,
      synced: true,
      ...(ch.renamed_from ? { renamed_from: ch.renamed_from } : {}),
      versions_added: ch.versions_added,
      versions_updated: ch.versions_updated,
      labels: ch.labels,
    }),
  );
  return ch;
}
