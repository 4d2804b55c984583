// DRF page-number pagination: {count, next, previous, results} with absolute next/previous URLs.
// Parsing follows DRF: a bad or out-of-range `page` is 404 "Invalid page.", a bad `page_size` falls
// back to the default and a too-large one is clamped to the maximum.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LecternError } from '../../model/errors.ts';

export interface PageRequest {
  page: number;
  pageSize: number;
  limit: number;
  offset: number;
}

const invalidPage = () => new LecternError({ kind: 'not_found', what: 'page' }, 'invalid page');

export function parsePage(
  q: { page?: unknown; page_size?: unknown },
  sizes: { default: number; max: number },
): PageRequest {
  let page = 1;
  if (q.page !== undefined && q.page !== '') {
    const s = String(q.page);
    if (!/^\d{1,9}$/.test(s) || Number(s) < 1) throw invalidPage();
    page = Number(s);
  }
  let pageSize = sizes.default;
  if (q.page_size !== undefined) {
    const s = String(q.page_size);
    if (/^\d{1,9}$/.test(s) && Number(s) >= 1) pageSize = Math.min(Number(s), sizes.max);
  }
  return { page, pageSize, limit: pageSize, offset: (page - 1) * pageSize };
}

/**
 * The request's own URL, absolute: on the configured public base URL (LECTERN_PUBLIC_URL), or else
 * with the scheme and host the client sent. A link built from the client's Host header must never
 * reach another client (one request with `Host: attacker.example` would point everyone's `next`
 * there, and paginating clients send their key along), so such an answer is marked `no-store`:
 * neither the read cache nor any proxy keeps it.
 */
export function absoluteUrl(req: FastifyRequest, reply: FastifyReply): URL {
  const base = req.server.lecternConfig.publicUrl;
  if (base) return new URL(base + req.url);
  reply.header('cache-control', 'no-store');
  return new URL(req.url, `${req.protocol}://${req.host}`);
}

export function pageLinks(
  url: URL,
  p: PageRequest,
  count: number,
): { next: string | null; previous: string | null } {
  const at = (n: number | null) => {
    if (n === null) return null;
    const u = new URL(url);
    if (n === 1) u.searchParams.delete('page');
    else u.searchParams.set('page', String(n));
    return u.toString();
  };
  const hasNext = p.offset + p.pageSize < count;
  return { next: hasNext ? at(p.page + 1) : null, previous: p.page > 1 ? at(p.page - 1) : null };
}

/** Refuses a page past the end (page 1 of an empty list is fine), as DRF does. */
export function checkPageInRange(p: PageRequest, count: number): void {
  if (p.page > 1 && p.offset >= count) throw invalidPage();
}

export function drfPage<T>(url: URL, p: PageRequest, count: number, results: T[]) {
  checkPageInRange(p, count);
  return { count, ...pageLinks(url, p, count), results };
}
