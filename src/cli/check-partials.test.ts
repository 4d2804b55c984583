// `lectern check` expands partials from the directory, as a user runs it (a child process): a
// fixture of a file using `{{> name}}` renders with `_name.prompt`'s text — the text the server
// renders after a push (read back through PromptLayer's run-time route, which expands snippets) —
// a missing partial fails the check naming the file it looked for, and a pin the lock file cannot
// prove (`version=N`, `label="L"`) is a warning, not a silent pass.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../test/support/stores.ts';
import { startTestApp, type ResponseOf, type TestApp } from '../../test/support/app.ts';
import type { schema as promptlayerGetRendered } from '../dialects/promptlayer/routes/get-rendered.ts';
import { lecternAt } from '../../test/support/lectern-cli.ts';

const pglite = backends.find((b) => b.name === 'pglite')!;

const SNIPPET = '---\nlectern.type: completion\n---\nBe kind to {{customer}}.';
const AGENT =
  '---\nmodel: openai/gpt-4o\n---\n{{role "system"}}\nRules: {{> shared/policies}} Help {{customer}}.\n';
const RENDERED = 'Rules: Be kind to Ada. Help Ada.';

describe.skipIf(!pglite.available)('lectern check expands partials', () => {
  let t: TestApp;
  let dir: string;
  let lectern: ReturnType<typeof lecternAt>;
  const write = async (rel: string, text: string) => {
    await mkdir(join(dir, 'prompts', rel, '..'), { recursive: true });
    await writeFile(join(dir, 'prompts', rel), text);
  };
  type Result = { file: string; ok: boolean; problems: string[]; warnings: string[]; fixtures: number };
  const checkJson = async () => {
    const r = await lectern('check', '--json');
    return { code: r.code, results: JSON.parse(r.stdout) as Result[], stdout: r.stdout };
  };

  beforeAll(async () => {
    t = await startTestApp(pglite);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.server.address() as { port: number };
    dir = await mkdtemp(join(tmpdir(), 'lectern-check-partials-'));
    lectern = lecternAt(`http://127.0.0.1:${port}`, t.keys.editor, dir);
  });
  afterAll(async () => {
    await t?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('a fixture renders the partial file’s text, the same text the server renders after a push', async () => {
    await write('shared/_policies.prompt', SNIPPET);
    await write('agent.prompt', AGENT);
    await write(
      'agent.fixtures.yaml',
      `- name: expanded\n  variables: { customer: Ada }\n  contains: [${JSON.stringify(RENDERED)}]\n`,
    );
    const ok = await checkJson();
    expect(ok.code, ok.stdout).toBe(0);
    expect(ok.results.find((r) => r.file === 'agent.prompt')).toMatchObject({
      ok: true,
      fixtures: 1,
      warnings: [],
    });

    const push = await lectern('push', '--message', 'with a partial');
    expect(push.code, push.stderr).toBe(0);
    const served = await t.call<ResponseOf<typeof promptlayerGetRendered>>(
      'POST',
      '/prompt-templates/agent',
      {
        body: { input_variables: { customer: 'Ada' } },
      },
    );
    expect(served.status, served.raw).toBe(200);
    const system = served.body.prompt_template.messages![0]!.content[0]!.text;
    expect(system).toBe(RENDERED);
  });

  it('a pin the lock file proves is checked; one it cannot prove is a warning', async () => {
    // After the push the lock holds shared/policies at version 1, the file unchanged.
    await write('pinned.prompt', '---\n---\n{{role "user"}}\n{{> shared/policies version=1}}\n');
    let r = await checkJson();
    expect(r.code, r.stdout).toBe(0);
    expect(r.results.find((x) => x.file === 'pinned.prompt')!.warnings).toEqual([]);

    await write('labelled.prompt', '---\n---\n{{role "user"}}\n{{> shared/policies label="production"}}\n');
    r = await checkJson();
    expect(r.code).toBe(0); // a warning does not fail the check
    expect(r.results.find((x) => x.file === 'labelled.prompt')!.warnings.join()).toContain(
      'label production cannot be checked offline',
    );

    await write('shared/_policies.prompt', `${SNIPPET} Always.`);
    r = await checkJson();
    expect(r.results.find((x) => x.file === 'pinned.prompt')!.warnings.join()).toMatch(
      /\{\{> shared\/policies version=1\}\}: version 1 cannot be checked offline \(shared\/_policies\.prompt is edited since the pull\)/,
    );
    const human = await lectern('check');
    expect(human.stdout).toContain('warning: partial {{> shared/policies version=1}}');
  });

  it('a missing partial fails the check naming the file it looked for (exit 3)', async () => {
    await write('lost.prompt', '---\n---\n{{role "user"}}\nSee {{> nowhere/gone}}\n');
    const r = await lectern('check');
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('partial {{> nowhere/gone}}: no nowhere/_gone.prompt in the directory');
    // A partial whose file does not parse says so.
    await write('broken-user.prompt', '---\n---\n{{role "user"}}\n{{> shared/broken}}\n');
    await write('shared/_broken.prompt', '---\nlectern.templateFormat: nope\n---\nx');
    const j = await checkJson();
    expect(j.results.find((x) => x.file === 'broken-user.prompt')!.problems).toEqual([
      'partial {{> shared/broken}}: shared/_broken.prompt does not parse',
    ]);
  });
});
