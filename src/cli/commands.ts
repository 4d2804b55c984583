// The commands that talk to a Lectern server by URL and key: pull, plan/diff, push, release, label,
// check, export, import, migrate. Each prints a table by default and snake_case JSON with --json;
// failures carry the exit codes of client.ts (documented in docs/cli.md).
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { VENDORS, migrate, vendorApi, type Vendor } from './migrate.ts';
import { CliError, Client, EXIT, type ServerOptions } from './client.ts';
import { printJson, progressBar, table } from './output.ts';
import { check, plan, pull, push, release, setLabel, type Plan } from './sync.ts';
import { exportTo, importFrom } from './bulk.ts';

export interface GlobalOptions extends ServerOptions {
  json?: boolean;
  progress?: boolean;
}

const DEFAULT_DIR = 'prompts';

/** Adds --url/--key/--workspace/--json to a command and hands its action the merged options. */
function remote(cmd: Command): Command {
  return cmd
    .option('--url <url>', 'the Lectern server (default: $LECTERN_URL)')
    .option('--key <key>', 'an API key (default: $LECTERN_API_KEY)')
    .option(
      '--workspace <name>',
      'the workspace, for admin keys (default: $LECTERN_WORKSPACE or the key’s own)',
    )
    .option('--json', 'print JSON (snake_case) instead of tables')
    .option('--no-progress', 'no progress bar even on a terminal');
}

const bar = (o: GlobalOptions) =>
  progressBar(o.progress !== false && !o.json && process.stderr.isTTY === true);

function printPlan(p: Plan, o: { json?: boolean; diff?: boolean }) {
  if (o.json) {
    printJson({
      prompts: p.items.map((i) => ({
        name: i.name,
        file: i.file,
        action: i.action,
        ...(i.fieldsOnly ? { fields_only: true } : {}),
        ...(i.base ? { server_version: i.base.version } : {}),
        ...(i.hash ? { content_hash: i.hash } : {}),
        ...(i.reason ? { reason: i.reason } : {}),
        ...(i.diff ? { diff: i.diff } : {}),
      })),
      label_moves: p.labels.map((m) => ({
        prompt: m.name,
        label: m.label,
        from_version: m.from,
        to_version: m.to,
      })),
    });
    return;
  }
  const shown = p.items.filter((i) => i.action !== 'unchanged');
  const unchanged = p.items.length - shown.length;
  if (shown.length)
    console.log(
      table(
        ['prompt', 'action', 'server version', 'note'],
        shown.map((i) => [
          i.name,
          i.fieldsOnly ? 'update (description/tags)' : i.action,
          i.base?.version,
          i.reason,
        ]),
      ),
    );
  if (p.labels.length)
    console.log(
      table(
        ['prompt', 'label', 'from', 'to'],
        p.labels.map((m) => [m.name, m.label, m.from ?? '(new)', m.to]),
      ),
    );
  if (o.diff) for (const i of shown) if (i.diff) console.log(i.diff);
  const count = (a: string) => p.items.filter((i) => i.action === a).length;
  console.log(
    `${count('create')} to create, ${count('update')} to update, ${count('delete')} to delete, ${unchanged} unchanged, ` +
      `${count('conflict')} conflicting, ${count('invalid')} invalid; ${p.labels.length} label moves (lectern release)`,
  );
}

function refuseConflicts(p: Plan, json?: boolean) {
  const conflicts = p.items.filter((i) => i.action === 'conflict');
  const invalid = p.items.filter((i) => i.action === 'invalid');
  if (invalid.length)
    throw new CliError(
      `nothing pushed: ${invalid.length} file(s) do not parse:\n${invalid.map((i) => `  ${i.reason}`).join('\n')}\nrun lectern check`,
      EXIT.invalid,
    );
  if (!conflicts.length) return;
  if (!json) for (const c of conflicts) if (c.diff) console.error(c.diff);
  throw new CliError(
    `nothing pushed: ${conflicts.length} prompt(s) changed on the server since the last pull:\n` +
      conflicts.map((c) => `  ${c.name}: ${c.reason}`).join('\n'),
    EXIT.conflict,
    { conflicts: conflicts.map((c) => ({ name: c.name, reason: c.reason, diff: c.diff })) },
  );
}

