// `lectern pull / plan / push / release / check` as a user runs them: the CLI in a child process
// against a real server on a port, reading its output and exit codes.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../test/support/stores.ts';
import { startTestApp, type ResponseOf, type TestApp } from '../../test/support/app.ts';
import type { schema as versionsGet } from '../dialects/native/routes/versions-get.ts';
import type { schema as versionsList } from '../dialects/native/routes/versions-list.ts';
import type { schema as labelsList } from '../dialects/native/routes/labels-list.ts';
import { lecternAt } from '../../test/support/lectern-cli.ts';

const pglite = backends.find((b) => b.name === 'pglite')!;

describe.skipIf(!pglite.available)('prompts as code: pull, plan, push, release, check', () => {
  let t: TestApp;
  let dir: string;
  let lectern: ReturnType<typeof lecternAt>;
  const versionsOf = async (name: string) =>
    (
      await t.call<ResponseOf<typeof versionsList>>(
        'GET',
        `/v1/prompts/${encodeURIComponent(name)}/versions?limit=500&order=asc`,
      )
    ).body.data as {
      number: number;
      commit_message: string | null;
    }[];

  beforeAll(async () => {
    t = await startTestApp(pglite);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.server.address() as { port: number };
    dir = await mkdtemp(join(tmpdir(), 'lectern-sync-'));
    lectern = lecternAt(`http://127.0.0.1:${port}`, t.keys.editor, dir);

    const create = async (body: object) =>
      expect((await t.call('POST', '/v1/prompts', { body })).status).toBe(201);
    await create({
      name: 'support/triage',
      description: 'Routes tickets',
      tags: ['support'],
      version: {
        messages: [
          { role: 'system', content: 'You help {{customer}}.\n\nBe kind.' },
          { role: 'user', content: '{{question}}' },
        ],
        model: 'gpt-4o',
        provider: 'openai',
        params: { temperature: 0.2, max_tokens: 300 },
        variable_defaults: { customer: 'friend' },
        response_format: {
          type: 'json_schema',
          json_schema: { name: 'a', strict: true, schema: { type: 'object' } },
        },
        tools: [
          { type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: {} } } },
        ],
        tool_choice: { type: 'function', function: { name: 'lookup' } },
        fallback_models: ['gpt-4o-mini'],
        load_balance_models: [
          { model: 'gpt-4o', weight: 2 },
          { model: 'gpt-4.1', weight: 1 },
        ],
        commit_message: 'first',
      },
      labels: ['production'],
    });
    await create({
      name: 'jinja/hello',
      version: { template_format: 'jinja2', messages: [{ role: 'user', content: 'Hi {{ name | upper }}' }] },
    });
    await create({
      name: 'fstring/complete',
      version: {
        template_type: 'completion',
        template_format: 'f-string',
        content: [{ type: 'text', text: 'Summarise {text!r:>10}' }],
      },
    });
    await create({
      name: 'support/policies',
      is_snippet: true,
      version: { messages: [{ role: 'system', content: 'Refunds within 30 days.' }] },
    });
  });
  afterAll(async () => {
    await t?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('pulls one file per prompt and a lock; a push right after changes nothing, twice', async () => {
    const r = await lectern('pull');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('4 written');
    const triage = await readFile(join(dir, 'prompts/support/triage.prompt'), 'utf8');
    expect(triage).toMatch(/^---\ndescription: Routes tickets\nmodel: gpt-4o\n/);
    expect(triage).toContain('{{role "system"}}\nYou help {{customer}}.\n\nBe kind.\n{{role "user"}}');
    expect(await readFile(join(dir, 'prompts/support/_policies.prompt'), 'utf8')).toContain('Refunds');
    const lock = JSON.parse(await readFile(join(dir, 'prompts/lectern.lock.json'), 'utf8'));
    expect(lock.prompts['support/triage']).toMatchObject({ version: 1, labels: { production: 1 } });
    expect(lock.prompts['support/triage'].content_hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await readFile(join(dir, 'prompts/lectern.releases.yaml'), 'utf8')).toContain(
      'support/triage:\n  production: 1',
    );

    for (let i = 0; i < 2; i++) {
      const p = await lectern('push');
      expect(p.code, p.stderr).toBe(0);
      expect(p.stdout).toContain('0 created, 0 updated, 0 deleted, 4 unchanged');
    }
    expect((await versionsOf('support/triage')).length).toBe(1);
    // A second pull writes nothing: the files are a fixed point.
    expect((await lectern('pull')).stdout).toContain('0 written, 4 unchanged');
  });

  it('every version field and all three formats survive file -> server -> file', async () => {
    for (const f of ['support/triage', 'jinja/hello', 'fstring/complete']) {
      const text = await readFile(join(dir, `prompts/${f}.prompt`), 'utf8');
      await writeFile(join(dir, `prompts/${f}-copy.prompt`), text);
    }
    const p = await lectern('push');
    expect(p.code, p.stderr).toBe(0);
    expect(p.stdout).toContain('3 created');
    const other = join(dir, 'other');
    expect((await lectern('pull', other)).code).toBe(0);
    for (const f of ['support/triage', 'jinja/hello', 'fstring/complete']) {
      const original = await readFile(join(dir, `prompts/${f}.prompt`), 'utf8');
      const copy = await readFile(join(other, `${f}-copy.prompt`), 'utf8');
      expect(copy).toBe(original);
    }
    const a = (
      await t.call<ResponseOf<typeof versionsGet>>('GET', '/v1/prompts/support%2Ftriage/versions/latest')
    ).body.version;
    const b = (
      await t.call<ResponseOf<typeof versionsGet>>('GET', '/v1/prompts/support%2Ftriage-copy/versions/latest')
    ).body.version;
    for (const k of [
      'messages',
      'model',
      'provider',
      'params',
      'response_format',
      'tools',
      'tool_choice',
      'fallback_models',
      'load_balance_models',
      'variable_defaults',
      'template_format',
      'input_variables',
      'content_hash',
    ] as const)
      expect(b[k], k).toEqual(a[k]);
  });

  it('an edited file makes exactly one new version with the commit message given', async () => {
    const file = join(dir, 'prompts/jinja/hello.prompt');
    await writeFile(
      file,
      (await readFile(file, 'utf8')).replace('Hi {{ name | upper }}', 'Hello {{ name | upper }}!'),
    );
    const plan = await lectern('diff');
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('-Hi {{ name | upper }}');
    expect(plan.stdout).toContain('+Hello {{ name | upper }}!');
    expect(plan.stdout).toContain('0 to create, 1 to update');
    const json = JSON.parse((await lectern('plan', '--json')).stdout);
    expect(json.prompts.find((p: { name: string }) => p.name === 'jinja/hello')).toMatchObject({
      action: 'update',
      server_version: 1,
    });
    expect((await lectern('plan', '--exit-code')).code).toBe(10);

    const p = await lectern('push', '-m', 'louder greeting');
    expect(p.code, p.stderr).toBe(0);
    expect(p.stdout).toContain('0 created, 1 updated');
    const versions = await versionsOf('jinja/hello');
    expect(versions.map((v) => [v.number, v.commit_message])).toEqual([
      [1, null],
      [2, 'louder greeting'],
    ]);
    expect((await lectern('push')).stdout).toContain('0 updated');
    expect((await versionsOf('jinja/hello')).length).toBe(2);
  });

  it('refuses to push, showing the diff and writing nothing, when the server moved past the lock', async () => {
    // Someone edits through the API after the pull…
    const moved = await t.call('POST', '/v1/prompts/support%2Ftriage/versions', {
      body: { base: 'latest', messages: [{ role: 'user', content: 'changed in the UI' }] },
    });
    expect(moved.status).toBe(201);
    // …and someone else edits the file.
    const file = join(dir, 'prompts/support/triage.prompt');
    await writeFile(file, (await readFile(file, 'utf8')).replace('Be kind.', 'Be very kind.'));
    const before = await cp(join(dir, 'prompts/lectern.lock.json'), join(dir, 'lock.before')).then(() =>
      readFile(join(dir, 'lock.before'), 'utf8'),
    );
    const p = await lectern('push', '-m', 'mine');
    expect(p.code).toBe(4);
    expect(p.stderr).toContain('changed on the server since the last pull');
    expect(p.stderr).toContain('the server has version 2, past version 1');
    expect(p.stderr).toContain('+changed in the UI'.replace('+', '-')); // server side of the diff
    expect(p.stderr).toContain('+Be very kind.');
    expect((await versionsOf('support/triage')).length).toBe(2);
    expect(await readFile(join(dir, 'prompts/lectern.lock.json'), 'utf8')).toBe(before);
    expect((await lectern('plan')).code).toBe(4);
    // Pull (taking the server's version) clears the conflict.
    expect((await lectern('pull')).code).toBe(0);
    expect((await lectern('push')).code).toBe(0);
  });

  it('deletes a prompt whose file was removed only with --delete', async () => {
    await rm(join(dir, 'prompts/fstring/complete-copy.prompt'));
    const plan = await lectern('plan');
    expect(plan.stdout).toContain('removed');
    expect(plan.stdout).toContain('pass --delete');
    expect((await lectern('push')).stdout).toContain('0 deleted');
    expect((await t.call('GET', '/v1/prompts/fstring%2Fcomplete-copy')).status).toBe(200);
    expect((await lectern('plan', '--delete')).stdout).toContain('1 to delete');
    const p = await lectern('push', '--delete');
    expect(p.code, p.stderr).toBe(0);
    expect(p.stdout).toContain('1 deleted');
    expect((await t.call('GET', '/v1/prompts/fstring%2Fcomplete-copy')).status).toBe(404);
  });

  it('moves labels only through the reviewed releases file (or label set), never on push', async () => {
    const releases = join(dir, 'prompts/lectern.releases.yaml');
    await writeFile(
      releases,
      (await readFile(releases, 'utf8')) + 'jinja/hello:\n  production: 2\n  staging: 1\n',
    );
    const plan = await lectern('plan', '--json');
    expect(JSON.parse(plan.stdout).label_moves).toEqual([
      { prompt: 'jinja/hello', label: 'production', from_version: null, to_version: 2 },
      { prompt: 'jinja/hello', label: 'staging', from_version: null, to_version: 1 },
    ]);
    await lectern('push');
    expect(
      (await t.call<ResponseOf<typeof labelsList>>('GET', '/v1/prompts/jinja%2Fhello/labels')).body.data,
    ).toEqual([]);
    const r = await lectern('release');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('2 label move(s)');
    const labels = (await t.call<ResponseOf<typeof labelsList>>('GET', '/v1/prompts/jinja%2Fhello/labels'))
      .body.data as {
      name: string;
      version: number;
    }[];
    expect(labels.map((l) => [l.name, l.version]).sort()).toEqual([
      ['production', 2],
      ['staging', 1],
    ]);
    expect((await lectern('release')).stdout).toContain('0 label move(s)');
    const set = await lectern('label', 'set', 'jinja/hello', 'staging', '2', '--json');
    expect(JSON.parse(set.stdout)).toMatchObject({ name: 'staging', version: 2 });
  });

  it('check: files parse, templates compile, fixtures render; problems exit 3', async () => {
    const ok = await lectern('check');
    expect(ok.code, ok.stdout).toBe(0);
    await writeFile(
      join(dir, 'prompts/jinja/hello.fixtures.yaml'),
      '- name: shouts\n  variables: { name: ada }\n  contains: ["Hello ADA!"]\n- name: wrong\n  variables: { name: bob }\n  contains: ["Hello ada"]\n',
    );
    const bad = await lectern('check');
    expect(bad.code).toBe(3);
    expect(bad.stdout).toContain('wrong: the rendered prompt does not contain "Hello ada"');
    expect(bad.stdout).not.toContain('shouts');
    await writeFile(
      join(dir, 'prompts/broken.prompt'),
      '---\nlectern.templateFormat: jinja2\n---\n{{role "user"}}\n{% if %}\n',
    );
    const broken = JSON.parse((await lectern('check', '--json')).stdout) as {
      file: string;
      ok: boolean;
      problems: string[];
    }[];
    expect(broken.find((r) => r.file === 'broken.prompt')).toMatchObject({ ok: false });
    expect(broken.find((r) => r.file === 'broken.prompt')!.problems[0]).toContain('does not compile');
    // A push refuses unparsable files; nothing written.
    await writeFile(join(dir, 'prompts/nofm.prompt'), 'just text');
    const p = await lectern('push');
    expect(p.code).toBe(3);
    expect(p.stderr).toContain('nofm.prompt: no front matter');
    await rm(join(dir, 'prompts/nofm.prompt'));
    await rm(join(dir, 'prompts/broken.prompt'));
  });

  it('says what to do on a bad key or an unreachable server, with distinct exit codes', async () => {
    const { port } = t.app.server.address() as { port: number };
    const badKey = await lecternAt(`http://127.0.0.1:${port}`, 'lec_wrong_key_000000000000', dir)('pull');
    expect(badKey.code).toBe(5);
    expect(badKey.stderr).toContain('check --key / LECTERN_API_KEY');
    const down = await lecternAt('http://127.0.0.1:1', t.keys.editor, dir)('pull');
    expect(down.code).toBe(6);
    expect(down.stderr).toContain('cannot reach the Lectern server');
    const usage = await lectern('push', '--bogus');
    expect(usage.code).toBe(2);
    expect((await lectern('--version')).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
