// What the prompt routes share: registry errors turned into NeMo's exact texts.
import { LecternError, type Fault } from '../../model/errors.ts';
import { NemoHttpError } from './errors.ts';

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
    case 'no_provider':
    case 'upstream_rate_limited':
    case 'upstream_rejected':
    case 'upstream_failed':
    case 'upstream_timeout':
      return err;
    default:
      return f satisfies never;
  }
}
