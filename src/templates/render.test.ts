/** Public API behaviour: strict vs lenient, extraction, errors with positions, the parse cache. */
import { describe, expect, it } from 'vitest';
import { clearTemplateCache, extractVariables, render, templateCacheStats, TemplateError } from './index.ts';

function thrown(fn: () => unknown): TemplateError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(TemplateError);
    return err as TemplateError;
  }
  throw new Error('expected a TemplateError');
}

describe('strict mode names every missing variable', () => {
  for (const [format, template] of [
    ['jinja2', '{{ a }} {{ b.c }} {% for i in items %}{{ i }}{% endfor %}'],
    ['f-string', '{a} {b.c} {items[0]}'],
    ['mustache', '{{a}} {{b.c}} {{#items}}{{.}}{{/items}}'],
  ] as const) {
    it(`${format}: throws missing_variables listing a, b and items`, () => {
      const err = thrown(() => render(format, template, {}));
      expect(err.code).toBe('missing_variables');
      expect(err.missing).toEqual(['a', 'b', 'items']);
      expect(err.message).toContain('a, b, items');
    });
  }

  it('null counts as provided; undefined does not', () => {
    expect(render('f-string', '{a}', { a: null }).output).toBe('None');
    expect(thrown(() => render('f-string', '{a}', { a: undefined })).missing).toEqual(['a']);
  });
});

describe('lenient mode renders missing variables empty and reports them', () => {
  it.each([
    ['jinja2', 'Hi {{ name }}{{ who.name }}!'],
    ['f-string', 'Hi {name}{who.name:>10}!'],
    ['mustache', 'Hi {{name}}{{who.name}}!'],
  ] as const)('%s', (format, template) => {
    const result = render(format, template, {}, { mode: 'lenient' });
    expect(result.output).toBe('Hi !');
    expect(result.missing).toEqual(['name', 'who']);
    expect(result.warnings).toEqual(['Missing variables rendered as empty: name, who']);
  });
});

describe('extractVariables', () => {
  it('jinja2 reports what find_undeclared_variables reports', () => {
    expect(
      extractVariables(
        'jinja2',
        '{% set x = 1 %}{% macro m(p, q=d) %}{{ p }}{{ caller }}{% endmacro %}{% for i in items %}{{ loop.index }}{{ i.a }}{{ x }}{% endfor %}{{ range(3)|join(sep) }}',
      ),
    ).toEqual(['d', 'items', 'sep']);
  });

  it('f-string reports roots of named fields, including fields nested in specs; positional fields are not variables', () => {
    expect(extractVariables('f-string', '{a.b[0]!r:>10} {c:{w}.{p}} {0} {{literal}}')).toEqual([
      'a',
      'c',
      'p',
      'w',
    ]);
  });

  it('mustache reports names looked up at the top level, not names inside sections', () => {
    expect(
      extractVariables(
        'mustache',
        '{{#items}}{{name}}{{/items}}{{^empty}}{{fallback}}{{/empty}}{{user.name}}{{! note }}{{=<% %>=}}<% late %>',
      ),
    ).toEqual(['empty', 'fallback', 'items', 'late', 'user']);
  });

  it('throws template_syntax for a broken template', () => {
    expect(thrown(() => extractVariables('jinja2', '{% if x %}')).code).toBe('template_syntax');
    expect(thrown(() => extractVariables('mustache', '{{#a}}')).code).toBe('template_syntax');
  });
});

describe('f-string syntax errors carry Python messages and positions', () => {
  it.each([
    ['ab\ncd }', "Single '}' encountered in format string", 2, 4],
    ['x {name', "expected '}' before end of string", 1, 3],
    ['{a!q}', 'Unknown conversion specifier q', 1, 1],
    ['{', "Single '{' encountered in format string", 1, 1],
  ])('%j', (template, message, line, column) => {
    const err = thrown(() => render('f-string', template, {}));
    expect(err.code).toBe('template_syntax');
    expect(err.message).toBe(message);
    expect(err.position).toMatchObject({ line, column });
  });

  it('mustache parse errors carry a position', () => {
    const err = thrown(() => render('mustache', 'ok\n{{#a}}x', { a: 1 }));
    expect(err.code).toBe('template_syntax');
    expect(err.position?.line).toBe(2);
  });
});

describe('rendering details', () => {
  it('mustache does not HTML-escape and leaves the global escape alone', async () => {
    const Mustache = (await import('mustache')).default;
    expect(render('mustache', '{{v}}', { v: '<b>&"' }).output).toBe('<b>&"');
    expect(Mustache.render('{{v}}', { v: '<b>' })).toBe('&lt;b&gt;');
  });

  it('f-string !r mirrors Python repr of JSON data', () => {
    expect(render('f-string', '{v!r}', { v: { a: [true, null, "it's", 1.5] } }).output).toBe(
      `{'a': [True, None, "it's", 1.5]}`,
    );
  });

  it('f-string float precision without a type switches to exponent one digit early, as Python does', () => {
    // Expected values are Python's own: format(v, spec) for each pair (found by the live property test).
    const cases: [number, string, string][] = [
      [2.5, '.0', '2e+00'],
      [3.14159, '.1', '3e+00'],
      [12.5, '.2', '1.2e+01'],
      [12.5, '.3', '12.5'],
      [95.5, '.2', '9.6e+01'],
      [0.000123, '.0', '0.0001'],
      [9.99, '.1', '1e+01'],
      [0.5, '.1', '0.5'],
      [-2.5, '10.1', '    -2e+00'],
    ];
    for (const [v, spec, expected] of cases) {
      expect(render('f-string', `{v:${spec}}`, { v }).output, `format(${v}, '${spec}')`).toBe(expected);
    }
  });

  it('jinja2 fills in format, truncate, round, map without attribute and raw blocks', () => {
    const out = render(
      'jinja2',
      "{{ '%.2f'|format(x) }}|{{ t|truncate(9, leeway=0) }}|{{ x|round(1) }}|{{ l|map('upper')|join }}|{% raw %}{{ x }}{% endraw %}",
      {
        x: 2.345,
        t: 'hello big world',
        l: ['a', 'b'],
      },
    );
    expect(out.output).toBe('2.35|hello...|2.3|AB|{{ x }}');
  });
});

describe('parsed-template cache', () => {
  it('parses a template once however often it is rendered', () => {
    clearTemplateCache();
    for (let i = 0; i < 50; i++) render('jinja2', 'Hello {{ name }} #{{ i }}', { name: 'A', i });
    for (let i = 0; i < 50; i++) extractVariables('jinja2', 'Hello {{ name }} #{{ i }}');
    const stats = templateCacheStats();
    expect(stats.parses).toBe(1);
    expect(stats.hits).toBe(99);
    expect(stats.size).toBe(1);
  });

  it('keys by format as well as text', () => {
    clearTemplateCache();
    render('mustache', '{{a}}', { a: 1 });
    render('jinja2', '{{a}}', { a: 1 });
    expect(templateCacheStats().parses).toBe(2);
  });
});
