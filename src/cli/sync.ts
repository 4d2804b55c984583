// Prompts as code: pull / plan / push / release / check between a directory of .prompt files and a
// server's native API. A push is planned whole before anything is written: if any prompt moved on
// the server past the lock file, nothing is written and the exit code is EXIT.conflict. Label moves
// are never a side effect of push: they live in `lectern.releases.yaml` and `lectern release`
// applies them (or `lectern label set`), so a move is its own reviewed change.
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { contentHash } from '../model/content-hash.ts';
import { contentOfSnake, snakeOfContent, type SnakeContent } from '../model/version-snake.ts';
import type { VersionContent } from '../model/types.ts';
import { renderVersionMessages, TemplateError, type ContentPart } from '../templates/index.ts';
import {
  resolveSnippets,
  SnippetError,
  tagsOfContent,
  type SnippetFetcher,
  type SnippetTag,
} from '../model/snippet-expansion.ts';
import { CliError, Client, EXIT } from './client.ts';
import { partialOf, tagText } from './partials.ts';
import {
  PromptFileError,
  fileNameOf,
  nameOfFile,
  parsePromptFile,
  writePromptFile,
  type PromptDoc,
} from './prompt-file.ts';

export const LOCK_FILE = 'lectern.lock.json';
export const RELEASES_FILE = 'lectern.releases.yaml';
export const LOCKFILE_VERSION = 1;

/* ---------------------------------------------------------------- wire <-> model */

export interface WireVersion extends SnakeContent {
  number: number;
  status: string;
  content_hash: string;
  labels: string[];
}

export interface WirePrompt {
  id: string;
  name: string;
  description: string | null;
  tags: string[];
  is_snippet: boolean;
  latest_version: number | null;
}

export const contentOfWire = (v: WireVersion): VersionContent => contentOfSnake(v);

/** The native version body for some content (input_variables are derived by the server). */
export const wireBodyOf = (c: VersionContent) => {
  const { input_variables: _derived, content, ...rest } = snakeOfContent(c);
  return { ...rest, ...(c.templateType === 'completion' ? { content: content ?? [] } : {}) };
};

const docOfServer = (p: WirePrompt, v: WireVersion): PromptDoc => ({
  name: p.name,
  description: p.description,
  tags: p.tags,
  isSnippet: p.is_snippet,
  content: contentOfWire(v),
});

/* ---------------------------------------------------------------- the directory */

export interface LockEntry {
  id: string;
  version: number;
  content_hash: string;
  labels: Record<string, number>;
}
export interface LockFile {
  lockfile_version: number;
  workspace: string | null;
  prompts: Record<string, LockEntry>;
}

const sortedObject = <T>(o: Record<string, T>): Record<string, T> =>
  Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

