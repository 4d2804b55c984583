// Every NeMo route, one file each: the prompts, and the entity store's workspaces and projects.
import type { FastifyInstance } from 'fastify';
import projectsCreate from './projects-create.ts';
import projectsDelete from './projects-delete.ts';
import projectsGet from './projects-get.ts';
import projectsList from './projects-list.ts';
import promptsCreate from './prompts-create.ts';
import promptsDelete from './prompts-delete.ts';
import promptsGet from './prompts-get.ts';
import promptsList from './prompts-list.ts';
import promptsUpdate from './prompts-update.ts';
import workspacesCreate from './workspaces-create.ts';
import workspacesDelete from './workspaces-delete.ts';
import workspacesGet from './workspaces-get.ts';
import workspacesList from './workspaces-list.ts';
import workspacesUpdate from './workspaces-update.ts';
import projectsUpdate from './projects-update.ts';

export const routes: ((app: FastifyInstance) => void)[] = [
  promptsList,
  promptsCreate,
  promptsGet,
  promptsUpdate,
  promptsDelete,
  workspacesCreate,
  workspacesList,
  workspacesGet,
  workspacesDelete,
  projectsCreate,
  projectsList,
  projectsGet,
  projectsDelete,
  workspacesUpdate,
  projectsUpdate,
];
