// NeMo's texts for the entity store (workspaces and projects), mapped from the registry's codes.
import { LecternError } from '../../model/errors.ts';
import { NemoHttpError } from './errors.ts';

/** The registry's error code, if the error is one of ours. */
export const codeOf = (err: unknown) => (err instanceof LecternError ? err.code : undefined);

export const workspaceNotFound = (name: string) => new NemoHttpError(404, `Workspace not found: ${name}`);

export const projectNotFound = (ws: string, name: string) =>
  new NemoHttpError(404, `Project not found: ${ws}/${name}`);

/** Offset of a 1-based page, clamped so a huge page number is an empty page, not an SQL error. */
export const pageOffset = (page: number, pageSize: number) => Math.min((page - 1) * pageSize, 2_000_000_000);
