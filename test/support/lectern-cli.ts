// The `lectern` CLI as a user runs it: a child process, its output and exit code.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
// Resolved here, not from the child's working directory (which is a temp dir without node_modules).
const TSX = import.meta.resolve('tsx');

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `lectern …` with a server URL and key in the environment; never throws on a non-zero exit. */
export function lecternAt(url: string, key: string, cwd?: string) {
  return (...args: string[]): Promise<Run> =>
    new Promise((resolve) => {
      execFile(
        process.execPath,
        ['--import', TSX, MAIN, ...args],
        { cwd, env: { ...process.env, LECTERN_URL: url, LECTERN_API_KEY: key }, maxBuffer: 64 << 20 },
        (err, stdout, stderr) =>
          resolve({
            code: err ? ((err as { code?: number }).code ?? 1) : 0,
            stdout: String(stdout),
            stderr: String(stderr),
          }),
      );
    });
}
