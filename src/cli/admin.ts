// `lectern keys …` and `lectern workspaces …`: through a server's native API when a URL is given
// (--url or LECTERN_URL, with an admin key), else on this machine's store (how the first admin key
// is made; see main.ts `operate`). Both ways hand back the API's wire records, so the output —
// a table, or with --json the API's snake_case fields — and the exit codes do not depend on the way.
import type { Command } from 'commander';
import { Option } from 'commander';
import { LecternError, STATUS_OF, type ErrorCode } from '../model/errors.ts';
import type { Role } from '../model/types.ts';
import type { AdminOp, AdminOps } from '../server/admin-channel.ts';
import { CliError, Client, EXIT, exitOfStatus } from './client.ts';
import { printJson, table } from './output.ts';

/** The native API's key record (src/dialects/native/wire.ts keyWire), as both ways return it. */
export interface KeyRecord {
  id: string;
  name: string;
  prefix: string;
  public_key: string;
  workspace_id: string | null;
  role: Role;
  created_at: string;
  revoked_at: string | null;
}

/** The native API's workspace record (workspaceWire). */
export interface WorkspaceRecord {
  id: string;
  seq: number;
  name: string;
  description: string | null;
  metadata: Record<string, unknown>;
  created_at: string;
  updated_at: string;
}

/** What the commands need from wherever the store is. */
export interface Admin {
  createKey(a: AdminOps['keys.create']): Promise<{ key: KeyRecord; secret: string }>;
  listKeys(a: AdminOps['keys.list']): Promise<KeyRecord[]>;
  revokeKey(a: AdminOps['keys.revoke']): Promise<KeyRecord>;
  createWorkspace(a: AdminOps['workspaces.create']): Promise<WorkspaceRecord>;
  listWorkspaces(): Promise<WorkspaceRecord[]>;
  deleteWorkspace(a: AdminOps['workspaces.delete']): Promise<WorkspaceRecord>;
}

export type Operate = <O extends AdminOp>(op: O, args: AdminOps[O]) => Promise<unknown>;

/** A refusal the local store (or the server's admin channel) gave, exiting as its HTTP twin would. */
function localError(err: unknown): unknown {
  let status: number | undefined;
  if (err instanceof LecternError) status = err.status;
  else if ((err as { kind?: unknown }).kind === 'admin_request_failed')
    status = STATUS_OF[(err as { code: ErrorCode }).code];
  return status === undefined ? err : new CliError((err as Error).message, exitOfStatus(status));
}

export function localAdmin(operate: Operate): Admin {
  const run = async <T>(op: AdminOp, args: AdminOps[AdminOp]): Promise<T> => {
    try {
      return (await operate(op, args as never)) as T;
    } catch (err) {
      throw localError(err);
    }
  };
  return {
    createKey: (a) => run('keys.create', a),
    listKeys: (a) => run('keys.list', a),
    revokeKey: (a) => run('keys.revoke', a),
    createWorkspace: (a) => run('workspaces.create', a),
    listWorkspaces: () => run('workspaces.list', {}),
    deleteWorkspace: (a) => run('workspaces.delete', a),
  };
}

/**
 * A refusal by role names the key that would do: a 403 (editors cannot manage keys, nor workspace
 * admins workspaces), and a 404 that a workspace's admin key meets for any other workspace (the
 * server shows it other workspaces as absent, never 403: docs/api.md) when `outside` says the call
 * reached past the key's own workspace (`ws`: the key's workspace name, from GET /v1/me); only an
 * admin key for all workspaces reaches there.
 */
async function asAdmin<T>(
  client: Client,
  need: string,
  call: () => Promise<T>,
  outside?: (ws: string | null) => string | undefined,
): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (!(err instanceof CliError)) throw err;
    const code = (err.details as { code?: string } | undefined)?.code;
    if (code === 'forbidden')
      throw new CliError(
        `the API key may not do this (${(err.details as { message: string }).message}): use ${need}`,
        err.exitCode,
        err.details,
      );
    if (code === 'not_found' && outside) {
      const scope = await client.scope();
      const why = scope && !scope.all_workspaces ? outside(scope.workspace) : undefined;
      if (why) throw new CliError(`${why}: use ${ALL_WORKSPACES}`, EXIT.auth, err.details);
    }
    throw err;
  }
}

const ADMIN_KEY = 'an admin key (lectern keys create --role admin)';
const ALL_WORKSPACES =
  'an admin key for all workspaces (lectern keys create --role admin, without --workspace)';

// Array.fromAsync is Node 22; Lectern supports Node 20.
async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const i of items) out.push(i);
  return out;
}