export function addSyncCommands(program: Command): void {
  remote(
    program
      .command('pull [dir]')
      .description(
        `write every prompt of the workspace as .prompt files into DIR (default ./${DEFAULT_DIR}), with lectern.lock.json`,
      ),
  ).action(async (dir: string | undefined, o: GlobalOptions) => {
    const client = new Client(o);
    const r = await pull(client, resolve(dir ?? DEFAULT_DIR), bar(o));
    if (o.json) return printJson(r);
    for (const s of r.skipped) console.error(`skipped ${s.name}: ${s.reason}`);
    console.log(`${r.written.length} written, ${r.unchanged} unchanged, ${r.removed.length} removed`);
  });

  for (const [name, desc, withDiff] of [
    ['plan', 'show what a push would change (versions to create, label moves, conflicts)', false],
    ['diff', 'the plan with a unified diff per changed prompt', true],
  ] as const)
    remote(program.command(`${name} [dir]`).description(desc))
      .option('--delete', 'plan deleting prompts whose files were removed')
      .option('--exit-code', `exit ${EXIT.changes} when there is something to push or release`)
      .action(
        async (dir: string | undefined, o: GlobalOptions & { delete?: boolean; exitCode?: boolean }) => {
          const p = await plan(new Client(o), resolve(dir ?? DEFAULT_DIR), {
            delete: o.delete,
            progress: bar(o),
          });
          printPlan(p, { json: o.json, diff: withDiff });
          if (p.items.some((i) => i.action === 'conflict')) process.exitCode = EXIT.conflict;
          else if (p.items.some((i) => i.action === 'invalid')) process.exitCode = EXIT.invalid;
          else if (
            o.exitCode &&
            (p.labels.length || p.items.some((i) => !['unchanged', 'removed'].includes(i.action)))
          )
            process.exitCode = EXIT.changes;
        },
      );

  remote(
    program
      .command('push [dir]')
      .description('create a new version of each prompt whose file changed (never moves labels)'),
  )
    .option(
      '-m, --message <text>',
      'commit message of the new versions (default: the file’s lectern.commitMessage)',
    )
    .option('--delete', 'delete prompts whose files were removed from DIR')
    .option('--dry-run', 'only show the plan')
    .action(
      async (
        dir: string | undefined,
        o: GlobalOptions & { message?: string; delete?: boolean; dryRun?: boolean },
      ) => {
        const client = new Client(o);
        const d = resolve(dir ?? DEFAULT_DIR);
        const p = await plan(client, d, { delete: o.delete, progress: bar(o) });
        if (o.dryRun) return printPlan(p, { json: o.json, diff: true });
        refuseConflicts(p, o.json);
        const r = await push(client, d, p, { message: o.message, progress: bar(o) });
        if (o.json) return printJson(r);
        if (r.created.length || r.updated.length || r.deleted.length)
          console.log(
            table(
              ['prompt', 'change', 'version'],
              [
                ...r.created.map((n) => [n, 'created', 1]),
                ...r.updated.map((u) => [u.name, u.version ? 'new version' : 'description/tags', u.version]),
                ...r.deleted.map((n) => [n, 'deleted', null]),
              ],
            ),
          );
        console.log(
          `${r.created.length} created, ${r.updated.length} updated, ${r.deleted.length} deleted, ${r.unchanged} unchanged`,
        );
      },
    );

  remote(
    program
      .command('release [dir]')
      .description('move labels to the versions lectern.releases.yaml names (the reviewed label step)'),
  )
    .option('--dry-run', 'only show the moves')
    .action(async (dir: string | undefined, o: GlobalOptions & { dryRun?: boolean }) => {
      const client = new Client(o);
      const d = resolve(dir ?? DEFAULT_DIR);
      const p = await plan(client, d);
      const moves = o.dryRun ? p.labels : await release(client, d, p);
      if (o.json)
        return printJson(
          moves.map((m) => ({ prompt: m.name, label: m.label, from_version: m.from, to_version: m.to })),
        );
      if (moves.length)
        console.log(
          table(
            ['prompt', 'label', 'from', 'to'],
            moves.map((m) => [m.name, m.label, m.from ?? '(new)', m.to]),
          ),
        );
      console.log(`${moves.length} label move(s)${o.dryRun ? ' planned' : ''}`);
    });

  const label = program.command('label').description('move a label explicitly');
  remote(
    label
      .command('set <prompt> <label> <version>')
      .description('point LABEL of PROMPT at VERSION (a number or latest)'),
  ).action(async (prompt: string, name: string, version: string, o: GlobalOptions) => {
    const v = version === 'latest' ? 'latest' : Number(version);
    if (v !== 'latest' && !(Number.isInteger(v) && v > 0))
      throw new CliError(`version must be a positive number or latest, not ${version}`, EXIT.usage);
    const l = await setLabel(new Client(o), prompt, name, v);
    if (o.json) return printJson(l);
    console.log(`${prompt}: ${l.name} -> version ${l.version}`);
  });

  program
    .command('check [dir]')
    .description(
      'CI check: every .prompt file parses, every template compiles, fixtures render (partials expanded from the directory)',
    )
    .option('--json', 'print JSON instead of a table')
    .action(async (dir: string | undefined, o: { json?: boolean }) => {
      const results = await check(resolve(dir ?? DEFAULT_DIR));
      const bad = results.filter((r) => !r.ok);
      if (o.json) printJson(results);
      else {
        const rows = results.flatMap((r) => [
          ...r.problems.map((p) => [r.file, p]),
          ...r.warnings.map((w) => [r.file, `warning: ${w}`]),
        ]);
        if (rows.length) console.log(table(['file', 'problem'], rows));
        const fixtures = results.reduce((n, r) => n + r.fixtures, 0);
        const warned = results.filter((r) => r.warnings.length).length;
        console.log(
          `${results.length} file(s) checked, ${fixtures} fixture(s) rendered, ${bad.length} with problems` +
            (warned ? `, ${warned} with warnings` : ''),
        );
      }
      if (bad.length) process.exitCode = EXIT.invalid;
    });
}

