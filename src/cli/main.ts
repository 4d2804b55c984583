#!/usr/bin/env node
// The `lectern` command: serve, migrate, keys and workspaces, and the sync commands. keys and
// workspaces go to a server's HTTP API when given a URL (admin.ts); without one they open the same
// store the server uses (DATABASE_URL or LECTERN_DATA_DIR) and act as the built-in operator; on a
// PGlite directory a running server holds, they ask that server to act (see operate).
import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import type { Store } from '../store/db.ts';
import type { Registry } from '../registry/index.ts';
import type { Config } from '../server/config.ts';
import type { AdminOp, AdminOps } from '../server/admin-channel.ts';
import { CliError, EXIT } from './client.ts';
import { addAdminCommands } from './admin.ts';
import {
  addBulkCommands,
  addSyncCommands,
  runVendorMigration,
  vendorMigrationOptions,
  type VendorMigrationOptions,
} from './commands.ts';

/**
 * The server side of the CLI (store, registry, HTTP server), loaded only by the commands that use
 * it: the sync commands talk HTTP and start in half the time without it.
 */
async function local() {
  const [db, dirLock, registry, config, serveMod, boot, feed, admin] = await Promise.all([
    import('../store/db.ts'),
    import('../store/dir-lock.ts'),
    import('../registry/index.ts'),
    import('../server/config.ts'),
    import('../server/serve.ts'),
    import('../server/bootstrap.ts'),
    import('../server/change-feed.ts'),
    import('../server/admin-channel.ts'),
  ]);
  return {
    ...db,
    ...dirLock,
    ...registry,
    ...config,
    ...serveMod,
    ...boot,
    ...feed,
    ...admin,
  };
}

// src/cli and dist/cli sit at the same depth, so this finds package.json in both layouts.
const VERSION = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

const storeFor = async (config: Config, poolSize: number, owner = 'a lectern command') =>
  (await local()).openStore({
    databaseUrl: config.databaseUrl,
    pgSchema: config.pgSchema,
    dataDir: config.dataDir,
    poolSize,
    pgliteThread: config.pgliteThread,
    owner,
    brief: true,
  });

async function withRegistry<T>(store: Store, fn: (r: Registry) => Promise<T>): Promise<T> {
  const { createRegistry, startChangeFeed, loadConfig, bootstrap, adminKeyNotice } = await local();
  const registry = createRegistry(store);
  // Running servers learn of CLI changes (a revoked key, a deleted workspace) at once.
  const feed = await startChangeFeed(store, registry);
  try {
    const config = loadConfig();
    const b = await bootstrap(registry, config.adminKey, { reinstateAdminKey: config.adminKeyReinstate });
    if (b.createdAdminSecret) console.error(`created the first admin key: ${b.createdAdminSecret}`);
    const notice = adminKeyNotice(b);
    if (notice) console.error(notice.msg);
    return await fn(registry);
  } finally {
    await feed.stop();
    await store.close();
  }
}

/** How long a command waits for another short-lived `lectern` command holding the directory. */
const WAIT_FOR_COMMAND_MS = 15_000;

/**
 * Carries out an operator command. On PostgreSQL, directly (other processes hear of it through the
 * change feed). On PGlite, directly when no one holds the directory; through the server's lock
 * socket when a server does (the server owns the files); after a short wait when another command
 * does. Never on files another process holds.
 */
async function operate<O extends AdminOp>(op: O, args: AdminOps[O]): Promise<unknown> {
  const { loadConfig, DataDirLockedError, request, socketPathFor, runAdminOp } = await local();
  const config = loadConfig();
  const deadline = Date.now() + WAIT_FOR_COMMAND_MS;
  for (;;) {
    let store: Store;
    try {
      store = await storeFor(config, 2);
    } catch (err) {
      if (!(err instanceof DataDirLockedError)) throw err;
      if (err.holder?.admin) {
        try {
          return await request(socketPathFor(config.dataDir), op, args);
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          // The server stopped meanwhile: open the directory ourselves on the next round.
          if (code !== 'ECONNREFUSED' && code !== 'ENOENT') throw e;
        }
      } else if ((err.holder && !err.holder.brief) || Date.now() > deadline)
        // The files are another process's: only a server reached over HTTP may change them then.
        throw new CliError(
          `${err.message}; to manage a running server's store, use --url ${err.holder?.url ?? '<its URL>'} --key <an admin key>`,
          EXIT.error,
        );
      await new Promise((r) => setTimeout(r, 200));
      continue;
    }
    return withRegistry(store, (r) => runAdminOp(r, op, args));
  }
}

export function buildCli(): Command {
  const program = new Command('lectern')
    .description('Lectern, the self-hosted prompt registry')
    .version(VERSION, '-V, --version')
    // Usage errors exit 2 (documented in docs/cli.md); help and --version exit 0. Subcommands
    // made by .command() inherit this.
    .exitOverride((err) => {
      throw err;
    });

  program
    .command('serve')
    .description('start the HTTP server (migrations run first)')
    .action(async () => {
      const { serve, loadConfig, exitOnSignals } = await local();
      const running = await serve(loadConfig());
      exitOnSignals(running);
    });

  program
    .command('migrate')
    .description(
      'apply pending database migrations and exit; with --from, copy every prompt from another vendor instead',
    )
    .addOption(vendorMigrationOptions.from)
    .option('--url <url>', 'with --from: the vendor API base URL')
    .option('--key <key>', 'with --from: the vendor API key (Langfuse: "pk-…:sk-…")')
    .option('--source-workspace <name>', 'with --from nemo: the NeMo workspace to read', 'default')
    .option('--target-url <url>', 'with --from: the Lectern server (default: $LECTERN_URL)')
    .option('--target-key <key>', 'with --from: a Lectern editor key (default: $LECTERN_API_KEY)')
    .option('--workspace <name>', 'with --from: the Lectern workspace to import into')
    .option('--state <file>', 'with --from: the resume state file', 'lectern-migrate-state.json')
    .option(
      '--batch <prompts>',
      'with --from: prompts per import request; the state file moves on after each (default 100)',
    )
    .option(
      '--dry-run',
      'with --from: show what the run would change in the target (nothing written; without a target, fetch and map only)',
    )
    .option('--prune', 'with --from: delete prompts that a former run migrated and the source no longer has')
    .option('--json', 'with --from: print the report as JSON')
    .option('--no-progress', 'no progress bar')
    .action(async (o: VendorMigrationOptions) => {
      if (o.from) return runVendorMigration(o);
      const config = (await local()).loadConfig();
      await (await storeFor(config, 1)).close();
      console.log(
        `migrations applied (${config.databaseUrl ? 'PostgreSQL' : `PGlite at ${config.dataDir}`})`,
      );
    });

  addAdminCommands(program, operate);
  addSyncCommands(program);
  addBulkCommands(program);
  return program;
}

buildCli()
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? EXIT.ok : EXIT.usage);
    console.error(`lectern: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(err instanceof CliError ? err.exitCode : EXIT.error);
  });
