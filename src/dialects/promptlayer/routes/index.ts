// Every PromptLayer route, one per file.
import type { FastifyInstance } from 'fastify';
import publish from './publish.ts';
import patch from './patch.ts';
import getRendered from './get-rendered.ts';
import getRaw from './get-raw.ts';
import list from './list.ts';
import labelsList from './labels-list.ts';
import labelsCreate from './labels-create.ts';
import labelsMove from './labels-move.ts';
import labelsDelete from './labels-delete.ts';
import snippetUsage from './snippet-usage.ts';
import entitiesDelete from './entities-delete.ts';
import externalIdsUpsert from './external-ids-upsert.ts';
import externalIdsAttach from './external-ids-attach.ts';
import externalIdsList from './external-ids-list.ts';
import externalIdsDelete from './external-ids-delete.ts';
import trackRequest from './track-request.ts';
import logRequest from './log-request.ts';
import trackMetadata from './track-metadata.ts';
import trackPrompt from './track-prompt.ts';
import trackScore from './track-score.ts';
import trackGroup from './track-group.ts';
import createGroup from './create-group.ts';
import spansBulk from './spans-bulk.ts';
import otlpTraces from './otlp-traces.ts';
import unserved from './unserved.ts';

export const routes: ((app: FastifyInstance) => void)[] = [
  publish,
  patch,
  getRendered,
  getRaw,
  list,
  labelsList,
  labelsCreate,
  labelsMove,
  labelsDelete,
  snippetUsage,
  entitiesDelete,
  externalIdsUpsert,
  externalIdsAttach,
  externalIdsList,
  externalIdsDelete,
  trackRequest,
  logRequest,
  trackMetadata,
  trackPrompt,
  trackScore,
  trackGroup,
  createGroup,
  spansBulk,
  otlpTraces,
  unserved,
];
