// SIGTERM under load on a real server: in-flight requests complete, new ones are refused, the
// process exits 0, and nothing acknowledged is lost.
import { describe, expect, it } from 'vitest';
import { backends, pgUrl } from '../support/stores.ts';
import { shutdownScenario } from '../support/shutdown.ts';

for (const backend of backends) {
  describe.skipIf(!backend.available)(`graceful shutdown on ${backend.name}`, () => {
    it('SIGTERM under write load and slow renders: in-flight complete, exit 0, nothing acknowledged lost', async () => {
      const report = await shutdownScenario(backend.name, {
        pgUrl: backend.name === 'postgres' ? pgUrl() : undefined,
        clients: 8,
        slowRequests: 3,
        signalAfterMs: 400,
        signalAfterAcks: 20,
      });
      const { unexpected, ...figures } = report;
      console.log(`[shutdown] ${JSON.stringify(figures)}`);
      expect(unexpected).toEqual([]);
      expect(report.exitCode).toBe(0);
      // The render the server was running when the signal landed completes with its own answer.
      expect(report.inFlightCompleted).toBeGreaterThanOrEqual(1);
      expect(report.shutdownMs).toBeLessThan(15_000);
      expect(report.acknowledged).toBeGreaterThan(10);
      expect(report.presentAfterRestart).toBe(report.acknowledged);
    }, 120_000);
  });
}
