#!/usr/bin/env node
// The `lectern` command: serve, migrate, keys and workspaces. Commands that change data open the
// same store the server uses (DATABASE_URL or LECTERN_DATA_DIR) and act as the built-in operator.
import { Command } from 'commander';
import { openStore } from '../store/db.ts';
import { createRegistry, type Registry } from '../registry/index.ts';
import { loadConfig, type Config } from '../server/config.ts';
import { exitOnSignals, serve } from '../server/serve.ts';
import { adminKeyNotice, bootstrap } from '../server/bootstrap.ts';
import { startChangeFeed } from '../server/change-feed.ts';
import type { Actor, Role } from '../model/types.ts';

/** The CLI runs with the operator's authority: whoever can open the database owns it. */
const OPERATOR: Actor = { keyId: '00000000-0000-7000-8000-000000000000', role: 'admin', workspaceId: null };

const storeFor = (config: Config, poolSize: number) =>
  openStore({
    databaseUrl: config.databaseUrl,
    pgSchema: config.pgSchema,
    dataDir: config.dataDir,
    poolSize,
  });

async function withRegistry<T>(fn: (r: Registry) => Promise<T>): Promise<T> {
  const store = await storeFor(loadConfig(), 2);
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

const print = (value: unknown) => console.log(JSON.stringify(value, null, 2));

export function buildCli(): Command {
  const program = new Command('lectern').description('Lectern, the self-hosted prompt registry');

  program
    .command('serve')
    .description('start the HTTP server (migrations run first)')
    .action(async () => {
      const running = await serve(loadConfig());
      exitOnSignals(running);
    });

  program
    .command('migrate')
    .description('apply pending migrations and exit')
    .action(async () => {
      const config = loadConfig();
      await (await storeFor(config, 1)).close();
      console.log(
        `migrations applied (${config.databaseUrl ? 'PostgreSQL' : `PGlite at ${config.dataDir}`})`,
      );
    });

  const keys = program.command('keys').description('manage API keys');
  keys
    .command('create')
    .requiredOption('--name <name>', 'a name to recognise the key by')
    .option('--role <role>', 'admin | editor | viewer', 'editor')
    .option('--workspace <name>', 'the workspace the key belongs to (admin keys without one see all)')
    .action(async (o: { name: string; role: Role; workspace?: string }) => {
      const { key, secret } = await withRegistry((r) =>
        r.createKey(OPERATOR, { name: o.name, role: o.role, workspace: o.workspace }),
      );
      print({ ...key, secret });
      console.error('The secret is shown only now: store it safely.');
    });
  keys
    .command('list')
    .option('--all', 'include revoked keys')
    .action(async (o: { all?: boolean }) => {
      const page = await withRegistry((r) =>
        r.listKeys(OPERATOR, { limit: 1000, offset: 0, includeRevoked: o.all }),
      );
      print(page.items);
    });
  keys.command('revoke <id>').action(async (id: string) => {
    print(await withRegistry((r) => r.revokeKey(OPERATOR, id)));
  });

  const ws = program.command('workspaces').description('manage workspaces');
  ws.command('create <name>')
    .option('--description <text>')
    .action(async (name: string, o: { description?: string }) => {
      print(await withRegistry((r) => r.createWorkspace(OPERATOR, { name, description: o.description })));
    });
  ws.command('list').action(async () => {
    print((await withRegistry((r) => r.listWorkspaces(OPERATOR, { limit: 1000, offset: 0 }))).items);
  });

  return program;
}

buildCli()
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