export async function readLock(dir: string): Promise<LockFile> {
  let text: string;
  try {
    text = await readFile(join(dir, LOCK_FILE), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT')
      return { lockfile_version: LOCKFILE_VERSION, workspace: null, prompts: {} };
    throw e;
  }
  let lock: LockFile;
  try {
    lock = JSON.parse(text) as LockFile;
  } catch (e) {
    throw new CliError(
      `${LOCK_FILE} is not valid JSON (${(e as Error).message}): restore it from git or run lectern pull`,
      EXIT.invalid,
    );
  }
  if (lock.lockfile_version !== LOCKFILE_VERSION || typeof lock.prompts !== 'object')
    throw new CliError(
      `${LOCK_FILE} has lockfile_version ${lock.lockfile_version}; this lectern reads ${LOCKFILE_VERSION}`,
      EXIT.invalid,
    );
  return lock;
}

export async function writeLock(dir: string, lock: LockFile): Promise<void> {
  const out = {
    lockfile_version: LOCKFILE_VERSION,
    workspace: lock.workspace,
    prompts: sortedObject(
      Object.fromEntries(
        Object.entries(lock.prompts).map(([k, e]) => [k, { ...e, labels: sortedObject(e.labels) }]),
      ),
    ),
  };
  await writeFile(join(dir, LOCK_FILE), `${JSON.stringify(out, null, 2)}\n`);
}

/** `lectern.releases.yaml`: `{ <prompt>: { <label>: <version> } }`, the labels git says should hold. */
export async function readReleases(dir: string): Promise<Record<string, Record<string, number>> | null> {
  let text: string;
  try {
    text = await readFile(join(dir, RELEASES_FILE), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  const doc = (parseYaml(text) ?? {}) as unknown;
  const bad = () =>
    new CliError(
      `${RELEASES_FILE} must map prompt names to {label: version number}, e.g.\n  support/triage:\n    production: 3`,
      EXIT.invalid,
    );
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw bad();
  for (const labels of Object.values(doc)) {
    if (typeof labels !== 'object' || labels === null || Array.isArray(labels)) throw bad();
    for (const v of Object.values(labels)) if (!Number.isInteger(v) || (v as number) < 1) throw bad();
  }
  return doc as Record<string, Record<string, number>>;
}

async function writeReleases(dir: string, releases: Record<string, Record<string, number>>): Promise<void> {
  const body = sortedObject(
    Object.fromEntries(Object.entries(releases).map(([k, v]) => [k, sortedObject(v)])),
  );
  await writeFile(
    join(dir, RELEASES_FILE),
    `# Labels each prompt should carry. Edit in a pull request; \`lectern release\` applies it.\n${stringifyYaml(body, { lineWidth: 0 })}`,
  );
}

async function* walk(dir: string, root = dir): AsyncGenerator<string> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory() && !e.name.startsWith('.')) yield* walk(p, root);
    else if (e.isFile() && e.name.endsWith('.prompt')) yield relative(root, p).split('\\').join('/');
  }
}

export interface LocalFile {
  rel: string;
  text: string;
  doc?: PromptDoc;
  error?: string;
}

export async function readDir(dir: string): Promise<LocalFile[]> {
  const out: LocalFile[] = [];
  for await (const rel of walk(dir)) {
    const text = await readFile(join(dir, rel), 'utf8');
    try {
      out.push({ rel, text, doc: parsePromptFile(rel, text) });
    } catch (e) {
      if (!(e instanceof PromptFileError)) throw e;
      out.push({ rel, text, error: e.message });
    }
  }
  return out;
}

async function writeIfChanged(path: string, text: string): Promise<boolean> {
  const old = await readFile(path, 'utf8').catch(() => null);
  if (old === text) return false;
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
  return true;
}

/* ---------------------------------------------------------------- server reads */

async function latestOf(
  client: Client,
  ref: string,
): Promise<{ prompt: WirePrompt; version: WireVersion; etag: string } | null> {
  const r = await client.call<{ prompt: WirePrompt; version: WireVersion }>(
    'GET',
    `/v1/prompts/${Client.seg(ref)}/versions/latest`,
    { ok: [404] },
  );
  if (r.status === 404) return null;
  return { ...r.body, etag: r.etag ?? '*' };
}

async function labelsOf(client: Client, id: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for await (const l of client.list<{ name: string; version: number }>(
    `/v1/prompts/${Client.seg(id)}/labels`,
  ))
    out[l.name] = l.version;
  return out;
}

export interface Progress {
  start(total: number, what: string): void;
  tick(n?: number): void;
  stop(): void;
}
export const noProgress: Progress = { start() {}, tick() {}, stop() {} };

/* ---------------------------------------------------------------- pull */

export interface PullReport {
  written: string[];
  unchanged: number;
  removed: string[];
  skipped: { name: string; reason: string }[];
}

