// A real Lectern server in a child process (`lectern serve`), for tests that restart, kill or run
// several servers. Resolves once /healthz answers.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

export interface ChildServer {
  url: string;
  port: number;
  proc: ChildProcess;
  output(): string;
  /** Resolves with the exit code (or the signal name). */
  exited: Promise<number | string>;
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

// Ports for child servers come from a range of this test worker's own, below the kernel's ephemeral
// range (32768+ here), and are checked free by binding. An ephemeral port (listen(0), then close and
// hand it to the child) can be taken by another worker's server in the seconds before a loaded
// machine's child listens on it — and the health check would then find that other server and the
// test would talk to it (a crash test once counted another server's request logs as its own).
const RANGE = 250;
const worker = Number(process.env.VITEST_POOL_ID ?? process.pid) % 48;
let next = 0;

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

export async function freePort(): Promise<number> {
  for (let tries = 0; tries < RANGE; tries++) {
    const port = 20_000 + worker * RANGE + (next++ % RANGE);
    if (await bindable(port)) return port;
  }
  throw new Error(`no free port in this worker's range (${20_000 + worker * RANGE}+${RANGE})`);
}

export async function startChildServer(
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<ChildServer> {
  // A port taken between the check and the child's listen (by a process outside the tests): next one.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnPort(await freePort(), env, timeoutMs);
    } catch (err) {
      if (!(err instanceof PortTaken) || attempt === 3) throw err;
    }
  }
}

class PortTaken extends Error {}

async function startOnPort(
  port: number,
  env: Record<string, string>,
  timeoutMs: number,
): Promise<ChildServer> {
  let out = '';
  const proc = spawn(process.execPath, ['--import', 'tsx', MAIN, 'serve'], {
    env: { ...process.env, LOG_LEVEL: 'warn', HOST: '127.0.0.1', PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | string>((resolve) =>
    proc.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  let dead = false;
  void exited.then(() => (dead = true));
  for (;;) {
    if (dead) {
      if (out.includes('EADDRINUSE')) throw new PortTaken(`port ${port} taken:\n${out}`);
      throw new Error(`server exited during start:\n${out}`);
    }
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`server did not start in ${timeoutMs} ms:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    port,
    proc,
    output: () => out,
    exited,
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
  };
}