export function addBulkCommands(program: Command): void {
  remote(
    program
      .command('export [file]')
      .description('write the whole workspace as JSON lines to FILE (default: stdout)'),
  ).action(async (file: string | undefined, o: GlobalOptions) => {
    const r = await exportTo(new Client(o), file ?? '-', bar(o));
    if (file === undefined || file === '-')
      return void console.error(`exported ${r.prompts} prompts, ${r.versions} versions`);
    if (o.json) return printJson(r);
    console.log(
      table(
        ['prompts', 'versions', 'labels', 'label moves', 'bytes'],
        [[r.prompts, r.versions, r.labels, r.label_moves, r.bytes]],
      ),
    );
  });
  remote(
    program
      .command('import <file>')
      .description('import a file lectern export wrote (- for stdin); re-running skips what is there'),
  )
    .option('--sync', 'bring prompts already there up to the file (new versions, drafts, labels, names)')
    .option('--dry-run', 'show what the import would do; the server rolls it back')
    .action(async (file: string, o: GlobalOptions & { sync?: boolean; dryRun?: boolean }) => {
      const r = await importFrom(new Client(o), file, bar(o), { sync: o.sync, dryRun: o.dryRun });
      if (o.json) printJson(r);
      else {
        console.log(
          table(
            ['created', 'updated', 'skipped', 'versions', 'labels', 'label moves'],
            [[r.prompts_created, r.prompts_updated, r.prompts_skipped, r.versions, r.labels, r.label_moves]],
          ),
        );
        if (r.dry_run) console.log('dry run: nothing written');
        for (const p of r.problems) console.error(`${p.prompt}: ${p.reason}`);
      }
      if (!r.complete)
        throw new CliError(
          `${file} ends without its footer: it is a cut-off export; export again`,
          EXIT.invalid,
        );
      if (r.problems.length) process.exitCode = EXIT.conflict;
    });
}

