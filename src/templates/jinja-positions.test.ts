/** Jinja2 syntax errors carry a line/column position, like f-string and mustache errors do. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tokenize } from '@huggingface/jinja';
import { describe, expect, it } from 'vitest';
import { extractVariables, render, TemplateError } from './index.ts';
import { JinjaLexError, lexWithOffsets, mapBack, preprocess } from './jinja-positions.ts';

interface Case {
  id: string;
  kind: string;
  template: string;
  variables: Record<string, unknown>;
  expected: { error?: string; lineno?: number };
}
const corpus = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../test/fixtures/templates/corpus.json', import.meta.url)), 'utf8'),
) as Case[];
const jinjaTemplates = corpus.filter((c) => c.kind === 'jinja2').map((c) => c.template);

function syntaxErrorOf(template: string): TemplateError {
  try {
    render('jinja2', template, {}, { mode: 'lenient' });
  } catch (err) {
    if (err instanceof TemplateError && err.code === 'template_syntax') return err;
    throw err;
  }
  throw new Error(`rendered: ${template}`);
}

describe('Jinja2 syntax errors name their line and column', () => {
  it.each([
    // [template, line, column, message fragment]
    ['a\n{{ x + }}', 2, 8, "Unexpected token: '}}'"],
    ['{% for %}{% endfor %}', 1, 8, "'%}'"],
    ['line\n  {{ @ }}', 2, 6, 'Unexpected character: @'],
    ['ab\n  {% endif %}', 2, 6, 'Unknown statement type: endif'],
    ['{% if x %}{% else %}{% else %}{% endif %}', 1, 24, 'else'],
    ['hi {{ "abc }}', 1, 7, 'Unexpected end of input'], // an unterminated string: where it opens
    ['x\n{# c', 2, 1, 'Missing end of comment tag'],
    ['{{ "\\q" }}', 1, 5, 'Unexpected escaped character: q'],
    ['{{ x ', 1, 6, 'Unexpected end of input'],
    ['{{ name }', 1, 9, "'}' !== '}}'"],
  ])('%j at line %i, column %i', (template, line, column, fragment) => {
    const err = syntaxErrorOf(template);
    expect(err.position).toMatchObject({ line, column });
    expect(err.message).toContain(fragment);
    expect(err.message).toContain(`(line ${line}, column ${column})`);
  });

  it('an unclosed block points at the last token, as Python does', () => {
    const err = syntaxErrorOf('a\nb\n{% if x %}\nunclosed');
    expect(err.message).toMatch(/^unexpected end of template/);
    expect(err.position).toEqual({ line: 3, column: 11, offset: 14 });
  });

  it('positions count in the template as written: raw blocks and generation tags before the error', () => {
    // `{% raw %}` is rewritten before lexing, and the lexer drops `{% generation %}` tags.
    expect(syntaxErrorOf('{% raw %}x\n{{ y }}{% endraw %}\n{{ +}}').position).toEqual({
      line: 3,
      column: 5,
      offset: 35,
    });
    expect(syntaxErrorOf('{% generation %}\n{% endgeneration %}{{ ) }}').position).toMatchObject({
      line: 2,
      column: 23,
    });
  });

  it('a template nested deeper than the parser can go is a syntax error, not a crash', () => {
    const err = syntaxErrorOf('{% if a %}'.repeat(20_000));
    expect(err.message).toMatch(/^template nested too deeply \(line 1, column \d+\)$/);
  });

  it('extraction reports the same positioned error', () => {
    let caught: unknown;
    try {
      extractVariables('jinja2', 'ok\n{{ a | }}');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(TemplateError);
    expect((caught as TemplateError).position).toMatchObject({ line: 2, column: 8 });
  });

  it("agrees with the line Python's jinja2 reports for every syntax error of the corpus", () => {
    const withLine = corpus.filter((c) => c.kind === 'jinja2' && c.expected.lineno !== undefined);
    expect(withLine.length).toBeGreaterThanOrEqual(15);
    const lines: Record<string, [number | undefined, number | undefined]> = {};
    for (const c of withLine) {
      let ours: number | undefined;
      try {
        render('jinja2', c.template, c.variables, { mode: 'lenient' });
      } catch (err) {
        if (err instanceof TemplateError && err.code === 'template_syntax') ours = err.position?.line;
      }
      // `{% break %}`/`{% continue %}` render here (see compatibility.md): nothing to locate.
      if (ours === undefined && /\{% (break|continue) %\}/.test(c.template)) continue;
      lines[c.id] = [ours, c.expected.lineno];
    }
    for (const [id, [ours, python]] of Object.entries(lines)) expect(ours, id).toBe(python);
  });
});

describe('the offset-tracking lexer is the library lexer', () => {
  it("yields exactly the library's tokens on every Jinja2 template of the corpus", () => {
    let compared = 0;
    for (const template of jinjaTemplates) {
      let theirs: { value: string; type: string }[] | Error;
      try {
        theirs = tokenize(template, {}).map((t: { value: string; type: string }) => ({
          value: t.value,
          type: t.type,
        }));
      } catch (err) {
        theirs = err as Error;
      }
      let ours: { value: string; type: string }[] | Error;
      try {
        ours = lexWithOffsets(preprocess(template).src).map((t) => ({ value: t.value, type: t.type }));
      } catch (err) {
        ours = err as Error;
      }
      if (theirs instanceof Error) {
        expect(ours, template).toBeInstanceOf(JinjaLexError);
        expect((ours as Error).message, template).toBe(theirs.message);
      } else {
        expect(ours, template).toEqual(theirs);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(200);
  });

  it("puts every token's offset on the token's own text", () => {
    for (const template of jinjaTemplates) {
      const { src } = preprocess(template);
      let tokens;
      try {
        tokens = lexWithOffsets(src);
      } catch {
        continue;
      }
      for (const t of tokens) {
        const at = src.slice(t.offset);
        if (t.type === 'StringLiteral') expect(at[0], template).toMatch(/['"]/);
        else if (t.type === 'Comment') expect(at.startsWith('{#'), template).toBe(true);
        else if (t.type === 'Text') expect(t.value.length > 0 && at.startsWith(t.value), template).toBe(true);
        // `{%-`, `{{-`, `-%}` and `-}}` start at their dash.
        else
          expect(at.startsWith(t.value) || at.startsWith(`-${t.value}`), `${template} ${t.type}`).toBe(true);
      }
    }
  });

  it('maps offsets after and inside an edit back to the original text', () => {
    const edits = [{ outStart: 2, outEnd: 4, inStart: 2, inEnd: 10 }];
    expect(mapBack(1, edits)).toBe(1);
    expect(mapBack(3, edits)).toBe(2);
    expect(mapBack(5, edits)).toBe(11);
  });
});
