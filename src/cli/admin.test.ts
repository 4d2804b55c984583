// `lectern keys …` / `lectern workspaces …` against a server by URL, as a user runs them: the CLI in
// a child process, a real server listening on a port, on both backends. The local way (no URL) is
// in cli.test.ts; on PostgreSQL both ways run against one store here and must print the same.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { backends } from '../../test/support/stores.ts';
import { startTestApp, type TestApp } from '../../test/support/app.ts';
import { lecternAt } from '../../test/support/lectern-cli.ts';
import { rowsOf } from '../registry/request-log.ts';
import { EXIT } from './client.ts';

const KEY_FIELDS = ['created_at', 'id', 'name', 'prefix', 'public_key', 'revoked_at', 'role', 'workspace_id'];

describe.each(backends.filter((b) => b.available))(
  'lectern keys and workspaces by URL ($name)',
  (backend) => {
    let t: TestApp;
    let url: string;
    const as = (key: string) => lecternAt(url, key);
    const get = (path: string, key: string) =>
      fetch(`${url}${path}`, { headers: { authorization: `Bearer ${key}` } }).then((r) => r.status);
    const json = <T>(r: { code: number; stdout: string; stderr: string }): T => {
      expect(r, r.stderr).toMatchObject({ code: EXIT.ok });
      return JSON.parse(r.stdout) as T;
    };

    beforeAll(async () => {
      t = await startTestApp(backend);
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      url = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
    });
    afterAll(async () => {
      await t?.close();
    });

    // Each CLI run is a child process that loads TypeScript: seconds apiece on the loaded machine.
    const SLOW = 300_000;

    it(
      'a key created over HTTP works at once, and once revoked is refused at once',
      async () => {
        const admin = as(t.keys.admin);
        const created = await admin('keys', 'create', '--name', 'remote-ci', '--role', 'editor', '--json');
        const key = json<Record<string, unknown> & { id: string; secret: string }>(created);
        expect(Object.keys(key).sort()).toEqual([...KEY_FIELDS, 'secret'].sort());
        expect(key).toMatchObject({ name: 'remote-ci', role: 'editor', revoked_at: null });
        expect(created.stderr).toContain('shown only now');
        expect(await get('/v1/prompts', key.secret)).toBe(200);

        const table = await admin('keys', 'list');
        expect(table.code).toBe(EXIT.ok);
        expect(table.stdout).toContain(key.id);
        expect(table.stdout).toContain('remote-ci');
        expect(table.stdout).not.toContain(key.secret);

        const revoked = json<{ id: string; revoked_at: string | null }>(
          await admin('keys', 'revoke', key.id, '--json'),
        );
        expect(revoked.id).toBe(key.id);
        expect(revoked.revoked_at).not.toBeNull();
        expect(await get('/v1/prompts', key.secret)).toBe(401);
        expect(json<{ id: string }[]>(await admin('keys', 'list', '--json')).map((k) => k.id)).not.toContain(
          key.id,
        );
        expect(
          json<{ id: string }[]>(await admin('keys', 'list', '--all', '--json')).map((k) => k.id),
        ).toContain(key.id);
      },
      SLOW,
    );

    it(
      'creates, lists and deletes workspaces; a taken name is a conflict',
      async () => {
        const admin = as(t.keys.admin);
        const ws = json<{ name: string; description: string }>(
          await admin('workspaces', 'create', 'remote-team', '--description', 'made by URL', '--json'),
        );
        expect(ws).toMatchObject({ name: 'remote-team', description: 'made by URL' });
        expect(
          json<{ name: string }[]>(await admin('workspaces', 'list', '--json')).map((w) => w.name),
        ).toEqual(expect.arrayContaining(['default', 'other', 'remote-team']));
        expect((await admin('workspaces', 'list')).stdout).toContain('made by URL');
        const again = await admin('workspaces', 'create', 'remote-team');
        expect(again.code).toBe(EXIT.conflict);

        // A key made for the new workspace belongs to it.
        const key = json<{ workspace_id: string }>(
          await admin(
            'keys',
            'create',
            '--name',
            'team',
            '--role',
            'viewer',
            '--workspace',
            'remote-team',
            '--json',
          ),
        );
        expect(key.workspace_id).toBe((ws as unknown as { id: string }).id);

        expect((await admin('workspaces', 'delete', 'remote-team', '--json')).code).toBe(EXIT.ok);
        expect(
          json<{ name: string }[]>(await admin('workspaces', 'list', '--json')).map((w) => w.name),
        ).not.toContain('remote-team');
      },
      SLOW,
    );

    it(
      'refuses a key without the role with exit 5, naming the key that would do',
      async () => {
        const viewer = await as(t.keys.viewer)('keys', 'list');
        expect(viewer.code).toBe(EXIT.auth);
        expect(viewer.stderr).toContain('use an admin key');
        const editor = await as(t.keys.editor)('keys', 'create', '--name', 'x');
        expect(editor.code).toBe(EXIT.auth);
        expect(editor.stderr).toContain('use an admin key');

        // Only an admin key for all workspaces makes workspaces; an admin of one manages its keys.
        const ws = await as(t.keys.editor)('workspaces', 'create', 'not-mine');
        expect(ws.code).toBe(EXIT.auth);
        expect(ws.stderr).toContain('admin key for all workspaces');
        const root = (await t.registry.authenticate(t.keys.admin))!;
        const { secret } = await t.registry.createKey(root, {
          name: 'ws-admin',
          role: 'admin',
          workspace: 'other',
        });
        const wsAdmin = as(secret);
        expect((await wsAdmin('keys', 'list')).code).toBe(EXIT.ok);
        // The server shows a workspace's admin key other workspaces as absent (404); the CLI still
        // says it is the key's scope that refuses, and which key would do, with exit 5.
        // Creating a workspace, or deleting its own, the server refuses (403): the same advice.
        for (const args of [
          ['workspaces', 'create', 'not-mine'],
          ['workspaces', 'delete', 'default'],
          ['workspaces', 'delete', 'other'],
          ['keys', 'create', '--name', 'x', '--workspace', 'default'],
        ]) {
          const r = await wsAdmin(...args);
          expect(r, args.join(' ')).toMatchObject({ code: EXIT.auth });
          expect(r.stderr).toContain('admin key of workspace other only');
          expect(r.stderr).toContain('use an admin key for all workspaces');
        }
        // A sync command naming another workspace than the key's.
        const pull = await lecternAt(url, secret, tmpdir(), { LECTERN_WORKSPACE: 'default' })(
          'pull',
          join(tmpdir(), `lectern-not-mine-${process.pid}`),
        );
        expect(pull.code, pull.stderr).toBe(EXIT.auth);
        expect(pull.stderr).toContain('belongs to workspace other');

        const bad = await as('lec_not_a_key_0123456789')('workspaces', 'list');
        expect(bad.code).toBe(EXIT.auth);
        expect(bad.stderr).toContain('check --key');
      },
      SLOW,
    );

    it(
      'usage errors exit 2 and an unreachable server 6',
      async () => {
        const noKey = await lecternAt(url, '')('keys', 'list');
        expect(noKey.code).toBe(EXIT.usage);
        expect(noKey.stderr).toContain('pass --key');
        const role = await as(t.keys.admin)('keys', 'create', '--name', 'x', '--role', 'owner');
        expect(role.code).toBe(EXIT.usage);
        expect(role.stderr).toContain('Allowed choices are admin, editor, viewer');
        const id = await as(t.keys.admin)('keys', 'revoke', 'not-an-id');
        expect(id.code).toBe(EXIT.usage);
        expect(id.stderr).toContain('lectern keys list shows the ids');

        // --url wins over the environment's (unreachable) LECTERN_URL, and the other way round.
        const gone = await lecternAt('http://127.0.0.1:1', t.keys.admin)('workspaces', 'list');
        expect(gone.code).toBe(EXIT.unreachable);
        expect(gone.stderr).toContain('check --url');
        expect(
          (await lecternAt('http://127.0.0.1:1', t.keys.admin)('workspaces', 'list', '--url', url)).code,
        ).toBe(EXIT.ok);
      },
      SLOW,
    );

    it.runIf(backend.name === 'postgres')(
      'prints the same records by URL as on the local store',
      async () => {
        const schema = rowsOf<{ s: string }>(await t.store.db.execute(sql`select current_schema() as s`))[0]!
          .s;
        const local = lecternAt('', '', undefined, {
          DATABASE_URL: inject('pgUrl'),
          LECTERN_PG_SCHEMA: schema,
        });
        const remote = as(t.keys.admin);

        const made = json<Record<string, unknown>>(
          await local('keys', 'create', '--name', 'both', '--role', 'viewer', '--json'),
        );
        expect(Object.keys(made).sort()).toEqual([...KEY_FIELDS, 'secret'].sort());
        expect(await get('/v1/prompts', made.secret as string)).toBe(200);

        for (const args of [
          ['keys', 'list', '--all', '--json'],
          ['workspaces', 'list', '--json'],
        ])
          expect(json(await local(...args))).toEqual(json(await remote(...args)));
        // The tables too: the same columns and rows either way.
        expect((await local('keys', 'list')).stdout).toBe((await remote('keys', 'list')).stdout);

        // The same refusal exits alike: a taken workspace name is a conflict both ways.
        expect((await local('workspaces', 'create', 'default')).code).toBe(EXIT.conflict);
        expect((await remote('workspaces', 'create', 'default')).code).toBe(EXIT.conflict);
      },
      SLOW,
    );
  },
);
