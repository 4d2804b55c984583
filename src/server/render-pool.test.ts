import { afterAll, describe, expect, it } from 'vitest';
import { TemplateError } from '../templates/index.ts';
import { createRenderer, type Renderer } from './render-pool.ts';

const pools: Renderer[] = [];
afterAll(() => Promise.all(pools.map((p) => p.close())));

for (const threads of [2, 0]) {
  describe(`render pool with ${threads} threads`, () => {
    const pool = createRenderer({ threads });
    pools.push(pool);

    it('renders a whole version and a single template like the engines do', async () => {
      const v = await pool.run({
        kind: 'version',
        input: {
          messages: [{ role: 'user', content: 'Hi {{ name }}', template_format: 'jinja2' }],
          defaultFormat: 'f-string',
          variableDefaults: { name: 'you' },
          variables: {},
          mode: 'strict',
        },
      });
      expect(v.messages).toEqual([{ role: 'user', content: 'Hi you', template_format: 'jinja2' }]);
      const t = await pool.run({
        kind: 'template',
        format: 'f-string',
        template: '{a}-{b[0]}',
        variables: { a: 1, b: ['x'] },
        mode: 'strict',
      });
      expect(t).toEqual({ output: '1-x', warnings: [], missing: [], variables: ['a', 'b'] });
    });

    it('hands template errors back as TemplateErrors, with their position and missing names', async () => {
      const syntax = await pool
        .run({ kind: 'template', format: 'jinja2', template: 'a\n{{ x }', variables: {}, mode: 'strict' })
        .catch((e: unknown) => e);
      expect(syntax).toBeInstanceOf(TemplateError);
      expect((syntax as TemplateError).code).toBe('template_syntax');
      expect((syntax as TemplateError).position?.line).toBe(2);
      const missing = await pool
        .run({
          kind: 'messages',
          format: 'mustache',
          messages: [{ role: 'user', content: '{{a}}{{b}}' }],
          variables: {},
          mode: 'strict',
        })
        .catch((e: unknown) => e);
      expect(missing).toBeInstanceOf(TemplateError);
      expect((missing as TemplateError).missing).toEqual(['a', 'b']);
    });

    it('stops a render bomb at its budget', async () => {
      const err = await pool
        .run({
          kind: 'template',
          format: 'jinja2',
          template: '{% for a in range(100000) %}{% for b in range(100000) %}x{% endfor %}{% endfor %}',
          variables: {},
          mode: 'strict',
        })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TemplateError);
      expect((err as TemplateError).code).toBe('render_limit');
    });
  });
}

it('a render that outlives the hard timeout is stopped from outside its thread', async () => {
  // Budgets far above the hard timeout stand in for an engine that never checks its own.
  const pool = createRenderer({ threads: 1, hardTimeoutMs: 1000 });
  pools.push(pool);
  const started = Date.now();
  const err = await pool
    .run({
      kind: 'version',
      input: {
        messages: [
          {
            role: 'user',
            content: '{% for a in range(100000) %}{% for b in range(100000) %}x{% endfor %}{% endfor %}',
          },
        ],
        defaultFormat: 'jinja2',
        limits: { timeoutMs: 60_000, maxSteps: 1e12, maxOutputChars: 1e12 },
      },
    })
    .catch((e: unknown) => e);
  expect(err).toBeInstanceOf(TemplateError);
  expect((err as TemplateError).message).toMatch(/longer than 1000 ms/);
  expect(Date.now() - started).toBeLessThan(5_000);
  // The pool goes on serving after losing a thread.
  const ok = await pool.run({
    kind: 'template',
    format: 'mustache',
    template: '{{a}}',
    variables: { a: 1 },
    mode: 'strict',
  });
  expect(ok.output).toBe('1');
});
