/** Hostile templates: every escape attempt fails closed, every runaway render stops quickly. */
import { describe, expect, it } from 'vitest';
import { render, TemplateError, type TemplateFormat } from './index.ts';

function failure(
  format: TemplateFormat,
  template: string,
  variables: Record<string, unknown> = {},
  options = {},
): TemplateError {
  try {
    render(format, template, variables, { mode: 'lenient', ...options });
  } catch (err) {
    expect(err).toBeInstanceOf(TemplateError);
    return err as TemplateError;
  }
  throw new Error(`expected ${JSON.stringify(template)} to fail`);
}

const data = { user: { name: 'Bob' }, items: [1, 2], s: 'text' };

describe('jinja2 sandbox: no path from data to JS or Python internals', () => {
  for (const template of [
    '{{ user.constructor }}',
    "{{ user['constructor'] }}",
    '{{ items.constructor.constructor("return process")() }}',
    '{{ s.__proto__ }}',
    '{{ user.__class__.__mro__ }}',
    '{{ cycler.__init__.__globals__ }}',
    "{{ ''.__class__.__base__.__subclasses__() }}",
    '{{ range.__globals__ }}',
    '{{ items.prototype }}',
    '{{ s.toString }}',
    '{{ user.hasOwnProperty }}',
  ]) {
    it(`refuses ${template} with a SecurityError`, () => {
      const err = failure('jinja2', template, data);
      expect(err.code).toBe('render_error');
      expect(err.message).toMatch(/SecurityError|unsafe/);
    });
  }

  for (const template of [
    '{{ process }}',
    '{{ globalThis }}',
    '{{ require }}',
    '{{ import }}',
    '{{ fetch }}',
    '{{ self }}',
    '{{ raise_exception }}',
  ]) {
    it(`finds no JS global behind ${template} (renders empty like an undefined name)`, () => {
      expect(render('jinja2', template, {}, { mode: 'lenient' }).output).toBe('');
    });
  }

  it('calling an unknown global fails instead of reaching JS', () => {
    expect(failure('jinja2', "{{ process.mainModule.require('fs') }}").code).toBe('render_error');
    expect(failure('jinja2', "{{ import('fs') }}").code).toBe('render_error');
  });

  it('data keys named like internals are plain data', () => {
    const out = render('jinja2', '{{ d.constructor }}|{{ d.__proto__ }}', {
      d: { constructor: 'c', ['__proto__']: 'p' },
    });
    expect(out.output).toBe('c|p');
  });

  it('functions in caller variables never reach the template', () => {
    const out = render('jinja2', '{{ f }}|{{ f is defined }}', { f: () => 'leak' }, { mode: 'lenient' });
    expect(out.output).toBe('|False');
    expect(out.missing).toEqual(['f']);
  });
});

// A runaway template unbounded would run for minutes; the budget is 300 ms. The assertion only
// proves it stops, with room for a loaded CI machine (it is not a speed measurement).
const STOPS_WITHIN_MS = 3000;

describe('mustache budgets stop runaway sections quickly', () => {
  const list = Array.from({ length: 200 }, (_, i) => i);
  const cases: Array<[string, string, Record<string, unknown>]> = [
    [
      'nested sections over a long list',
      '{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}xxxxxxxx{{/a}}{{/a}}{{/a}}{{/a}}{{/a}}',
      { a: list },
    ],
    ['a large value repeated by a section', '{{#a}}{{big}}{{/a}}', { a: list, big: 'y'.repeat(100_000) }],
  ];
  for (const [name, template, variables] of cases) {
    it(`${name} ends with render_limit within the budget`, () => {
      const started = performance.now();
      expect(failure('mustache', template, variables, { timeoutMs: 300 }).code).toBe('render_limit');
      expect(performance.now() - started).toBeLessThan(STOPS_WITHIN_MS);
    });
  }

  it('an ordinary section renders in full', () => {
    expect(render('mustache', '{{#a}}[{{.}}]{{/a}}', { a: [1, 2, 3] }).output).toBe('[1][2][3]');
  });
});

