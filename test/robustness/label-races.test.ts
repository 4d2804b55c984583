// Label moves racing with version creation and with each other, through every API that moves a
// label (native PUT, PromptLayer release_labels and label routes, Keywords AI deploy): after every
// step each label sits on exactly one version, and the label history replays to the final state.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/stores.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { checkInvariants } from '../support/invariants.ts';
import { labelRaceStep, replayHistory } from '../support/label-race.ts';
import { createTarget, labelMovers, routeMatches, writers, type Call } from '../support/writers.ts';

for (const backend of backends) {
  describe.skipIf(!backend.available)(`label races on ${backend.name}`, () => {
    let t: TestApp;
    let call: Call;
    beforeAll(async () => {
      t = await startTestApp(backend);
      call = t.call as Call;
    });
    afterAll(() => t?.close());

    it('every label-moving API is routed', async () => {
      const target = await createTarget(call, 'labels-routed');
      const missing = [...labelMovers, ...writers]
        .filter((m) => !routeMatches(t.app.routeTable, ...m.probe(target)))
        .map((m) => m.api);
      expect(missing).toEqual([]);
    });

    it('concurrent moves and labelled writes: one version per label after every step, history replays', async () => {
      const target = await createTarget(call, 'labels-race');
      const admin = (await t.registry.authenticate(t.keys.admin))!;
      let seed = 7;
      let okMoves = 0;
      for (let step = 0; step < 10; step++) {
        const r = await labelRaceStep(call, t.app.routeTable, target, 16, seed++);
        expect(r.fiveXx, r.sample).toBe(0);
        okMoves += r.okMoves;
        expect(await checkInvariants(t.store)).toEqual([]);
        expect(await replayHistory(t.registry, admin, target)).toEqual([]);
      }
      expect(okMoves).toBeGreaterThan(10);
    });
  });
}
