// Serves the web UI (web/dist) at `/`: hashed assets are immutable, index.html is never cached, and
// every UI answer carries a strict Content-Security-Policy (no inline script, no other host).
// The UI routes in the URL's fragment (/#/prompts/...), so the server owns only `/` and `/assets/`:
// every other path stays the API's, and its 404s stay in their dialect's envelope.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fastifyStatic from '@fastify/static';

/**
 * The UI's policy. Styles may also come from <style> elements carrying this response's nonce: the
 * code editor (CodeMirror) injects its own, and the page reads the nonce from a meta tag.
 */
export const uiCsp = (nonce?: string) =>
  [
    "default-src 'self'",
    "script-src 'self'",
    nonce ? `style-src 'self' 'nonce-${nonce}'` : "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');

const NONCE_MARK = '__CSP_NONCE__';

const defaultDist = fileURLToPath(new URL('../../web/dist/', import.meta.url));

type SetHeader = (name: string, value: string) => unknown;

function uiHeaders(set: SetHeader, nonce?: string) {
  set('content-security-policy', uiCsp(nonce));
  set('x-content-type-options', 'nosniff');
  set('referrer-policy', 'no-referrer');
}

export async function installStaticUi(
  app: FastifyInstance,
  dist = process.env.LECTERN_UI_DIST ?? defaultDist,
) {
  const index = path.join(dist, 'index.html');
  if (!existsSync(index)) {
    app.get('/', { config: { public: true }, schema: { hide: true } }, async (_req, reply) => {
      uiHeaders((n, v) => reply.header(n, v));
      return reply
        .code(503)
        .type('text/plain; charset=utf-8')
        .send(
          'The Lectern web UI is not built. Run `npm run build:web` (or `npm ci`), then restart Lectern.\n',
        );
    });
    return;
  }
  const html = readFileSync(index, 'utf8');
  const sendIndex = (reply: FastifyReply) => {
    const nonce = randomBytes(16).toString('base64');
    uiHeaders((n, v) => reply.header(n, v), nonce);
    return reply
      .header('cache-control', 'no-cache')
      .type('text/html; charset=utf-8')
      .send(html.replaceAll(NONCE_MARK, nonce));
  };
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/assets')) route.config = { ...(route.config ?? {}), public: true };
  });
  await app.register(fastifyStatic, {
    root: path.join(dist, 'assets'),
    prefix: '/assets/',
    index: false,
    wildcard: true,
    cacheControl: false,
    // Names carry a content hash: a changed file is a new name, so a copy never goes stale.
    setHeaders: (res) => {
      res.setHeader('cache-control', 'public, max-age=31536000, immutable');
      uiHeaders((n, v) => res.setHeader(n, v));
    },
  });
  app.get('/', { config: { public: true }, schema: { hide: true } }, async (_req, reply) => sendIndex(reply));
}
