// Every NeMo route: the prompts (one file per route) and the entity-store workspaces and projects.
import type { FastifyInstance } from 'fastify';
import promptsCreate from './prompts-create.ts';
import promptsDelete from './prompts-delete.ts';
import promptsGet from './prompts-get.ts';
import promptsList from './prompts-list.ts';
import promptsUpdate from './prompts-update.ts';
import projects from './projects.ts';
import workspaces from './workspaces.ts';

export const routes: ((app: FastifyInstance) => void)[] = [
  promptsList,
  promptsCreate,
  promptsGet,
  promptsUpdate,
  promptsDelete,
  workspaces,
  projects,
];
