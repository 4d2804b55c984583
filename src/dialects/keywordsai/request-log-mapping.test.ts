// Property tests of the request log's merge rules (registry/request-log.ts) and the Keywords AI
// mapping's redaction: scores keep one entry per name (the last sent wins, first-seen order), and
// hostile bodies never carry a credential key into a record nor crash the mapping.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import '../../../test/support/fast-check-seed.ts';
import { mergeScores, toRow } from '../../registry/request-log.ts';
import { kaLogPlan, redact } from './request-log-mapping.ts';
import { LecternError } from '../../model/errors.ts';

const score = fc.record({
  name: fc.constantFrom('a', 'b', 'c', 'default'),
  value: fc.double({ noNaN: true, noDefaultInfinity: true }),
});

const SECRET_KEYS = [
  'api_key',
  'apikey',
  'apiKey',
  'authorization',
  'Authorization',
  'credentials',
  'customer_credentials',
  'credential_override',
  'baseURL',
];

describe('request log merge rules', () => {
  it('scores: one per name, the latest value, names in first-seen order', () => {
    fc.assert(
      fc.property(fc.array(score), fc.array(fc.array(score)), (start, adds) => {
        let cur = mergeScores([], start);
        for (const a of adds) cur = mergeScores(cur, a);
        const all = [...start, ...adds.flat()];
        const names = [...new Set(all.map((s) => s.name))];
        expect(cur.map((s) => s.name)).toEqual(names);
        for (const s of cur) expect(s.value).toBe(all.filter((x) => x.name === s.name).at(-1)!.value);
      }),
    );
  });

  it('redaction removes credential keys at any depth and keeps everything else', () => {
    const secretKey = fc.constantFrom(
      'api_key',
      'apiKey',
      'authorization',
      'Authorization',
      'credentials',
      'customer_credentials',
      'credential_override',
    );
    fc.assert(
      fc.property(fc.jsonValue(), secretKey, fc.string(), (v, k, secret) => {
        const wrapped = { outer: [{ [k]: `SECRET${secret}` }, v], [k]: 'SECRET' };
        const out = JSON.stringify(redact(wrapped));
        expect(out).not.toContain(`"${k}"`);
        // A value without credential keys comes back unchanged.
        const clean = JSON.parse(
          JSON.stringify(v, (key, x: unknown) => (SECRET_KEYS.includes(key) ? undefined : x)) ?? 'null',
        );
        expect(redact(clean)).toEqual(clean);
      }),
    );
  });

  it('hostile Keywords AI bodies map to a valid record or a typed error, never a crash', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.constantFrom(
            'prompt_messages',
            'completion_message',
            'usage',
            'latency',
            'timestamp',
            'start_time',
            'status_code',
            'metadata',
            'properties',
            'customer_params',
            'cost',
            'warnings',
            'full_request',
            'positive_feedback',
            'prompt',
            'variables',
          ),
          fc.jsonValue(),
        ),
        (extra) => {
          try {
            const plan = kaLogPlan({ model: 'gpt-4o', ...extra });
            toRow(plan.input);
          } catch (e) {
            expect(e).toBeInstanceOf(LecternError);
          }
        },
      ),
    );
  });
});
