// SIGTERM under load, shared by the CI suite and `npm run stress`: write loops through every
// writing API plus slow renders in flight when the signal lands. In-flight requests must complete,
// later ones be refused (503 or connection refused), the process exit 0, and every acknowledged
// write be there after a restart.
import { freshPlace, httpCall, startOn } from './child-place.ts';
import { dropPlace } from './crash.ts';
import { createTarget, writers, type WriteResult } from './writers.ts';

export interface ShutdownReport {
  exitCode: number | string;
  attempted: number;
  acknowledged: number;
  presentAfterRestart: number;
  inFlightAtSignal: number;
  inFlightCompleted: number;
  /** From SIGTERM to the process's exit. */
  shutdownMs: number;
  /** Queued requests the server had not read yet when it closed (connection reset). */
  resetUnread: number;
  unexpected: string[];
}

const BOMB = '{% for a in range(100000) %}{% for b in range(100000) %}x{% endfor %}{% endfor %}';

export async function shutdownScenario(
  backend: 'pglite' | 'postgres',
  opts: {
    pgUrl?: string;
    clients: number;
    slowRequests: number;
    signalAfterMs: number;
    /** And not before this many writes were acknowledged (a loaded machine writes slower). */
    signalAfterAcks?: number;
  },
): Promise<ShutdownReport> {
  const place = freshPlace(backend, opts.pgUrl);
  let child = await startOn(place);
  const report: ShutdownReport = {
    exitCode: -1,
    attempted: 0,
    acknowledged: 0,
    presentAfterRestart: 0,
    inFlightAtSignal: 0,
    inFlightCompleted: 0,
    shutdownMs: 0,
    resetUnread: 0,
    unexpected: [],
  };
  try {
    const call = httpCall(child.url);
    const target = await createTarget(call, 'shutdown-target');
    const slow = await call('POST', '/v1/prompts', {
      body: {
        name: 'shutdown-slow',
        version: { template_format: 'jinja2', messages: [{ role: 'user', content: BOMB }] },
      },
    });
    if (slow.status !== 201) throw new Error(`creating the slow prompt: ${slow.status}`);
    const acks: WriteResult[] = [];
    let signalledAt = Infinity;
    let counter = 0;
    const loops = Array.from({ length: opts.clients }, async (_, c) => {
      for (;;) {
        const i = counter++;
        const w = writers[(i + c) % writers.length]!;
        const r = await w.write(call, target, i);
        report.attempted++;
        if (r.status >= 200 && r.status < 300) acks.push(r);
        else if (r.status === 0 || r.status === 503) return;
        else if (r.status >= 500) report.unexpected.push(`${w.api} -> ${r.status}`);
      }
    });
    await new Promise((r) => setTimeout(r, opts.signalAfterMs));
    for (const until = Date.now() + 20_000; acks.length < (opts.signalAfterAcks ?? 0) && Date.now() < until;)
      await new Promise((r) => setTimeout(r, 10));
    // Slow renders: on the wire when the signal lands (each takes the render budget to refuse).
    const render = () => call('POST', `/v1/prompts/shutdown-slow/render`, { body: { variables: {} } });
    const slowOnes = [render()];
    await new Promise((r) => setTimeout(r, 30));
    for (let i = 1; i < opts.slowRequests; i++) slowOnes.push(render());
    await new Promise((r) => setTimeout(r, 30));
    report.inFlightAtSignal = slowOnes.length;
    signalledAt = Date.now();
    child.proc.kill('SIGTERM');
    const slowResults = await Promise.all(slowOnes);
    report.inFlightCompleted = slowResults.filter((r) => r.status === 422 || r.status === 200).length;
    // The first render was being rendered when the signal landed: it must complete with its own
    // answer. The others may still sit unread in the socket (the event loop busy rendering); they
    // get their answer, a clean 503, or (rarely, counted) a reset of a connection never read.
    report.resetUnread = slowResults.filter((r) => r.status === 0).length;
    if (![200, 422].includes(slowResults[0]!.status))
      report.unexpected.push(`in-flight render -> ${slowResults[0]!.status}`);
    for (const r of slowResults)
      if (![0, 200, 422, 503].includes(r.status))
        report.unexpected.push(`in-flight render -> ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
    await Promise.all(loops);
    report.exitCode = await child.exited;
    report.shutdownMs = Date.now() - signalledAt;
    const after = await call('GET', '/healthz', { key: null });
    if (after.status !== 0) report.unexpected.push(`after exit the port still answers ${after.status}`);

    child = await startOn(place);
    const again = httpCall(child.url);
    let text = '';
    for (let offset = 0; ; offset += 500) {
      const r = await again('GET', `/v1/prompts/${target.id}/versions?limit=500&offset=${offset}`);
      const items = (r.body?.data ?? []) as unknown[];
      text += JSON.stringify(items);
      if (items.length < 500) break;
    }
    report.acknowledged = acks.length;
    report.presentAfterRestart = acks.filter((a) => text.includes(a.marker)).length;
    const second = await child.stop('SIGTERM');
    if (second !== 0) report.unexpected.push(`idle stop exited with ${second}`);
  } finally {
    if (child.proc.exitCode === null && child.proc.signalCode === null) child.proc.kill('SIGKILL');
    await dropPlace(place).catch(() => {});
  }
  return report;
}
