#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so `npx lectern …` works from a clone without a build step.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
// V8 grows its heap lazily under load; a bound makes it collect instead (see LECTERN_HEAP_MB).
const heap = `--max-old-space-size=${process.env.LECTERN_HEAP_MB || 256}`;
const child = spawn(process.execPath, [heap, '--import', 'tsx', main, ...process.argv.slice(2)], {
  stdio: 'inherit',
});
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