export async function pull(
  client: Client,
  dir: string,
  progress: Progress = noProgress,
): Promise<PullReport> {
  const lock = await readLock(dir);
  const next: LockFile = {
    lockfile_version: LOCKFILE_VERSION,
    workspace: client.workspace ?? null,
    prompts: {},
  };
  const releases: Record<string, Record<string, number>> = {};
  const report: PullReport = { written: [], unchanged: 0, removed: [], skipped: [] };
  const prompts: WirePrompt[] = [];
  for await (const p of client.list<WirePrompt>('/v1/prompts?status=active&sort=name&order=asc'))
    prompts.push(p);
  progress.start(prompts.length, 'pull');
  for (const p of prompts) {
    progress.tick();
    if (!p.latest_version) {
      report.skipped.push({ name: p.name, reason: 'has no versions' });
      continue;
    }
    const latest = await latestOf(client, p.id);
    if (!latest) continue; // deleted meanwhile
    const labels = await labelsOf(client, p.id);
    const file = fileNameOf(p.name, p.is_snippet);
    if (await writeIfChanged(join(dir, file), writePromptFile(docOfServer(latest.prompt, latest.version))))
      report.written.push(file);
    else report.unchanged++;
    next.prompts[p.name] = {
      id: p.id,
      version: latest.version.number,
      content_hash: latest.version.content_hash,
      labels,
    };
    if (Object.keys(labels).length) releases[p.name] = labels;
  }
  progress.stop();
  // Files of prompts this directory tracked and the server no longer has go too (untracked files stay).
  for (const [name] of Object.entries(lock.prompts)) {
    if (next.prompts[name]) continue;
    for (const snippet of [false, true]) {
      const path = join(dir, fileNameOf(name, snippet));
      if (
        await readFile(path)
          .then(() => true)
          .catch(() => false)
      ) {
        await rm(path);
        report.removed.push(fileNameOf(name, snippet));
      }
    }
  }
  await mkdir(dir, { recursive: true });
  await writeLock(dir, next);
  await writeReleases(dir, releases);
  return report;
}

/* ---------------------------------------------------------------- plan */

export type Action = 'create' | 'update' | 'unchanged' | 'conflict' | 'delete' | 'removed' | 'invalid';

export interface PlanItem {
  name: string;
  file: string;
  action: Action;
  /** Only description / tags differ (a prompt PATCH, no new version). */
  fieldsOnly?: boolean;
  fields?: { description?: string | null; tags?: string[] };
  reason?: string;
  diff?: string;
  base?: { id: string; version: number; etag: string };
  doc?: PromptDoc;
  hash?: string;
}

export interface LabelMovePlan {
  name: string;
  label: string;
  from: number | null;
  to: number;
}

export interface Plan {
  items: PlanItem[];
  labels: LabelMovePlan[];
  lock: LockFile;
}

const diffOf = (file: string, server: string, local: string) =>
  createTwoFilesPatch(`server/${file}`, `local/${file}`, server, local, '', '', { context: 3 });

export async function plan(
  client: Client,
  dir: string,
  opts: { delete?: boolean; progress?: Progress } = {},
): Promise<Plan> {
  const progress = opts.progress ?? noProgress;
  const lock = await readLock(dir);
  const files = await readDir(dir);
  const items: PlanItem[] = [];
  const seen = new Set<string>();
  progress.start(files.length, 'plan');
  for (const f of files) {
    progress.tick();
    if (!f.doc) {
      items.push({ name: nameOfFile(f.rel).name, file: f.rel, action: 'invalid', reason: f.error });
      continue;
    }
    const doc = f.doc;
    seen.add(doc.name);
    const hash = contentHash(doc.content);
    const locked = lock.prompts[doc.name];
    const server = await latestOf(client, locked?.id ?? doc.name);
    const item: PlanItem = { name: doc.name, file: f.rel, action: 'unchanged', doc, hash };
    if (!server) {
      if (locked) {
        item.action = 'conflict';
        item.reason = `deleted on the server after version ${locked.version} was pulled; run lectern pull, or remove it from ${LOCK_FILE} to create it anew`;
      } else item.action = 'create';
      items.push(item);
      continue;
    }
    const serverText = writePromptFile(docOfServer(server.prompt, server.version));
    const moved = locked ? server.version.number !== locked.version : true;
    const same = server.version.content_hash === hash;
    item.base = { id: server.prompt.id, version: server.version.number, etag: server.etag };
    if (moved && !same) {
      item.action = 'conflict';
      item.reason = locked
        ? `the server has version ${server.version.number}, past version ${locked.version} in ${LOCK_FILE}: someone changed it outside git; run lectern pull and redo your change`
        : `a prompt of this name exists on the server (version ${server.version.number}) but not in ${LOCK_FILE}: run lectern pull first`;
      item.diff = diffOf(f.rel, serverText, f.text);
    } else if (!same) {
      item.action = 'update';
      item.diff = diffOf(f.rel, serverText, writePromptFile(doc));
    }
    // Prompt fields (description, tags) a file changed: a PATCH of the prompt, no new version.
    const fields: PlanItem['fields'] = {};
    if (doc.description !== server.prompt.description) fields.description = doc.description;
    if (JSON.stringify(doc.tags) !== JSON.stringify(server.prompt.tags)) fields.tags = doc.tags;
    if (item.action !== 'conflict' && Object.keys(fields).length) {
      item.fields = fields;
      if (item.action === 'unchanged') {
        item.action = 'update';
        item.fieldsOnly = true;
        item.diff = diffOf(f.rel, serverText, writePromptFile(doc));
      }
    }
    items.push(item);
  }
  progress.stop();
  for (const [name, entry] of Object.entries(lock.prompts)) {
    if (seen.has(name)) continue;
    items.push({
      name,
      file: fileNameOf(name, false),
      action: opts.delete ? 'delete' : 'removed',
      base: { id: entry.id, version: entry.version, etag: '*' },
      reason: opts.delete ? undefined : 'file removed; kept on the server (pass --delete to delete it)',
    });
  }
  items.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  const labels: LabelMovePlan[] = [];
  const releases = await readReleases(dir);
  for (const [name, want] of Object.entries(releases ?? {})) {
    const entry = lock.prompts[name];
    const current = entry ? await labelsOf(client, entry.id) : {};
    for (const [label, to] of Object.entries(want))
      if (current[label] !== to) labels.push({ name, label, from: current[label] ?? null, to });
  }
  return { items, labels, lock };
}

