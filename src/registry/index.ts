// The registry: every use case Lectern has, each one transaction, bound to one store. Dialects call
// these and nothing below them. Every change to a prompt's fields, versions and labels is one call
// of `write` with a plan (write.ts); deletes, restores and external-id attach/detach have their own.
import { BUILTIN_PRICES, type PriceTable } from '../model/prices.ts';
import type { Store } from '../store/db.ts';
import type { Actor } from '../model/types.ts';
import type { Change, RegistryContext } from './context.ts';
import * as audit from './audit.ts';
import * as bulk from './bulk.ts';
import * as externalIds from './external-ids.ts';
import * as keys from './keys.ts';
import * as labels from './labels.ts';
import * as prompts from './prompts.ts';
import * as versionReads from './version-reads.ts';
import * as versionWrites from './version-writes.ts';
import * as summaries from './version-summaries.ts';
import * as snippets from './snippet-usage.ts';
import * as templateReads from './template-reads.ts';
import * as promptPages from './prompt-pages.ts';
import * as versionGroups from './version-groups.ts';
import * as writes from './write.ts';
import * as workspaces from './workspaces.ts';
import { createRequestLog } from './request-log.ts';
import * as requestLinks from './request-links.ts';
import * as webhooks from './webhooks.ts';
import * as outbox from './outbox.ts';
import * as requestLogReads from './request-log-reads.ts';

export type { Change } from './context.ts';
export type { PromptRef, PromptInput, PromptPatch, PromptListQuery } from './prompts.ts';
export type { VersionSelector, VersionView, Resolved, PromptWithVersions } from './version-reads.ts';
export type { ExternalIdRef } from './version-writes.ts';
export type {
  WritePlan,
  WriteTarget,
  WriteResult,
  VersionStep,
  LabelStep,
  LabelResult,
  ContentBuilder,
} from './write.ts';
export type { LabelRef } from './labels.ts';
export type { VersionSummary } from './version-summaries.ts';
export type { SnippetUsage, SnippetUser } from './snippet-usage.ts';
export type { TemplateRead } from './template-reads.ts';
export type {
  PromptWithLatest,
  PromptPageQuery,
  PromptWithExternalIds,
  ExternalIdPageQuery,
} from './prompt-pages.ts';
export type { VersionGroup, VersionGroupQuery } from './version-groups.ts';
export type { KeyInput } from './keys.ts';
export { publicKeyOf } from './keys.ts';
export type { ExternalId, ExternalIdKey } from './external-ids.ts';
export type { NamedInput, NamedUpdate } from './workspaces.ts';
export type { ImportReport } from './bulk.ts';
export type { RequestLogQueue, RequestLogRow, LogRequestOptions } from './request-log.ts';
export type {
  PromptLink,
  LinkedLog,
  LinkedReceipt,
  RequestGroup,
  RequestGroupPage,
} from './request-links.ts';
export type { WebhookEndpoint, EndpointInput, EndpointPatch, DeliveryView } from './webhooks.ts';
export type { ClaimedDelivery, AttemptResult, SequencerRun } from './outbox.ts';
export { DEFAULT_PER_ENDPOINT } from './outbox.ts';
export type {
  RequestLogRecord,
  RequestLogQuery,
  RequestLogPage,
  UsageQuery,
  PromptUsage,
  VersionUsage,
  UsageBucket,
} from './request-log-reads.ts';
export type { PromptFilter, PromptFilterField, PromptFilterOp, DisplayNameAlias } from './prompt-filter.ts';

/** The parameters after the context and the request-log service. */
type Tail<P extends unknown[]> = P extends [unknown, unknown, ...infer R] ? R : never;

const on =
  <A extends unknown[], R>(ctx: RegistryContext, fn: (ctx: RegistryContext, ...args: A) => R) =>
  (...args: A): R =>
    fn(ctx, ...args);

