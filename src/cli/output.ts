// How the CLI shows results: tables for people, `--json` (snake_case, like the HTTP API) for
// scripts, and progress bars with counts and rates — only on a terminal, on stderr, so piped output
// stays clean.
import { SingleBar, Presets } from 'cli-progress';
import Table from 'cli-table3';
import type { Progress } from './sync.ts';

export function table(head: string[], rows: (string | number | null | undefined)[][]): string {
  const t = new Table({ head, style: { head: [], border: [] } });
  for (const r of rows) t.push(r.map((c) => (c === null || c === undefined ? '' : String(c))));
  return t.toString();
}

export const printJson = (value: unknown): void => {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
};

/** A progress bar on stderr when it is a terminal (and not --quiet); otherwise nothing. */
export function progressBar(enabled = process.stderr.isTTY === true): Progress {
  if (!enabled) return { start() {}, tick() {}, stop() {} };
  let bar: SingleBar | null = null;
  let done = 0;
  let t0 = 0;
  return {
    start(total, what) {
      done = 0;
      t0 = Date.now();
      bar = new SingleBar(
        {
          // A total not known up front (a vendor's list, an export's stream): count and rate only.
          format:
            total > 0
              ? `${what.padEnd(8)} [{bar}] {value}/{total} {percentage}% | {rate}/s | eta {eta_formatted}`
              : `${what.padEnd(8)} {value} | {rate}/s`,
          stream: process.stderr,
          hideCursor: true,
          clearOnComplete: true,
          etaBuffer: 50,
        },
        Presets.shades_classic,
      );
      bar.start(total, 0, { rate: '0' });
    },
    tick(n = 1) {
      if (!bar) return;
      done += n;
      bar.update(done, { rate: (done / Math.max((Date.now() - t0) / 1000, 0.001)).toFixed(0) });
    },
    stop() {
      bar?.stop();
      bar = null;
    },
  };
}
