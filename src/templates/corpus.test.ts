/**
 * Differential corpus: curated Jinja2 and f-string cases whose expected results were produced by
 * Python itself (src/templates/reference/reference.py → test/fixtures/templates/corpus.json).
 * Runs without Python. A case we knowingly render differently is listed, with its reason, in
 * known-divergences.json; the test asserts our result stays exactly the documented one.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { TemplateFormat } from './index.ts';
import { agrees, runOurs, type Ours, type PyResult } from './reference/compare.ts';

interface Case {
  id: string;
  kind: TemplateFormat;
  template: string;
  variables: Record<string, unknown>;
  expected: PyResult;
}
interface Divergence {
  reason: string;
  ours: Ours;
}

const fixtures = fileURLToPath(new URL('../../test/fixtures/templates/', import.meta.url));
const cases = JSON.parse(readFileSync(`${fixtures}corpus.json`, 'utf8')) as Case[];
const divergencesPath = `${fixtures}known-divergences.json`;
const divergences = JSON.parse(readFileSync(divergencesPath, 'utf8')) as Record<string, Divergence>;

describe('differential corpus against Python (committed expectations)', () => {
  it('has at least 200 cases covering both engines', () => {
    expect(cases.length).toBeGreaterThanOrEqual(200);
    expect(cases.filter((c) => c.kind === 'jinja2').length).toBeGreaterThan(100);
    expect(cases.filter((c) => c.kind === 'f-string').length).toBeGreaterThan(100);
  });

  const mismatches: Record<string, Divergence> = {};
  for (const c of cases) {
    const documented = divergences[c.id];
    const title = `${c.id} ${c.kind} ${JSON.stringify(c.template).slice(0, 70)}`;
    it(documented ? `${title} — known divergence: ${documented.reason}` : `${title} matches Python`, () => {
      const ours = runOurs(c.kind, c.template, c.variables);
      const ok = agrees(c.kind, ours, c.expected, c.variables);
      if (process.env['LECTERN_WRITE_DIVERGENCES'] && !ok)
        mismatches[c.id] = { reason: documented?.reason ?? 'TODO', ours };
      if (documented) {
        expect(ok, 'documented divergence now matches Python: remove it from known-divergences.json').toBe(
          false,
        );
        expect(ours).toEqual(documented.ours);
      } else {
        expect({ ours, python: c.expected, agrees: ok }).toMatchObject({ agrees: true });
      }
    });
  }

  if (process.env['LECTERN_WRITE_DIVERGENCES']) {
    it('writes the current divergences (maintenance mode)', () => {
      writeFileSync(divergencesPath, `${JSON.stringify(mismatches, null, 1)}\n`);
    });
  }
});
