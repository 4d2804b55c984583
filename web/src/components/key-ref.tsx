// Who did something: an API key, shown the same way wherever the UI names an actor (audit log,
// version authors, label moves, request groups). Every role sees the key's short id, which the
// API already gives them; key names come only from the admin-only keys list, so only an admin
// session sees them — the UI shows no viewer more than the audit log tells them.
import { useQuery } from '@tanstack/react-query';
import { useSession } from '../app.tsx';
import { shortId } from '../lib/format.ts';

const NONE = new Map<string, string>();

/** Key id → name, from `GET /v1/keys` for admin sessions; empty for everyone else. */
export function useKeyNames(): Map<string, string> {
  const s = useSession();
  const keys = useQuery({
    queryKey: ['keys'],
    queryFn: () => s.client.listKeys(),
    enabled: s.isAdmin,
    staleTime: 60_000,
    // Built once per answer (the query memoises `select`), not in every row that names a key.
    select: (page) => new Map(page.data.map((k) => [k.id, k.name])),
  });
  return keys.data ?? NONE;
}

/** The key's name where the session may know it, else `key 4c6c0b8a`; the full id on hover. */
export function KeyRef({ id, none = '—' }: { id: string | null; none?: string }) {
  const names = useKeyNames();
  if (!id) return <span className="muted">{none}</span>;
  const name = names.get(id);
  return <span title={`API key ${id}`}>{name ?? `key ${shortId(id)}`}</span>;
}
