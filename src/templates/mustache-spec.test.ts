/**
 * The official mustache spec (copied into test/fixtures/mustache-spec with its licence).
 * Lectern does not HTML-escape prompts, so cases whose expectation differs only by escaping are
 * asserted against the un-escaped expectation, and say so in their name. Partials are not
 * supported (a prompt version has no partial store): that file is checked to render them empty.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { render, TemplateError } from './index.ts';

interface SpecCase {
  name: string;
  data: Record<string, unknown>;
  template: string;
  expected: string;
  partials?: Record<string, string>;
}

const dir = fileURLToPath(new URL('../../test/fixtures/mustache-spec/', import.meta.url));
const load = (file: string): SpecCase[] =>
  (JSON.parse(readFileSync(`${dir}${file}.json`, 'utf8')) as { tests: SpecCase[] }).tests;

const unescapeHtml = (s: string): string =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

for (const file of ['interpolation', 'sections', 'inverted', 'comments', 'delimiters']) {
  describe(`mustache spec: ${file}`, () => {
    for (const c of load(file)) {
      const escapedOnly =
        unescapeHtml(c.expected) !== c.expected && /\{\{[^{&]/.test(c.template) && file !== 'comments';
      const title = escapedOnly ? `${c.name} (expected un-escaped: Lectern does not HTML-escape)` : c.name;
      if (c.partials) {
        it(`${c.name} renders the partial tag as empty with a warning (partials are not supported)`, () => {
          expect(render('mustache', c.template, c.data, { mode: 'lenient' }).warnings).toContain(
            'Mustache partials are not supported and render as empty',
          );
        });
        continue;
      }
      if (typeof c.data !== 'object' || c.data === null || Array.isArray(c.data)) {
        it(`${c.name} is refused: variables must be an object, not a bare ${typeof c.data}`, () => {
          expect(() => render('mustache', c.template, c.data, { mode: 'lenient' })).toThrow(TemplateError);
        });
        continue;
      }
      it(title, () => {
        const { output } = render('mustache', c.template, c.data, { mode: 'lenient' });
        expect(output).toBe(escapedOnly ? unescapeHtml(c.expected) : c.expected);
      });
    }
  });
}

describe('mustache spec: partials (not supported)', () => {
  for (const c of load('partials')) {
    it(`${c.name} renders the partial tag as empty with a warning`, () => {
      const result = render('mustache', c.template, c.data, { mode: 'lenient' });
      expect(result.warnings).toContain('Mustache partials are not supported and render as empty');
      expect(result.output).not.toContain('{{>');
    });
  }
});
