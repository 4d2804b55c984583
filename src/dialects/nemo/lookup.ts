// What the prompt routes share: project names of a workspace, a prompt with its newest version as a
// NeMo object, and registry errors turned into NeMo's exact texts.
import type { FastifyInstance } from 'fastify';
import { LecternError, type Fault } from '../../model/errors.ts';
import type { Actor, Prompt } from '../../model/types.ts';
import { NemoHttpError } from './errors.ts';
import { promptWire, type PromptWire } from './wire.ts';

/** Project id → name for a workspace (all of its live projects). */
export async function projectNames(
  app: FastifyInstance,
  actor: Actor,
  workspace: string,
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (let offset = 0; ; offset += 500) {
    const page = await app.registry.listProjects(actor, workspace, { limit: 500, offset });
    for (const p of page.items) out.set(p.id, p.name);
    if (page.items.length < 500) return out;
  }
}

/** Prompts as NeMo objects, each with its newest version (one query for all versions). */
export async function promptViews(
  app: FastifyInstance,
  actor: Actor,
  workspace: string,
  prompts: Prompt[],
  projects?: Map<string, string>,
): Promise<PromptWire[]> {
  const names = projects ?? (await projectNames(app, actor, workspace));
  const versions = await app.registry.versionSummariesOf(
    actor,
    prompts.map((p) => p.id),
  );
  return prompts.map((p) =>
    promptWire(
      p,
      versions.get(p.id)?.latest ?? undefined,
      workspace,
      p.projectId ? (names.get(p.projectId) ?? null) : null,
    ),
  );
}

export const promptNotFound = (ws: string, name: string) =>
  new NemoHttpError(404, `Prompt not found: ${ws}/${name}`);
export const workspaceMissing = (ws: string) =>
  new NemoHttpError(422, `Workspace '${ws}' does not exist. Please create the workspace first.`);
export const projectMissing = (project: string, ws: string) =>
  new NemoHttpError(
    422,
    `Project '${project}' does not exist in workspace '${ws}'. Please create the project first.`,
  );

/** Registry errors of a prompt write/read, in NeMo's words; anything else passes through. */
export function translatePromptError(
  err: unknown,
  ws: string,
  name: string,
  opts: { project?: string | null; creating?: boolean } = {},
): unknown {
  if (!(err instanceof LecternError)) return err;
  const f: Fault = err.fault;
  switch (f.kind) {
    // On create, a workspace that is absent (or hidden from this key) is NeMo's 422; elsewhere a
    // missing workspace and a missing prompt are the same 404.
    case 'workspace_not_found':
    case 'prompt_not_found':
    case 'version_not_found':
    case 'label_not_found':
    case 'project_not_found':
    case 'not_found':
      return opts.creating ? workspaceMissing(ws) : promptNotFound(ws, name);
    case 'name_taken':
    case 'conflict':
      return opts.creating
        ? new NemoHttpError(409, `Prompt with workspace '${ws}' and name '${name}' already exists`)
        : err;
    case 'project_missing':
      return projectMissing(f.project, ws);
    case 'invalid':
    case 'malformed_body':
    case 'unauthorized':
    case 'forbidden':
    case 'label_exists':
    case 'version_read_only':
    case 'version_labelled':
    case 'no_draft':
    case 'kind_locked':
    case 'retry':
    case 'stale':
    case 'payload_too_large':
    case 'unprocessable':
    case 'rate_limited':
    case 'render_busy':
    case 'unavailable':
      return err;
    default:
      return f satisfies never;
  }
}
