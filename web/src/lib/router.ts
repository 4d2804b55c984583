// A hash router: the server owns only `/`, so every client route lives in the fragment
// (#/prompts/<name>?tab=…). Small enough not to need a library.
import { useEffect, useState } from 'react';

export type Route =
  | { page: 'list'; folder: string }
  | { page: 'prompt'; name: string; tab: string; version?: number }
  | { page: 'admin'; tab: string }
  | { page: 'logs'; group?: number }
  | { page: 'groups' }
  | { page: 'group'; id: number };

export function parseHash(hash: string): Route {
  const h = hash.replace(/^#/, '') || '/';
  const [path = '/', query = ''] = h.split('?');
  const params = new URLSearchParams(query);
  if (path.startsWith('/prompts/')) {
    const name = decodeURIComponent(path.slice('/prompts/'.length));
    const v = Number(params.get('v'));
    return { page: 'prompt', name, tab: params.get('tab') ?? 'versions', ...(v > 0 ? { version: v } : {}) };
  }
  if (path === '/logs') {
    const g = Number(params.get('group'));
    return { page: 'logs', ...(Number.isSafeInteger(g) && g > 0 ? { group: g } : {}) };
  }
  if (path === '/groups') return { page: 'groups' };
  if (path.startsWith('/groups/')) {
    // A group id is a positive integer; anything else is shown as "not found" by the group page.
    const id = Number(path.slice('/groups/'.length));
    return { page: 'group', id: Number.isSafeInteger(id) && id > 0 ? id : 0 };
  }
  if (path.startsWith('/admin')) return { page: 'admin', tab: path.split('/')[2] || 'keys' };
  return { page: 'list', folder: params.get('folder') ?? '' };
}

export function href(r: Route): string {
  switch (r.page) {
    case 'list':
      return r.folder ? `#/?folder=${encodeURIComponent(r.folder)}` : '#/';
    case 'prompt': {
      const q = new URLSearchParams();
      if (r.tab !== 'versions') q.set('tab', r.tab);
      if (r.version) q.set('v', String(r.version));
      const s = q.toString();
      return `#/prompts/${encodeURIComponent(r.name)}${s ? `?${s}` : ''}`;
    }
    case 'admin':
      return `#/admin/${r.tab}`;
    case 'logs':
      return r.group ? `#/logs?group=${r.group}` : '#/logs';
    case 'groups':
      return '#/groups';
    case 'group':
      return `#/groups/${r.id}`;
  }
}

export function navigate(r: Route) {
  window.location.hash = href(r);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(window.location.hash));
  useEffect(() => {
    const on = () => setRoute(parseHash(window.location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}