/* ---------------------------------------------------------------- push */

export interface PushReport {
  created: string[];
  updated: { name: string; version: number | null }[];
  deleted: string[];
  unchanged: number;
}

export async function push(
  client: Client,
  dir: string,
  p: Plan,
  opts: { message?: string; progress?: Progress } = {},
): Promise<PushReport> {
  const progress = opts.progress ?? noProgress;
  const lock = p.lock;
  lock.workspace ??= client.workspace ?? null;
  const report: PushReport = { created: [], updated: [], deleted: [], unchanged: 0 };
  const work = p.items.filter((i) => i.action === 'create' || i.action === 'update' || i.action === 'delete');
  progress.start(work.length, 'push');
  try {
    for (const item of p.items) {
      if (item.action === 'unchanged') {
        // Adopt the server's state into the lock (e.g. after someone pushed the same content).
        const l = lock.prompts[item.name];
        if (item.base && (!l || l.version !== item.base.version))
          lock.prompts[item.name] = {
            id: item.base.id,
            version: item.base.version,
            content_hash: item.hash!,
            labels: l?.labels ?? {},
          };
        report.unchanged++;
        continue;
      }
      if (!work.includes(item)) continue;
      progress.tick();
      const message = opts.message ?? item.doc?.content.commitMessage ?? null;
      if (item.action === 'create') {
        const doc = item.doc!;
        const r = await client.call<{ prompt: WirePrompt; version: WireVersion }>('POST', '/v1/prompts', {
          body: {
            name: doc.name,
            description: doc.description,
            tags: doc.tags,
            is_snippet: doc.isSnippet,
            version: { ...wireBodyOf(doc.content), commit_message: message },
          },
        });
        lock.prompts[doc.name] = {
          id: r.body.prompt.id,
          version: r.body.version.number,
          content_hash: r.body.version.content_hash,
          labels: {},
        };
        report.created.push(doc.name);
      } else if (item.action === 'update') {
        const doc = item.doc!;
        let etag = item.base!.etag;
        let version: WireVersion | null = null;
        if (!item.fieldsOnly) {
          // If-Match: the prompt as planned; a write in between answers 412 and nothing is written.
          const r = await client.call<{ prompt: WirePrompt; version: WireVersion }>(
            'POST',
            `/v1/prompts/${Client.seg(item.base!.id)}/versions`,
            { body: { ...wireBodyOf(doc.content), commit_message: message }, headers: { 'if-match': etag } },
          );
          version = r.body.version;
          etag = r.etag ?? '*';
        }
        if (item.fields) {
          await client.call('PATCH', `/v1/prompts/${Client.seg(item.base!.id)}`, {
            body: item.fields,
            headers: { 'if-match': etag },
          });
        }
        const l = lock.prompts[item.name];
        lock.prompts[item.name] = {
          id: item.base!.id,
          version: version?.number ?? item.base!.version,
          content_hash: version?.content_hash ?? item.hash!,
          labels: l?.labels ?? {},
        };
        report.updated.push({ name: item.name, version: version?.number ?? null });
      } else {
        await client.call('DELETE', `/v1/prompts/${Client.seg(item.base!.id)}`, { ok: [404] });
        delete lock.prompts[item.name];
        report.deleted.push(item.name);
      }
    }
  } finally {
    progress.stop();
    // Whatever was written is in the lock, so a push cut short resumes where it stopped.
    await writeLock(dir, lock);
  }
  return report;
}

