import { afterAll, describe, expect, it } from 'vitest';
import { LecternError } from '../model/errors.ts';
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

describe('inline renders and fair threads', () => {
  const BOMB = '{% for a in range(100000) %}{% for b in range(100000) %}x{% endfor %}{% endfor %}';
  const bomb = (timeoutMs = 400) =>
    ({
      kind: 'template',
      format: 'jinja2',
      template: BOMB,
      variables: {},
      mode: 'strict',
      limits: { timeoutMs },
    }) as const;

  it('renders a small task inline, without a thread round trip', async () => {
    const pool = createRenderer({ threads: 2 });
    pools.push(pool);
    const r = await pool.run({
      kind: 'template',
      format: 'mustache',
      template: 'Hi {{a}}',
      variables: { a: 1 },
      mode: 'strict',
    });
    expect(r.output).toBe('Hi 1');
    expect(pool.counts).toEqual({ inline: 1, thread: 0, refused: 0, queued: 0 });
  });

  it('a template with loops renders on a thread at once, never holding the event loop', async () => {
    const pool = createRenderer({ threads: 2 });
    pools.push(pool);
    const task = {
      kind: 'template',
      format: 'jinja2',
      template: '{% for i in range(2000) %}x{% endfor %}',
      variables: {},
      mode: 'strict',
    } as const;
    // The pool itself is built on first use: not what this measures.
    await pool.run({ ...task, template: '{% for i in range(2) %}x{% endfor %}' });
    const t0 = performance.now();
    const pending = pool.run(task);
    const syncMs = performance.now() - t0; // what run() did before it first yielded
    expect((await pending).output).toHaveLength(2_000);
    expect(syncMs, `run() held the event loop ${syncMs} ms`).toBeLessThan(20);
    expect(pool.counts).toMatchObject({ inline: 0, thread: 2 });
  });

  it('a small task that trips the inline budget renders again on a thread with the full budget', async () => {
    const pool = createRenderer({ threads: 2 });
    pools.push(pool);
    // 40,000 characters out: over the inline output bound, far under the full one.
    const task = {
      kind: 'template',
      format: 'mustache',
      template: '{{a}}{{a}}{{a}}{{a}}',
      variables: { a: 'y'.repeat(10_000) },
      mode: 'strict',
    } as const;
    expect((await pool.run(task)).output).toHaveLength(40_000);
    expect(pool.counts).toMatchObject({ inline: 0, thread: 1 });
    // Known to be heavy now: the next one goes straight to a thread.
    expect((await pool.run(task)).output).toHaveLength(40_000);
    expect(pool.counts).toMatchObject({ inline: 0, thread: 2 });
  });

  it('a task stopped by the clock alone is not marked heavy: the next run is tried inline again', async () => {
    const pool = createRenderer({ threads: 2 });
    pools.push(pool);
    const template = '{{a}} and {{b}}';
    // A deadline already past: the inline try stops on the clock (a busy machine, in life), not on
    // a step or size bound.
    const late = await pool
      .run({
        kind: 'template',
        format: 'mustache',
        template,
        variables: { a: 1, b: 2 },
        mode: 'strict',
        limits: { timeoutMs: 0 },
      })
      .catch((e: unknown) => e);
    if (late instanceof TemplateError) expect(late.limit).toBe('deadline');
    expect(pool.counts).toMatchObject({ inline: 0, thread: 1 });
    const r = await pool.run({
      kind: 'template',
      format: 'mustache',
      template,
      variables: { a: 1, b: 2 },
      mode: 'strict',
    });
    expect(r.output).toBe('1 and 2');
    expect(pool.counts).toMatchObject({ inline: 1, thread: 1 });
  });

  it('a task marked heavy is tried inline again once the mark expires (a missed deadline is not for ever)', async () => {
    // A mark long enough that a loaded machine's pause between two runs never outlives it.
    const pool = createRenderer({ threads: 2, heavyMarkMs: 1_500 });
    pools.push(pool);
    const big = { a: 'y'.repeat(10_000) };
    const task = {
      kind: 'template',
      format: 'mustache',
      template: '{{a}}{{a}}{{a}}{{a}}',
      mode: 'strict',
    } as const;
    await pool.run({ ...task, variables: big });
    expect(pool.counts).toMatchObject({ inline: 0, thread: 1 });
    // Same template, now small inputs: still on a thread while the mark holds …
    await pool.run({ ...task, variables: { a: 'y' } });
    expect(pool.counts).toMatchObject({ inline: 0, thread: 2 });
    // … and inline again after it.
    await new Promise((r) => setTimeout(r, 1_600));
    expect((await pool.run({ ...task, variables: { a: 'y' } })).output).toBe('yyyy');
    expect(pool.counts).toMatchObject({ inline: 1, thread: 2 });
  });

  it('a task inside the budget but with a tighter limit of its own keeps that limit inline', async () => {
    const pool = createRenderer({ threads: 2 });
    pools.push(pool);
    const err = await pool
      .run({
        kind: 'template',
        format: 'mustache',
        template: 'xxxxxxxxxx',
        variables: {},
        mode: 'strict',
        limits: { maxOutputChars: 5 },
      })
      .catch((e: unknown) => e);
    expect((err as TemplateError).code).toBe('render_limit');
  });

  it("one key's render bombs never hold every thread: another key's render waits at most one render", async () => {
    const pool = createRenderer({ threads: 2, inlineMaxWeight: 0 });
    pools.push(pool);
    // Both threads started first (a thread's start-up is not what this measures).
    const cheap = {
      kind: 'template',
      format: 'mustache',
      template: '{{a}}',
      variables: { a: 'ok' },
      mode: 'strict',
    } as const;
    await Promise.all([pool.run(cheap, { key: 'a' }), pool.run(cheap, { key: 'b' })]);
    const bombs = Array.from({ length: 8 }, () =>
      pool.run(bomb(), { key: 'bomber' }).catch((e: unknown) => e),
    );
    await new Promise((r) => setTimeout(r, 50));
    const t0 = performance.now();
    const r = await pool.run(
      { kind: 'template', format: 'mustache', template: '{{a}}', variables: { a: 'ok' }, mode: 'strict' },
      { key: 'other' },
    );
    const waited = performance.now() - t0;
    expect(r.output).toBe('ok');
    // Without per-key sharing it would queue behind all eight bombs (8 × 400 ms over 2 threads).
    expect(waited, `another key's render waited ${waited} ms`).toBeLessThan(400);
    for (const e of await Promise.all(bombs)) expect((e as TemplateError).code).toBe('render_limit');
  }, 20_000);

  it('past its bounded queue a key is refused with render_busy (429) and a retry_after', async () => {
    const pool = createRenderer({ threads: 2, perKeyQueue: 2, inlineMaxWeight: 0 });
    pools.push(pool);
    const sent = Array.from({ length: 5 }, () => pool.run(bomb(200), { key: 'k' }).catch((e: unknown) => e));
    const results = await Promise.all(sent);
    const refused = results.filter((e) => e instanceof LecternError);
    // One running (a key never holds both threads) and two waiting: the other two are refused.
    expect(refused).toHaveLength(2);
    for (const e of refused as LecternError[]) {
      expect(e.code).toBe('render_busy');
      expect(e.status).toBe(429);
      expect(e.details['retry_after']).toBeGreaterThanOrEqual(1);
    }
    expect(pool.counts.refused).toBe(2);
    // Another key is not affected by this key's bound.
    await expect(pool.run(bomb(50), { key: 'other' })).rejects.toMatchObject({ code: 'render_limit' });
  }, 20_000);
});
