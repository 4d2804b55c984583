// `prestart`: rebuilds dist/ when it is missing or older than what it is built from (a `git pull`
// after `npm ci`), so `npm start` never runs stale code. A few hundred stat calls: milliseconds.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const mtime = (p) => {
  try {
    return statSync(p).mtimeMs;
  } catch {
    return -1;
  }
};
function newest(dir) {
  let n = mtime(dir);
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    n = Math.max(n, e.isDirectory() ? newest(p) : mtime(p));
  }
  return n;
}
const built = Math.min(
  mtime(join(root, 'dist/cli/main.js')),
  mtime(join(root, 'dist/cli/render-worker.js')),
  mtime(join(root, 'dist/pglite-seed.tar.gz')),
);
const sources = Math.max(
  newest(join(root, 'src')),
  newest(join(root, 'drizzle')),
  mtime(join(root, 'scripts/build.ts')),
  mtime(join(root, 'package-lock.json')),
);
if (built < 0 || built < sources) {
  console.error('lectern: dist/ is missing or older than the sources; building');
  const r = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
