// `npm run build`: the production build. Bundles the server and CLI, with the npm packages they use,
// into dist/cli/main.js; the render worker into one self-contained dist/cli/render-worker.js; the
// embedded database's thread into dist/cli/pglite-worker.js; and
// writes dist/pglite-seed.tar.gz — a migrated PGlite data directory that a first start unpacks
// instead of running initdb (~6 s). esbuild rather than `tsc` emit: Node's ESM loader spends about
// a second of a start resolving and compiling the ~1,500 files of src/ and node_modules one by
// one; one bundle is one file, and the build takes well under a second apart from the seed.
// dist/cli keeps the depth of src/cli, so paths the code resolves from import.meta.url (the
// migrations in drizzle/, the seed) hold in both layouts.
import { mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { MIGRATIONS_DIR } from '../src/store/db.ts';
import { SEED_FILE, writeSeed } from '../src/store/pglite-seed.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = `${ROOT}dist`;
const t0 = Date.now();
/**
 * Left in node_modules: packages that find files of their own beside their code (PGlite's WASM and
 * data, piscina's worker, the docs page's assets), optional native code, and build-time tools.
 */
const EXTERNAL = [
  '@electric-sql/pglite',
  'piscina',
  'pg-native',
  'esbuild',
  'tsx',
  '@fastify/swagger-ui',
  '@fastify/static',
];

rmSync(`${DIST}/cli`, { recursive: true, force: true });
mkdirSync(`${DIST}/cli`, { recursive: true });
const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
} as const;
await Promise.all([
  build({
    ...common,
    entryPoints: { main: `${ROOT}src/cli/main.ts` },
    outdir: `${DIST}/cli`,
    external: EXTERNAL,
    // CommonJS packages inside an ESM bundle call require() for Node's built-in modules.
    banner: {
      js: "import { createRequire as __lecternRequire } from 'node:module'; const require = __lecternRequire(import.meta.url);",
    },
  }),
  // The embedded database's thread (src/store/pglite-thread.ts); PGlite stays in node_modules,
  // where it finds its WASM.
  build({
    ...common,
    entryPoints: { 'pglite-worker': `${ROOT}src/store/pglite-worker.ts` },
    outdir: `${DIST}/cli`,
    external: ['@electric-sql/pglite'],
  }),
  // Everything a render needs in one file: a thread loads it without resolving node_modules.
  build({
    ...common,
    entryPoints: { 'render-worker': `${ROOT}src/server/render-worker.ts` },
    outdir: `${DIST}/cli`,
  }),
]);

await writeSeed(SEED_FILE, MIGRATIONS_DIR);

console.log(`lectern: built dist/ in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
