// The registry: every use case Lectern has, each one transaction, bound to one store. Dialects call
// these and nothing below them.
import type { Store } from '../store/db.ts';
import type { Change, RegistryContext } from './context.ts';
import * as audit from './audit.ts';
import * as externalIds from './external-ids.ts';
import * as keys from './keys.ts';
import * as labels from './labels.ts';
import * as prompts from './prompts.ts';
import * as versions from './versions.ts';
import * as summaries from './version-summaries.ts';
import * as workspaces from './workspaces.ts';

export type { Change } from './context.ts';
export type { PromptRef, PromptInput, PromptPatch, PromptListQuery } from './prompts.ts';
export type {
  VersionSelector,
  VersionView,
  Resolved,
  WriteOptions,
  DraftEdit,
  ExternalIdRef,
} from './versions.ts';
export type { VersionSummary } from './version-summaries.ts';
export type { KeyInput } from './keys.ts';
export type { ExternalId, ExternalIdKey, UpsertResult } from './external-ids.ts';
export type { NamedInput } from './workspaces.ts';
export { promptEtag, isPromptNotFound } from './prompts.ts';
export type { PromptFilter, PromptFilterField, PromptFilterOp, DisplayNameAlias } from './prompt-filter.ts';

const on =
  <A extends unknown[], R>(ctx: RegistryContext, fn: (ctx: RegistryContext, ...args: A) => R) =>
  (...args: A): R =>
    fn(ctx, ...args);

export function createRegistry(store: Store) {
  const listeners = new Set<(changes: Change[]) => void>();
  const ctx: RegistryContext = { store, emit: (changes) => listeners.forEach((l) => l(changes)) };
  return {
    store,
    ctx,
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

    createPrompt: on(ctx, prompts.createPrompt),
    getPrompt: on(ctx, prompts.getPrompt),
    listPrompts: on(ctx, prompts.listPrompts),
    listFolders: on(ctx, prompts.listFolders),
    updatePrompt: on(ctx, prompts.updatePrompt),
    deletePrompt: on(ctx, prompts.deletePrompt),
    restorePrompt: on(ctx, prompts.restorePrompt),

    createVersion: on(ctx, versions.createVersion),
    deriveVersion: on(ctx, versions.deriveVersion),
    publishVersion: on(ctx, versions.publishVersion),
    editDraft: on(ctx, versions.editDraft),
    commitDraft: on(ctx, versions.commitDraft),
    deleteVersion: on(ctx, versions.deleteVersion),
    getVersion: on(ctx, versions.getVersion),
    getVersionBySeq: on(ctx, versions.getVersionBySeq),
    listVersions: on(ctx, versions.listVersions),
    latestVersionsOf: on(ctx, versions.latestVersionsOf),
    versionSummariesOf: on(ctx, summaries.versionSummariesOf),
    reviseVersion: on(ctx, versions.reviseVersion),

    setLabel: on(ctx, labels.setLabel),
    deleteLabel: on(ctx, labels.deleteLabel),
    listLabels: on(ctx, labels.listLabels),
    findLabelBySeq: on(ctx, labels.findLabelBySeq),
    labelHistory: on(ctx, labels.labelHistoryOf),

    upsertByExternalId: on(ctx, externalIds.upsertByExternalId),
    publishWithExternalIds: on(ctx, externalIds.publishWithExternalIds),
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
    createProject: on(ctx, workspaces.createProject),
    listProjects: on(ctx, workspaces.listProjects),
    getProject: on(ctx, workspaces.getProject),
    deleteProject: on(ctx, workspaces.deleteProject),

    createKey: on(ctx, keys.createKey),
    listKeys: on(ctx, keys.listKeys),
    revokeKey: on(ctx, keys.revokeKey),
    authenticate: on(ctx, keys.authenticate),
    countActiveKeys: on(ctx, keys.countActiveKeys),
    ensureKey: on(ctx, keys.ensureKey),

    listAudit: on(ctx, audit.listAudit),
  };
}

export type Registry = ReturnType<typeof createRegistry>;
