/**
 * Property test against live Python: fast-check builds Jinja2 and f-string templates from a
 * small grammar, and one long-lived `reference.py serve` process renders them with Python's
 * jinja2 sandbox and str.format. Skipped (with the reason shown) when python3 + jinja2 are absent.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agrees, runOurs, type PyResult } from './reference/compare.ts';

const script = fileURLToPath(new URL('./reference/reference.py', import.meta.url));
const probe = spawnSync('python3', ['-c', 'import jinja2'], { encoding: 'utf8' });
const pythonReady = probe.status === 0;
const skipReason = pythonReady ? '' : ' — SKIPPED: python3 with jinja2 is not available on this machine';

const VARIABLES = {
  name: 'Ada',
  n: 1234567,
  neg: -42,
  x: 3.14159,
  half: 2.5,
  small: 0.000123,
  items: ['b', 'a', 'c'],
  nums: [3, 1, 2],
  user: { name: 'Bob', age: 31 },
  flag: true,
  off: false,
  nothing: null,
  text: 'The quick brown fox',
};

let python: ChildProcessWithoutNullStreams | undefined;
let pending: Array<(line: string) => void> = [];

function askPython(kind: string, template: string): Promise<PyResult> {
  return new Promise((resolve) => {
    pending.push((line) => resolve(JSON.parse(line) as PyResult));
    python!.stdin.write(`${JSON.stringify({ kind, template, variables: VARIABLES })}\n`);
  });
}

const stringVar = fc.constantFrom('name', 'text', 'user.name', 'items[0]', "name ~ '!'", "'x'");
const numberVar = fc.constantFrom(
  'n',
  'neg',
  'x',
  'half',
  'small',
  'user.age',
  'n + 1',
  'x * 2',
  'n // 7',
  'neg % 5',
  'nums[1]',
  '2 ** 5',
);
const listVar = fc.constantFrom('items', 'nums', "['x', 'y']", 'text.split()');
const stringFilter = fc.constantFrom(
  '',
  '|upper',
  '|lower',
  '|title',
  '|capitalize',
  '|length',
  '|reverse',
  '|trim',
  "|replace('o', '0')",
  '|center(9)',
  '|truncate(9, leeway=0)',
  '|wordcount',
  '|tojson',
  '|first',
  '|list',
  '|e',
);
const numberFilter = fc.constantFrom(
  '',
  '|abs',
  '|round',
  '|round(2)',
  "|round(1, 'floor')",
  '|int',
  '|float',
  '|string',
  '|tojson',
  "|default('d')",
);
const listFilter = fc.constantFrom(
  '',
  '|join(",")',
  '|length',
  '|first',
  '|last',
  '|sort|list',
  '|reverse|list',
  '|unique|list',
  '|tojson',
  "|map('string')|join('-')",
  '|min',
  '|max',
);
const expression = fc.oneof(
  fc.tuple(stringVar, stringFilter).map(([v, f]) => `${v}${f}`),
  fc.tuple(numberVar, numberFilter).map(([v, f]) => `(${v})${f}`),
  fc.tuple(listVar, listFilter).map(([v, f]) => `${v}${f}`),
  fc.constantFrom(
    "'%s|%5.2f|%d' % (name, x, n)",
    "'%-6s|' % name",
    'flag and n or neg',
    "'y' if off else 'n'",
    'n > x',
    "'a' in items",
  ),
);
const jinjaTemplate = fc
  .array(
    fc.oneof(
      expression.map((e) => `{{ ${e} }}`),
      fc
        .tuple(expression, expression)
        .map(([a, b]) => `{% if flag %}{{ ${a} }}{% else %}{{ ${b} }}{% endif %}`),
      fc
        .tuple(
          fc.constantFrom('items', 'nums', 'user', "'ab'"),
          fc.constantFrom('i', 'loop.index', 'loop.revindex0', 'loop.first', "loop.cycle('a', 'b')"),
        )
        .map(([seq, body]) => `{% for i in ${seq} %}{{ ${body} }},{% endfor %}`),
      fc.constantFrom(' ', 'text ', '\n', '{# c #}', '{% set z = n * 2 %}{{ z }}'),
    ),
    { minLength: 1, maxLength: 5 },
  )
  .map((parts) => parts.join(''));

const fstringField = fc
  .record({
    name: fc.constantFrom(
      'name',
      'n',
      'neg',
      'x',
      'half',
      'small',
      'flag',
      'items',
      'user[name]',
      'nums[2]',
      'nothing',
      'text',
    ),
    conversion: fc.constantFrom('', '', '!r', '!s', '!a'),
    fill: fc.constantFrom('', '', '*', '0'),
    align: fc.constantFrom('', '<', '>', '^', '='),
    sign: fc.constantFrom('', '+', '-', ' '),
    alt: fc.constantFrom('', '#'),
    zero: fc.constantFrom('', '0'),
    width: fc.constantFrom('', '', '1', '8', '12'),
    grouping: fc.constantFrom('', '', ',', '_'),
    precision: fc.constantFrom('', '', '.0', '.2', '.5'),
    type: fc.constantFrom('', '', 's', 'd', 'f', 'e', 'g', 'x', 'o', 'b', '%', 'G', 'n', 'c'),
  })
  .map((f) => {
    const spec = `${f.align ? f.fill + f.align : ''}${f.sign}${f.alt}${f.zero}${f.width}${f.grouping}${f.precision}${f.type}`;
    return `{${f.name}${f.conversion}${spec ? `:${spec}` : ''}}`;
  });
const fstringTemplate = fc
  .array(fc.oneof(fstringField, fc.constantFrom('text ', '{{', '}}', ' | ')), { minLength: 1, maxLength: 4 })
  .map((parts) => parts.join(''));

describe.skipIf(!pythonReady)(`live differential property test against Python${skipReason}`, () => {
  beforeAll(() => {
    python = spawn('python3', [script, 'serve']);
    const lines = createInterface({ input: python.stdout });
    lines.on('line', (line) => pending.shift()?.(line));
  });
  afterAll(() => {
    python?.stdin.end();
    python?.kill();
    pending = [];
  });

  it('jinja2 templates render like Python jinja2.sandbox', async () => {
    await fc.assert(
      fc.asyncProperty(jinjaTemplate, async (template) => {
        const py = await askPython('jinja2', template);
        const ours = runOurs('jinja2', template, VARIABLES);
        expect({ template, ours, py, agrees: agrees('jinja2', ours, py, VARIABLES) }).toMatchObject({
          agrees: true,
        });
      }),
      { numRuns: 150 },
    );
  });

  it('f-string templates render like Python str.format', async () => {
    await fc.assert(
      fc.asyncProperty(fstringTemplate, async (template) => {
        const py = await askPython('f-string', template);
        const ours = runOurs('f-string', template, VARIABLES);
        expect({ template, ours, py, agrees: agrees('f-string', ours, py, VARIABLES) }).toMatchObject({
          agrees: true,
        });
      }),
      { numRuns: 300 },
    );
  });
});
