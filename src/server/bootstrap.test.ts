import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, pgUrl } from '../../test/support/stores.ts';
import { startChildServer } from '../../test/support/child-server.ts';
import { createRegistry, type Registry } from '../registry/index.ts';
import type { Store } from '../store/db.ts';
import { adminKeyNotice, bootstrap } from './bootstrap.ts';

const ADMIN = 'lec_bootstrap_test_admin_key_0123456789';

for (const backend of backends) {
  describe.skipIf(!backend.available)(`bootstrap of LECTERN_ADMIN_KEY on ${backend.name}`, () => {
    let store: Store;
    let registry: Registry;
    beforeAll(async () => {
      store = await backend.open();
      registry = createRegistry(store);
    });
    afterAll(() => store?.close());

    it('a key revoked through the API stays revoked at the next start, with a warning', async () => {
      const first = await bootstrap(registry, ADMIN);
      expect(first.adminKey?.state).toBe('created');
      const admin = (await registry.authenticate(ADMIN))!;
      await registry.revokeKey(admin, first.adminKey!.id);

      const again = await bootstrap(registry, ADMIN);
      expect(again.adminKey).toEqual({ id: first.adminKey!.id, state: 'revoked' });
      expect(await registry.authenticate(ADMIN)).toBeNull();
      expect(adminKeyNotice(again)?.msg).toMatch(/stays revoked/);
    });

    it('is reinstated only when asked, and the reinstatement is audited', async () => {
      const back = await bootstrap(registry, ADMIN, { reinstateAdminKey: true });
      expect(back.adminKey?.state).toBe('reinstated');
      expect(adminKeyNotice(back)?.msg).toMatch(/reinstated/);
      const admin = await registry.authenticate(ADMIN);
      expect(admin).not.toBeNull();
      const log = await registry.listAudit(admin!, { entityId: back.adminKey!.id, limit: 10, offset: 0 });
      expect(log.items.map((e) => e.action)).toEqual(['key.reinstate', 'key.revoke', 'key.create']);
      expect(log.items[0]!.actor).toBeNull();
      // Asking again when nothing is revoked changes and records nothing.
      expect((await bootstrap(registry, ADMIN, { reinstateAdminKey: true })).adminKey?.state).toBe('present');
      expect(adminKeyNotice(await bootstrap(registry, ADMIN))).toBeUndefined();
    });
  });
}

describe.skipIf(!pgUrl())('lectern serve with a revoked LECTERN_ADMIN_KEY', () => {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  afterAll(async () => {
    const pg = (await import('pg')).default;
    const c = new pg.Client({ connectionString: pgUrl() });
    await c.connect();
    await c.query(`drop schema if exists ${schema} cascade`);
    await c.end();
  });

  it('keeps the revocation across a restart and logs why the key does not work', async () => {
    const env = { DATABASE_URL: pgUrl(), LECTERN_PG_SCHEMA: schema, LECTERN_ADMIN_KEY: ADMIN };
    const first = await startChildServer(env);
    const auth = { authorization: `Bearer ${ADMIN}` };
    const me = await fetch(`${first.url}/v1/keys`, { headers: auth });
    const id = ((await me.json()) as { data: { id: string; name: string }[] }).data.find((k) =>
      k.name.includes('LECTERN_ADMIN_KEY'),
    )!.id;
    expect((await fetch(`${first.url}/v1/keys/${id}`, { method: 'DELETE', headers: auth })).status).toBe(200);
    expect(await first.stop()).toBe(0);

    const second = await startChildServer(env);
    expect((await fetch(`${second.url}/v1/prompts`, { headers: auth })).status).toBe(401);
    expect(second.output()).toMatch(/LECTERN_ADMIN_KEY names a revoked key: it stays revoked/);
    expect(await second.stop()).toBe(0);

    const third = await startChildServer({ ...env, LECTERN_ADMIN_KEY_REINSTATE: 'true' });
    expect((await fetch(`${third.url}/v1/prompts`, { headers: auth })).status).toBe(200);
    expect(third.output()).toMatch(/reinstated because LECTERN_ADMIN_KEY_REINSTATE is set/);
    expect(await third.stop()).toBe(0);
  }, 120_000);
});
