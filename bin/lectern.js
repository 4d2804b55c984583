#!/usr/bin/env node
// `lectern …` / `npx lectern …`: runs the compiled CLI (dist/cli/main.js, made by `npm run build`,
// which `npm ci` runs through `prepare`). Resolved from this file, so it works from any directory.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
if (!existsSync(main)) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  console.error(`lectern: ${main} is missing; build it first: (cd ${root} && npm run build)`);
  process.exit(1);
}
// V8 grows its heap lazily under load; a bound makes it collect instead (see LECTERN_HEAP_MB).
const heap = `--max-old-space-size=${process.env.LECTERN_HEAP_MB || 256}`;
// A young generation that stays at 16 MB: V8 shrinks it while the process idles and, when what
// follows leaves nothing alive (cached hits), never grows it back — four times the scavenges per
// request (docs/performance.md, wave 7).
const young = '--min-semi-space-size=16';
const child = spawn(process.execPath, [heap, young, main, ...process.argv.slice(2)], { stdio: 'inherit' });
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