export interface RegistryOptions {
  /** Prices for records logged without a cost (default: the built-in table). */
  prices?: PriceTable;
}

export function createRegistry(store: Store, opts: RegistryOptions = {}) {
  const listeners = new Set<(changes: Change[]) => void>();
  // Every committed change may have written outbox rows: the hub sequences them at once.
  const hub = new outbox.OutboxHub(store.db, store.backend);
  const ctx: RegistryContext = {
    store,
    prices: opts.prices ?? BUILTIN_PRICES,
    emit: (changes) => {
      listeners.forEach((l) => l(changes));
      hub.kick();
    },
  };
  const requestLog = createRequestLog(ctx);
  return {
    store,
    ctx,
    /** The prices that cost a logged request sent without one (the gateway prices its runs alike). */
    prices: ctx.prices,
    /** Subscribe to committed changes (read caches invalidate here). */
    onChange(listener: (changes: Change[]) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    /**
     * Publish every transaction's changes on `channel` (NOTIFY) from inside the transaction, with
     * the payload `encode` makes (the change feed does this on PostgreSQL). Returns a stop function.
     */
    publishChanges(channel: string, encode: (changes: readonly Change[]) => string): () => void {
      const pub = { channel, encode };
      ctx.publish = pub;
      return () => {
        if (ctx.publish === pub) ctx.publish = undefined;
      };
    },

    /** The one write command: a plan (target, base, content, mode, labels, If-Match), one transaction. */
    write: on(ctx, writes.write),

    getPrompt: on(ctx, prompts.getPrompt),
    listPrompts: on(ctx, prompts.listPrompts),
    listPromptsWithLatest: on(ctx, promptPages.listPromptsWithLatest),
    getPromptWithLatest: on(ctx, promptPages.getPromptWithLatest),
    /** A page with each prompt's shown version and external ids, and the workspace's seq: one call. */
    listPromptsWithExternalIds: on(ctx, promptPages.listPromptsWithExternalIds),
    listFolders: on(ctx, prompts.listFolders),
    deletePrompt: on(ctx, prompts.deletePrompt),
    deletePrompts: on(ctx, prompts.deletePrompts),
    restorePrompt: on(ctx, prompts.restorePrompt),

    deleteVersion: on(ctx, versionWrites.deleteVersion),
    getVersion: on(ctx, versionReads.getVersion),
    getVersionBySeq: on(ctx, versionReads.getVersionBySeq),
    getVersionPair: on(ctx, versionReads.getVersionPair),
    /** A version with its labels, workspace seq and (on request) snippets expanded: one call. */
    getTemplate: on(ctx, templateReads.getTemplate),
    listVersions: on(ctx, versionReads.listVersions),
    snippetUsage: on(ctx, snippets.snippetUsage),
    promptWithVersions: on(ctx, versionReads.promptWithVersions),
    versionSummariesOf: on(ctx, summaries.versionSummariesOf),
    getVersionWithLatest: on(ctx, versionGroups.getVersionWithLatest),
    listVersionGroups: on(ctx, versionGroups.listVersionGroups),

    deleteLabel: on(ctx, labels.deleteLabel),
    listLabels: on(ctx, labels.listLabels),
    findLabelBySeq: on(ctx, labels.findLabelBySeq),
    labelHistory: on(ctx, labels.labelHistoryOf),

    attachExternalId: on(ctx, externalIds.attachExternalId),
    detachExternalId: on(ctx, externalIds.detachExternalId),
    listExternalIds: on(ctx, externalIds.listExternalIds),
    findByExternalId: on(ctx, externalIds.findByExternalId),
    externalIdsOf: on(ctx, externalIds.externalIdsOf),

    createWorkspace: on(ctx, workspaces.createWorkspace),
    ensureWorkspace: on(ctx, workspaces.ensureWorkspace),
    listWorkspaces: on(ctx, workspaces.listWorkspaces),
    getWorkspace: on(ctx, workspaces.getWorkspace),
    deleteWorkspace: on(ctx, workspaces.deleteWorkspace),
    updateWorkspace: on(ctx, workspaces.updateWorkspace),
    createProject: on(ctx, workspaces.createProject),
    listProjects: on(ctx, workspaces.listProjects),
    getProject: on(ctx, workspaces.getProject),
    deleteProject: on(ctx, workspaces.deleteProject),
    updateProject: on(ctx, workspaces.updateProject),

    createKey: on(ctx, keys.createKey),
    listKeys: on(ctx, keys.listKeys),
    revokeKey: on(ctx, keys.revokeKey),
    authenticate: on(ctx, keys.authenticate),
    countActiveKeys: on(ctx, keys.countActiveKeys),
    ensureKey: on(ctx, keys.ensureKey),

    listAudit: on(ctx, audit.listAudit),

    /** A workspace as export records (a stream: pages of prompts read as it is consumed). */
    exportWorkspace: on(ctx, bulk.exportWorkspace),
    /** Imports export lines in batched transactions, keeping ids, authors, times and history. */
    importRecords: on(ctx, bulk.importRecords),
    // The request log (request-log.ts): logRequest, enrichRequest, flushRequestLog, …
    ...requestLog,
    // Records tied to a version or a group in the same call (request-links.ts).
    logLinkedRequests: (...a: Tail<Parameters<typeof requestLinks.logLinkedRequests>>) =>
      requestLinks.logLinkedRequests(ctx, requestLog, ...a),
    linkRequest: (...a: Tail<Parameters<typeof requestLinks.linkRequest>>) =>
      requestLinks.linkRequest(ctx, requestLog, ...a),
    groupRequest: (...a: Tail<Parameters<typeof requestLinks.groupRequest>>) =>
      requestLinks.groupRequest(ctx, requestLog, ...a),
    createRequestGroup: on(ctx, requestLinks.createRequestGroup),
    getRequestGroup: on(ctx, requestLinks.getRequestGroup),
    listRequestGroups: on(ctx, requestLinks.listRequestGroups),
    createWebhook: on(ctx, webhooks.createEndpoint),
    listWebhooks: on(ctx, webhooks.listEndpoints),
    getWebhook: on(ctx, webhooks.getEndpoint),
    updateWebhook: on(ctx, webhooks.updateEndpoint),
    rotateWebhookSecret: on(ctx, webhooks.rotateSecret),
    deleteWebhook: on(ctx, webhooks.deleteEndpoint),
    listWebhookDeliveries: on(ctx, webhooks.listDeliveries),
    replayWebhookDelivery: on(ctx, webhooks.replayDelivery),
    /** The change stream of the caller's workspace (GET /v1/events). */
    openEventStream: (actor: Actor, q: { workspace?: string; after?: number }) =>
      outbox.openEventStream(ctx, hub, actor, q),
    /** The outbox machinery the delivery worker drives (src/delivery/webhooks.ts). */
    outbox: {
      hub,
      /** Another process committed something (its NOTIFY arrived): sequence and wake. */
      kick: () => hub.kick(),
      claim: (owner: string, leaseMs: number, limit: number, perEndpoint?: number) =>
        outbox.claimDeliveries(store.db, owner, leaseMs, limit, perEndpoint),
      record: (owner: string, results: outbox.AttemptResult[]) =>
        outbox.recordAttempts(store.db, owner, results),
      prune: (days: number) => outbox.pruneOutbox(store.db, days),
      versionForPayload: (promptId: string, number: number) =>
        outbox.versionForPayload(store.db, promptId, number),
    },
    listRequestLogs: on(ctx, requestLogReads.listRequestLogs),
    getRequestLog: on(ctx, requestLogReads.getRequestLog),
    promptUsage: on(ctx, requestLogReads.promptUsage),
  };
}

export type Registry = ReturnType<typeof createRegistry>;
