// `lectern migrate --from promptlayer|keywordsai|nemo|langfuse`: every prompt with every version and
// label, read through the vendor's public REST API (as /work/shared/specs describe it), mapped onto
// Lectern's model by the same functions the dialects use for writes, and written through the
// streaming import (POST /v1/import) in chunks.
//
// Resumable: ids of the migrated prompts and versions are derived from (vendor, vendor URL, vendor
// id), so importing one twice changes nothing; a state file lists the vendor prompts already
// imported by an interrupted run, so its rerun skips fetching them. What cannot be mapped is
// reported, per prompt, with the reason.
//
// A rerun after a finished run is a sync, not a snapshot: every prompt is read again and imported
// with `existing=sync`, so the server appends the source's new versions (by derived id: never
// twice), updates drafts, applies label moves and removals (each a move in the label history) and
// renames. Prompts gone at the source are listed in the report and deleted only with `--prune`.
// `--dry-run` sends the same import with `dry_run=true` (the server rolls it back), so it shows
// exactly what the run would change; without a target server it only fetches and maps.
import { createHash } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { contentFromWire } from '../dialects/promptlayer/mapping.ts';
import { contentFromCreate } from '../dialects/keywordsai/version-fields.ts';
import { versionContent as nemoContent } from '../dialects/nemo/wire.ts';
import { contentHash } from '../model/content-hash.ts';
import { completeContent } from '../model/version-content.ts';
import { snakeOfContent } from '../model/version-snake.ts';
import type { Json, JsonObject, Message, VersionContent } from '../model/types.ts';
import { EXPORT_FORMAT, EXPORT_FORMAT_VERSION, type ExportRecord } from '../model/export-format.ts';
// The server's import report, as POST /v1/import sends it (its fields are already snake_case).
import type { ImportChange } from '../registry/bulk.ts';
import { CliError, Client, EXIT, errorOf } from './client.ts';
import type { Progress } from './sync.ts';

export const VENDORS = ['promptlayer', 'keywordsai', 'nemo', 'langfuse'] as const;
export type Vendor = (typeof VENDORS)[number];

export interface SourceVersion {
  number: number;
  status: 'draft' | 'committed';
  content: VersionContent;
  createdAt: string | null;
}
export interface SourcePrompt {
  key: string; // the vendor's id
  name: string;
  description: string | null;
  tags: string[];
  isSnippet: boolean;
  createdAt: string | null;
  versions: SourceVersion[];
  labels: { name: string; version: number }[];
  problems: string[];
}

export interface VendorApi {
  get<T = any>(path: string, ok?: number[]): Promise<{ status: number; body: T }>;
}

/** A vendor's REST API: base URL and key, with the vendor's own way of presenting the key. */
export function vendorApi(vendor: Vendor, url: string, key: string): VendorApi {
  const base = url.replace(/\/+$/, '');
  const auth: Record<string, string> =
    vendor === 'promptlayer'
      ? { 'x-api-key': key }
      : vendor === 'langfuse'
        ? { authorization: `Basic ${Buffer.from(key).toString('base64')}` } // key is "pk-…:sk-…"
        : { authorization: `Bearer ${key}` };
  return {
    async get(path, ok = []) {
      let res: Response;
      try {
        res = await fetch(`${base}${path}`, { headers: { ...auth, accept: 'application/json' } });
      } catch (e) {
        throw new CliError(
          `cannot reach ${vendor} at ${base} (${(e as Error & { cause?: Error }).cause?.message ?? (e as Error).message}): check --url`,
          EXIT.unreachable,
        );
      }
      const text = await res.text();
      let body: any = null;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        body = text;
      }
      if (!res.ok && !ok.includes(res.status)) {
        const e = errorOf('GET', `${vendor} ${path}`, res.status, body);
        if (res.status === 401 || res.status === 403)
          throw new CliError(
            `${vendor} refused the key (HTTP ${res.status}: ${typeof body === 'string' ? body : JSON.stringify(body)}): check --key`,
            EXIT.auth,
          );
        throw e;
      }
      return { status: res.status, body };
    },
  };
}

const asObj = (v: unknown): JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as JsonObject) : {};
const strOrNull = (v: unknown) => (typeof v === 'string' ? v : null);

/* ------------------------------------------------------------------ PromptLayer */

/**
 * PromptLayer's read shape fills every message key with its default; written back, those would
 * become keys the prompt never had. Only keys equal to the documented read default are dropped.
 */
