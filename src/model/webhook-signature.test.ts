// Lectern signs with node:crypto; receivers verify with the Standard Webhooks reference library.
// The two must agree on every input: the library is the oracle here.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { standardSignature } from './webhooks.ts';

const secret = fc
  .uint8Array({ minLength: 1, maxLength: 64 })
  .map((b) => `whsec_${Buffer.from(b).toString('base64')}`);

describe('standardSignature', () => {
  it('equals the reference library’s signature for any secret, id, timestamp and body', () => {
    fc.assert(
      fc.property(
        secret,
        fc.string({ minLength: 1, maxLength: 40 }),
        fc.integer({ min: 0, max: 4_000_000_000 }),
        fc.string({ unit: 'binary', maxLength: 400 }),
        (s, id, ts, body) => {
          expect(standardSignature(s, id, ts, body)).toBe(new Webhook(s).sign(id, new Date(ts * 1000), body));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('verifies with the library, also for the second of two secrets (a rotation)', () => {
    const a = `whsec_${randomBytes(32).toString('base64')}`;
    const b = `whsec_${randomBytes(32).toString('base64')}`;
    const ts = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({ type: 'prompt.created', data: { prompt: 'ü ✓' } });
    const headers = {
      'webhook-id': 'msg_1',
      'webhook-timestamp': String(ts),
      'webhook-signature': [a, b].map((s) => standardSignature(s, 'msg_1', ts, body)).join(' '),
    };
    expect(new Webhook(a).verify(body, headers)).toEqual(JSON.parse(body));
    expect(new Webhook(b).verify(body, headers)).toEqual(JSON.parse(body));
  });
});
