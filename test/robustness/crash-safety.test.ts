// A real server killed with SIGKILL in the middle of a write burst, at several moments, then
// restarted on the same data (PGlite directory; PostgreSQL schema): every acknowledged write is
// present and whole, nothing half-written is visible, the server starts cleanly every time.
import { describe, expect, it } from 'vitest';
import { backends, pgUrl } from '../support/stores.ts';
import { crashScenario } from '../support/crash.ts';

for (const backend of backends) {
  describe.skipIf(!backend.available)(`crash safety on ${backend.name}`, () => {
    it('SIGKILL at three points of a burst through every writing API loses nothing acknowledged', async () => {
      const report = await crashScenario(backend.name, {
        pgUrl: backend.name === 'postgres' ? pgUrl() : undefined,
        killAfterMs: [150, 500, 1200],
        clients: 8,
      });
      const { violations, ...figures } = report;
      console.log(`[crash] ${JSON.stringify(figures)}`);
      expect(violations).toEqual([]);
      expect(report.fiveXx).toBe(0);
      expect(report.restarts).toBe(3);
      expect(report.acknowledged).toBeGreaterThan(20);
      expect(report.presentAfterCrash).toBe(report.acknowledged);
    }, 180_000);
  });
}