function withoutReadDefaults(m: Message, format: string): Message {
  const out: Message = { ...m };
  const defaults: [string, (v: unknown) => boolean][] = [
    ['dataset_examples', (v) => Array.isArray(v) && v.length === 0],
    // Derived from the template on every PromptLayer read: not the prompt's own data.
    ['input_variables', (v) => Array.isArray(v)],
    ['name', (v) => v === null],
    ['raw_request_display_role', (v) => v === ''],
    ['template_format', (v) => v === format],
  ];
  for (const [k, isDefault] of defaults) if (k in out && isDefault(out[k])) delete out[k];
  return out;
}

/** A prompt an interrupted run already imported: listed (so it counts as present), not fetched. */
export type Skip = (key: string) => boolean;
const listedOnly = (key: string, name: string): SourcePrompt => ({
  key,
  name,
  description: null,
  tags: [],
  isSnippet: false,
  createdAt: null,
  versions: [],
  labels: [],
  problems: [],
});

async function* promptlayer(api: VendorApi, skip: Skip): AsyncGenerator<SourcePrompt> {
  for (let page = 1; ; page++) {
    const { body } = await api.get<{ items: any[]; has_next: boolean }>(
      `/prompt-templates?page=${page}&per_page=100`,
    );
    for (const item of body.items) {
      if (skip(String(item.id))) {
        yield listedOnly(String(item.id), item.prompt_name);
        continue;
      }
      const p: SourcePrompt = {
        key: String(item.id),
        name: item.prompt_name,
        description: null,
        tags: item.tags ?? [],
        isSnippet: item.is_snippet === true,
        createdAt: item.created_at ?? null,
        versions: [],
        labels: [],
        problems: [],
      };
      for (let n = 1; n <= (item.version ?? 0); n++) {
        // Snippets stay references (resolve_snippets=false): they migrate as prompts of their own.
        const r = await api.get(`/prompt-templates/${item.id}?version=${n}&resolve_snippets=false`, [404]);
        if (r.status === 404) {
          p.problems.push(`version ${n} is deleted at the source: not migrated`);
          continue;
        }
        const v = r.body;
        const content = completeContent(
          contentFromWire(asObj(v.prompt_template), v.metadata, v.commit_message),
        );
        content.messages = content.messages.map((m) => withoutReadDefaults(m, content.templateFormat));
        p.versions.push({
          number: n,
          status: 'committed',
          content,
          createdAt: v.created_at ?? null,
        });
      }
      const labels = await api.get<{ release_labels: any[] }>(`/prompt-templates/${item.id}/labels`);
      for (const l of labels.body.release_labels ?? [])
        p.labels.push({ name: l.release_label, version: l.prompt_version_number });
      yield p;
    }
    if (!body.has_next) return;
  }
}

/* ------------------------------------------------------------------ Keywords AI */

async function* keywordsai(api: VendorApi, skip: Skip): AsyncGenerator<SourcePrompt> {
  for (let page = 1; ; page++) {
    const { body } = await api.get<{ results: any[]; next: string | null }>(
      `/api/prompts/?page=${page}&page_size=100`,
    );
    for (const item of body.results) {
      if (skip(item.prompt_id)) {
        yield listedOnly(item.prompt_id, item.name);
        continue;
      }
      const p: SourcePrompt = {
        key: item.prompt_id,
        name: item.name,
        description: item.description || null,
        tags: (item.tags ?? []).map((t: { name: string } | string) => (typeof t === 'string' ? t : t.name)),
        isSnippet: false,
        createdAt: item.created_at ?? null,
        versions: [],
        labels: [],
        problems: [],
      };
      for (let vp = 1; ; vp++) {
        const r = await api.get<{ results: any[]; next: string | null }>(
          `/api/prompts/${item.prompt_id}/versions/?page=${vp}&page_size=100`,
        );
        for (const v of r.body.results) {
          const content = completeContent({
            ...contentFromCreate({ ...v, messages: v.messages ?? [], model: v.model ?? null }),
            commitMessage: strOrNull(v.commit_message) ?? strOrNull(v.description),
          });
          p.versions.push({
            number: v.version,
            status: v.readonly ? 'committed' : 'draft',
            content,
            createdAt: v.created_at ?? null,
          });
          // The deployed ("live") version is the one holding `production`.
          if (v.is_deployed) p.labels.push({ name: 'production', version: v.version });
        }
        if (!r.body.next) break;
      }
      p.versions.sort((a, b) => a.number - b.number);
      // Only the newest version may be a draft (Lectern's rule, and Keywords AI's in practice).
      for (const v of p.versions.slice(0, -1))
        if (v.status === 'draft') {
          v.status = 'committed';
          p.problems.push(
            `version ${v.number} is an uncommitted draft at the source but not the newest: migrated as committed`,
          );
        }
      yield p;
    }
    if (!body.next) return;
  }
}

