// The start-up scenario of `npm run bench`: Lectern on embedded PGlite started exactly as `npm start`
// starts it (compiled JS, default configuration, no admin key given), next to a bare Fastify +
// PGlite server (bench/bare-pglite-server.mjs), alternating. Measures the time from spawn to the
// first 200 of /healthz on a first start (empty data directory) and on a restart (existing one),
// and the resident set (VmRSS) once idle.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface StartupSample {
  ms: number;
  idleRssMb: number | null;
}

export interface StartupResult {
  first: StartupSample[];
  restart: StartupSample[];
}

export interface StartupCommand {
  args: string[];
  cwd: string;
  env?: Record<string, string>;
}

/** How long a server sits idle before its RSS is read. */
const IDLE_MS = 3000;

function rssMb(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : null;
  } catch {
    return null;
  }
}

async function startOnce(cmd: StartupCommand, dataDir: string, port: number): Promise<StartupSample> {
  const t0 = performance.now();
  const child = spawn(process.execPath, cmd.args, {
    cwd: cmd.cwd,
    env: { ...process.env, ...cmd.env, PORT: String(port), LECTERN_DATA_DIR: dataDir },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}:\n${err}`);
      if (performance.now() - t0 > 120_000) throw new Error(`no /healthz within 120 s:\n${err}`);
      try {
        if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break;
      } catch {
        /* not listening yet */
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    const ms = performance.now() - t0;
    await new Promise((r) => setTimeout(r, IDLE_MS));
    return { ms, idleRssMb: rssMb(child.pid!) };
  } finally {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  }
}

/**
 * `rounds` first starts and restarts of each command, A and B alternating, so load from elsewhere
 * on the machine weighs on both alike.
 */
export async function measureStartup(
  commands: Record<string, StartupCommand>,
  port: () => Promise<number>,
  rounds: number,
  log: (msg: string) => void,
): Promise<Record<string, StartupResult>> {
  const root = mkdtempSync(join(tmpdir(), 'lectern-bench-startup-'));
  const out: Record<string, StartupResult> = {};
  for (const name of Object.keys(commands)) out[name] = { first: [], restart: [] };
  try {
    for (let i = 0; i < rounds; i++) {
      for (const [name, cmd] of Object.entries(commands)) {
        const dir = join(root, `${name}-${i}`);
        const first = await startOnce(cmd, dir, await port());
        const restart = await startOnce(cmd, dir, await port());
        out[name]!.first.push(first);
        out[name]!.restart.push(restart);
        log(
          `  ${name} round ${i + 1}: first ${first.ms.toFixed(0)} ms, restart ${restart.ms.toFixed(0)} ms, idle RSS ${restart.idleRssMb} MB`,
        );
        rmSync(dir, { recursive: true, force: true });
      }
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return out;
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
