// A PostgreSQL connection reset under write load: the server survives, the affected requests are
// 503 + Retry-After in their API's envelope, later requests succeed, nothing acknowledged is lost.
import { describe, expect, it } from 'vitest';
import { pgUrl } from '../support/stores.ts';
import { connectionFaultScenario } from '../support/connection-faults.ts';

describe.skipIf(!pgUrl())('PostgreSQL connection resets under write load', () => {
  it('terminated backends inside transactions fail their requests with 503 and never the process', async () => {
    const r = await connectionFaultScenario({
      pgUrl: pgUrl(),
      clients: 12,
      durationMs: 4000,
      killEveryMs: 15,
    });
    console.info('[connection faults]', JSON.stringify({ ...r, violations: r.violations.length }));
    expect(r.violations).toEqual([]);
    expect(r.survived).toBe(true);
    expect(r.terminated).toBeGreaterThan(0);
    expect(r.unavailable).toBeGreaterThan(0);
    // Every API met the fault, and answered it in its own envelope (checked per response above).
    expect(Object.keys(r.unavailableByApi).sort()).toEqual(['keywordsai', 'native', 'nemo', 'promptlayer']);
    expect(r.acknowledged).toBeGreaterThan(0);
  }, 120_000);
});