/** Applies the label moves of `lectern.releases.yaml` (the plan's `labels`). */
export async function release(client: Client, dir: string, p: Plan): Promise<LabelMovePlan[]> {
  const done: LabelMovePlan[] = [];
  for (const m of p.labels) {
    const entry = p.lock.prompts[m.name];
    if (!entry)
      throw new CliError(
        `${RELEASES_FILE} names ${m.name}, which is not in ${LOCK_FILE}: push it first`,
        EXIT.invalid,
      );
    await client.call('PUT', `/v1/prompts/${Client.seg(entry.id)}/labels/${Client.seg(m.label)}`, {
      body: { version: m.to },
    });
    entry.labels[m.label] = m.to;
    done.push(m);
  }
  await writeLock(dir, p.lock);
  return done;
}

/* ---------------------------------------------------------------- check */

export interface CheckResult {
  file: string;
  ok: boolean;
  problems: string[];
  /** What could not be checked offline (a pinned partial); not a failure. */
  warnings: string[];
  fixtures: number;
}

interface Fixture {
  name?: string;
  variables?: Record<string, unknown>;
  contains?: string[];
}

const partialText = (t: SnippetTag) => partialOf(t) ?? tagText(t);

/**
 * The directory as the server would hold it after a push, for expanding partials: a reference reads
 * the file of that name (`_name.prompt`, or any prompt file of that name, as the server looks a
 * snippet up by name). Unpinned, that file is exactly what the server's latest version will be. A
 * pin (`version=N`, `label="L"`) is checked only when the lock file proves the file *is* that
 * version (the file unchanged since the pull, and the lock's version is N / L's version); otherwise
 * the file's text is used and the file gets a warning saying the pin could not be checked offline.
 */
function directorySnippets(files: LocalFile[], lock: LockFile | null) {
  const byName = new Map<string, LocalFile>();
  for (const f of files) {
    const name = f.doc?.name ?? nameOfFile(f.rel).name;
    if (!byName.has(name) || f.doc) byName.set(name, f);
  }
  return (warn: (msg: string) => void, broken: Map<string, string>): SnippetFetcher =>
    async (tag) => {
      const f = byName.get(tag.name);
      if (!f?.doc) {
        if (f) broken.set(tag.name, f.rel);
        return null;
      }
      const entry = lock?.prompts[tag.name];
      const pulled = entry && entry.content_hash === contentHash(f.doc.content) ? entry : null;
      const pinned = tag.version !== undefined ? `version ${tag.version}` : `label ${tag.label}`;
      const exact =
        tag.version !== undefined
          ? pulled?.version === tag.version
          : tag.label !== undefined
            ? pulled !== null && pulled.labels[tag.label] === pulled.version
            : true;
      if (!exact)
        warn(
          `partial ${partialText(tag)}: ${pinned} cannot be checked offline (${f.rel} is ${
            pulled ? `version ${pulled.version}` : entry ? 'edited since the pull' : 'not in the lock file'
          }); rendered with ${f.rel} as it is`,
        );
      return { id: f.rel, number: pulled?.version ?? 0, content: f.doc.content };
    };
}

