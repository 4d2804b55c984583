// A registry on a test backend, with its workspaces and a way to make actors: what registry-level
// tests share before they start.
import type { Actor } from '../../src/model/types.ts';
import { createRegistry } from '../../src/registry/index.ts';
import type { Store } from '../../src/store/db.ts';
import type { Backend } from './stores.ts';
import { withVerbs, type TestRegistry } from './verbs.ts';

/** An all-workspace admin that no key stands for: it only creates the test's keys. */
export const ROOT: Actor = {
  keyId: '00000000-0000-7000-8000-000000000000',
  role: 'admin',
  workspaceId: null,
};

export async function openRegistry(
  backend: Backend,
  workspaces: string[] = ['default'],
): Promise<{
  store: Store;
  reg: TestRegistry;
  actor: (role: 'admin' | 'editor' | 'viewer', workspace: string) => Promise<Actor>;
}> {
  const store = await backend.open();
  const reg = withVerbs(createRegistry(store));
  for (const w of workspaces) await reg.ensureWorkspace(w);
  const actor = async (role: 'admin' | 'editor' | 'viewer', workspace: string) =>
    (await reg.authenticate(
      (await reg.createKey(ROOT, { name: `${role}@${workspace}`, role, workspace })).secret,
    ))!;
  return { store, reg, actor };
}
