// One step of a label race: N concurrent operations drawn (seeded) from every label-moving API and
// every writer that can label the version it creates. Shared by the CI suite and `npm run stress`.
import type { Actor } from '../../src/model/types.ts';
import type { Registry } from '../../src/registry/index.ts';
import { labelMovers, routeMatches, writers, type Call, type Target } from './writers.ts';

export const RACE_LABELS = ['production', 'staging', 'canary'];

export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LABELLING_WRITERS = ['native', 'promptlayer-publish', 'promptlayer-patch', 'keywordsai-create-version'];

export async function labelRaceStep(
  call: Call,
  routeTable: { method: string; url: string }[],
  target: Target,
  ops: number,
  seed: number,
  key?: string,
): Promise<{ fiveXx: number; okMoves: number; okWrites: number; sample: string }> {
  const rnd = prng(seed);
  const movers = labelMovers.filter((m) => routeMatches(routeTable, ...m.probe(target)));
  const labellers = writers.filter(
    (w) => LABELLING_WRITERS.includes(w.api) && routeMatches(routeTable, ...w.probe(target)),
  );
  const head = await call('GET', `/v1/prompts/${target.id}/versions?limit=1`, { key });
  const latest = Number(head.body?.items?.[0]?.number ?? 1) || 1;
  const tasks = Array.from({ length: ops }, async (_, i) => {
    let label = RACE_LABELS[Math.floor(rnd() * RACE_LABELS.length)]!;
    if (rnd() < 0.4 && labellers.length) {
      const w = labellers[Math.floor(rnd() * labellers.length)]!;
      // Keywords AI labels only by deploying (production).
      if (w.api === 'keywordsai-create-version') label = 'production';
      const r = await w.write(call, target, seed * 1000 + i, { labels: [label], key });
      return { kind: 'write' as const, status: r.status, what: `${w.api} ${label}` };
    }
    const m = movers[Math.floor(rnd() * movers.length)]!;
    if (m.api === 'keywordsai-deploy') label = 'production';
    const number = 1 + Math.floor(rnd() * latest);
    const status = await m.move(call, target, label, number, key);
    return { kind: 'move' as const, status, what: `${m.api} ${label}->${number}` };
  });
  const results = await Promise.all(tasks);
  const bad = results.filter((r) => r.status >= 500);
  return {
    fiveXx: bad.length,
    okMoves: results.filter((r) => r.kind === 'move' && r.status < 300).length,
    okWrites: results.filter((r) => r.kind === 'write' && r.status < 300).length,
    sample: JSON.stringify(bad.slice(0, 3)),
  };
}

/** Replays the registry's label history and compares it with the labels it lists now. */
export async function replayHistory(registry: Registry, actor: Actor, target: Target): Promise<string[]> {
  const history = await registry.labelHistory(actor, { id: target.id }, { limit: 100_000, offset: 0 });
  const state = new Map<string, number>();
  const out: string[] = [];
  for (const move of [...history.items].reverse()) {
    const before = state.get(move.labelName) ?? null;
    if (before !== (move.fromVersion ?? null))
      out.push(`history of ${move.labelName}: move from ${move.fromVersion} while on ${before}`);
    if (move.toVersion == null) state.delete(move.labelName);
    else state.set(move.labelName, move.toVersion);
  }
  const { labels } = await registry.listLabels(actor, { id: target.id });
  const now = new Map(labels.map((l) => [l.name, l.versionNumber]));
  for (const [name, n] of now)
    if (state.get(name) !== n) out.push(`${name} on ${n}, history says ${state.get(name)}`);
  for (const [name, n] of state) if (!now.has(name)) out.push(`${name} gone, history says ${n}`);
  return out;
}
