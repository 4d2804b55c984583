// First-start setup: the workspaces every deployment has, and an admin key to get in with.
import type { Registry } from '../registry/index.ts';

export interface BootstrapResult {
  /** A freshly generated admin secret, to print once; undefined when none was created. */
  createdAdminSecret?: string;
}

export async function bootstrap(registry: Registry, adminKey?: string): Promise<BootstrapResult> {
  // `default` holds prompts of keys that name no workspace; `system` is NeMo's reserved workspace.
  await registry.ensureWorkspace('default');
  await registry.ensureWorkspace('system');
  if (adminKey) {
    await registry.ensureKey(adminKey, 'bootstrap admin (LECTERN_ADMIN_KEY)');
    return {};
  }
  if ((await registry.countActiveKeys()) > 0) return {};
  const { secret } = await registry.createKey(null, { name: 'first admin', role: 'admin' });
  return { createdAdminSecret: secret };
}