/* ------------------------------------------------------------------ NeMo */

function nemo(workspace: string) {
  return async function* (api: VendorApi, skip: Skip): AsyncGenerator<SourcePrompt> {
    const ws = encodeURIComponent(workspace);
    for (let page = 1; ; page++) {
      const { body } = await api.get<{ data: any[]; pagination: { total_pages: number } }>(
        `/apis/models/v2/workspaces/${ws}/prompts?page=${page}&page_size=100`,
      );
      for (const item of body.data) {
        if (item.id && skip(item.id)) {
          yield listedOnly(item.id, item.name);
          continue;
        }
        // The list drops nulls; the prompt itself carries every field.
        const full = (
          await api.get(`/apis/models/v2/workspaces/${ws}/prompts/${encodeURIComponent(item.name)}`)
        ).body;
        yield {
          key: full.id ?? item.name,
          name: full.name,
          description: full.description ?? null,
          tags: full.tags ?? [],
          isSnippet: false,
          createdAt: full.created_at ?? null,
          versions: [
            {
              number: 1,
              status: 'committed',
              content: completeContent(nemoContent(full)),
              createdAt: full.updated_at ?? full.created_at ?? null,
            },
          ],
          labels: [],
          problems: ['NeMo keeps no version history or labels: its current content migrates as version 1'],
        };
      }
      if (page >= (body.pagination?.total_pages ?? 0)) return;
    }
  };
}

/* ------------------------------------------------------------------ Langfuse */

/** Langfuse chat messages; a `placeholder` entry becomes a message Lectern keeps as sent. */
function langfuseContent(v: any, problems: string[]): VersionContent {
  const config = { ...asObj(v.config) };
  const model = strOrNull(config.model);
  delete config.model;
  const base: Partial<VersionContent> = {
    templateFormat: 'mustache', // Langfuse variables are {{name}}
    model,
    params: config,
    commitMessage: strOrNull(v.commitMessage),
  };
  if (v.type === 'text') {
    return completeContent({
      ...base,
      templateType: 'completion',
      content: [{ type: 'text', text: String(v.prompt ?? '') }],
    });
  }
  const messages: Message[] = [];
  for (const m of Array.isArray(v.prompt) ? v.prompt : []) {
    if (m?.type === 'placeholder') {
      messages.push({ role: 'placeholder', name: m.name ?? null } as Message);
      problems.push(
        `version ${v.version}: placeholder "${m.name}" kept as a {role: placeholder} message (Lectern renders it as is)`,
      );
    } else messages.push({ role: String(m.role), content: (m.content ?? '') as Json });
  }
  return completeContent({ ...base, templateType: 'chat', messages });
}

async function* langfuse(api: VendorApi, skip: Skip): AsyncGenerator<SourcePrompt> {
  for (let page = 1; ; page++) {
    const { body } = await api.get<{ data: any[]; meta: { totalPages: number } }>(
      `/api/public/v2/prompts?page=${page}&limit=100`,
    );
    for (const item of body.data) {
      if (skip(item.name)) {
        yield listedOnly(item.name, item.name);
        continue;
      }
      const p: SourcePrompt = {
        key: item.name,
        name: item.name,
        description: null,
        tags: item.tags ?? [],
        isSnippet: false,
        createdAt: null,
        versions: [],
        labels: [],
        problems: [],
      };
      for (const n of [...(item.versions ?? [])].sort((a: number, b: number) => a - b)) {
        const r = await api.get(
          `/api/public/v2/prompts/${encodeURIComponent(item.name)}?version=${n}`,
          [404],
        );
        if (r.status === 404) {
          p.problems.push(`version ${n} is gone at the source: not migrated`);
          continue;
        }
        p.versions.push({
          number: n,
          status: 'committed',
          content: langfuseContent(r.body, p.problems),
          createdAt: r.body.createdAt ?? null,
        });
        // `latest` is implicit in Lectern (the highest version), not a label to store.
        for (const l of r.body.labels ?? []) if (l !== 'latest') p.labels.push({ name: l, version: n });
      }
      yield p;
    }
    if (page >= (body.meta?.totalPages ?? 0)) return;
  }
}

export function sourceOf(vendor: Vendor, opts: { sourceWorkspace?: string }) {
  switch (vendor) {
    case 'promptlayer':
      return promptlayer;
    case 'keywordsai':
      return keywordsai;
    case 'nemo':
      return nemo(opts.sourceWorkspace ?? 'default');
    case 'langfuse':
      return langfuse;
  }
}

/* ------------------------------------------------------------------ into Lectern */

