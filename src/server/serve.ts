// Runs Lectern: open the store (migrations run), bootstrap, listen, and shut down gracefully on
// SIGTERM/SIGINT — stop accepting, let in-flight requests finish, close the database, exit 0.
import type { FastifyInstance } from 'fastify';
import { openStore, type Store } from '../store/db.ts';
import { DataDirLockedError } from '../store/dir-lock.ts';
import { createRegistry } from '../registry/index.ts';
import { buildApp } from './app.ts';
import { adminKeyNotice, bootstrap } from './bootstrap.ts';
import { startChangeFeed } from './change-feed.ts';
import type { Config } from './config.ts';
import { runAdminOp } from './admin-channel.ts';
import { startWebhookWorker } from '../delivery/webhooks.ts';
import { startRequestLogMaintenance } from '../delivery/request-log-retention.ts';

export interface Running {
  app: FastifyInstance;
  store: Store;
  url: string;
  stop(): Promise<void>;
}

/** Opens the store, waiting (up to 15 s) while a `lectern` command briefly holds its directory. */
async function openHeld(open: () => Promise<Store>): Promise<Store> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      return await open();
    } catch (err) {
      // A holder too busy to say who it is (PGlite's start blocks its event loop) may be brief too.
      const brief = err instanceof DataDirLockedError && (err.holder === null || err.holder.brief);
      if (!brief || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

export async function serve(config: Config): Promise<Running> {
  const store = await openHeld(() =>
    openStore({
      databaseUrl: config.databaseUrl,
      pgSchema: config.pgSchema,
      dataDir: config.dataDir,
      poolSize: config.pgPoolSize,
      preparedStatements: config.pgPreparedStatements,
      pgliteThread: config.pgliteThread,
      owner: 'lectern serve',
    }),
  );
  const registry = createRegistry(store, { prices: config.prices });
  const boot = await bootstrap(registry, config.adminKey, { reinstateAdminKey: config.adminKeyReinstate });
  const app = await buildApp({ registry, config, warmRenderer: true });
  // On PostgreSQL other processes may write: their changes reach our caches through LISTEN/NOTIFY.
  const feed = await startChangeFeed(store, registry, {
    onRemote: (changes) => {
      registry.outbox.kick(); // another process's outbox rows: sequence them, deliver
      if (changes === 'all') app.readCache?.invalidateAll();
      else app.readCache?.invalidate(changes);
      if (changes === 'all' || changes.some((c) => c.kind === 'key' || c.kind === 'workspace')) {
        app.authenticator.invalidate();
      }
    },
    // Bounded staleness: while other processes' changes cannot reach us, nothing is answered from
    // memory; once the feed is back (the store has already announced "anything changed"), the
    // caches start again from empty.
    onState: (up) => {
      app.feedHealth.set(up);
      app.authenticator.setBypass(!up);
      if (up) {
        app.readCache?.resume();
        app.log.warn('change feed restored: caches dropped and resumed');
      } else {
        app.readCache?.suspend();
        app.log.error(
          'change feed down (the LISTEN connection to PostgreSQL is lost): caches are off and every read goes to the database until it is back',
        );
      }
    },
  });
  // The request log's daily partitions: made ahead, dropped past the retention (docs/request-log.md).
  const logMaintenance = startRequestLogMaintenance(store, {
    retentionDays: config.requestLogRetentionDays,
    onError: (err) => app.log.error({ err }, 'request log maintenance failed'),
  });
  const notice = adminKeyNotice(boot);
  if (notice) app.log[notice.level]({ keyId: notice.keyId }, notice.msg);
  if (boot.createdAdminSecret) {
    // Shown once: only its hash is stored.
    process.stdout.write(
      `\nLectern created the first admin API key (shown only now, store it safely):\n\n  ${boot.createdAdminSecret}\n\n`,
    );
  }
  // Responses in progress (http-server.ts), so a stop can tell their connections to close once answered.
  const inFlight = app.inFlight;
  const url = await app.listen({ port: config.port, host: config.host });
  const webhooks = startWebhookWorker(registry, {
    retrySchedule: config.webhookRetrySchedule,
    timeoutMs: config.webhookTimeoutMs,
    allowPrivate: config.webhookAllowPrivate,
    concurrency: config.webhookConcurrency,
    perEndpoint: config.webhookEndpointConcurrency,
    retentionDays: config.outboxRetentionDays,
    log: app.log,
    requestsInFlight: () => inFlight.size,
    rateUnderLoad: config.webhookRateUnderLoad,
  });
  app.log.info({ backend: store.backend, url }, 'lectern listening');
  // `lectern keys …` / `workspaces …` run while we hold the PGlite directory come through us.
  store.dirLock?.describe({ url });
  store.dirLock?.serve((op, args) => runAdminOp(registry, op, args));
  let stopping: Promise<void> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      // Requests already on the wire while the event loop was busy (a long render) are read
      // first, so they count as in flight instead of being cut as idle connections.
      await new Promise((resolve) => setTimeout(resolve, 20));
      // Busy connections close once answered, instead of idling out the keep-alive timeout (72 s).
      for (const res of inFlight) if (!res.headersSent) res.shouldKeepAlive = false;
      // Stops accepting, waits for in-flight requests, then flushes the request log (its onClose
      // hook, request-log-wiring.ts): before the store closes, so no acknowledged record is lost.
      await app.close();
      await webhooks.stop(); // in-flight deliveries end (or are given back) before the store closes
      await logMaintenance.stop();
      await feed.stop();
      await store.close();
    })());
  return { app, store, url, stop };
}

/** Wires SIGTERM/SIGINT to a graceful stop and exit 0. */
export function exitOnSignals(running: Running): void {
  const onSignal = (signal: string) => {
    running.app.log.info({ signal }, 'shutting down');
    running.stop().then(
      () => process.exit(0),
      (err) => {
        running.app.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => onSignal('SIGTERM'));
  process.once('SIGINT', () => onSignal('SIGINT'));
}
