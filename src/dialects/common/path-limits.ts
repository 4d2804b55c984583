// The router's bound on a path segment, and the refusal every API gives past it (in its own
// envelope): shared by the server's framework-error handler and a dialect's catch-all route.
import { badRequest } from '../../model/errors.ts';

/** The longest path segment the router takes (its maxParamLength). */
export const MAX_PATH_SEGMENT = 1024;

export const pathSegmentTooLong = (max = MAX_PATH_SEGMENT) =>
  badRequest(`a path segment is longer than ${max} characters`, {
    reason: 'path_segment_too_long',
    max_length: max,
  });

/** Does the path (query excluded) have a segment the router would refuse? */
export const hasOverlongSegment = (url: string, max = MAX_PATH_SEGMENT) =>
  url
    .split('?')[0]!
    .split('/')
    .some((s) => s.length > max);