export function remoteAdmin(client: Client): Admin {
  const seg = Client.seg;
  const bound = (ws: string | null) => `this API key is the admin key of workspace ${ws ?? '?'} only`;
  return {
    createKey: (a) =>
      asAdmin(
        client,
        ADMIN_KEY,
        async () => (await client.call('POST', '/v1/keys', { body: a })).body,
        (ws) =>
          a.workspace !== undefined && a.workspace !== ws
            ? `${bound(ws)}: it makes keys for that workspace, not for ${a.workspace}`
            : undefined,
      ),
    listKeys: (a) =>
      asAdmin(client, ADMIN_KEY, () =>
        all(client.list<KeyRecord>(`/v1/keys?include_revoked=${a.includeRevoked === true}`)),
      ),
    revokeKey: (a) =>
      // Not found among a workspace admin's keys may be another workspace's key, or none: a 404.
      asAdmin(client, ADMIN_KEY, async () => (await client.call('DELETE', `/v1/keys/${seg(a.id)}`)).body.key),
    createWorkspace: (a) =>
      asAdmin(
        client,
        ALL_WORKSPACES,
        async () => (await client.call('POST', '/v1/workspaces', { body: a })).body.workspace,
        (ws) => `${bound(ws)}: it cannot create workspaces`,
      ),
    listWorkspaces: () =>
      asAdmin(client, ADMIN_KEY, () => all(client.list<WorkspaceRecord>('/v1/workspaces'))),
    deleteWorkspace: (a) =>
      asAdmin(
        client,
        ALL_WORKSPACES,
        async () => (await client.call('DELETE', `/v1/workspaces/${seg(a.name)}`)).body.workspace,
        (ws) => (a.name !== ws ? `${bound(ws)}: it cannot delete workspace ${a.name}` : undefined),
      ),
  };
}

interface Target {
  url?: string;
  key?: string;
  local?: boolean;
  json?: boolean;
}

/** --url/--key/--local/--json on one admin command; without a URL anywhere the command stays local. */
function target(cmd: Command): Command {
  return (
    cmd
      .option(
        '--url <url>',
        'a Lectern server to manage over HTTP (default: $LECTERN_URL; none: this machine’s store)',
      )
      .option('--key <key>', 'with a URL: an admin API key (default: $LECTERN_API_KEY)')
      // A shell that exports LECTERN_URL still needs a way to make the first admin key locally.
      .addOption(
        new Option('--local', 'act on this machine’s store even when $LECTERN_URL is set').conflicts('url'),
      )
      .option('--json', 'print JSON (snake_case, like the HTTP API) instead of a table')
  );
}

const keyRows = (keys: KeyRecord[]) =>
  table(
    ['id', 'name', 'role', 'workspace_id', 'prefix', 'created_at', 'revoked_at'],
    keys.map((k) => [k.id, k.name, k.role, k.workspace_id ?? '(all)', k.prefix, k.created_at, k.revoked_at]),
  );
const workspaceRows = (ws: WorkspaceRecord[]) =>
  table(
    ['name', 'id', 'description', 'created_at'],
    ws.map((w) => [w.name, w.id, w.description, w.created_at]),
  );

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function addAdminCommands(program: Command, operate: Operate): void {
  const admin = (o: Target): Admin =>
    !o.local && (o.url ?? process.env.LECTERN_URL)
      ? remoteAdmin(new Client({ url: o.url, key: o.key }))
      : localAdmin(operate);

  const keys = program
    .command('keys')
    .description('manage API keys (on a server with --url, else on this machine)');
  target(
    keys
      .command('create')
      .description('create a key; its secret is printed once')
      .requiredOption('--name <name>', 'a name to recognise the key by')
      // Checked here, so a bad role is a usage error (exit 2) whichever way the command goes.
      .addOption(
        new Option('--role <role>', 'the key’s role')
          .choices(['admin', 'editor', 'viewer'])
          .default('editor'),
      )
      .option('--workspace <name>', 'the workspace the key belongs to (admin keys without one see all)'),
  ).action(async (o: Target & { name: string; role: Role; workspace?: string }) => {
    const { key, secret } = await admin(o).createKey({ name: o.name, role: o.role, workspace: o.workspace });
    if (o.json) printJson({ ...key, secret });
    else console.log(`${keyRows([key])}\nsecret: ${secret}`);
    console.error('The secret is shown only now: store it safely.');
  });
  target(keys.command('list').description('list keys').option('--all', 'include revoked keys')).action(
    async (o: Target & { all?: boolean }) => {
      const list = await admin(o).listKeys({ includeRevoked: o.all === true });
      if (o.json) printJson(list);
      else console.log(keyRows(list));
    },
  );
  target(keys.command('revoke <id>').description('revoke a key: it is refused from its next request')).action(
    async (id: string, o: Target) => {
      if (!UUID.test(id))
        throw new CliError(`not a key id: ${id} (lectern keys list shows the ids)`, EXIT.usage);
      const key = await admin(o).revokeKey({ id });
      if (o.json) printJson(key);
      else console.log(keyRows([key]));
    },
  );

  const ws = program
    .command('workspaces')
    .description('manage workspaces (on a server with --url, else on this machine)');
  target(ws.command('create <name>').description('create a workspace').option('--description <text>')).action(
    async (name: string, o: Target & { description?: string }) => {
      const w = await admin(o).createWorkspace({ name, description: o.description });
      if (o.json) printJson(w);
      else console.log(workspaceRows([w]));
    },
  );
  target(ws.command('list').description('list workspaces')).action(async (o: Target) => {
    const list = await admin(o).listWorkspaces();
    if (o.json) printJson(list);
    else console.log(workspaceRows(list));
  });
  target(
    ws.command('delete <name>').description('delete an empty workspace (refused while it holds prompts)'),
  ).action(async (name: string, o: Target) => {
    const w = await admin(o).deleteWorkspace({ name });
    if (o.json) printJson(w);
    else console.log(workspaceRows([w]));
  });
}
