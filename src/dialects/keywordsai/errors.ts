// The Keywords AI error envelope: Django REST Framework's {"detail": "..."}. Schema failures name
// the field; lifecycle refusals (a read-only version, the live version) are 400 as the product
// documents only 400/401/404 for these endpoints (403 stays for a key whose role cannot write).
import type { Fault } from '../../model/errors.ts';
import { PRODUCTION_LABEL } from '../../model/types.ts';
import { toProblem, type Problem } from '../common/errors.ts';

export interface KwError {
  status: number;
  detail: string;
  /** Seconds, sent as Retry-After (429, 503). */
  retryAfter?: number;
}

/** "/load_balance_models/0/weight" → "load_balance_models[0].weight" */
export function fieldOf(instancePath: string, missing?: unknown): string {
  const parts = instancePath.split('/').filter(Boolean);
  if (typeof missing === 'string') parts.push(missing);
  let out = '';
  for (const p of parts) out += /^\d+$/.test(p) ? `[${p}]` : out ? `.${p}` : p;
  return out;
}

/** The one most useful validation error: a range or enum failure beats "must be null" / anyOf noise. */
export function validationDetail(
  errors: NonNullable<Problem['validation']>,
  context: string | undefined,
): string {
  const rank = (e: (typeof errors)[number]) =>
    e.keyword === 'anyOf' || e.keyword === 'oneOf'
      ? 3
      : e.keyword === 'type' && e.params.type === 'null'
        ? 2
        : e.keyword === 'const'
          ? 1
          : 0;
  const best = [...errors].sort((a, b) => rank(a) - rank(b))[0];
  if (!best) return 'Invalid request.';
  const field = fieldOf(best.instancePath, best.params.missingProperty);
  if (best.keyword === 'required') return `${field}: This field is required.`;
  if (best.keyword === 'const' || best.keyword === 'enum') {
    const allowed = errors
      .filter((e) => e.instancePath === best.instancePath && (e.keyword === 'const' || e.keyword === 'enum'))
      .flatMap((e) =>
        e.params.allowedValue !== undefined
          ? [e.params.allowedValue]
          : ((e.params.allowedValues as unknown[]) ?? []),
      );
    return `${field}: not a valid choice; expected one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}.`;
  }
  const where = field || (context === 'body' ? 'body' : (context ?? 'request'));
  return `${where}: ${best.message ?? 'invalid value'}.`;
}

const capitalise = (s: string) => (s ? s[0]!.toUpperCase() + s.slice(1) : s);

const sentence = (m: string) => capitalise(m.endsWith('.') ? m : `${m}.`);

/** A registry failure in the product's words; every kind is listed (the compiler checks it). */
export function kwFault(f: Fault, message: string): KwError {
  switch (f.kind) {
    case 'unauthorized':
      return {
        status: 401,
        detail:
          f.reason === 'missing_key' ? 'Authentication credentials were not provided.' : 'Invalid API key.',
      };
    case 'forbidden':
      return { status: 403, detail: 'You do not have permission to perform this action.' };
    case 'workspace_not_found':
    case 'prompt_not_found':
    case 'version_not_found':
    case 'label_not_found':
    case 'project_not_found':
    case 'not_found':
      return { status: 404, detail: `${capitalise(message)}.` };
    case 'version_read_only':
      return {
        status: 400,
        detail: `Version ${f.version} is read-only (committed); only the draft can be edited. Create a new version to change it.`,
      };
    case 'version_labelled':
      return {
        status: 400,
        detail: f.labels.includes(PRODUCTION_LABEL)
          ? `Version ${f.version} is the live version and cannot be deleted; deploy another version first.`
          : sentence(message),
      };
    // Lifecycle refusals are 400: the product documents only 400/401/404 for these endpoints.
    case 'name_taken':
    case 'label_exists':
    case 'no_draft':
    case 'kind_locked':
    case 'retry':
    case 'conflict':
    case 'stale':
    case 'project_missing':
    case 'unprocessable':
      return { status: 400, detail: sentence(message) };
    case 'invalid':
    case 'malformed_body':
      return { status: 400, detail: message };
    case 'payload_too_large':
      return { status: 413, detail: message };
    case 'rate_limited':
    case 'render_busy':
      return { status: 429, detail: message, retryAfter: f.retryAfter };
    case 'unavailable':
      return { status: 503, detail: capitalise(`${message}.`), retryAfter: f.retryAfter };
    default:
      return f satisfies never;
  }
}

export function toKwError(err: unknown): KwError {
  const p = toProblem(err);
  if (p.validation) return { status: 400, detail: validationDetail(p.validation, p.validationContext) };
  if (p.fault) return kwFault(p.fault, p.message);
  switch (p.status) {
    case 401:
      return { status: 401, detail: 'Authentication credentials were not provided.' };
    case 403:
      return { status: 403, detail: 'You do not have permission to perform this action.' };
    case 404:
      return { status: 404, detail: `${capitalise(p.message)}.` };
    case 409:
    case 412:
    case 422:
      return { status: 400, detail: capitalise(p.message.endsWith('.') ? p.message : `${p.message}.`) };
    default:
      if (p.status >= 500) return { status: 500, detail: 'A server error occurred.' };
      return { status: p.status, detail: p.message };
  }
}
