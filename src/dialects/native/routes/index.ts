// Every native route, one per file.
import type { FastifyInstance } from 'fastify';
import auditList from './audit-list.ts';
import keysCreate from './keys-create.ts';
import keysList from './keys-list.ts';
import keysRevoke from './keys-revoke.ts';
import labelsDelete from './labels-delete.ts';
import labelsHistory from './labels-history.ts';
import labelsList from './labels-list.ts';
import foldersList from './folders-list.ts';
import exportWorkspace from './export.ts';
import importWorkspace from './import.ts';
import labelsSet from './labels-set.ts';
import me from './me.ts';
import projectsCreate from './projects-create.ts';
import projectsDelete from './projects-delete.ts';
import projectsGet from './projects-get.ts';
import projectsList from './projects-list.ts';
import promptsCreate from './prompts-create.ts';
import promptsDelete from './prompts-delete.ts';
import promptsGet from './prompts-get.ts';
import promptsList from './prompts-list.ts';
import promptsResolve from './prompts-resolve.ts';
import promptsRestore from './prompts-restore.ts';
import promptsUpdate from './prompts-update.ts';
import renderPrompt from './render-prompt.ts';
import renderStateless from './render-stateless.ts';
import versionsCommit from './versions-commit.ts';
import versionsCreate from './versions-create.ts';
import versionsDelete from './versions-delete.ts';
import versionsDiff from './versions-diff.ts';
import versionsGet from './versions-get.ts';
import versionsList from './versions-list.ts';
import versionsUpdate from './versions-update.ts';
import workspacesCreate from './workspaces-create.ts';
import workspacesDelete from './workspaces-delete.ts';
import workspacesGet from './workspaces-get.ts';
import workspacesList from './workspaces-list.ts';
import promptsRun from './prompts-run.ts';
import chatCompletions from './chat-completions.ts';
import webhooksCreate from './webhooks-create.ts';
import webhooksList from './webhooks-list.ts';
import webhooksGet from './webhooks-get.ts';
import webhooksUpdate from './webhooks-update.ts';
import webhooksRotate from './webhooks-rotate.ts';
import webhooksDelete from './webhooks-delete.ts';
import webhooksDeliveries from './webhooks-deliveries.ts';
import webhooksReplay from './webhooks-replay.ts';
import eventsStream from './events-stream.ts';
import requestLogsList from './request-logs-list.ts';
import requestLogsGet from './request-logs-get.ts';
import requestLogsCreate from './request-logs-create.ts';
import requestGroupsCreate from './request-groups-create.ts';
import requestGroupsGet from './request-groups-get.ts';
import requestGroupsList from './request-groups-list.ts';
import promptsUsage from './prompts-usage.ts';
import requestLogSettings from './request-log-settings.ts';

export const routes: ((app: FastifyInstance) => void)[] = [
  promptsCreate,
  promptsList,
  promptsGet,
  promptsUpdate,
  promptsDelete,
  promptsRestore,
  promptsResolve,
  versionsCreate,
  versionsList,
  versionsGet,
  versionsUpdate,
  versionsCommit,
  versionsDelete,
  versionsDiff,
  labelsList,
  labelsHistory,
  labelsSet,
  labelsDelete,
  renderPrompt,
  renderStateless,
  auditList,
  keysCreate,
  keysList,
  keysRevoke,
  workspacesCreate,
  workspacesList,
  workspacesGet,
  workspacesDelete,
  projectsCreate,
  projectsList,
  projectsGet,
  projectsDelete,
  promptsRun,
  chatCompletions,
  me,
  foldersList,
  exportWorkspace,
  importWorkspace,
  webhooksCreate,
  webhooksList,
  webhooksGet,
  webhooksUpdate,
  webhooksRotate,
  webhooksDelete,
  webhooksDeliveries,
  webhooksReplay,
  eventsStream,
  requestLogsList,
  requestLogsGet,
  requestLogsCreate,
  requestGroupsCreate,
  requestGroupsList,
  requestGroupsGet,
  promptsUsage,
  requestLogSettings,
];