/** A stable UUID (RFC 9562 v8 layout) for a vendor object: a rerun derives the same id. */
export function derivedId(...parts: string[]): string {
  const h = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function recordsOf(vendor: Vendor, url: string, p: SourcePrompt, now: string): ExportRecord[] {
  const id = derivedId('lectern-migrate', vendor, url, p.key);
  const created = p.createdAt ?? p.versions[0]?.createdAt ?? now;
  const out: ExportRecord[] = [
    {
      type: 'prompt',
      id,
      name: p.name,
      description: p.description,
      tags: p.tags,
      project: null,
      kind: p.versions.at(-1)?.content.templateType ?? 'chat',
      is_snippet: p.isSnippet,
      metadata: { migrated_from: { vendor, id: p.key } },
      created_at: new Date(created).toISOString(),
      updated_at: new Date(p.versions.at(-1)?.createdAt ?? created).toISOString(),
    },
  ];
  for (const v of p.versions) {
    const c = v.content;
    const at = new Date(v.createdAt ?? created).toISOString();
    out.push({
      type: 'version',
      id: derivedId('lectern-migrate', vendor, url, p.key, String(v.number)),
      prompt_id: id,
      number: v.number,
      status: v.status,
      ...snakeOfContent(c),
      author: null,
      content_hash: contentHash(c),
      created_at: at,
      updated_at: at,
      committed_at: v.status === 'committed' ? at : null,
    });
  }
  const numbers = new Set(p.versions.map((v) => v.number));
  for (const l of p.labels) {
    if (!numbers.has(l.version)) {
      p.problems.push(
        `label ${l.name} points at version ${l.version}, which did not migrate: label left out`,
      );
      continue;
    }
    out.push({
      type: 'label',
      prompt_id: id,
      name: l.name,
      version: l.version,
      created_at: now,
      updated_at: now,
    });
    out.push({
      type: 'label_move',
      prompt_id: id,
      label: l.name,
      from_version: null,
      to_version: l.version,
      actor: null,
      at: now,
    });
  }
  return out;
}

export interface MigrateState {
  from: Vendor;
  url: string;
  /** Vendor keys of the prompts this run has imported so far. */
  done: string[];
  /** The run finished: the next one starts over (a sync), not where this one stopped. */
  complete?: boolean;
}

export interface MigrateReport {
  from: Vendor;
  dry_run: boolean;
  /** Prompts read from the source this run (an interrupted run's are in skipped_already_done). */
  prompts: number;
  versions: number;
  labels: number;
  skipped_already_done: number;
  imported: { prompts_created: number; prompts_updated: number; prompts_skipped: number };
  /** Each prompt the run created or changed in Lectern (in a dry run: would). */
  changes: ImportChange[];
  /** Prompts migrated from this source earlier that the source no longer has. */
  deleted_at_source: { prompt: string; id: string }[];
  /** Of those, the ones deleted here (`--prune`; in a dry run: would be). */
  pruned: string[];
  problems: { prompt: string; reason: string }[];
}

async function readState(path: string, vendor: Vendor, url: string): Promise<MigrateState> {
  const text = await readFile(path, 'utf8').catch(() => null);
  if (text === null) return { from: vendor, url, done: [] };
  const s = JSON.parse(text) as MigrateState;
  if (s.from !== vendor || s.url !== url)
    throw new CliError(
      `${path} belongs to a migration from ${s.from} at ${s.url}: pass another --state file`,
      EXIT.usage,
    );
  // A finished run's list says nothing about the source now: this run reads everything again.
  return s.complete ? { from: vendor, url, done: [] } : s;
}

async function saveState(path: string, s: MigrateState) {
  await writeFile(`${path}.tmp`, `${JSON.stringify(s)}\n`);
  await rename(`${path}.tmp`, path); // never a half-written state file
}

interface WireLatest {
  version: { number: number; content_hash: string };
}

/**
 * NeMo shows only a prompt's current content. Its first migration is version 1; on a rerun the
 * content is a new version after Lectern's latest when it differs from it, and nothing when not.
 */
async function nemoVersionsFor(target: Client, id: string, p: SourcePrompt) {
  const cur = p.versions[0];
  if (!cur) return;
  const r = await target.call<WireLatest>('GET', `/v1/prompts/${Client.seg(id)}/versions/latest`, {
    ok: [404],
  });
  if (r.status === 404) return;
  if (r.body.version.content_hash === contentHash(cur.content)) p.versions = [];
  else cur.number = r.body.version.number + 1;
}

/** Prompts of this Lectern workspace that a migration from this very source created. */
async function* migratedHere(target: Client, vendor: Vendor, url: string) {
  for await (const p of target.list<{ id: string; name: string; metadata: JsonObject }>('/v1/prompts')) {
    const from = asObj(asObj(p.metadata).migrated_from);
    if (from.vendor !== vendor || typeof from.id !== 'string') continue;
    if (derivedId('lectern-migrate', vendor, url, from.id) !== p.id) continue;
    yield { id: p.id, name: p.name, key: from.id };
  }
}

export async function migrate(
  target: Client | null,
  vendor: Vendor,
  api: VendorApi,
  opts: {
    url: string;
    statePath: string;
    dryRun: boolean;
    prune?: boolean;
    sourceWorkspace?: string;
    chunk?: number;
    progress: Progress;
  },
): Promise<MigrateReport> {
  const state = opts.dryRun
    ? { from: vendor, url: opts.url, done: [] }
    : await readState(opts.statePath, vendor, opts.url);
  const done = new Set(state.done);
  const report: MigrateReport = {
    from: vendor,
    dry_run: opts.dryRun,
    prompts: 0,
    versions: 0,
    labels: 0,
    skipped_already_done: 0,
    imported: { prompts_created: 0, prompts_updated: 0, prompts_skipped: 0 },
    changes: [],
    deleted_at_source: [],
    pruned: [],
    problems: [],
  };
  const now = new Date().toISOString();
  const header: ExportRecord = {
    type: 'header',
    format: EXPORT_FORMAT,
    format_version: EXPORT_FORMAT_VERSION,
    exported_at: now,
    workspace: vendor,
  };
  // NeMo has no labels: a sync must not remove the ones set in Lectern.
  const query = `existing=sync${vendor === 'nemo' ? '&sync_labels=false' : ''}${opts.dryRun ? '&dry_run=true' : ''}`;
  let chunk: string[] = [];
  let chunkKeys: string[] = [];
  const flush = async () => {
    if (!chunkKeys.length) return;
    if (target) {
      const body = [
        JSON.stringify(header),
        ...chunk,
        JSON.stringify({ type: 'footer', prompts: chunkKeys.length, versions: 0, labels: 0, label_moves: 0 }),
      ].join('\n');
      const r = await target.call<{
        prompts_created: number;
        prompts_updated: number;
        prompts_skipped: number;
        problems: { prompt: string; reason: string }[];
        changes: ImportChange[];
      }>('POST', `/v1/import?${query}`, { body, headers: { 'content-type': 'application/x-ndjson' } });
      report.imported.prompts_created += r.body.prompts_created;
      report.imported.prompts_updated += r.body.prompts_updated;
      report.imported.prompts_skipped += r.body.prompts_skipped;
      report.problems.push(...r.body.problems);
      report.changes.push(...r.body.changes);
      if (!opts.dryRun) {
        state.done.push(...chunkKeys);
        await saveState(opts.statePath, state);
      }
    }
    chunk = [];
    chunkKeys = [];
  };
  const seen = new Set<string>();
  opts.progress.start(0, 'migrate');
  try {
    for await (const p of sourceOf(vendor, opts)(api, (key) => done.has(key))) {
      opts.progress.tick();
      seen.add(p.key);
      if (done.has(p.key)) {
        report.skipped_already_done++;
        continue;
      }
      if (!p.versions.length)
        p.problems.push('no version could be read: the prompt is created without versions');
      if (vendor === 'nemo' && target)
        await nemoVersionsFor(target, derivedId('lectern-migrate', vendor, opts.url, p.key), p);
      const records = recordsOf(vendor, opts.url, p, now);
      report.prompts++;
      report.versions += p.versions.length;
      report.labels += records.filter((r) => r.type === 'label').length;
      for (const reason of p.problems) report.problems.push({ prompt: p.name, reason });
      chunk.push(...records.map((r) => JSON.stringify(r)));
      chunkKeys.push(p.key);
      if (chunkKeys.length >= (opts.chunk ?? 100)) await flush();
    }
    await flush();
    // The whole source was listed: what a former run brought here and the source lacks is gone there.
    if (target) {
      for await (const m of migratedHere(target, vendor, opts.url))
        if (!seen.has(m.key)) report.deleted_at_source.push({ prompt: m.name, id: m.id });
      if (opts.prune)
        for (const m of report.deleted_at_source) {
          if (!opts.dryRun) await target.call('DELETE', `/v1/prompts/${Client.seg(m.id)}`);
          report.pruned.push(m.prompt);
        }
    }
    if (!opts.dryRun) await saveState(opts.statePath, { ...state, complete: true });
  } finally {
    opts.progress.stop();
  }
  return report;
}