describe('jinja2 budgets stop runaway templates quickly', () => {
  const cases: Array<[string, string]> = [
    [
      'nested 3000 x 3000 loop',
      '{% for i in range(3000) %}{% for j in range(3000) %}x{% endfor %}{% endfor %}',
    ],
    [
      'exponential string growth',
      "{% set x = 'ab' %}{% for i in range(64) %}{% set x = x ~ x %}{% endfor %}{{ x }}",
    ],
    [
      'exponential list growth',
      '{% set x = [1] %}{% for i in range(64) %}{% set x = x + x %}{% endfor %}{{ x|length }}',
    ],
    [
      'shared-structure blow-up',
      '{% set x = [1] %}{% for i in range(64) %}{% set x = [x, x] %}{% endfor %}{{ x|tojson }}',
    ],
    ['range(10**9)', '{{ range(10**9)|length }}'],
    ['huge string repetition', "{{ 'a' * 1000000000 }}"],
    ['huge list repetition', '{{ ([1] * 100000000)|length }}'],
    ['replace blow-up', "{% set s = 'a' * 100000 %}{{ s.replace('', s) }}"],
    ['indent blow-up', "{% set s = '\\n' * 100000 %}{{ s|indent(100000, blank=true) }}"],
    ['format width', "{{ '%1000000000s'|format('x') }}"],
  ];
  for (const [name, template] of cases) {
    it(`${name} ends with render_limit within the budget`, () => {
      const started = performance.now();
      const err = failure('jinja2', template, {}, { timeoutMs: 300 });
      expect(err.code).toBe('render_limit');
      expect(performance.now() - started).toBeLessThan(STOPS_WITHIN_MS);
    });
  }

  it('a self-calling macro fails closed (the engine does not resolve a macro inside its own body)', () => {
    const started = performance.now();
    expect(
      failure('jinja2', '{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}', {}, { timeoutMs: 300 }),
    ).toBeInstanceOf(TemplateError);
    expect(performance.now() - started).toBeLessThan(STOPS_WITHIN_MS);
  });

  it('the step budget is configurable', () => {
    expect(failure('jinja2', '{% for i in range(100) %}{{ i }}{% endfor %}', {}, { maxSteps: 50 }).code).toBe(
      'render_limit',
    );
    expect(
      render('jinja2', '{% for i in range(100) %}{{ i }}{% endfor %}', {}, { maxSteps: 10_000 }).output,
    ).toHaveLength(190);
  });

  it('the output bound applies to every format', () => {
    expect(failure('jinja2', "{{ 'x' * 50 }}", {}, { maxOutputChars: 10 }).code).toBe('render_limit');
    expect(failure('f-string', '{s:>50}', { s: 'x' }, { maxOutputChars: 10 }).code).toBe('render_limit');
    expect(
      failure(
        'mustache',
        '{{#items}}{{s}}{{/items}}',
        { items: [1, 2, 3], s: 'xxxx' },
        { maxOutputChars: 10 },
      ).code,
    ).toBe('render_limit');
  });

  it('large caller data does not count against the budget for what the template builds', () => {
    const doc = 'y'.repeat(2_000_000);
    expect(render('jinja2', '{{ doc[:3] }}', { doc }).output).toBe('yyy');
  });
});

describe('f-string and mustache reach only data', () => {
  it('f-string attribute access never leaves the data', () => {
    for (const template of [
      '{user.__class__}',
      '{user.constructor}',
      '{s.__class__.__init__.__globals__}',
      '{items.constructor}',
    ]) {
      expect(failure('f-string', template, data).code).toBe('render_error');
    }
  });

  it('f-string widths cannot allocate unbounded memory', () => {
    expect(failure('f-string', '{s:>999999999}', data).code).toBe('render_limit');
  });

  it('mustache sees own data properties only', () => {
    const out = render(
      'mustache',
      '[{{items.constructor}}][{{s.constructor.name}}][{{#items.constructor}}x{{/items.constructor}}][{{user.__proto__}}]',
      data,
      {
        mode: 'lenient',
      },
    );
    expect(out.output).toBe('[][][][]');
  });
});
