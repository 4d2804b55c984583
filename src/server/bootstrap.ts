// First-start setup: the workspaces every deployment has, and an admin key to get in with.
import type { Registry } from '../registry/index.ts';
import type { EnsuredKey } from '../registry/keys.ts';

export interface BootstrapResult {
  /** A freshly generated admin secret, to print once; undefined when none was created. */
  createdAdminSecret?: string;
  /** What became of LECTERN_ADMIN_KEY, when one is configured. */
  adminKey?: { id: string; state: EnsuredKey['state'] };
}

export interface BootstrapOptions {
  /** Undo a revocation of the configured admin key (LECTERN_ADMIN_KEY_REINSTATE): audited. */
  reinstateAdminKey?: boolean;
}

export async function bootstrap(
  registry: Registry,
  adminKey?: string,
  opts: BootstrapOptions = {},
): Promise<BootstrapResult> {
  // `default` holds prompts of keys that name no workspace; `system` is NeMo's reserved workspace.
  await registry.ensureWorkspace('default');
  await registry.ensureWorkspace('system');
  if (adminKey) {
    const { key, state } = await registry.ensureKey(adminKey, 'bootstrap admin (LECTERN_ADMIN_KEY)', {
      reinstate: opts.reinstateAdminKey,
    });
    return { adminKey: { id: key.id, state } };
  }
  if ((await registry.countActiveKeys()) > 0) return {};
  const { secret } = await registry.createKey(null, { name: 'first admin', role: 'admin' });
  return { createdAdminSecret: secret };
}

/** The log line for what bootstrap did with LECTERN_ADMIN_KEY, if it is worth one. */
export function adminKeyNotice(
  result: BootstrapResult,
): { level: 'warn'; msg: string; keyId: string } | undefined {
  const k = result.adminKey;
  if (k?.state === 'revoked') {
    return {
      level: 'warn',
      keyId: k.id,
      msg:
        'LECTERN_ADMIN_KEY names a revoked key: it stays revoked and does not authenticate. Remove it ' +
        'from the environment (create another admin key with `lectern keys create --role admin`), or ' +
        'set LECTERN_ADMIN_KEY_REINSTATE=true to reinstate it (audited as key.reinstate)',
    };
  }
  if (k?.state === 'reinstated') {
    return {
      level: 'warn',
      keyId: k.id,
      msg:
        'LECTERN_ADMIN_KEY named a revoked key: reinstated because LECTERN_ADMIN_KEY_REINSTATE is set ' +
        '(audited as key.reinstate); unset it so a later revocation stays in force',
    };
  }
  return undefined;
}
