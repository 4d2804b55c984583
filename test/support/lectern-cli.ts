// The `lectern` CLI as a user runs it: a child process, its output and exit code.
import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
// Resolved here, not from the child's working directory (which is a temp dir without node_modules).
const TSX = import.meta.resolve('tsx');

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `lectern …` with a server URL and key in the environment (an empty URL: none, so commands
 * that can act on this machine's store do); never throws on a non-zero exit.
 */
export function lecternAt(url: string, key: string, cwd?: string, env: Record<string, string> = {}) {
  return (...args: string[]): Promise<Run> =>
    new Promise((resolve) => {
      execFile(
        process.execPath,
        ['--import', TSX, MAIN, ...args],
        { cwd, env: { ...process.env, LECTERN_URL: url, LECTERN_API_KEY: key, ...env }, maxBuffer: 64 << 20 },
        (err, stdout, stderr) =>
          resolve({
            code: err ? ((err as { code?: number }).code ?? 1) : 0,
            stdout: String(stdout),
            stderr: String(stderr),
          }),
      );
    });
}

/** Starts `lectern …` as a child process the caller can signal (e.g. SIGKILL mid-run). */
export function spawnLectern(url: string, key: string, cwd: string | undefined, ...args: string[]) {
  const child = spawn(process.execPath, ['--import', TSX, MAIN, ...args], {
    cwd,
    env: { ...process.env, LECTERN_URL: url, LECTERN_API_KEY: key },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += String(d)));
  child.stderr.on('data', (d) => (stderr += String(d)));
  const exited = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, exited };
}