/**
 * Every file parses, every template compiles; `<name>.fixtures.yaml` beside a file renders. Partials
 * (`{{> name}}`) expand from the directory's files first, through the server's own expansion, so a
 * fixture sees the text the server would produce after a push.
 */
export async function check(dir: string): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  const files = await readDir(dir);
  let lock: LockFile | null = null;
  let lockProblem: string | null = null;
  try {
    lock = await readLock(dir);
  } catch (e) {
    lockProblem = (e as Error).message;
  }
  const snippets = directorySnippets(files, lock);
  for (const f of files) {
    const r: CheckResult = { file: f.rel, ok: true, problems: [], warnings: [], fixtures: 0 };
    out.push(r);
    if (!f.doc) {
      r.ok = false;
      r.problems.push(f.error!);
      continue;
    }
    let c = f.doc.content;
    if (tagsOfContent(c).length) {
      const broken = new Map<string, string>();
      const warnings = new Set<string>();
      try {
        const x = await resolveSnippets(
          c,
          snippets((w) => warnings.add(w), broken),
          f.doc.name,
        );
        c = { ...c, messages: x.messages, content: x.content };
      } catch (e) {
        r.ok = false;
        if (!(e instanceof SnippetError)) throw e;
        const file = broken.get(e.tag.name);
        r.problems.push(
          e.kind === 'missing'
            ? file
              ? `partial ${partialText(e.tag)}: ${file} does not parse`
              : `partial ${partialText(e.tag)}: no ${fileNameOf(e.tag.name, true)} in the directory`
            : `partial ${partialText(e.tag)}: ${e.message}`,
        );
        continue;
      } finally {
        r.warnings.push(...warnings);
        if (lockProblem && warnings.size) r.warnings.push(`pins unchecked: ${lockProblem}`);
      }
    }
    const render = (variables: Record<string, unknown>, mode: 'strict' | 'lenient') =>
      renderVersionMessages({
        messages: c.templateType === 'chat' ? c.messages : null,
        content: c.templateType === 'completion' ? ((c.content ?? []) as ContentPart[]) : null,
        defaultFormat: c.templateFormat,
        variableDefaults: c.variableDefaults,
        variables,
        mode,
      });
    try {
      render({}, 'lenient');
    } catch (e) {
      r.ok = false;
      r.problems.push(`template does not compile: ${e instanceof TemplateError ? e.message : String(e)}`);
      continue;
    }
    const fixturesPath = join(dir, f.rel.replace(/\.prompt$/, '.fixtures.yaml'));
    const text = await readFile(fixturesPath, 'utf8').catch(() => null);
    if (text === null) continue;
    let fixtures: Fixture[];
    try {
      fixtures = parseYaml(text) as Fixture[];
      if (!Array.isArray(fixtures)) throw new Error('must be a list of {name, variables, contains}');
    } catch (e) {
      r.ok = false;
      r.problems.push(`${relative(dir, fixturesPath)}: ${(e as Error).message}`);
      continue;
    }
    for (const [i, fx] of fixtures.entries()) {
      r.fixtures++;
      const label = fx.name ?? `fixture ${i + 1}`;
      try {
        const rendered = render(fx.variables ?? {}, 'strict');
        const textOut = JSON.stringify(rendered.messages ?? rendered.content);
        for (const want of fx.contains ?? [])
          if (!textOut.includes(JSON.stringify(want).slice(1, -1))) {
            r.ok = false;
            r.problems.push(`${label}: the rendered prompt does not contain ${JSON.stringify(want)}`);
          }
      } catch (e) {
        r.ok = false;
        r.problems.push(`${label}: ${e instanceof TemplateError ? e.message : String(e)}`);
      }
    }
  }
  return out;
}

/** Sets one label directly (`lectern label set`): an explicit, audited move. */
export async function setLabel(client: Client, prompt: string, label: string, version: number | 'latest') {
  const r = await client.call<{ label: { name: string; version: number } }>(
    'PUT',
    `/v1/prompts/${Client.seg(prompt)}/labels/${Client.seg(label)}`,
    { body: { version } },
  );
  return r.body.label;
}
