// Dotprompt users' expectations of `lectern pull / push`, as a user runs the CLI (a child process
// against a real server): snippet references are partials and snippets partial files, pinned
// references keep their pin, `input.schema` is kept — and pull -> push changes nothing.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Dotprompt } from 'dotprompt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../test/support/stores.ts';
import { startTestApp, type ResponseOf, type TestApp } from '../../test/support/app.ts';
import type { schema as versionsGet } from '../dialects/native/routes/versions-get.ts';
import { lecternAt } from '../../test/support/lectern-cli.ts';

describe.each(backends)('prompts as code with Dotprompt partials and input.schema ($name)', (backend) => {
  let t: TestApp;
  let dir: string;
  let lectern: ReturnType<typeof lecternAt>;
  const latest = async (name: string) =>
    (
      await t.call<ResponseOf<typeof versionsGet>>(
        'GET',
        `/v1/prompts/${encodeURIComponent(name)}/versions/latest`,
      )
    ).body.version as {
      number: number;
      content_hash: string;
      metadata: Record<string, unknown>;
      messages: { role: string; content: string }[];
    };
  const schema = { customer: 'string, display name', 'plan?(enum, billing plan)': ['free', 'pro'] };
  const system =
    'Policies:\n@@@shared/policies@@@\n@@@shared/policies@version_number:1@@@ @@@tone "x"@label:production@@@';

  beforeAll(async () => {
    if (!backend.available) return;
    t = await startTestApp(backend);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.server.address() as { port: number };
    dir = await mkdtemp(join(tmpdir(), 'lectern-dotprompt-'));
    lectern = lecternAt(`http://127.0.0.1:${port}`, t.keys.editor, dir);
    const create = async (body: object) =>
      expect((await t.call('POST', '/v1/prompts', { body })).status).toBe(201);
    const text = (s: string) => ({ template_type: 'completion', content: [{ type: 'text', text: s }] });
    await create({ name: 'shared/policies', is_snippet: true, version: text('Refunds within 30 days.') });
    await create({
      name: 'tone "x"',
      is_snippet: true,
      tags: ['style'],
      version: { ...text('Be kind.'), commit_message: 'first' },
      labels: ['production'],
    });
    await create({
      name: 'support/triage',
      version: {
        messages: [
          { role: 'system', content: system },
          { role: 'user', content: 'Hi, I am {{customer}}' },
        ],
        variable_defaults: { plan: 'free' },
        metadata: { owner: 'support', _dotprompt: { input_schema: schema } },
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it.skipIf(!backend.available)(
    'pull writes partials and partial files; push right after is a no-op',
    async () => {
      const pulled = await lectern('pull');
      expect(pulled.code, pulled.stderr).toBe(0);
      expect(await readFile(join(dir, 'prompts/shared/_policies.prompt'), 'utf8')).toBe(
        'Refunds within 30 days.\n',
      );
      // A snippet with tags needs front matter: inside a Handlebars comment, a partial still.
      expect(await readFile(join(dir, 'prompts/_tone "x".prompt'), 'utf8')).toMatch(
        /^\{\{!--\n---\nlectern.type: completion\n[\s\S]*\n---\n--\}\}\nBe kind.\n$/,
      );
      const triage = await readFile(join(dir, 'prompts/support/triage.prompt'), 'utf8');
      expect(triage).toContain(
        '{{role "system"}}\nPolicies:\n{{> shared/policies}}\n{{> shared/policies version=1}} {{> "tone \\"x\\"" label="production"}}\n',
      );
      expect(triage).toContain('input:\n  schema:\n    customer: string, display name\n');
      expect(triage).not.toContain('@@@');

      const before = await Promise.all(['shared/policies', 'tone "x"', 'support/triage'].map(latest));
      for (let i = 0; i < 2; i++) {
        const p = await lectern('push');
        expect(p.code, p.stderr).toBe(0);
        expect(p.stdout).toContain('0 created, 0 updated, 0 deleted, 3 unchanged');
      }
      expect(await Promise.all(['shared/policies', 'tone "x"', 'support/triage'].map(latest))).toEqual(
        before,
      );
      expect((await lectern('pull')).stdout).toContain('0 written, 3 unchanged');
      expect((await lectern('check')).code).toBe(0);

      // Dotprompt renders the pulled directory, partials loaded as its DirStore loads them.
      const dp = new Dotprompt({
        partialResolver: (name) => {
          const i = name.lastIndexOf('/');
          return readFile(join(dir, 'prompts', name.slice(0, i + 1), `_${name.slice(i + 1)}.prompt`), 'utf8');
        },
      });
      const out = await dp.render(triage, { input: { customer: 'Ada' } });
      const text = out.messages.flatMap((m) => m.content.map((p) => ('text' in p ? p.text : ''))).join('|');
      expect(text).toBe(
        '\nPolicies:\nRefunds within 30 days.\nRefunds within 30 days.\n Be kind.\n\n|\nHi, I am Ada',
      );
    },
  );

  it.skipIf(!backend.available)(
    'an edit keeps references and input.schema; a render ignores the schema',
    async () => {
      const file = join(dir, 'prompts/support/triage.prompt');
      await writeFile(file, (await readFile(file, 'utf8')).replace('Hi, I am', 'Hello, I am'));
      const p = await lectern('push', '-m', 'greeting');
      expect(p.code, p.stderr).toBe(0);
      expect(p.stdout).toContain('1 updated');
      const v = await latest('support/triage');
      expect(v.number).toBe(2);
      expect(v.messages[0]!.content).toBe(system);
      expect(v.metadata).toEqual({ owner: 'support', _dotprompt: { input_schema: schema } });
      // The schema says `customer` is a string and `plan` an enum: a render neither checks nor shows it.
      const r = await t.call('POST', '/v1/prompts/support%2Ftriage/render', {
        body: { variables: { customer: 7 } },
      });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(JSON.stringify(r.body)).not.toContain('display name');
      expect(JSON.stringify(r.body)).toContain('Hello, I am 7');
    },
  );
});
