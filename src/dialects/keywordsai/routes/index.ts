// Every Keywords AI route, one per file.
import type { FastifyInstance } from 'fastify';
import commitsCreate from './commits-create.ts';
import deploymentsCreate from './deployments-create.ts';
import promptsCreate from './prompts-create.ts';
import promptsDelete from './prompts-delete.ts';
import promptsGet from './prompts-get.ts';
import promptsList from './prompts-list.ts';
import promptsSummary from './prompts-summary.ts';
import promptsUpdate from './prompts-update.ts';
import versionsCreate from './versions-create.ts';
import versionsDelete from './versions-delete.ts';
import versionsGet from './versions-get.ts';
import versionsList from './versions-list.ts';
import versionsUpdate from './versions-update.ts';
import requestLogsCreate from './request-logs-create.ts';

export const routes: ((app: FastifyInstance) => void)[] = [
  promptsCreate,
  promptsList,
  promptsSummary,
  promptsGet,
  promptsUpdate,
  promptsDelete,
  versionsCreate,
  versionsList,
  versionsGet,
  versionsUpdate,
  versionsDelete,
  commitsCreate,
  deploymentsCreate,
  requestLogsCreate,
];
