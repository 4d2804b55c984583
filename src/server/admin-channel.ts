// The operator's commands (`lectern keys …`, `lectern workspaces …`), carried out by whoever holds
// the store: the `lectern` process itself when nothing else does, or — on a PGlite directory a
// server holds — that server, asked over its lock socket (src/store/dir-lock.ts), so the change is
// made in the one process that owns the files and reaches its caches at once. Results are in the
// native API's wire shape (src/dialects/native/wire.ts), so the CLI prints the same fields whether
// it asked this channel, its own registry, or a server over HTTP.
import type { Actor, Page, Role } from '../model/types.ts';
import type { Registry } from '../registry/index.ts';
import { keyWire, workspaceWire } from '../dialects/native/wire.ts';

/** The operator: whoever can open the database (or its directory's socket) owns it. */
export const OPERATOR: Actor = {
  keyId: '00000000-0000-7000-8000-000000000000',
  role: 'admin',
  workspaceId: null,
};

export interface AdminOps {
  'keys.create': { name: string; role: Role; workspace?: string };
  'keys.list': { includeRevoked?: boolean };
  'keys.revoke': { id: string };
  'workspaces.create': { name: string; description?: string };
  'workspaces.list': Record<string, never>;
  'workspaces.delete': { name: string };
}
export type AdminOp = keyof AdminOps;

const str = (v: unknown, name: string): string => {
  if (typeof v !== 'string')
    throw Object.assign(new Error(`${name} must be a string`), { code: 'bad_request' });
  return v;
};
const optStr = (v: unknown, name: string): string | undefined => (v === undefined ? undefined : str(v, name));

/** The registry's lists are paged (at most 1,000 a page); the operator's commands list them all. */
const PAGE = 1000;
async function every<T>(list: (page: { limit: number; offset: number }) => Promise<Page<T>>): Promise<T[]> {
  const out: T[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const { items } = await list({ limit: PAGE, offset });
    out.push(...items);
    if (items.length < PAGE) return out;
  }
}

/** Runs one operator command against a registry; args arrive as JSON, so they are checked here. */
export async function runAdminOp(registry: Registry, op: string, raw: unknown): Promise<unknown> {
  const args = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  switch (op) {
    case 'keys.create': {
      const { key, secret } = await registry.createKey(OPERATOR, {
        name: str(args.name, 'name'),
        role: str(args.role, 'role') as Role,
        workspace: optStr(args.workspace, 'workspace'),
      });
      return { key: keyWire(key), secret };
    }
    case 'keys.list':
      return (
        await every((page) =>
          registry.listKeys(OPERATOR, { ...page, includeRevoked: args.includeRevoked === true }),
        )
      ).map(keyWire);
    case 'keys.revoke':
      return keyWire(await registry.revokeKey(OPERATOR, str(args.id, 'id')));
    case 'workspaces.create':
      return workspaceWire(
        await registry.createWorkspace(OPERATOR, {
          name: str(args.name, 'name'),
          description: optStr(args.description, 'description'),
        }),
      );
    case 'workspaces.list':
      return (await every((page) => registry.listWorkspaces(OPERATOR, page))).map(workspaceWire);
    case 'workspaces.delete':
      return workspaceWire(await registry.deleteWorkspace(OPERATOR, str(args.name, 'name')));
    default:
      throw Object.assign(new Error(`unknown operation ${op}`), { code: 'bad_request' });
  }
}