export interface VendorMigrationOptions {
  from?: Vendor;
  url?: string;
  key?: string;
  sourceWorkspace?: string;
  targetUrl?: string;
  targetKey?: string;
  workspace?: string;
  state: string;
  batch?: string;
  dryRun?: boolean;
  prune?: boolean;
  json?: boolean;
  progress?: boolean;
}

export const vendorMigrationOptions = {
  from: new Option('--from <vendor>', 'copy prompts from this vendor’s API').choices([...VENDORS]),
};

export async function runVendorMigration(o: VendorMigrationOptions): Promise<void> {
  const vendor = o.from!;
  if (!o.url) throw new CliError(`--from ${vendor} needs --url, the ${vendor} API base URL`, EXIT.usage);
  if (!o.key) throw new CliError(`--from ${vendor} needs --key, a ${vendor} API key`, EXIT.usage);
  const batch = o.batch === undefined ? undefined : Number(o.batch);
  if (batch !== undefined && !(Number.isInteger(batch) && batch >= 1 && batch <= 10_000))
    throw new CliError(`--batch takes a number of prompts from 1 to 10000, not ${o.batch}`, EXIT.usage);
  // A dry run compares with the target when one is configured; without one it only fetches and maps.
  const configured = (o.targetUrl ?? process.env.LECTERN_URL) && (o.targetKey ?? process.env.LECTERN_API_KEY);
  const target =
    o.dryRun && !configured
      ? null
      : new Client({ url: o.targetUrl, key: o.targetKey, workspace: o.workspace });
  const r = await migrate(target, vendor, vendorApi(vendor, o.url, o.key), {
    url: o.url,
    statePath: resolve(o.state),
    dryRun: o.dryRun === true,
    prune: o.prune === true,
    sourceWorkspace: o.sourceWorkspace,
    chunk: batch,
    progress: bar({ ...o, json: o.json }),
  });
  if (o.json) return printJson(r);
  console.log(
    table(
      ['from', 'prompts read', 'versions', 'labels', 'created', 'updated', 'unchanged', 'done before'],
      [
        [
          vendor,
          r.prompts,
          r.versions,
          r.labels,
          r.imported.prompts_created,
          r.imported.prompts_updated,
          r.imported.prompts_skipped,
          r.skipped_already_done,
        ],
      ],
    ),
  );
  const updates = r.changes.filter((c) => c.action === 'updated');
  if (updates.length)
    console.log(
      table(
        ['prompt', o.dryRun ? 'would change' : 'changed'],
        updates.map((c) => [
          c.prompt,
          [
            c.renamed_from ? `renamed from ${c.renamed_from}` : '',
            c.fields.length ? `fields: ${c.fields.join(', ')}` : '',
            c.versions_added.length ? `versions added: ${c.versions_added.join(', ')}` : '',
            c.versions_updated.length ? `drafts updated: ${c.versions_updated.join(', ')}` : '',
            ...c.labels.map((l) =>
              l.to === null
                ? `label ${l.label} removed (was ${l.from})`
                : `label ${l.label} ${l.from ?? '-'} -> ${l.to}`,
            ),
          ]
            .filter(Boolean)
            .join('; '),
        ]),
      ),
    );
  if (r.deleted_at_source.length)
    console.log(
      table(
        ['deleted at the source', 'here'],
        r.deleted_at_source.map((d) => [
          d.prompt,
          r.pruned.includes(d.prompt)
            ? o.dryRun
              ? 'would be deleted (--prune)'
              : 'deleted (--prune)'
            : 'kept: pass --prune to delete it',
        ]),
      ),
    );
  if (r.problems.length)
    console.log(
      table(
        ['prompt', 'not mapped / note'],
        r.problems.map((p) => [p.prompt, p.reason]),
      ),
    );
  console.log(
    o.dryRun
      ? `dry run: nothing written${target ? '' : ' (no target server configured: nothing compared)'}`
      : `state kept in ${o.state}: an interrupted run resumes with the same command; a finished one syncs again`,
  );
}
